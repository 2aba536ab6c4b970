// SPDX-License-Identifier: MIT
/*
 * The vmcb12 -> vmcb02 merge, one function per part of the VMCB:
 * intercepts, permission maps, ASID and TLB, virtual interrupts and events,
 * nested paging, guest state. Which field comes from where is the table in
 * docs/nested-svm.md; APM Vol 2 15.5 (VMRUN), 15.9-15.13 (intercepts),
 * 15.16 (TLB control), 15.20-15.21 (events, virtual interrupts), 15.25
 * (nested paging).
 */
#include "nsvm_merge.h"

#include "asid.h"

#define MAP_WORD 8u

/* ---- permission maps ---- */

void nsvm_merge_map(uint8_t *dst, const uint8_t *l0, const uint8_t *l1, size_t bytes)
{
	for (size_t at = 0; at + MAP_WORD <= bytes; at += MAP_WORD) {
		uint64_t a, b = ~0ull;

		__builtin_memcpy(&a, l0 + at, MAP_WORD);
		if (l1)
			__builtin_memcpy(&b, l1 + at, MAP_WORD);
		a |= b;
		__builtin_memcpy(dst + at, &a, MAP_WORD);
	}
	for (size_t at = bytes & ~(size_t)(MAP_WORD - 1u); at < bytes; at++)
		dst[at] = (uint8_t)(l0[at] | (l1 ? l1[at] : 0xffu));
}

/* ---- TLB ---- */

enum nsvm_tlb nsvm_tlb_from_l1(uint8_t tlb_control)
{
	switch (tlb_control) {
	case VMCB_TLB_NOTHING:
		return NSVM_TLB_NONE;
	case VMCB_TLB_FLUSH_ASID_NONGLOBAL:
		return NSVM_TLB_FLUSH_NONGLOBAL;
	case VMCB_TLB_FLUSH_ASID:
		return NSVM_TLB_FLUSH_ASID;
	default: /* VMCB_TLB_FLUSH_ALL, and values the APM reserves */
		return NSVM_TLB_FLUSH_ALL;
	}
}

uint8_t nsvm_tlb_control(enum nsvm_tlb t, bool flush_by_asid)
{
	switch (t) {
	case NSVM_TLB_NONE:
		return VMCB_TLB_NOTHING;
	case NSVM_TLB_FLUSH_NONGLOBAL:
		return flush_by_asid ? VMCB_TLB_FLUSH_ASID_NONGLOBAL : VMCB_TLB_FLUSH_ALL;
	case NSVM_TLB_FLUSH_ASID:
		return asid_tlb_control(true, flush_by_asid);
	default:
		return VMCB_TLB_FLUSH_ALL;
	}
}

static enum nsvm_tlb tlb_max(enum nsvm_tlb a, enum nsvm_tlb b)
{
	return a > b ? a : b;
}

/*
 * L1's request, raised to a flush of L2's ASID when L1 names another ASID
 * than last time (its guests share one hardware ASID, so a new one of L1's
 * is a different address space in the same TLB tag) or when L0 has its own
 * reason.
 */
static enum nsvm_tlb merge_asid_tlb(struct vmcb *d, const struct nsvm_merge_in *in,
				    struct nsvm_merge_out *out)
{
	const struct vmcb_control *k = &in->vmcb12->control;
	enum nsvm_tlb t = nsvm_tlb_from_l1(k->tlb_control);

	out->l1_flush = t != NSVM_TLB_NONE;
	out->l1_asid_changed = k->asid != in->prev_l1_asid;
	if (out->l1_asid_changed || in->l0_flush)
		t = tlb_max(t, NSVM_TLB_FLUSH_ASID);
	vmcb_update_asid(d, in->l2_asid);
	vmcb_update_tlb_control(d, nsvm_tlb_control(t, in->flush_by_asid));
	return t;
}

/* ---- intercepts ---- */

