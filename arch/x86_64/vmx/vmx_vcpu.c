/* SPDX-License-Identifier: MIT */
/*
 * The one vCPU of a VMX VM: its VMCS (controls, host state, the guest ABI's
 * entry state), its registers for the x86 exit handlers, and the trip
 * through the guest (docs/vmx.md, "Exit flow").
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/vm.h>
#include <arch/cpu.h>

#include "guest_state.h"
#include "vmx.h"
#include "vmx_layout.h"
#include "vmx_ops.h"
#include "x86.h"
#include "x86_gva.h"

#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_PAT 0x277u
#define SEG_SEL_RPL_TI 7u
#define VMX_AR_UNUSABLE (1u << 16) /* SDM Vol 3C §25.4.1, Table 25-2 */
#define VMCS_LINK_NONE (~0ull)
#define ACTIVITY_ACTIVE 0u

/* vmentry.S's numbers. */
_Static_assert(offsetof(struct vmx_gprs, rax) == VG_RAX && offsetof(struct vmx_gprs, rbx) == VG_RBX &&
		       offsetof(struct vmx_gprs, rcx) == VG_RCX && offsetof(struct vmx_gprs, rdx) == VG_RDX &&
		       offsetof(struct vmx_gprs, rsi) == VG_RSI && offsetof(struct vmx_gprs, rdi) == VG_RDI &&
		       offsetof(struct vmx_gprs, rbp) == VG_RBP && offsetof(struct vmx_gprs, r8) == VG_R8 &&
		       offsetof(struct vmx_gprs, r9) == VG_R9 && offsetof(struct vmx_gprs, r10) == VG_R10 &&
		       offsetof(struct vmx_gprs, r11) == VG_R11 && offsetof(struct vmx_gprs, r12) == VG_R12 &&
		       offsetof(struct vmx_gprs, r13) == VG_R13 && offsetof(struct vmx_gprs, r14) == VG_R14 &&
		       offsetof(struct vmx_gprs, r15) == VG_R15,
	       "vmx_layout.h VG_* match struct vmx_gprs");
_Static_assert(VF_HOST_RSP == VMCS_HOST_RSP && VF_HOST_RIP == VMCS_HOST_RIP && VF_GUEST_RIP == VMCS_GUEST_RIP &&
		       VF_EXIT_REASON == VMCS_EXIT_REASON && VF_EXIT_INSN_LEN == VMCS_EXIT_INSN_LEN,
	       "vmx_layout.h VF_* match vmcs.h");
_Static_assert(VMX_EXIT_REASON_VMCALL == VMX_EXIT_VMCALL && VMX_HC_MINIMAL_EXITS == ANVIL_HC_MINIMAL_EXITS,
	       "vmx_layout.h");

/* ---- registers ---- */

static uint64_t *gpr_slot(struct vmx_vcpu *c, enum x86_reg r)
{
	switch (r) {
	case X86_RAX: return &c->gprs.rax;
	case X86_RBX: return &c->gprs.rbx;
	case X86_RCX: return &c->gprs.rcx;
	case X86_RDX: return &c->gprs.rdx;
	case X86_RSI: return &c->gprs.rsi;
	case X86_RDI: return &c->gprs.rdi;
	case X86_RBP: return &c->gprs.rbp;
	case X86_R8: return &c->gprs.r8;
	case X86_R9: return &c->gprs.r9;
	case X86_R10: return &c->gprs.r10;
	case X86_R11: return &c->gprs.r11;
	case X86_R12: return &c->gprs.r12;
	case X86_R13: return &c->gprs.r13;
	case X86_R14: return &c->gprs.r14;
	case X86_R15: return &c->gprs.r15;
	default: return NULL;
	}
}

/* CR0 as the guest reads it: its own bits, the read shadow where the host owns them. */
static uint64_t guest_cr0_view(const struct vmx_vcpu *c)
{
	return (vmcs_readn(VMCS_GUEST_CR0) & ~c->cr0_mask) | (c->cr0_shadow & c->cr0_mask);
}

