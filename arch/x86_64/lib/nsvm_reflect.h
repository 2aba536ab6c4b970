/* SPDX-License-Identifier: MIT */
/*
 * An exit of L2 turned into a #VMEXIT to L1 (docs/nested-svm.md, "Exit
 * reflection"): whose exit it is (L1's intercept vectors and permission
 * maps, or L0's alone), what #VMEXIT writes into vmcb12 (APM Vol 2 15.6,
 * 15.7.1; Vol 3 VMRUN), and L1's state afterwards (what the CPU reloads
 * from the host save area, and what it leaves as L2 had it). Pure: the
 * caller supplies vmcb02, vmcb12 (L1's memory and L0's cached copy),
 * vmcb01 and L1's maps.
 *
 * What is modelled of #VMEXIT, for L1:
 *   - GIF cleared (nsvm_state.h);
 *   - vmcb12 receives EXITCODE, EXITINFO1/2, EXITINTINFO, NRIP (where the
 *     APM defines one, else 0), V_TPR and V_IRQ, the interrupt shadow and
 *     guest-IF bits, EVENTINJ cleared, and L2's ES/CS/SS/DS, GDTR/IDTR,
 *     CPL, EFER, CR0/2/3/4, DR6/DR7, RFLAGS, RIP, RSP, RAX; gPAT when L1
 *     gave L2 nested paging (APM Vol 3 VMRUN pseudo-code). Nothing else
 *     of vmcb12 changes, its clean field included;
 *   - L1 resumes from what VMRUN saved (kept in vmcb01: segments, GDTR,
 *     IDTR, EFER, CR0 with PE forced, CR3, CR4, RFLAGS with VM clear, RIP
 *     after its VMRUN, RSP, RAX), CPL 0, DR7 = 0x400;
 *   - not restored, as on a CPU: CR2 and DR6 (L1 sees L2's), the VMLOAD
 *     state (FS, GS, TR, LDTR, KernelGSBase, STAR/LSTAR/CSTAR/SFMASK,
 *     SYSENTER_*), the PAT when L2 shared L1's (no nested paging of
 *     L1's), and the general registers other than RAX/RSP (the hardware
 *     side leaves L2's in place).
 */
#ifndef X86_NSVM_REFLECT_H
#define X86_NSVM_REFLECT_H

#include <stdbool.h>
#include <stdint.h>

#include "nsvm_cache.h"
#include "nsvm_state.h"
#include "vmcb.h"

enum nsvm_owner {
	NSVM_OWNER_L0 = 0, /* L0 handles it and resumes L2 */
	NSVM_OWNER_L1,     /* a #VMEXIT to L1 */
};

/* One exit of L2, as vmcb02 reported it or as L0 synthesises it. */
struct nsvm_l2_exit {
	uint64_t code;     /* VMEXIT_* */
	uint64_t info1, info2;
	uint64_t int_info; /* EXITINTINFO: an event the exit cut short */
	uint64_t nrip;     /* the next instruction (used where nsvm_exit_has_nrip()) */
	uint32_t msr;      /* VMEXIT_MSR: L2's ECX */
	bool npf_l1;       /* VMEXIT_NPF: L1's nested tables fault (shadow walk), not L0's */
};

/*
 * L1's permission maps as L0 reads them, NULL when vmcb12's base is not in
 * L1's memory (then every access counts as intercepted, as for
 * nsvm_merge_map()).
 */
struct nsvm_l1_maps {
	const uint8_t *msrpm;
	const uint8_t *iopm;
};

/*
 * Whether vmcb12 intercepts the exit (APM Appendix C: exit codes follow
 * the intercept vectors' bits), with L1's MSRPM for VMEXIT_MSR and IOPM for
 * VMEXIT_IOIO (every port an access touches). maps may be NULL (no map in
 * L1's memory).
 */
bool nsvm_l1_intercepts(const struct vmcb *vmcb12, const struct nsvm_l2_exit *x,
			const struct nsvm_l1_maps *maps);

/*
 * Who takes the exit: host interrupts, NMIs, SMIs, INITs and nested page
 * faults of L0's own tables are L0's whatever L1 intercepts; a hardware
 * VMEXIT_INVALID of vmcb02 is L1's (its VMRUN failed); otherwise L1's
 * when L1 intercepts it, else L0's.
 */
enum nsvm_owner nsvm_exit_owner(const struct vmcb *vmcb12, const struct nsvm_l2_exit *x,
				const struct nsvm_l1_maps *maps);

/*
 * APM 15.7.1: NRIP is saved for instruction intercepts, MSR and IOIO
 * intercepts, and the exceptions INT3, INTO and BOUND raise (#BP, #OF,
 * #BR); for every other exit it is zero. Anvil counts MOV to/from CRn/DRn
 * and the selective CR0 write among the instruction intercepts.
 */
bool nsvm_exit_has_nrip(uint64_t code);

/*
 * What #VMEXIT writes into vmcb12 (raw stores: vmcb12 is L1's, and its
 * clean field is L1's too). nrips: L1 was offered NRIP saving; without it
 * vmcb12's NRIP is left alone. l1_npt: L2 ran with L1's nested paging
 * (then gPAT is written back).
 */
void nsvm_vmexit_write(struct vmcb *vmcb12, const struct vmcb *vmcb02, const struct nsvm_l2_exit *x,
		       bool nrips, bool l1_npt);

/* A VMRUN refused by a consistency check: EXITCODE -1, EXITINFO1/2 and EXITINTINFO 0, EVENTINJ cleared. */
void nsvm_vmexit_invalid_write(struct vmcb *vmcb12);

/* L1's state after #VMEXIT, in vmcb01 (through its setters); l1_npt: vmcb12 enabled nested paging. */
void nsvm_vmexit_restore_l1(struct vmcb *vmcb01, const struct vmcb *vmcb02, bool l1_npt);

/*
 * The whole #VMEXIT of an exit nsvm_exit_owner() gave L1: vmcb12 in L1's
 * memory and the cached copy (if any) written alike, so the cache holds
 * what a CPU holds afterwards; vmcb01 restored; the state machine stepped
 * (-1 if it was not in L2: nothing written then).
 */
int nsvm_reflect(struct vmcb *l1_vmcb12, struct nsvm_cache *cache, struct vmcb *vmcb01,
		 const struct vmcb *vmcb02, const struct nsvm_l2_exit *x, bool nrips,
		 struct nsvm_state *state);

/*
 * A refused VMRUN: vmcb12 in L1's memory written as nsvm_vmexit_invalid_write(),
 * the cache emptied (a refused VMRUN leaves nothing cached), GIF cleared.
 * -1 if the state machine was not in L1.
 */
int nsvm_reflect_invalid(struct vmcb *l1_vmcb12, struct nsvm_cache *cache, struct nsvm_state *state);

#endif
