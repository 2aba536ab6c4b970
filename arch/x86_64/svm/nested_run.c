/* SPDX-License-Identifier: MIT */
/*
 * VMRUN from L1 and the exits of L2 (docs/nested-svm.md): the hardware
 * side around the pure core in arch/x86_64/lib/nsvm_*.c.
 *
 * VMRUN: L1's RIP moves past the instruction first (both outcomes resume
 * there); vmcb12 is read through the clean-bit cache (nsvm_cache: a group
 * L1 marked clean, for the same vmcb12 address and ASID, comes from L0's
 * copy), checked (nsvm_check; a failure is #VMEXIT(VMEXIT_INVALID) to L1
 * with GIF clear), the permission maps merged (L0's | L1's, when vmcb12
 * consults them), the shadow nested tables prepared when vmcb12 enables
 * nested paging (nested_npt.c), and vmcb02 built by nsvm_merge (every
 * field through vmcb_update_*: a changed value clears its clean bit, an
 * unchanged one keeps it, so the auditor judges vmcb02 as any VMCB). The
 * vCPU then switches to vmcb02.
 *
 * An exit of L2: nsvm_exit_owner decides; L1's become #VMEXIT by
 * nsvm_reflect (vmcb12 in L1's memory and the cached copy written alike,
 * vmcb01 restored, the state machine stepped) and the vCPU switches back;
 * L0's are handled as for any guest and L2 resumes. An exception L0 raises
 * in L2 that L1 intercepts becomes the #VMEXIT itself (injected events are
 * never intercepted). A VMMCALL L1 does not intercept is #UD in L2.
 */
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/vm.h>

#include "nested.h"
#include "nsvm_check.h"
#include "nsvm_merge.h"
#include "nsvm_reflect.h"
#include "svm.h"
#include "x86.h"

#define MAP_BASE_MASK (~0xfffull)

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
}

void nested_leave_l2(struct svm_vcpu *c)
{
	if (nested_in_l2(&c->nested)) {
		switch_to(c, false);
		nsvm_state_init(&c->nested.state);
	}
}

/* ---- VMRUN ---- */

static void l1_interrupt_at_vmrun(struct vcpu *v, struct svm_vcpu *c, const struct vmcb_control *k);

static const uint8_t *l1_map(struct vm *vm, uint64_t base, uint32_t bytes)
{
	return vm_gpa_ptr(vm, base & MAP_BASE_MASK, bytes);
}

/* vmcb02's maps where vmcb12 consults L1's: L0's | L1's (a map outside L1's memory counts as all ones). */
static void merge_maps(struct vm *vm, struct svm_nested *n, const struct svm_vm *s, const struct vmcb_control *k)
{
	if (k->intercept_misc1 & VMCB_MISC1_MSR_PROT)
		nsvm_merge_map(n->msrpm02, (const uint8_t *)(uintptr_t)s->msrpm_pa[s->perm_cur],
			       l1_map(vm, k->msrpm_base_pa, SVM_MSRPM_BYTES), SVM_MSRPM_BYTES);
	if (k->intercept_misc1 & VMCB_MISC1_IOIO_PROT)
		nsvm_merge_map(n->iopm02, (const uint8_t *)(uintptr_t)s->iopm_pa[s->perm_cur],
			       l1_map(vm, k->iopm_base_pa, SVM_IOPM_BYTES), SVM_IOPM_BYTES);
}

static void refuse(struct svm_nested *n, struct vmcb *m, const char *why)
{
	nsvm_reflect_invalid(m, n->cache, &n->state);
	n->invalid++;
	if (n->invalid == 1)
		klog(LOG_INFO, "nested SVM: VMRUN refused: %s (VMEXIT_INVALID to L1; counted from now on)", why);
}