static uint64_t vmx_reg_get(struct vcpu *v, enum x86_reg r)
{
	struct vmx_vcpu *c = vmx_vcpu_of(v);
	switch (r) {
	case X86_RSP: return vmcs_readn(VMCS_GUEST_RSP);
	case X86_RIP: return vmcs_readn(VMCS_GUEST_RIP);
	case X86_RFLAGS: return vmcs_readn(VMCS_GUEST_RFLAGS);
	case X86_CR0: return guest_cr0_view(c);
	case X86_CR2: return c->cr2;
	case X86_CR3: return vmcs_readn(VMCS_GUEST_CR3);
	case X86_EFER: return vmcs_read64(VMCS_GUEST_EFER);
	default: return *gpr_slot(c, r);
	}
}

static void vmx_reg_set(struct vcpu *v, enum x86_reg r, uint64_t val)
{
	struct vmx_vcpu *c = vmx_vcpu_of(v);
	switch (r) {
	case X86_RSP: vmcs_writen(VMCS_GUEST_RSP, val); break;
	case X86_RIP: vmcs_writen(VMCS_GUEST_RIP, val); break;
	case X86_RFLAGS: vmcs_writen(VMCS_GUEST_RFLAGS, val); break;
	case X86_CR0: /* only the guest's own bits: the host-owned ones go through vmx_exit.c's checks */
		vmcs_writen(VMCS_GUEST_CR0, (vmcs_readn(VMCS_GUEST_CR0) & c->cr0_mask) | (val & ~c->cr0_mask));
		break;
	case X86_CR2: c->cr2 = val; break;
	case X86_CR3: vmcs_writen(VMCS_GUEST_CR3, val); break;
	case X86_EFER: vmcs_write64(VMCS_GUEST_EFER, val); break;
	default: *gpr_slot(c, r) = val; break;
	}
}

static int vmx_msr_intercept(struct vcpu *v, uint32_t msr, bool read, bool write)
{
	return vmx_set_msr_intercept(vmx_vm_of(v->vm), msr, read, write);
}

static void vmx_io_intercept(struct vcpu *v, uint16_t port, bool on)
{
	vmx_set_io_intercept(vmx_vm_of(v->vm), port, on);
}

static const struct x86_vcpu_ops vmx_x86_ops = {
	.get = vmx_reg_get,
	.set = vmx_reg_set,
	.set_msr_intercept = vmx_msr_intercept,
	.set_io_intercept = vmx_io_intercept,
};

void vmx_set_ip(struct vcpu *v, uint64_t ip) { vmcs_writen(VMCS_GUEST_RIP, ip); }
void vmx_set_result(struct vcpu *v, uint64_t val) { vmx_vcpu_of(v)->gprs.rax = val; }

bool vmx_gva_to_gpa(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error)
{
	return x86_gva_translate(v->vm, vmcs_readn(VMCS_GUEST_CR0), vmcs_readn(VMCS_GUEST_CR3),
				 vmcs_read64(VMCS_GUEST_EFER), gva, access, gpa, pf_error);
}

void vmx_set_proc(struct vmx_vcpu *c, uint32_t proc)
{
	if (c->proc != proc) {
		c->proc = proc;
		vmcs_write32(VMCS_PROC_CTLS, proc);
	}
}

/* ---- set-up ---- */

/* The shared attribute format to the VMCS's: bits 11:8 move to 15:12 (guest_state.h). */
static uint32_t vmx_ar(uint16_t ar)
{
	return (ar & 0xffu) | ((uint32_t)(ar & 0xf00u) << 4);
}

