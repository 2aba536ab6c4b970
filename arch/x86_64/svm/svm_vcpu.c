/* SPDX-License-Identifier: MIT */
/*
 * The one vCPU of an SVM VM: its VMCB's initial state (the guest ABI's entry
 * state), its registers for the x86 exit handlers, and the trip through the
 * guest with its clean-bit bookkeeping (docs/svm.md, "Exit flow").
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <anvil/memory.h>
#include <anvil/vm.h>
#include <arch/cpu.h>

#include "guest_state.h"
#include "svm.h"
#include "svm_layout.h"
#include "x86.h"
#include "x86_gva.h"

#define EFER_SVME (1ull << 12) /* a guest under SVM runs with EFER.SVME set (APM Vol 2 §15.5.1) */

/* vmrun.S's offsets. */
_Static_assert(offsetof(struct svm_gprs, rbx) == G_RBX && offsetof(struct svm_gprs, rcx) == G_RCX &&
		       offsetof(struct svm_gprs, rdx) == G_RDX && offsetof(struct svm_gprs, rsi) == G_RSI &&
		       offsetof(struct svm_gprs, rdi) == G_RDI && offsetof(struct svm_gprs, rbp) == G_RBP &&
		       offsetof(struct svm_gprs, r8) == G_R8 && offsetof(struct svm_gprs, r9) == G_R9 &&
		       offsetof(struct svm_gprs, r10) == G_R10 && offsetof(struct svm_gprs, r11) == G_R11 &&
		       offsetof(struct svm_gprs, r12) == G_R12 && offsetof(struct svm_gprs, r13) == G_R13 &&
		       offsetof(struct svm_gprs, r14) == G_R14 && offsetof(struct svm_gprs, r15) == G_R15,
	       "svm_layout.h G_* match struct svm_gprs");
_Static_assert(offsetof(struct vmcb, control.tlb_control) == VMCB_OFF_TLB_CONTROL, "svm_layout.h");
_Static_assert(offsetof(struct vmcb, control.exit_code) == VMCB_OFF_EXIT_CODE, "svm_layout.h");
_Static_assert(offsetof(struct vmcb, control.clean) == VMCB_OFF_CLEAN, "svm_layout.h");
_Static_assert(offsetof(struct vmcb, control.next_rip) == VMCB_OFF_NEXT_RIP, "svm_layout.h");
_Static_assert(offsetof(struct vmcb, save.rip) == VMCB_OFF_RIP, "svm_layout.h");
_Static_assert(offsetof(struct vmcb, save.rax) == VMCB_OFF_RAX, "svm_layout.h");
_Static_assert(VMEXIT_VMMCALL == SVM_EXIT_VMMCALL && ANVIL_HC_MINIMAL_EXITS == SVM_HC_MINIMAL_EXITS, "svm_layout.h");

/* ---- registers ---- */

static uint64_t *gpr_slot(struct svm_vcpu *s, enum x86_reg r)
{
	switch (r) {
	case X86_RBX: return &s->gprs.rbx;
	case X86_RCX: return &s->gprs.rcx;
	case X86_RDX: return &s->gprs.rdx;
	case X86_RSI: return &s->gprs.rsi;
	case X86_RDI: return &s->gprs.rdi;
	case X86_RBP: return &s->gprs.rbp;
	case X86_R8: return &s->gprs.r8;
	case X86_R9: return &s->gprs.r9;
	case X86_R10: return &s->gprs.r10;
	case X86_R11: return &s->gprs.r11;
	case X86_R12: return &s->gprs.r12;
	case X86_R13: return &s->gprs.r13;
	case X86_R14: return &s->gprs.r14;
	case X86_R15: return &s->gprs.r15;
	default: return NULL;
	}
}

static uint64_t svm_reg_get(struct vcpu *v, enum x86_reg r)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	switch (r) {
	case X86_RAX: return s->vmcb->save.rax;
	case X86_RSP: return s->vmcb->save.rsp;
	case X86_RIP: return s->vmcb->save.rip;
	case X86_RFLAGS: return s->vmcb->save.rflags;
	case X86_CR0: return s->vmcb->save.cr0;
	case X86_CR2: return s->vmcb->save.cr2;
	case X86_CR3: return s->vmcb->save.cr3;
	case X86_EFER: return s->vmcb->save.efer;
	default: return *gpr_slot(s, r);
	}
}