/* L0's intercepts stay (ORed with L1's); L0's VINTR is for L1 only. */
static void merge_intercepts(struct vmcb *d, const struct vmcb *l0, const struct vmcb *l1)
{
	const struct vmcb_control *a = &l0->control, *b = &l1->control;
	bool l1_pause = (b->intercept_misc1 & VMCB_MISC1_PAUSE) != 0;

	vmcb_update_intercept_cr(d, a->intercept_cr | b->intercept_cr);
	vmcb_update_intercept_dr(d, a->intercept_dr | b->intercept_dr);
	vmcb_update_intercept_exc(d, a->intercept_exc | b->intercept_exc);
	vmcb_update_intercept_misc1(d, (a->intercept_misc1 & ~NSVM_L0_MISC1_FOR_L1_ONLY) | b->intercept_misc1);
	vmcb_update_intercept_misc2(d, a->intercept_misc2 | b->intercept_misc2);
	vmcb_update_intercept_misc3(d, a->intercept_misc3 | b->intercept_misc3);
	/* PAUSE filter: L1's when L1 intercepts PAUSE (the exits are L1's), else L0's. */
	vmcb_update_pause_filter_count(d, l1_pause ? b->pause_filter_count : a->pause_filter_count);
	vmcb_update_pause_filter_thresh(d, l1_pause ? b->pause_filter_thresh : a->pause_filter_thresh);
	/* L2's TSC is L1's TSC plus L1's offset for L2; L1's is the host's plus L0's. */
	vmcb_update_tsc_offset(d, a->tsc_offset + b->tsc_offset);
}

/*
 * The maps: the merged one when L1 consults its own (MSR_PROT, IOIO_PROT),
 * else L0's map from vmcb01 itself, sparing the merge. So the MSRPM base
 * of vmcb02 moves whenever L1 turns MSR interception on or off: the first
 * of the two 2025 KVM shapes, a PERM_MAP change the update marks.
 */
static void merge_maps(struct vmcb *d, const struct nsvm_merge_in *in, struct nsvm_merge_out *out)
{
	const struct vmcb_control *a = &in->vmcb01->control, *b = &in->vmcb12->control;

	out->msrpm_merged = (b->intercept_misc1 & VMCB_MISC1_MSR_PROT) != 0;
	out->iopm_merged = (b->intercept_misc1 & VMCB_MISC1_IOIO_PROT) != 0;
	vmcb_update_msrpm_base_pa(d, out->msrpm_merged ? in->msrpm_merged_pa : a->msrpm_base_pa);
	vmcb_update_iopm_base_pa(d, out->iopm_merged ? in->iopm_merged_pa : a->iopm_base_pa);
}

/* ---- virtual interrupts and events ---- */

/*
 * V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR and the vector are L1's to give L2.
 * V_INTR_MASKING is always set in vmcb02: with it clear, L2's RFLAGS.IF
 * would hold off the host's interrupts, which belong to L0. What L1 asked
 * for (L1's IF masks L1's interrupts while L2 runs) is reported for the
 * hardware side, which delivers L1's interrupts (KVM takes the bit from
 * vmcb01; Anvil's vmcb01 need not have it). The interrupt shadow, the event
 * to inject and NRIP (the return address of an injected software
 * interrupt) come from vmcb12.
 */
static void merge_events(struct vmcb *d, const struct vmcb *l1, struct nsvm_merge_out *out)
{
	const struct vmcb_control *b = &l1->control;

	out->l1_intr_masking = (b->int_ctl & VMCB_INT_CTL_V_INTR_MASKING) != 0;
	vmcb_update_int_ctl(d, (b->int_ctl & NSVM_INT_CTL_FROM_L1) | VMCB_INT_CTL_V_INTR_MASKING);
	vmcb_update_int_vector(d, b->int_vector);
	vmcb_update_int_state(d, b->int_state & VMCB_INT_STATE_SHADOW);
	vmcb_update_event_inj(d, b->event_inj);
	vmcb_update_next_rip(d, b->next_rip);
}

