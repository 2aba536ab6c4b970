/* SPDX-License-Identifier: MIT */
/*
 * L1's clean bits honoured (docs/nested-svm.md, "vmcb12 clean bits"): L0
 * keeps a copy of the vmcb12 it used at the last nested VMRUN, keyed by
 * vmcb12's guest-physical address and its ASID, and at the next VMRUN
 * takes a group from that copy instead of L1's memory when L1 marked the
 * group clean, exactly as a CPU with VmcbClean may use its cached copy
 * (APM Vol 2 15.15). A new address, a new ASID or a clear bit reloads.
 *
 * Honoured: every group the APM defines (NSVM_CACHE_HONOUR_ALL), unless the
 * caller passes fewer (NSVM_CACHE_HONOUR_KVM is KVM's set, for comparing
 * the cost). What L2 sees when L1 lies, i.e. changes a field and sets its
 * group's bit anyway: the value of the previous VMRUN (or what the last
 * #VMEXIT wrote there), for every group, as on a CPU that caches it:
 *
 *   INTERCEPTS  L2's exits follow the old intercept vectors; L2's TSC keeps
 *               the old offset; the old PAUSE filter. L0's own intercepts
 *               are ORed in from vmcb01 at every merge, never cached.
 *   PERM_MAP    the old MSRPM/IOPM addresses. The maps' contents are read
 *               and merged again at every VMRUN (a CPU reads them at each
 *               access, so an edited map always takes effect).
 *   ASID        never stale: the ASID is the cache's key and read at every
 *               VMRUN, so a changed ASID is a new ASID and reloads all
 *               groups (more forgiving than a CPU may be).
 *   INTR        the old V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR,
 *               V_INTR_MASKING and vector: a new virtual interrupt is not
 *               seen. (#VMEXIT writes V_TPR and V_IRQ back, into the copy too.)
 *   NPT         the old NP enable, nCR3 and gPAT: L2 keeps running on the
 *               tables (shadow) of the old nCR3.
 *   CR          L2 resumes with the CR0/CR3/CR4/EFER it had at its last
 *               #VMEXIT (which wrote them back) or L1 gave last time.
 *   DR, DT, SEG, CR2   likewise: the old DR6/DR7, GDTR/IDTR, CS/DS/SS/ES/CPL, CR2.
 *   LBR, AVIC, CET     cached like the rest; L1 is offered none of LBR
 *               virtualization, AVIC or CET, so nothing reads them.
 *
 * The consistency checks (nsvm_check.c) run on the copy as it will be
 * used, so a lie cannot smuggle an illegal value past them: a cached group
 * was checked when it was read. Pure.
 */
#ifndef X86_NSVM_CACHE_H
#define X86_NSVM_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmcb.h"

#define NSVM_CACHE_HONOUR_ALL VMCB_CLEAN_ALL
#define NSVM_CACHE_HONOUR_KVM \
	(VMCB_CLEAN_BIT(VMCB_CLEAN_SEG) | VMCB_CLEAN_BIT(VMCB_CLEAN_DT) | \
	 VMCB_CLEAN_BIT(VMCB_CLEAN_DR) | VMCB_CLEAN_BIT(VMCB_CLEAN_CET))

enum nsvm_cache_state {
	NSVM_CACHE_EMPTY = 0, /* nothing L0 may reuse */
	NSVM_CACHE_FILLED,    /* vmcb12 holds what the last nested VMRUN used, for gpa and asid */
};

/* Why the groups were read as they were. */
enum nsvm_cache_why {
	NSVM_CACHE_HIT = 0,  /* same address and ASID: each group by its bit */
	NSVM_CACHE_FIRST,    /* nothing cached: the first VMRUN, or after nsvm_cache_invalidate() */
	NSVM_CACHE_NEW_GPA,  /* another vmcb12 */
	NSVM_CACHE_NEW_ASID, /* the same vmcb12 under another ASID */
	NSVM_CACHE_WHY_COUNT,
};

struct nsvm_cache {
	struct vmcb vmcb12;        /* the fields VMRUN reads, as L0 uses them */
	uint64_t gpa;              /* key: vmcb12's guest-physical address */
	uint32_t asid;             /* key: vmcb12's ASID */
	uint32_t honoured;         /* groups L0 may take from the copy */
	enum nsvm_cache_state state;
};

/* One nested VMRUN's reading of vmcb12: the saving is fields_kept. */
struct nsvm_cache_stats {
	enum nsvm_cache_why why;
	uint32_t kept;           /* groups taken from the copy (VMCB_CLEAN_BIT each) */
	uint32_t reloaded;       /* groups read from L1's memory */
	unsigned fields_kept;    /* grouped fields not read */
	unsigned fields_reread;  /* grouped fields read */
	unsigned fields_always;  /* fields without a group that VMRUN reads, read every time */
};

void nsvm_cache_init(struct nsvm_cache *c, uint32_t honoured);

/*
 * A nested VMRUN of the vmcb12 at gpa, whose bytes in L1's memory are l1:
 * read what the policy says must be read into c->vmcb12 and return it.
 * Fields VMRUN does not read (exit information, the VMLOAD state) are not
 * copied. st may be NULL.
 */
const struct vmcb *nsvm_cache_load(struct nsvm_cache *c, uint64_t gpa, const struct vmcb *l1,
				   struct nsvm_cache_stats *st);

/*
 * The copy a #VMEXIT to L1 writes into besides L1's memory
 * (nsvm_reflect.c), so that afterwards it holds what a CPU holds; NULL
 * while EMPTY.
 */
struct vmcb *nsvm_cache_current(struct nsvm_cache *c);

/* Forget the copy: the next VMRUN reads everything (after VMEXIT_INVALID, L1 reset). */
void nsvm_cache_invalidate(struct nsvm_cache *c);

/* "HIT", "FIRST", "NEW_GPA", "NEW_ASID"; NULL out of range. */
const char *nsvm_cache_why_name(enum nsvm_cache_why w);

#endif