#define GUEST_SEG(name, s)                                          \
	do {                                                        \
		vmcs_write16(VMCS_GUEST_##name##_SEL, (s)->selector); \
		vmcs_write32(VMCS_GUEST_##name##_AR, vmx_ar((s)->ar)); \
		vmcs_write32(VMCS_GUEST_##name##_LIMIT, (s)->limit);  \
		vmcs_writen(VMCS_GUEST_##name##_BASE, (s)->base);     \
	} while (0)

static void setup_guest(struct vmx_vcpu *c, const struct vcpu_entry *e)
{
	GUEST_SEG(CS, &x86_guest_code);
	GUEST_SEG(DS, &x86_guest_data);
	GUEST_SEG(ES, &x86_guest_data);
	GUEST_SEG(SS, &x86_guest_data);
	GUEST_SEG(FS, &x86_guest_data);
	GUEST_SEG(GS, &x86_guest_data);
	GUEST_SEG(TR, &x86_guest_tr);
	vmcs_write16(VMCS_GUEST_LDTR_SEL, 0);
	vmcs_write32(VMCS_GUEST_LDTR_AR, VMX_AR_UNUSABLE);
	vmcs_write32(VMCS_GUEST_LDTR_LIMIT, 0);
	vmcs_writen(VMCS_GUEST_LDTR_BASE, 0);
	vmcs_writen(VMCS_GUEST_GDTR_BASE, ANVIL_GUEST_GDT);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, X86_GUEST_GDT_LIMIT);
	vmcs_writen(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0);
	/* The host owns the bits VMX fixes: the guest sees its own values through the read shadows. */
	c->cr0_mask = vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1;
	c->cr4_mask = vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1;
	c->cr0_shadow = X86_GUEST_CR0;
	c->cr4_shadow = X86_GUEST_CR4;
	vmcs_writen(VMCS_CR0_GUEST_HOST_MASK, c->cr0_mask);
	vmcs_writen(VMCS_CR4_GUEST_HOST_MASK, c->cr4_mask);
	vmcs_writen(VMCS_CR0_READ_SHADOW, c->cr0_shadow);
	vmcs_writen(VMCS_CR4_READ_SHADOW, c->cr4_shadow);
	vmcs_writen(VMCS_GUEST_CR0, vmx_cr_fixed_apply(X86_GUEST_CR0, vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
	vmcs_writen(VMCS_GUEST_CR4, vmx_cr_fixed_apply(X86_GUEST_CR4, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1));
	vmcs_writen(VMCS_GUEST_CR3, e->page_table_root);
	vmcs_writen(VMCS_GUEST_DR7, X86_GUEST_DR7);
	vmcs_write64(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_writen(VMCS_GUEST_RFLAGS, X86_GUEST_RFLAGS);
	vmcs_writen(VMCS_GUEST_RIP, e->ip);
	vmcs_writen(VMCS_GUEST_RSP, e->sp);
	vmcs_write64(VMCS_GUEST_EFER, X86_GUEST_EFER);
	vmcs_write64(VMCS_GUEST_PAT, X86_GUEST_PAT);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writen(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writen(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmcs_writen(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write64(VMCS_LINK_POINTER, VMCS_LINK_NONE);
	c->gprs.rdi = e->arg0;
	c->cr2 = 0;
}

static uint16_t read_sel(int which)
{
	uint16_t s = 0;
	switch (which) {
	case 0: __asm__ volatile("mov %%ss, %0" : "=r"(s)); break;
	case 1: __asm__ volatile("mov %%ds, %0" : "=r"(s)); break;
	case 2: __asm__ volatile("mov %%es, %0" : "=r"(s)); break;
	case 3: __asm__ volatile("mov %%fs, %0" : "=r"(s)); break;
	default: __asm__ volatile("mov %%gs, %0" : "=r"(s)); break;
	}
	return s & ~SEG_SEL_RPL_TI; /* VM entry checks RPL = TI = 0 (SDM Vol 3C §27.2.3) */
}

/* What a VM exit loads (SDM Vol 3C §28.5): the host as it runs now, which never changes after boot. */
static void setup_host(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr;
	__asm__ volatile("sidt %0" : "=m"(idtr));
	vmcs_writen(VMCS_HOST_CR0, x86_read_cr0());
	vmcs_writen(VMCS_HOST_CR3, x86_read_cr3());
	vmcs_writen(VMCS_HOST_CR4, x86_read_cr4());
	vmcs_write16(VMCS_HOST_CS_SEL, GDT_KCODE);
	vmcs_write16(VMCS_HOST_SS_SEL, read_sel(0));
	vmcs_write16(VMCS_HOST_DS_SEL, read_sel(1));
	vmcs_write16(VMCS_HOST_ES_SEL, read_sel(2));
	vmcs_write16(VMCS_HOST_FS_SEL, read_sel(3));
	vmcs_write16(VMCS_HOST_GS_SEL, read_sel(4));
	vmcs_write16(VMCS_HOST_TR_SEL, GDT_TSS);
	vmcs_writen(VMCS_HOST_FS_BASE, x86_rdmsr(MSR_FS_BASE));
	vmcs_writen(VMCS_HOST_GS_BASE, x86_rdmsr(MSR_GS_BASE));
	vmcs_writen(VMCS_HOST_TR_BASE, x86_tss_base());
	vmcs_writen(VMCS_HOST_GDTR_BASE, x86_gdt_base());
	vmcs_writen(VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_write32(VMCS_HOST_SYSENTER_CS, (uint32_t)x86_rdmsr(MSR_SYSENTER_CS));
	vmcs_writen(VMCS_HOST_SYSENTER_ESP, x86_rdmsr(MSR_SYSENTER_ESP));
	vmcs_writen(VMCS_HOST_SYSENTER_EIP, x86_rdmsr(MSR_SYSENTER_EIP));
	vmcs_write64(VMCS_HOST_EFER, x86_rdmsr(MSR_EFER));
	vmcs_write64(VMCS_HOST_PAT, x86_rdmsr(MSR_PAT));
	vmcs_writen(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_landing);
}

static void setup_controls(struct vmx_vcpu *c, struct vmx_vm *s)
{
	uint32_t pin = vmx_caps.pin, exit = vmx_caps.exit;
	c->preempt_ticks = vmx_slice_ticks();
	c->slice_reload = true;
	if (!c->preempt_ticks) {
		pin &= ~VMX_PIN_PREEMPTION_TIMER;
		exit &= ~VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER;
	}
	vmcs_write32(VMCS_PIN_CTLS, pin);
	c->proc = vmx_caps.proc;
	vmcs_write32(VMCS_PROC_CTLS, c->proc);
	vmcs_write32(VMCS_PROC_CTLS2, vmx_caps.proc2);
	vmcs_write32(VMCS_EXIT_CTLS, exit);
	vmcs_write32(VMCS_ENTRY_CTLS, vmx_caps.entry);
	vmcs_write32(VMCS_EXCEPTION_BITMAP, 0);
	vmcs_write32(VMCS_PF_ERROR_MASK, 0);
	vmcs_write32(VMCS_PF_ERROR_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write64(VMCS_TSC_OFFSET, 0);
	vmcs_write64(VMCS_IO_BITMAP_A, s->io_bitmap_pa);
	vmcs_write64(VMCS_IO_BITMAP_B, s->io_bitmap_pa + ARCH_PAGE_SIZE);
	vmcs_write64(VMCS_MSR_BITMAP, s->msr_bitmap_pa);
	vmcs_write64(VMCS_EPT_POINTER, npt_ept_pointer(&s->ept, vmx_caps.ept_ad));
	if (vmx_caps.vpid)
		vmcs_write16(VMCS_VPID, s->vpid);
	if (vmx_caps.spp) /* the field exists only where SPP does (VMWRITE would fail with error 12) */
		vmcs_write64(VMCS_SPPT_POINTER, sppt_root_pa(&s->sppt));
}

int vmx_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	struct vmx_vcpu *c = &s->vcpu;
	memset(c, 0, sizeof(*c));
	c->x86.ops = &vmx_x86_ops;
	for (unsigned i = 0; i < VMX_EXIT_RING; i++)
		c->ring[i].reason = VMX_NO_EXIT;
	c->vmcs_pa = vmx_page_alloc_zeroed(1);
	if (!c->vmcs_pa)
		return -1;
	*(uint32_t *)(uintptr_t)c->vmcs_pa = vmx_basic_revision(vmx_caps.basic);
	if (vmx_vmcs_clear(c->vmcs_pa) || vmx_vmcs_load(c->vmcs_pa))
		return -1;
	v->be = c;
	char first[160];
	uint64_t failed = vmx_vmcs_failures(first, sizeof(first));
	setup_controls(c, s);
	setup_host();
	setup_guest(c, e);
	if (vmx_vmcs_failures(first, sizeof(first)) != failed) {
		klog(LOG_ERROR, "%s: VMCS set-up failed: %s", v->vm->name, first);
		return -1;
	}
	return 0;
}

/* ---- the trip through the guest ---- */

/* A VMLAUNCH/VMRESUME that did not enter: name the VM-instruction error (SDM Vol 3C §31.4). */
static void entry_refused(struct vmx_vcpu *c, int r, struct vm_exit *e)
{
	uint32_t err = r == VMX_FAIL_VALID ? vmcs_read32(VMCS_INSN_ERROR) : 0;
	e->kind = ANVIL_EXIT_FAILED_ENTRY;
	e->ip = vmcs_readn(VMCS_GUEST_RIP);
	e->raw_code = err;
	e->raw_name = r == VMX_FAIL_VALID ? vmx_instruction_error_name(err) : "VMfailInvalid (no current VMCS)";
	klog(LOG_ERROR, "vmx: %s failed: %s", c->launched ? "VMRESUME" : "VMLAUNCH", e->raw_name);
}

int vmx_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	struct vmx_vcpu *c = vmx_vcpu_of(v);
	if (c->vmcs_pa != vmx_current_vmcs && vmx_vmcs_load(c->vmcs_pa))
		return -1;
	if (s->ept_stale) {
		vmx_invept(s);
		s->ept_stale = false;
	}
	if (s->vpid_needs_flush) {
		vmx_invvpid(s->vpid); /* a reused VPID may still tag its previous owner's translations */
		s->vpid_needs_flush = false;
	}
	if (vmx_events_pending(&c->ev))
		vmx_events_before_entry(c);
	/* A fresh slice after the last one ended; in between the CPU saved what was left (exit control). */
	if (c->preempt_ticks && c->slice_reload) {
		vmcs_write32(VMCS_GUEST_PREEMPTION_TIMER, c->preempt_ticks);
		c->slice_reload = !(vmx_caps.exit & VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER);
	}
	/* VMX does not switch CR2 (SDM Vol 3C §28.3): the guest's goes in by hand. */
	if (x86_read_cr2() != c->cr2)
		__asm__ volatile("mov %0, %%cr2" ::"r"(c->cr2));
	uint64_t failed = vmx_vmcs_failure_count;
	int r = v->minimal_exits ? vmx_vmenter_minimal(&c->gprs, c->launched) : vmx_vmenter(&c->gprs, c->launched);
	c->cr2 = x86_read_cr2();
	if (r) {
		entry_refused(c, r, e);
		return 0;
	}
	c->launched = true;
	c->exits++;
	vmx_decode_exit(v, e);
	if (e->kind == ANVIL_EXIT_TIMESLICE)
		c->slice_reload = true;
	if (__builtin_expect(vmx_vmcs_failure_count != failed, 0)) {
		char first[160];
		vmx_vmcs_failures(first, sizeof(first));
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "VMCS access failed: %s", first);
		return -1;
	}
	return 0;
}