/* ---- nested paging ---- */

/*
 * L0's nested paging always (guest memory exists only through L0's
 * tables), rooted where L0 says. gPAT is L2's PAT: vmcb12's gPAT when L1
 * gives L2 nested paging, else L1's own IA32_PAT, which L2 shares with L1
 * as it would on a CPU. The second 2025 KVM shape: L1 writes its PAT
 * between two nested VMRUNs, gPAT changes, the update marks NPT.
 */
static void merge_npt(struct vmcb *d, const struct nsvm_merge_in *in, struct nsvm_merge_out *out)
{
	out->l1_npt = (in->vmcb12->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE) != 0;
	vmcb_update_nested_ctl(d, in->vmcb01->control.nested_ctl);
	vmcb_update_n_cr3(d, in->n_cr3);
	vmcb_update_g_pat(d, out->l1_npt ? in->vmcb12->save.g_pat : in->l1_pat);
}

/* ---- guest state ---- */

/* What VMRUN loads from the guest's save area (APM 15.5.1), from vmcb12. */
static void merge_save(struct vmcb *d, const struct vmcb *l1)
{
	const struct vmcb_save *s = &l1->save;

	vmcb_update_es(d, s->es);
	vmcb_update_cs(d, s->cs);
	vmcb_update_ss(d, s->ss);
	vmcb_update_ds(d, s->ds);
	vmcb_update_gdtr(d, s->gdtr);
	vmcb_update_idtr(d, s->idtr);
	vmcb_update_cpl(d, s->cpl);
	vmcb_update_efer(d, s->efer);
	vmcb_update_cr4(d, s->cr4);
	vmcb_update_cr3(d, s->cr3);
	vmcb_update_cr0(d, s->cr0);
	vmcb_update_dr7(d, s->dr7);
	vmcb_update_dr6(d, s->dr6);
	vmcb_update_rflags(d, s->rflags);
	vmcb_update_rip(d, s->rip);
	vmcb_update_rsp(d, s->rsp);
	vmcb_update_rax(d, s->rax);
	vmcb_update_cr2(d, s->cr2);
}

void nsvm_copy_vmload_state(struct vmcb *dst, const struct vmcb *src)
{
	const struct vmcb_save *s = &src->save;

	vmcb_update_fs(dst, s->fs);
	vmcb_update_gs(dst, s->gs);
	vmcb_update_tr(dst, s->tr);
	vmcb_update_ldtr(dst, s->ldtr);
	vmcb_update_kernel_gs_base(dst, s->kernel_gs_base);
	vmcb_update_star(dst, s->star);
	vmcb_update_lstar(dst, s->lstar);
	vmcb_update_cstar(dst, s->cstar);
	vmcb_update_sfmask(dst, s->sfmask);
	vmcb_update_sysenter_cs(dst, s->sysenter_cs);
	vmcb_update_sysenter_esp(dst, s->sysenter_esp);
	vmcb_update_sysenter_eip(dst, s->sysenter_eip);
}

/* ---- the whole ---- */

void nsvm_merge(struct vmcb *vmcb02, const struct nsvm_merge_in *in, struct nsvm_merge_out *out)
{
	struct nsvm_merge_out local;
	uint32_t clean_before = vmcb02->control.clean;

	if (!out)
		out = &local;
	merge_intercepts(vmcb02, in->vmcb01, in->vmcb12);
	merge_maps(vmcb02, in, out);
	out->tlb = merge_asid_tlb(vmcb02, in, out);
	merge_events(vmcb02, in->vmcb12, out);
	merge_npt(vmcb02, in, out);
	merge_save(vmcb02, in->vmcb12);
	/* VMRUN does not load these: L2 starts with what the CPU holds, L1's (or what L1 VMLOADed). */
	nsvm_copy_vmload_state(vmcb02, in->vmcb01);
	out->dirtied = clean_before & ~vmcb02->control.clean;
}
