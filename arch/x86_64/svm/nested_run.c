/* SPDX-License-Identifier: MIT */
/*
 * VMRUN from L1 and the exits of L2 (docs/nested-svm.md, "VMRUN" and
 * "Exits from L2"). APM Vol 2 section 15.5 (VMRUN), 15.6 (#VMEXIT), 15.9
 * to 15.13 (intercepts), 15.10.1 and 15.11 (the permission maps).
 *
 * VMRUN: L1's RIP moves past the instruction first (both outcomes resume
 * there); vmcb12 is copied out of L1's memory and checked; a failed check
 * is #VMEXIT(VMEXIT_INVALID) to L1, with GIF clear. Otherwise vmcb02 is
 * built from vmcb01 and vmcb12 through the field setters (every field
 * written clears its clean bit, so the auditor judges vmcb02 as it judges
 * any VMCB) and the vCPU switches to it.
 *
 * An exit of L2 is reflected to L1 when L1 intercepts it: the exit
 * information and L2's state go into vmcb12 field by field (as the CPU
 * writes them, leaving the rest of that page alone), the vCPU switches
 * back to vmcb01, GIF clears. Host interrupts and the nested page faults of
 * L0's own tables stay with L0, and so does every exit L0 intercepts for
 * its own sake that L1 does not: L0 then acts for L2 as it would for any
 * guest, and resumes L2. A VMMCALL L1 does not intercept is an undefined
 * instruction in L2 (APM Vol 3 VMMCALL).
 */
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/vm.h>

#include "nested.h"
#include "svm.h"
#include "x86.h"

#define EFER_SVME (1ull << 12)
#define EFER_LME (1ull << 8)
#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define SEG_ATTR_L (1u << 9)   /* CS.L in the VMCB's attribute format */
#define SEG_ATTR_DB (1u << 10) /* CS.D */
#define DR7_RESET 0x400ull     /* #VMEXIT leaves every breakpoint disabled */
#define MAP_BASE_MASK (~0xfffull)
#define EVENT_TYPE_RESERVED (1ull << VMCB_EVENTINJ_TYPE_SHIFT)
#define EXC_NMI 2u
#define EXC_LAST 31u
/* int_ctl bits L1 controls for L2; V_INTR_MASKING stays L0's (host interrupts go to L0). */
#define INT_CTL_FROM_L1 (VMCB_INT_CTL_V_TPR_MASK | VMCB_INT_CTL_V_IRQ | VMCB_INT_CTL_V_INTR_PRIO_MASK | VMCB_INT_CTL_V_IGN_TPR)
#define INT_CTL_TO_L1 (VMCB_INT_CTL_V_TPR_MASK | VMCB_INT_CTL_V_IRQ)

/* ---- switching between vmcb01 and vmcb02 ---- */

static void switch_to(struct svm_vcpu *c, bool l2)
{
	struct svm_nested *n = &c->nested;
	struct vmcb *snap = c->snapshot;
	bool valid = c->snapshot_valid, launched = c->launched;
	c->snapshot = n->snapshot_other;
	c->snapshot_valid = n->snapshot_other_valid;
	c->launched = n->launched_other;
	n->snapshot_other = snap;
	n->snapshot_other_valid = valid;
	n->launched_other = launched;
	c->vmcb = l2 ? n->vmcb02 : n->vmcb01;
	c->vmcb_pa = l2 ? n->vmcb02_pa : n->vmcb01_pa;
	n->in_l2 = l2;
}

void nested_leave_l2(struct svm_vcpu *c)
{
	if (c->nested.enabled && c->nested.in_l2)
		switch_to(c, false);
}

/* ---- VMRUN ---- */

/*
 * The consistency checks of APM Vol 2 15.5.1 that this first version makes
 * (docs/nested-svm.md lists them and what is still missing); 0 if vmcb12
 * passes, else a short name of the first that failed.
 */