static void svm_reg_set(struct vcpu *v, enum x86_reg r, uint64_t val)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	switch (r) {
	case X86_RAX: vmcb_set_rax(s->vmcb, val); break;
	case X86_RSP: vmcb_set_rsp(s->vmcb, val); break;
	case X86_RIP: vmcb_set_rip(s->vmcb, val); break;
	case X86_RFLAGS: vmcb_set_rflags(s->vmcb, val); break;
	case X86_CR0: vmcb_set_cr0(s->vmcb, val); break;
	case X86_CR2: vmcb_set_cr2(s->vmcb, val); break;
	case X86_CR3: vmcb_set_cr3(s->vmcb, val); break;
	case X86_EFER: vmcb_set_efer(s->vmcb, val); break;
	default: *gpr_slot(s, r) = val; break;
	}
}

static int svm_msr_intercept(struct vcpu *v, uint32_t msr, bool read, bool write)
{
	return svm_set_msr_intercept(svm_vm_of(v->vm), msr, read, write);
}

static void svm_io_intercept(struct vcpu *v, uint16_t port, bool on)
{
	svm_set_io_intercept(svm_vm_of(v->vm), port, on);
}

static const struct x86_vcpu_ops svm_x86_ops = {
	.get = svm_reg_get,
	.set = svm_reg_set,
	.set_msr_intercept = svm_msr_intercept,
	.set_io_intercept = svm_io_intercept,
};

void svm_set_ip(struct vcpu *v, uint64_t ip) { vmcb_set_rip(svm_vcpu_of(v)->vmcb, ip); }
void svm_set_result(struct vcpu *v, uint64_t val) { vmcb_set_rax(svm_vcpu_of(v)->vmcb, val); }

bool svm_gva_to_gpa(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error)
{
	const struct vmcb *vmcb = svm_vcpu_of(v)->vmcb;
	return x86_gva_translate(v->vm, vmcb->save.cr0, vmcb->save.cr3, vmcb->save.efer, gva, access, gpa, pf_error);
}

/* ---- set-up ---- */

static struct vmcb_seg seg(uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	return (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = limit, .base = base };
}

/* The shared x86 format is already the VMCB's (guest_state.h). */
static struct vmcb_seg vmcb_seg_of(const struct x86_guest_seg *s)
{
	return seg(s->selector, s->ar, s->limit, s->base);
}

/*
 * Intercepted besides the exits the ABI needs: every instruction that would
 * reach host state SVM does not switch (INVD, WBINVD, XSETBV, MONITOR,
 * MWAIT, RDPRU; docs/svm.md, "Containment") and every SVM instruction.
 */
static void setup_control(struct vmcb *c, struct svm_vm *s)
{
	vmcb_set_intercept_misc1(c, VMCB_MISC1_INTR | VMCB_MISC1_NMI | VMCB_MISC1_SHUTDOWN | VMCB_MISC1_CPUID |
					    VMCB_MISC1_HLT | VMCB_MISC1_INVLPGA | VMCB_MISC1_IOIO_PROT |
					    VMCB_MISC1_MSR_PROT | VMCB_MISC1_INVD);
	vmcb_set_intercept_misc2(c, VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL | VMCB_MISC2_VMLOAD | VMCB_MISC2_VMSAVE |
					    VMCB_MISC2_STGI | VMCB_MISC2_CLGI | VMCB_MISC2_SKINIT |
					    VMCB_MISC2_WBINVD | VMCB_MISC2_MONITOR | VMCB_MISC2_MWAIT |
					    VMCB_MISC2_MWAIT_COND | VMCB_MISC2_XSETBV | VMCB_MISC2_RDPRU);
	vmcb_set_iopm_base_pa(c, s->iopm_pa[s->perm_cur]);
	vmcb_set_msrpm_base_pa(c, s->msrpm_pa[s->perm_cur]);
	vmcb_set_asid(c, s->asid);
	vmcb_set_tlb_control(c, asid_tlb_control(s->asid_needs_flush, svm_caps.flush_by_asid));
	/* Host interrupts stay with the host (host RFLAGS.IF); the guest's IF masks only virtual ones. */
	vmcb_set_int_ctl(c, VMCB_INT_CTL_V_INTR_MASKING);
	vmcb_set_nested_ctl(c, VMCB_NESTED_CTL_NP_ENABLE);
	vmcb_set_n_cr3(c, s->npt.root_pa);
}