int nested_vmrun(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	struct svm_vm *s = svm_vm_of(v->vm);
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
	struct nsvm_cache_stats st;
	const struct vmcb *v12 = nsvm_cache_load(n->cache, gpa, m, &st);
	n->fields_read = st.fields_reread + st.fields_always;
	enum nsvm_check bad = nsvm_check_vmcb12(v12, &n->caps);
	if (bad != NSVM_CHECK_OK) {
		refuse(n, m, nsvm_check_text(bad));
		return 0;
	}
	const struct vmcb_control *k = &v12->control;
	bool l1_npt = k->nested_ctl & VMCB_NESTED_CTL_NP_ENABLE;
	bool l1_flush = nsvm_tlb_from_l1(k->tlb_control) != NSVM_TLB_NONE;
	if (l1_npt && nested_shadow_prepare(&n->shadow, k->n_cr3, k->asid, l1_flush || n->l2_flush)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "nested SVM: no memory for the shadow nested tables");
		return -1;
	}
	merge_maps(v->vm, n, s, k);
	struct nsvm_merge_in in = {
		.vmcb01 = n->vmcb01,
		.vmcb12 = v12,
		.msrpm_merged_pa = n->msrpm02_pa,
		.iopm_merged_pa = n->iopm02_pa,
		.n_cr3 = l1_npt ? n->shadow.npt.root_pa : n->vmcb01->control.n_cr3,
		.l1_pat = n->vmcb01->save.g_pat,
		.l2_asid = n->l2_asid,
		.prev_l1_asid = n->last_l1_asid,
		.l0_flush = n->l2_flush || (l1_npt && n->shadow.flushed),
		.flush_by_asid = svm_caps.flush_by_asid,
	};
	nsvm_merge(n->vmcb02, &in, NULL);
	n->l2_flush = false;
	n->shadow.flushed = false;
	n->last_l1_asid = k->asid;
	if (nsvm_state_step(&n->state, NSVM_EV_VMRUN_OK)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "nested SVM: VMRUN from L2 reached L0's VMRUN emulation");
		return -1;
	}
	c->ev.reinject = 0;
	switch_to(c, true);
	l1_interrupt_at_vmrun(v, c, k);
	return 0;
}

/* ---- exits of L2 ---- */

static void vmexit_to_l1(struct vcpu *v, struct svm_vcpu *c, const struct nsvm_l2_exit *x);

/*
 * An interrupt L0 holds for L1 (ANVIL_HC_INJECT while L1 could not take
 * it) is, seen from L2, a physical interrupt for the host: with INTR
 * intercepted in vmcb12 the VMRUN that just set GIF exits at once with
 * #VMEXIT(INTR) (APM Vol 2 15.21.1), and L1 takes the interrupt after its
 * STGI. Without the intercept it waits for L2's next #VMEXIT (not
 * modelled: delivering it through L2's IDT).
 */
static void l1_interrupt_at_vmrun(struct vcpu *v, struct svm_vcpu *c, const struct vmcb_control *k)
{
	if (!c->ev.intr_pending || !(k->intercept_misc1 & VMCB_MISC1_INTR))
		return;
	struct nsvm_l2_exit x = { .code = VMEXIT_INTR };
	vmexit_to_l1(v, c, &x);
}

/* #VMEXIT to L1 of exit x, then L1 resumes after its VMRUN with GIF clear. */
static void vmexit_to_l1(struct vcpu *v, struct svm_vcpu *c, const struct nsvm_l2_exit *x)
{
	struct svm_nested *n = &c->nested;
	struct vmcb *m = vm_gpa_ptr(v->vm, n->cache->gpa, sizeof(struct vmcb));
	if (!m || nsvm_reflect(m, n->cache, n->vmcb01, n->vmcb02, x, true, &n->state)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "nested SVM: #VMEXIT to L1 impossible (vmcb12 at 0x%lx)",
		       (unsigned long)n->cache->gpa);
		return;
	}
	c->ev.reinject = 0; /* an event the exit cut off is in EXITINTINFO: L1's to deliver */
	c->ev.exception = 0;
	switch_to(c, false);
	n->reflected++;
}