static const char *check_vmcb12(const struct vmcb *m)
{
	const struct vmcb_save *s = &m->save;
	const struct vmcb_control *k = &m->control;
	uint64_t ev = k->event_inj, type = ev & VMCB_EVENTINJ_TYPE_MASK, vec = ev & VMCB_EVENTINJ_VECTOR_MASK;
	bool lm_pg = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
	if (!(s->efer & EFER_SVME))
		return "EFER.SVME clear";
	if (!(s->cr0 & CR0_CD) && (s->cr0 & CR0_NW))
		return "CR0.CD clear with CR0.NW set";
	if (s->cr0 >> 32)
		return "CR0[63:32] not zero";
	if (s->dr6 >> 32 || s->dr7 >> 32)
		return "DR6/DR7[63:32] not zero";
	if (lm_pg && !(s->cr4 & CR4_PAE))
		return "EFER.LME and CR0.PG without CR4.PAE";
	if (lm_pg && !(s->cr0 & CR0_PE))
		return "EFER.LME and CR0.PG without CR0.PE";
	if (lm_pg && (s->cr4 & CR4_PAE) && (s->cs.attrib & SEG_ATTR_L) && (s->cs.attrib & SEG_ATTR_DB))
		return "long mode with CS.L and CS.D";
	if (!(k->intercept_misc2 & VMCB_MISC2_VMRUN))
		return "VMRUN not intercepted";
	if (!k->asid)
		return "ASID 0";
	if ((k->nested_ctl & VMCB_NESTED_CTL_NP_ENABLE) && (k->n_cr3 >> 52))
		return "nCR3 above the physical address width";
	if ((ev & VMCB_EVENTINJ_V) &&
	    (type == EVENT_TYPE_RESERVED ||
	     (type == VMCB_EVENTINJ_TYPE_EXCP && (vec == EXC_NMI || vec > EXC_LAST))))
		return "illegal EVENTINJ";
	return NULL;
}

/* vmcb02's maps: L0's, with every intercept L1's maps add (L1's only where L1 enabled them). */
static bool merge_maps(struct vm *vm, struct svm_nested *n, const struct svm_vm *s, const struct vmcb_control *k)
{
	memcpy(n->msrpm02, (const void *)(uintptr_t)s->msrpm_pa[s->perm_cur], SVM_MSRPM_BYTES);
	memcpy(n->iopm02, (const void *)(uintptr_t)s->iopm_pa[s->perm_cur], SVM_IOPM_BYTES);
	if (k->intercept_misc1 & VMCB_MISC1_MSR_PROT) {
		const uint8_t *m = vm_gpa_ptr(vm, k->msrpm_base_pa & MAP_BASE_MASK, SVM_MSRPM_BYTES);
		if (!m)
			return false;
		for (size_t i = 0; i < SVM_MSRPM_BYTES; i++)
			n->msrpm02[i] |= m[i];
	}
	if (k->intercept_misc1 & VMCB_MISC1_IOIO_PROT) {
		const uint8_t *m = vm_gpa_ptr(vm, k->iopm_base_pa & MAP_BASE_MASK, SVM_IOPM_BYTES);
		if (!m)
			return false;
		for (size_t i = 0; i < SVM_IOPM_BYTES; i++)
			n->iopm02[i] |= m[i];
	}
	return true;
}

