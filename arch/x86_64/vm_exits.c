/* SPDX-License-Identifier: MIT */
/*
 * Exit handlers for what only x86 has: CPUID (answered by the policy in
 * lib/cpuid_policy.c), RDMSR/WRMSR (the Anvil test MSR; anything else the
 * hypervisor intercepts is #GP, as for an MSR that does not exist), and port
 * I/O (the Anvil test port; string forms emulated through guest memory).
 */
#include <string.h>

#include <anvil/console.h>
#include <anvil/vm.h>
#include <arch/vmm.h>

#include "cpuid_policy.h"
#include "x86.h"
#include "x86_vcpu.h"

#define IO_ITER_MAX 4096u /* string I/O iterations per exit: a huge rcx cannot stall the hypervisor */
#define IO_NO_DEVICE 0xffffffffu

static int skip(struct vcpu *v, struct vm_exit *e)
{
	if (v->vm->be->skip_instruction(v, e)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not skip the instruction at 0x%lx", (unsigned long)e->ip);
		return -1;
	}
	return 0;
}

static int inject_gp(struct vcpu *v)
{
	if (v->vm->be->inject(v, X86_VEC_GP, 0, ANVIL_INJECT_ERROR_CODE)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not inject #GP");
		return -1;
	}
	return 0;
}

int arch_exit_cpuid(struct vcpu *v, struct vm_exit *e)
{
	struct cpuid_regs host = { 0 }, out;
	uint32_t leaf = e->u.cpuid.leaf, sub = e->u.cpuid.subleaf;
	if (!cpuid_policy_synthetic(leaf)) {
		uint32_t r[4];
		x86_cpuid(leaf, sub, r);
		host = (struct cpuid_regs){ r[0], r[1], r[2], r[3] };
	}
	cpuid_policy_apply(leaf, sub, &host, &out);
	x86_reg_set(v, X86_RAX, out.eax);
	x86_reg_set(v, X86_RBX, out.ebx);
	x86_reg_set(v, X86_RCX, out.ecx);
	x86_reg_set(v, X86_RDX, out.edx);
	return skip(v, e);
}

int arch_exit_msr(struct vcpu *v, struct vm_exit *e)
{
	uint32_t msr = e->u.msr.msr;
	if (msr != ANVIL_TEST_MSR) {
		klog(LOG_DEBUG, "%s: %s of intercepted MSR 0x%x: #GP", v->vm->name,
		     e->kind == ANVIL_EXIT_MSR_READ ? "RDMSR" : "WRMSR", msr);
		return inject_gp(v);
	}
	if (e->kind == ANVIL_EXIT_MSR_READ) {
		x86_reg_set(v, X86_RAX, (uint32_t)v->vm->test_msr);
		x86_reg_set(v, X86_RDX, (uint32_t)(v->vm->test_msr >> 32));
	} else {
		v->vm->test_msr = e->u.msr.value;
	}
	return skip(v, e);
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static uint32_t port_in(struct vm *vm, uint16_t port, unsigned size)
{
	if (port == ANVIL_TEST_PORT)
		return vm->test_port & size_mask(size);
	return IO_NO_DEVICE & size_mask(size);
}

static void port_out(struct vm *vm, uint16_t port, unsigned size, uint32_t val)
{
	if (port == ANVIL_TEST_PORT)
		vm->test_port = (vm->test_port & ~size_mask(size)) | (val & size_mask(size));
}

static void set_in_result(struct vcpu *v, unsigned size, uint32_t val)
{
	uint64_t rax = x86_reg_get(v, X86_RAX);
	if (size == 4)
		rax = val; /* a 32-bit destination zero-extends into RAX */
	else
		rax = (rax & ~(uint64_t)size_mask(size)) | val;
	x86_reg_set(v, X86_RAX, rax);
}

static uint64_t addr_mask(unsigned addr_size)
{
	return addr_size >= 8 ? ~0ull : (1ull << (addr_size * 8)) - 1;
}

/* INS/OUTS, with REP: up to IO_ITER_MAX iterations now, the rest on re-execution. */
static int string_io(struct vcpu *v, struct vm_exit *e)
{
	const unsigned size = e->u.io.size;
	const uint64_t am = addr_mask(e->u.io.addr_size);
	const enum x86_reg ptr_reg = e->u.io.in ? X86_RDI : X86_RSI;
	uint64_t count = e->u.io.rep ? x86_reg_get(v, X86_RCX) & am : 1;
	uint64_t ptr = x86_reg_get(v, ptr_reg);
	int64_t step = (x86_reg_get(v, X86_RFLAGS) & X86_RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	uint64_t done = 0;
	klog(LOG_DEBUG, "%s: %s%s port 0x%x size %u count %lu ptr 0x%lx address size %u", v->vm->name,
	     e->u.io.rep ? "rep " : "", e->u.io.in ? "ins" : "outs", e->u.io.port, size, (unsigned long)count,
	     (unsigned long)ptr, e->u.io.addr_size);
	for (; done < count && done < IO_ITER_MAX; done++) {
		uint64_t gva = ptr & am;
		uint32_t val = 0;
		if (e->u.io.in) {
			val = port_in(v->vm, e->u.io.port, size);
			if (!vm_write_gva(v, gva, &val, size))
				goto bad;
		} else {
			if (!vm_read_gva(v, gva, &val, size))
				goto bad;
			port_out(v->vm, e->u.io.port, size, val);
		}
		ptr = (ptr & ~am) | ((ptr + (uint64_t)step) & am);
	}
	x86_reg_set(v, ptr_reg, ptr);
	if (e->u.io.rep) {
		uint64_t rcx = x86_reg_get(v, X86_RCX);
		x86_reg_set(v, X86_RCX, (rcx & ~am) | ((count - done) & am));
		if (count - done)
			return 0; /* re-execute the instruction for the rest */
	}
	return skip(v, e);
bad:
	vm_end(v->vm, VM_OUTCOME_GUEST_ERROR, "string I/O buffer 0x%lx at ip 0x%lx is outside guest memory",
	       (unsigned long)(ptr & am), (unsigned long)e->ip);
	return -1;
}

int arch_exit_io(struct vcpu *v, struct vm_exit *e)
{
	unsigned size = e->u.io.size;
	if (size != 1 && size != 2 && size != 4) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "I/O exit with operand size %u", size);
		return -1;
	}
	if (e->u.io.string)
		return string_io(v, e);
	if (e->u.io.in)
		set_in_result(v, size, port_in(v->vm, e->u.io.port, size));
	else
		port_out(v->vm, e->u.io.port, size, (uint32_t)x86_reg_get(v, X86_RAX));
	return skip(v, e);
}