/*
 * An exception L0 raises in L2 for an instruction it emulates or refuses
 * (the #GP of an MSR L0 owns, the #UD of an unintercepted VMMCALL): on a
 * CPU it would be an exception like any other, subject to L1's exception
 * intercepts; injected through EVENTINJ it would not be. One that L1
 * intercepts becomes the #VMEXIT itself: exit code 0x40 + vector,
 * EXITINFO1 the error code, RIP at the instruction (found by
 * nsvm_basic/unintercepted: the #UD went to L2's own IDT, whose handler's
 * hypercalls raised #UD again until L2's stack ran out).
 */
bool nested_exception_to_l1(struct vcpu *v, struct svm_vcpu *c, uint8_t vector, uint32_t error_code)
{
	struct svm_nested *n = &c->nested;
	if (!nested_in_l2(n))
		return false;
	struct nsvm_l2_exit x = { .code = VMEXIT_EXCP_BASE + vector, .info1 = error_code };
	if (nsvm_exit_owner(nsvm_cache_current(n->cache), &x, NULL) != NSVM_OWNER_L1)
		return false;
	vmexit_to_l1(v, c, &x);
	return true;
}

static struct nsvm_l1_maps l1_maps(struct vm *vm, const struct vmcb *v12)
{
	return (struct nsvm_l1_maps){ .msrpm = l1_map(vm, v12->control.msrpm_base_pa, SVM_MSRPM_BYTES),
				      .iopm = l1_map(vm, v12->control.iopm_base_pa, SVM_IOPM_BYTES) };
}

/* An NPF of the shadow: resolved, L1's (its tables refuse), or L0's (outside L1's memory). */
static void shadow_npf(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	const struct vmcb_control *d = &n->vmcb02->control;
	uint64_t l2_gpa = d->exit_info2, f = 0, l1_gpa = 0;
	switch (nested_shadow_fault(v, &n->shadow, l2_gpa, d->exit_info1, &f, &l1_gpa)) {
	case NESTED_NPF_RESOLVED:
		if (n->shadow.flushed) {
			/*
			 * Rebuilt from scratch to find room: a new root (the old one
			 * is freed: found by nsvm_npt/pool_recycles, which faulted
			 * on the same address for ever through the stale nCR3), and
			 * nothing cached may survive.
			 */
			vmcb_set_n_cr3(n->vmcb02, n->shadow.npt.root_pa);
			vmcb_set_tlb_control(n->vmcb02, asid_tlb_control(true, svm_caps.flush_by_asid));
			n->shadow.flushed = false;
		}
		e->kind = ANVIL_EXIT_ARCH;
		return;
	case NESTED_NPF_TO_L1: {
		struct nsvm_l2_exit x = { .code = VMEXIT_NPF, .info1 = f, .info2 = l2_gpa, .int_info = d->exit_int_info,
					  .npf_l1 = true };
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
	const struct vmcb_control *d = &n->vmcb02->control;
	const struct vmcb *v12 = nsvm_cache_current(n->cache);
	struct nsvm_l2_exit x = {
		.code = e->raw_code, .info1 = d->exit_info1, .info2 = d->exit_info2, .int_info = d->exit_int_info,
		.msr = (uint32_t)c->gprs.rcx,
	};
	bool l1_npt = v12->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE;
	if (x.code == VMEXIT_NPF && l1_npt) {
		shadow_npf(v, c, e);
		return;
	}
	struct nsvm_l1_maps maps = l1_maps(v->vm, v12);
	if (nsvm_exit_owner(v12, &x, &maps) == NSVM_OWNER_L1) {
		if (nsvm_exit_has_nrip(x.code) && svm_next_rip(v, e, &x.nrip))
			x.nrip = 0;
		vmexit_to_l1(v, c, &x);
		e->kind = ANVIL_EXIT_ARCH;
		return;
	}
	n->l0_handled++;
	if (x.code == VMEXIT_MSR && nested_pat_msr(v, n->vmcb02, e))
		return;
	if (x.code == VMEXIT_VMMCALL || e->kind == ANVIL_EXIT_VIRT_INSN) {
		/* Not intercepted by L1, these do not exist for L2: #UD (reflected if L1 intercepts #UD). */
		v->vm->be->inject(v, X86_VEC_UD, 0, 0);
		e->kind = ANVIL_EXIT_ARCH;
	}
}