static int build_control(struct svm_nested *n, const struct vmcb_control *k)
{
	struct vmcb *d = n->vmcb02;
	const struct vmcb_control *l0 = &n->vmcb01->control;
	vmcb_set_intercept_cr(d, l0->intercept_cr | k->intercept_cr);
	vmcb_set_intercept_dr(d, l0->intercept_dr | k->intercept_dr);
	vmcb_set_intercept_exc(d, l0->intercept_exc | k->intercept_exc);
	/* L0's interrupt window is for L1: not in vmcb02 (L1's own VINTR intercept is). */
	vmcb_set_intercept_misc1(d, (l0->intercept_misc1 & ~VMCB_MISC1_VINTR) | k->intercept_misc1);
	vmcb_set_intercept_misc2(d, l0->intercept_misc2 | k->intercept_misc2);
	vmcb_set_intercept_misc3(d, l0->intercept_misc3 | k->intercept_misc3);
	vmcb_set_iopm_base_pa(d, n->iopm02_pa);
	vmcb_set_msrpm_base_pa(d, n->msrpm02_pa);
	vmcb_set_tsc_offset(d, l0->tsc_offset + k->tsc_offset);
	vmcb_set_asid(d, n->l2_asid);
	bool flush = n->l2_flush || k->tlb_control != VMCB_TLB_NOTHING || k->asid != n->last_l1_asid;
	bool npt12 = k->nested_ctl & VMCB_NESTED_CTL_NP_ENABLE;
	if (npt12 && nested_shadow_prepare(&n->shadow, k->n_cr3, flush))
		return -1;
	flush |= npt12 && n->shadow.flushed;
	n->shadow.flushed = false;
	vmcb_set_tlb_control(d, flush ? asid_tlb_control(true, svm_caps.flush_by_asid) : VMCB_TLB_NOTHING);
	n->l2_flush = false;
	n->last_l1_asid = k->asid;
	vmcb_set_int_ctl(d, (k->int_ctl & INT_CTL_FROM_L1) | VMCB_INT_CTL_V_INTR_MASKING);
	vmcb_set_int_vector(d, k->int_vector);
	vmcb_set_int_state(d, k->int_state & VMCB_INT_STATE_SHADOW);
	vmcb_set_event_inj(d, k->event_inj);
	/*
	 * L2 without nested paging of L1's runs on L0's own tables, in L1's
	 * physical space, with L1's PAT as gPAT; with it, on the shadow of
	 * L1's tables (nested_npt.c) and vmcb12's gPAT.
	 */
	vmcb_set_nested_ctl(d, VMCB_NESTED_CTL_NP_ENABLE);
	vmcb_set_n_cr3(d, npt12 ? n->shadow.npt.root_pa : l0->n_cr3);
	vmcb_set_g_pat(d, npt12 ? n->vmcb12->save.g_pat : n->vmcb01->save.g_pat);
	return 0;
}

static void build_save(struct svm_nested *n, const struct vmcb_save *s)
{
	struct vmcb *d = n->vmcb02;
	vmcb_set_es(d, s->es);
	vmcb_set_cs(d, s->cs);
	vmcb_set_ss(d, s->ss);
	vmcb_set_ds(d, s->ds);
	vmcb_set_gdtr(d, s->gdtr);
	vmcb_set_idtr(d, s->idtr);
	vmcb_set_cpl(d, s->cpl);
	vmcb_set_efer(d, s->efer);
	vmcb_set_cr4(d, s->cr4);
	vmcb_set_cr3(d, s->cr3);
	vmcb_set_cr0(d, s->cr0);
	vmcb_set_dr7(d, s->dr7);
	vmcb_set_dr6(d, s->dr6);
	vmcb_set_rflags(d, s->rflags);
	vmcb_set_rip(d, s->rip);
	vmcb_set_rsp(d, s->rsp);
	vmcb_set_rax(d, s->rax);
	vmcb_set_cr2(d, s->cr2);
	/* VMRUN does not load these: L2 starts with what the CPU holds, L1's (or what L1 VMLOADed). */
	nested_copy_vmload_state(d, n->vmcb01);
}

static void vmexit_invalid(struct svm_nested *n, struct vmcb *m, const char *why)
{
	m->control.exit_code = VMEXIT_INVALID;
	m->control.exit_info1 = 0;
	m->control.exit_info2 = 0;
	/* A #VMEXIT like any other: EVENTINJ cleared (KVM missed this path until 2026, "Clear EVENTINJ fields in vmcb12 on nested #VMEXIT"). */
	m->control.event_inj = 0;
	n->gif = false;
	if (n->invalid++ == 0)
		klog(LOG_INFO, "nested SVM: VMRUN refused: %s (VMEXIT_INVALID to L1; counted from now on)", why);
}