static void setup_save(struct vmcb *c, const struct vcpu_entry *e)
{
	struct vmcb_seg code = vmcb_seg_of(&x86_guest_code);
	struct vmcb_seg data = vmcb_seg_of(&x86_guest_data);
	vmcb_set_cs(c, code);
	vmcb_set_ds(c, data);
	vmcb_set_es(c, data);
	vmcb_set_ss(c, data);
	vmcb_set_fs(c, data);
	vmcb_set_gs(c, data);
	vmcb_set_gdtr(c, seg(0, 0, X86_GUEST_GDT_LIMIT, ANVIL_GUEST_GDT));
	vmcb_set_idtr(c, seg(0, 0, 0, 0));
	vmcb_set_tr(c, vmcb_seg_of(&x86_guest_tr));
	vmcb_set_ldtr(c, seg(0, 0, 0, 0));
	vmcb_set_cpl(c, 0);
	vmcb_set_efer(c, X86_GUEST_EFER | EFER_SVME);
	vmcb_set_cr0(c, X86_GUEST_CR0);
	vmcb_set_cr3(c, e->page_table_root);
	vmcb_set_cr4(c, X86_GUEST_CR4);
	vmcb_set_dr6(c, X86_GUEST_DR6);
	vmcb_set_dr7(c, X86_GUEST_DR7);
	vmcb_set_rflags(c, X86_GUEST_RFLAGS);
	vmcb_set_rip(c, e->ip);
	vmcb_set_rsp(c, e->sp);
	vmcb_set_rax(c, 0);
	vmcb_set_g_pat(c, X86_GUEST_PAT);
}

int svm_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e)
{
	struct svm_vm *s = svm_vm_of(v->vm);
	struct svm_vcpu *c = &s->vcpu;
	memset(c, 0, sizeof(*c));
	c->x86.ops = &svm_x86_ops;
	c->vmcb_pa = svm_page_alloc_zeroed(1);
	c->snapshot = malloc(sizeof(struct vmcb));
	if (!c->vmcb_pa || !c->snapshot)
		return -1;
	c->vmcb = (struct vmcb *)(uintptr_t)c->vmcb_pa;
	c->last_cpu = -1;
	v->be = c;
	setup_control(c->vmcb, s);
	setup_save(c->vmcb, e);
	c->gprs.rdi = e->arg0;
	return nested_setup(v, c);
}

/* ---- the trip through the guest ---- */

/* Only the boot CPU runs guests so far; a vCPU that moved would find a different index here. */
static int this_cpu(void) { return 0; }

static void before_vmrun(struct vcpu *v, struct svm_vcpu *c)
{
	const struct svm_events *ev = &c->ev;
	/* An interrupt for L1 waits while L2 runs or L1 has GIF clear. */
	bool intr_allowed = !nested_in_l2(&c->nested) && nested_gif(&c->nested);
	if ((ev->reinject | ev->exception) || (ev->intr_pending && intr_allowed) || ev->window_open)
		svm_events_before_vmrun(c, intr_allowed);
	if (!c->launched || c->last_cpu != this_cpu())
		vmcb_mark_all_dirty(c->vmcb);
	if (v->vm->audit && c->snapshot_valid)
		svm_audit_before_vmrun(c);
	/* Without VmcbClean the CPU must see 0; the software view is rebuilt after the exit. */
	if (!svm_caps.vmcb_clean)
		vmcb_mark_all_dirty(c->vmcb);
}

static void after_vmexit(struct vcpu *v, struct svm_vcpu *c)
{
	c->launched = true;
	c->last_cpu = this_cpu();
	vmcb_mark_clean_after_exit(c->vmcb);
	if (c->vmcb->control.tlb_control != VMCB_TLB_NOTHING)
		vmcb_set_tlb_control(c->vmcb, VMCB_TLB_NOTHING);
	const struct vmcb_control *ctl = &c->vmcb->control;
	if ((ctl->exit_int_info | ctl->event_inj) & VMCB_EVENTINJ_V || ctl->exit_code == VMEXIT_VINTR)
		svm_events_after_vmexit(c);
	if (v->vm->audit) {
		vmcb_audit_snapshot(c->snapshot, c->vmcb);
		c->snapshot_valid = true;
	}
}

/* What the CPU sees in `clean` once an exit is processed (VMCB_CLEAN_ALL less INTR and CR2, or 0). */
static uint32_t clean_after_exit(void)
{
	return svm_caps.vmcb_clean ? VMCB_CLEAN_AFTER_EXIT : 0;
}

int svm_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *c = svm_vcpu_of(v);
	before_vmrun(v, c);
	__asm__ volatile("clgi; sti" ::: "memory");
	if (v->minimal_exits && !nested_in_l2(&c->nested)) /* the fast path answers VMMCALLs as Anvil hypercalls */
		svm_vmrun_minimal(c->vmcb_pa, &c->gprs, svm_host_save_pa, clean_after_exit(), svm_caps.nrips);
	else
		svm_vmrun(c->vmcb_pa, &c->gprs, svm_host_save_pa);
	__asm__ volatile("cli; stgi" ::: "memory");
	after_vmexit(v, c);
	svm_decode_exit(v, e);
	return 0;
}
