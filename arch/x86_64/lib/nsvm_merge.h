/* SPDX-License-Identifier: MIT */
/*
 * vmcb02 from vmcb01 and vmcb12 (docs/nested-svm.md, "The merge"): the VMCB
 * L0 runs L2 on, built from L0's own VMCB for L1 (vmcb01: L0's intercepts,
 * permission maps, TSC offset, nested tables) and from L1's VMCB for L2
 * (vmcb12, already copied into L0's memory, checked by nsvm_check.c and,
 * with clean bits honoured, taken from nsvm_cache.c).
 *
 * Every vmcb02 write goes through vmcb_update_<field>() (vmcb.h): a field
 * whose value changes gets its clean bit cleared, a field whose value stays
 * keeps its group's bit. So the clean bits of vmcb02 are right by
 * construction whatever L1 changed between two nested VMRUNs: the two 2025
 * KVM regressions (vmcb02's MSRPM base switching between vmcb01's map and
 * the merged one, vmcb02's gPAT following L1's IA32_PAT, both written
 * without dirtying PERM_MAP / NPT) cannot be written this way, and
 * tests/unit/test_nsvm_merge.c shows the auditor catching them when they
 * are. Pure.
 */
#ifndef X86_NSVM_MERGE_H
#define X86_NSVM_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcb.h"

/*
 * What L0 does to L2's translations at this nested VMRUN, weakest first.
 * L0 runs every ASID of L1's onto one hardware ASID for L2, so "this ASID"
 * of L1's is that ASID; L1's "flush everything" includes L1's own
 * translations, hence the whole TLB.
 */
enum nsvm_tlb {
	NSVM_TLB_NONE = 0,
	NSVM_TLB_FLUSH_NONGLOBAL, /* L2's hardware ASID, non-global entries */
	NSVM_TLB_FLUSH_ASID,      /* L2's hardware ASID */
	NSVM_TLB_FLUSH_ALL,       /* every ASID */
};

/*
 * Intercepts of L0's that serve L1 alone and stay out of vmcb02: L0's
 * virtual interrupt window (VINTR) waits for L1's RFLAGS.IF; in L2 an
 * interrupt for L1 is delivered as #VMEXIT(INTR) or through L2, which the
 * hardware side decides. vmcb12's own VINTR intercept is kept.
 */
#define NSVM_L0_MISC1_FOR_L1_ONLY VMCB_MISC1_VINTR

/* int_ctl bits L1 controls for L2 (APM 15.21); V_INTR_MASKING is L0's (below). */
#define NSVM_INT_CTL_FROM_L1 \
	(VMCB_INT_CTL_V_TPR_MASK | VMCB_INT_CTL_V_IRQ | VMCB_INT_CTL_V_INTR_PRIO_MASK | \
	 VMCB_INT_CTL_V_IGN_TPR)

struct nsvm_merge_in {
	const struct vmcb *vmcb01; /* L0's VMCB for L1 */
	const struct vmcb *vmcb12; /* L1's VMCB for L2, as L0 uses it (checked) */
	uint64_t msrpm_merged_pa;  /* host address of nsvm_merge_map(L0's MSRPM, L1's) */
	uint64_t iopm_merged_pa;   /* host address of nsvm_merge_map(L0's IOPM, L1's) */
	uint64_t n_cr3;            /* L0's nested root for L2: its own tables, or the shadow of L1's */
	uint64_t l1_pat;           /* L1's IA32_PAT (L2's PAT when L1 gives it no nested paging) */
	uint32_t l2_asid;          /* L0's hardware ASID for L2 */
	uint32_t prev_l1_asid;     /* vmcb12's ASID at the previous nested VMRUN; 0 before the first */
	bool l0_flush;             /* L0's own reason to flush l2_asid (new or reused ASID, INVLPGA) */
	bool flush_by_asid;        /* the host CPU has FlushByAsid (CPUID Fn8000_000A EDX[6]) */
};

struct nsvm_merge_out {
	enum nsvm_tlb tlb;       /* what vmcb02.tlb_control was set to do */
	bool l1_flush;           /* L1 asked for a flush (TLB_CONTROL): shadow nested tables must go */
	bool l1_asid_changed;    /* vmcb12's ASID differs from prev_l1_asid */
	bool l1_npt;             /* vmcb12 enables nested paging: n_cr3 must shadow L1's tables */
	bool l1_intr_masking;    /* vmcb12's V_INTR_MASKING: L1's IF, not L2's, masks L1's interrupts */
	bool msrpm_merged;       /* vmcb02 uses the merged MSRPM (vmcb12 sets MSR_PROT) */
	bool iopm_merged;        /* vmcb02 uses the merged IOPM (vmcb12 sets IOIO_PROT) */
	uint32_t dirtied;        /* clean bits of vmcb02 this merge cleared */
};

/* Build vmcb02 (its previous contents are the CPU's cached view) from in; out may be NULL. */
void nsvm_merge(struct vmcb *vmcb02, const struct nsvm_merge_in *in, struct nsvm_merge_out *out);

/*
 * A merged permission map: dst = l0 | l1, byte for byte, over `bytes`
 * (SVM_MSRPM_BYTES or SVM_IOPM_BYTES). l1 NULL (L1's map is not in L1's
 * memory) counts as all ones: every access intercepted, which is what a
 * read of absent memory returns on the platforms Anvil runs on, and the
 * direction that never lets L2 touch what L1 meant to intercept. Run at
 * every nested VMRUN that uses the map: the CPU reads the maps at each
 * access, so an edit by L1 takes effect whatever the clean bits say.
 */
void nsvm_merge_map(uint8_t *dst, const uint8_t *l0, const uint8_t *l1, size_t bytes);

/*
 * The state VMLOAD/VMSAVE move and VMRUN/#VMEXIT do not (FS, GS, TR, LDTR,
 * KernelGSBase, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_CS/ESP/EIP), src to
 * dst through dst's setters (APM 15.5.2, Vol 3 VMLOAD).
 */
void nsvm_copy_vmload_state(struct vmcb *dst, const struct vmcb *src);

/* vmcb02.tlb_control for t: FLUSH_ASID(_NONGLOBAL) needs FlushByAsid, else the whole TLB. */
uint8_t nsvm_tlb_control(enum nsvm_tlb t, bool flush_by_asid);

/* What L1's vmcb12.tlb_control asks of L0 (reserved values: the whole TLB). */
enum nsvm_tlb nsvm_tlb_from_l1(uint8_t tlb_control);

#endif