int nested_vmrun(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	uint64_t gpa;
	struct vmcb *m = nested_l1_vmcb(v, &gpa);
	if (!m) {
		e->kind = ANVIL_EXIT_ARCH;
		return v->vm->be->inject(v, X86_VEC_GP, 0, ANVIL_INJECT_ERROR_CODE);
	}
	if (svm_skip_instruction(v, e)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not skip L1's VMRUN at 0x%lx", (unsigned long)e->ip);
		return -1;
	}
	e->kind = ANVIL_EXIT_ARCH;
	n->vmruns++;
	memcpy(n->vmcb12, m, sizeof(*m));
	n->vmcb12_gpa = gpa;
	n->fields_read = vmcb_field_count; /* every field, whatever vmcb12's clean bits say (no cache yet) */
	const char *why = check_vmcb12(n->vmcb12);
	struct svm_vm *s = svm_vm_of(v->vm);
	if (!why && !merge_maps(v->vm, n, s, &n->vmcb12->control))
		why = "MSR or I/O permission map outside L1's memory";
	if (why) {
		vmexit_invalid(n, m, why);
		return 0;
	}
	if (build_control(n, &n->vmcb12->control)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "nested SVM: no memory for the shadow nested tables");
		return -1;
	}
	build_save(n, &n->vmcb12->save);
	c->ev.reinject = 0;
	switch_to(c, true);
	n->gif = true;
	return 0;
}

/* ---- exits of L2 ---- */

static bool l1_msr_intercepts(struct vm *vm, const struct vmcb_control *k, const struct vm_exit *e)
{
	if (!(k->intercept_misc1 & VMCB_MISC1_MSR_PROT))
		return false;
	const uint8_t *m = vm_gpa_ptr(vm, k->msrpm_base_pa & MAP_BASE_MASK, SVM_MSRPM_BYTES);
	return !m || svm_msrpm_intercepts(m, e->u.msr.msr, e->kind == ANVIL_EXIT_MSR_WRITE);
}

static bool l1_io_intercepts(struct vm *vm, const struct vmcb_control *k, const struct vm_exit *e)
{
	if (!(k->intercept_misc1 & VMCB_MISC1_IOIO_PROT))
		return false;
	const uint8_t *m = vm_gpa_ptr(vm, k->iopm_base_pa & MAP_BASE_MASK, SVM_IOPM_BYTES);
	if (!m)
		return true;
	for (unsigned i = 0; i < e->u.io.size; i++)
		if (svm_iopm_intercepts(m, (uint16_t)(e->u.io.port + i)))
			return true;
	return false;
}

/* Whether vmcb12 asks for this exit (APM Vol 2 Appendix C: exit codes follow the intercept vectors' bits). */
static bool l1_intercepts(struct vm *vm, const struct vmcb_control *k, uint64_t code, const struct vm_exit *e)
{
	if (code <= VMEXIT_CR0_WRITE + 15)
		return (k->intercept_cr >> code) & 1;
	if (code <= VMEXIT_DR0_WRITE + 15)
		return (k->intercept_dr >> (code - VMEXIT_DR0_READ)) & 1;
	if (code <= VMEXIT_EXCP_LAST)
		return (k->intercept_exc >> (code - VMEXIT_EXCP_BASE)) & 1;
	if (code == VMEXIT_MSR)
		return l1_msr_intercepts(vm, k, e);
	if (code == VMEXIT_IOIO)
		return l1_io_intercepts(vm, k, e);
	if (code <= VMEXIT_SHUTDOWN)
		return (k->intercept_misc1 >> (code - VMEXIT_INTR)) & 1;
	if (code <= VMEXIT_CR0_WRITE_TRAP + 15)
		return (k->intercept_misc2 >> (code - VMEXIT_VMRUN)) & 1;
	if (code <= VMEXIT_TLBSYNC)
		return (k->intercept_misc3 >> (code - VMEXIT_INVLPGB)) & 1;
	return false;
}

