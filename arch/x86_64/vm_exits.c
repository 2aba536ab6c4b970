/* SPDX-License-Identifier: MIT */
/*
 * Exit handlers for what only x86 has: CPUID (answered by the policy in
 * lib/cpuid_policy.c), RDMSR/WRMSR (the Anvil test MSR; anything else the
 * hypervisor intercepts is #GP, as for an MSR that does not exist), port
 * I/O (the Anvil test port; string forms emulated through guest memory with
 * the guest's own rights), and the instructions that would reach host state.
 */
#include <string.h>

#include <anvil/console.h>
#include <anvil/vm.h>
#include <arch/vmm.h>

#include "cpuid_policy.h"
#include "x86.h"
#include "x86_gva.h"
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

static int inject(struct vcpu *v, uint8_t vector, bool with_error, uint32_t error_code)
{
	if (v->vm->be->inject(v, vector, error_code, with_error ? ANVIL_INJECT_ERROR_CODE : 0)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not inject exception %u", vector);
		return -1;
	}
	return 0;
}

int x86_inject_ud(struct vcpu *v)
{
	return v->vm->be->inject(v, X86_VEC_UD, 0, 0);
}

static int inject_gp(struct vcpu *v)
{
	return inject(v, X86_VEC_GP, true, 0);
}

static int x86_exit_cpuid(struct vcpu *v, struct vm_exit *e)
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

static int x86_exit_msr(struct vcpu *v, struct vm_exit *e)
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

/*
 * A string-I/O access the guest's memory refused: what the CPU would have
 * done had the access been its own. The guest's page tables refusing it is
 * the guest's #PF (or #GP for a non-canonical address); its nested rights
 * refusing it is a memory fault, recorded and recoverable like an NPF.
 */
static int io_fault(struct vcpu *v, struct vm_exit *e, const struct vm_copy_fault *f)
{
	if (!f->guest_pt)
		return vm_guest_fault(v, f->gpa, f->access, e->ip, false);
	if (f->pf_error & X86_PF_NONCANONICAL)
		return inject_gp(v);
	x86_reg_set(v, X86_CR2, f->gva);
	return inject(v, X86_VEC_PF, true, f->pf_error);
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
	struct vm_copy_fault f;
	bool faulted = false;
	klog(LOG_DEBUG, "%s: %s%s port 0x%x size %u count %lu ptr 0x%lx address size %u", v->vm->name,
	     e->u.io.rep ? "rep " : "", e->u.io.in ? "ins" : "outs", e->u.io.port, size, (unsigned long)count,
	     (unsigned long)ptr, e->u.io.addr_size);
	for (; done < count && done < IO_ITER_MAX; done++) {
		uint64_t gva = ptr & am;
		uint32_t val = 0;
		if (e->u.io.in) {
			val = port_in(v->vm, e->u.io.port, size);
			faulted = !vm_copy_to_guest(v, gva, &val, size, &f);
		} else {
			faulted = !vm_copy_from_guest(v, gva, &val, size, &f);
			if (!faulted)
				port_out(v->vm, e->u.io.port, size, val);
		}
		if (faulted)
			break;
		ptr = (ptr & ~am) | ((ptr + (uint64_t)step) & am);
	}
	/* Registers show the iterations done, as after a fault in the middle of a REP string instruction. */
	x86_reg_set(v, ptr_reg, ptr);
	if (e->u.io.rep) {
		uint64_t rcx = x86_reg_get(v, X86_RCX);
		x86_reg_set(v, X86_RCX, (rcx & ~am) | ((count - done) & am));
	}
	if (faulted)
		return io_fault(v, e, &f);
	if (e->u.io.rep && count - done)
		return 0; /* re-execute the instruction for the rest */
	return skip(v, e);
}

static int x86_exit_io(struct vcpu *v, struct vm_exit *e)
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

/* ---- instructions that would reach host state ---- */

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)

/* The XCR0 values the CPU offers (CPUID.(EAX=0DH,ECX=0):EDX:EAX), 0 without XSAVE. */
static uint64_t xcr0_supported(void)
{
	uint32_t r[4];
	if (!x86_has_xsave())
		return 0;
	x86_cpuid(0xd, 0, r);
	return ((uint64_t)r[3] << 32) | r[0];
}

/*
 * XSETBV (SDM Vol 2C): ECX must name XCR0, bit 0 must be set, AVX needs SSE,
 * and no bit the CPU does not support; else #GP(0). A valid value is loaded:
 * XCR0 is not switched by VMRUN, so the guest's must be in the CPU while it
 * runs (the host's comes back after the payload: arch_host_state_restore).
 */
static int emulate_xsetbv(struct vcpu *v, struct vm_exit *e)
{
	uint64_t val = (x86_reg_get(v, X86_RAX) & 0xffffffffull) | (x86_reg_get(v, X86_RDX) << 32);
	uint32_t xcr = (uint32_t)x86_reg_get(v, X86_RCX);
	if (xcr != 0 || !(val & XCR0_X87) || ((val & XCR0_AVX) && !(val & XCR0_SSE)) || (val & ~xcr0_supported()))
		return inject_gp(v);
	x86_xcr0_write(val);
	return skip(v, e);
}

static int x86_exit_priv_insn(struct vcpu *v, struct vm_exit *e)
{
	const char *insn = e->u.virt.insn;
	klog(LOG_DEBUG, "%s: guest ran %s at 0x%lx", v->vm->name, insn, (unsigned long)e->ip);
	/* INVD would throw away the host's dirty cache lines: both become a no-op (nothing to write back). */
	if (!strcmp(insn, "INVD") || !strcmp(insn, "WBINVD"))
		return skip(v, e);
	if (!strcmp(insn, "XSETBV"))
		return emulate_xsetbv(v, e);
	/* MONITOR/MWAIT and RDPRU are hidden from the guest's CPUID: they do not exist for it. */
	return inject(v, X86_VEC_UD, false, 0);
}

int arch_exit(struct vcpu *v, struct vm_exit *e)
{
	switch (e->kind) {
	case ANVIL_EXIT_CPUID: return x86_exit_cpuid(v, e);
	case ANVIL_EXIT_MSR_READ:
	case ANVIL_EXIT_MSR_WRITE: return x86_exit_msr(v, e);
	case ANVIL_EXIT_IO: return x86_exit_io(v, e);
	case ANVIL_EXIT_PRIV_INSN: return x86_exit_priv_insn(v, e);
	default:
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "exit kind %s has no handler on x86", vm_exit_kind_name(e->kind));
		return -1;
	}
}