/* The exits that name an instruction L1 may want to step over (next_rip). */
static bool has_next_rip(const struct vm_exit *e)
{
	switch (e->kind) {
	case ANVIL_EXIT_HYPERCALL: case ANVIL_EXIT_CPUID: case ANVIL_EXIT_MSR_READ: case ANVIL_EXIT_MSR_WRITE:
	case ANVIL_EXIT_IO: case ANVIL_EXIT_HLT: case ANVIL_EXIT_VIRT_INSN: case ANVIL_EXIT_PRIV_INSN:
		return true;
	default:
		return false;
	}
}

struct exit_info {
	uint64_t code, info1, info2, int_info, nrip;
};

/* #VMEXIT to L1: what the CPU writes into vmcb12, then L1 resumes after its VMRUN with GIF clear. */
static void vmexit_to_l1(struct vcpu *v, struct svm_vcpu *c, const struct exit_info *x)
{
	struct svm_nested *n = &c->nested;
	const struct vmcb *d = n->vmcb02;
	struct vmcb *m = vm_gpa_ptr(v->vm, n->vmcb12_gpa, sizeof(struct vmcb));
	if (m) {
		struct vmcb_control *k = &m->control;
		struct vmcb_save *s = &m->save;
		k->exit_code = x->code;
		k->exit_info1 = x->info1;
		k->exit_info2 = x->info2;
		k->exit_int_info = x->int_info;
		uint64_t nrip = x->nrip;
		k->next_rip = nrip;
		k->int_ctl = (k->int_ctl & ~INT_CTL_TO_L1) | (d->control.int_ctl & INT_CTL_TO_L1);
		k->int_state = d->control.int_state & VMCB_INT_STATE_SHADOW;
		k->event_inj = 0; /* APM Vol 3 VMRUN: #VMEXIT clears EVENTINJ */
		s->es = d->save.es;
		s->cs = d->save.cs;
		s->ss = d->save.ss;
		s->ds = d->save.ds;
		s->gdtr = d->save.gdtr;
		s->idtr = d->save.idtr;
		s->cpl = d->save.cpl;
		s->efer = d->save.efer;
		s->cr0 = d->save.cr0;
		s->cr2 = d->save.cr2;
		s->cr3 = d->save.cr3;
		s->cr4 = d->save.cr4;
		s->dr6 = d->save.dr6;
		s->dr7 = d->save.dr7;
		s->rflags = d->save.rflags;
		s->rip = d->save.rip;
		s->rsp = d->save.rsp;
		s->rax = d->save.rax;
	}
	/* #VMEXIT does not reload FS, GS, TR, LDTR and the syscall MSRs: L1 finds L2's (it VMLOADs its own). */
	nested_copy_vmload_state(n->vmcb01, d);
	vmcb_set_dr7(n->vmcb01, DR7_RESET);
	c->ev.reinject = 0; /* an event the exit cut off is in EXITINTINFO: L1's to deliver */
	c->ev.exception = 0;
	switch_to(c, false);
	n->gif = false;
	n->reflected++;
}

static void reflect(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e, uint64_t code)
{
	const struct vmcb_control *d = &c->nested.vmcb02->control;
	struct exit_info x = { code, d->exit_info1, d->exit_info2, d->exit_int_info, 0 };
	if (has_next_rip(e) && svm_next_rip(v, e, &x.nrip))
		x.nrip = 0;
	vmexit_to_l1(v, c, &x);
	e->kind = ANVIL_EXIT_ARCH;
}

/*
 * An exception L0 raises in L2 for an instruction it emulates or refuses
 * (the #GP of an MSR L0 owns, the #UD of an unintercepted VMMCALL): on a
 * CPU it would be an exception like any other, subject to L1's exception
 * intercepts. Injected through EVENTINJ it would not be (injected events
 * are never intercepted), so one that L1 intercepts becomes the #VMEXIT
 * itself: exit code 0x40 + vector, EXITINFO1 the error code, RIP at the
 * instruction (found by nsvm_basic/unintercepted: the #UD went to L2's own
 * IDT, whose handler's hypercalls raised #UD again, until L2's stack ran
 * out).
 */
bool nested_exception_to_l1(struct vcpu *v, struct svm_vcpu *c, uint8_t vector, uint32_t error_code)
{
	struct svm_nested *n = &c->nested;
	if (!n->enabled || !n->in_l2 || vector >= 32 || !((n->vmcb12->control.intercept_exc >> vector) & 1))
		return false;
	struct exit_info x = { VMEXIT_EXCP_BASE + vector, error_code, 0, 0, 0 };
	vmexit_to_l1(v, c, &x);
	return true;
}

/* An NPF of the shadow: resolved, L1's (its tables refuse), or L0's (outside L1's memory). */
static void shadow_npf(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	const struct vmcb_control *d = &n->vmcb02->control;
	uint64_t l2_gpa = d->exit_info2, f = 0, l1_gpa = 0;
	switch (nested_shadow_fault(v, &n->shadow, l2_gpa, d->exit_info1, &f, &l1_gpa)) {
	case NESTED_NPF_RESOLVED:
		if (n->shadow.flushed) { /* rebuilt from scratch to find room: nothing cached may survive */
			vmcb_set_tlb_control(n->vmcb02, asid_tlb_control(true, svm_caps.flush_by_asid));
			n->shadow.flushed = false;
		}
		e->kind = ANVIL_EXIT_ARCH;
		return;
	case NESTED_NPF_TO_L1: {
		struct exit_info x = { VMEXIT_NPF, f, l2_gpa, d->exit_int_info, 0 };
		n->shadow.faults_to_l1++;
		vmexit_to_l1(v, c, &x);
		e->kind = ANVIL_EXIT_ARCH;
		return;
	}
	case NESTED_NPF_L0:
		n->l0_handled++;
		e->u.mem.gpa = l1_gpa; /* the payload's own fault, at the L1 address L2's access reached */
		return;
	case NESTED_NPF_ERROR:
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "nested SVM: the shadow nested tables could not map L2 address 0x%lx",
		       (unsigned long)l2_gpa);
		e->kind = ANVIL_EXIT_ARCH;
		return;
	}
}

void nested_l2_exit(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	uint64_t code = n->vmcb02->control.exit_code;
	switch (code) {
	case VMEXIT_INTR: case VMEXIT_NMI: case VMEXIT_SMI: case VMEXIT_INIT:
		n->l0_handled++; /* host events: L0's business, L2 resumes */
		return;
	case VMEXIT_NPF:
		if (n->vmcb12->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE)
			shadow_npf(v, c, e);
		else
			n->l0_handled++; /* L2 on L0's own tables: an access outside the payload's memory */
		return;
	case VMEXIT_INVALID:
		reflect(v, c, e, code); /* the CPU refused a state the checks let through: L1's VMRUN failed */
		return;
	default:
		break;
	}
	if (l1_intercepts(v->vm, &n->vmcb12->control, code, e)) {
		reflect(v, c, e, code);
		return;
	}
	n->l0_handled++;
	if (code == VMEXIT_VMMCALL || e->kind == ANVIL_EXIT_VIRT_INSN) {
		/* Not intercepted by L1, these do not exist for L2 (SVME is L1's, not L2's): #UD (svm_inject reflects it if L1 intercepts #UD). */
		v->vm->be->inject(v, X86_VEC_UD, 0, 0);
		e->kind = ANVIL_EXIT_ARCH;
	}
}
