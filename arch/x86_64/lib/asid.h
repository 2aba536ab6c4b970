/* SPDX-License-Identifier: MIT */
/*
 * Guest ASIDs for SVM (APM Vol 2 section 15.16). ASID 0 is the host's; a
 * guest runs under ASID 1..NASID-1, NASID from CPUID Fn8000_000A EBX. TLB
 * entries are tagged with the ASID, so an ASID handed out again may still
 * have the previous owner's translations cached: its first VMRUN must flush
 * them. Never-used ASIDs are handed out first to postpone that. Pure.
 */
#ifndef X86_ASID_H
#define X86_ASID_H

#include <stdbool.h>
#include <stdint.h>

#define ASID_POOL_MAX 256

struct asid_pool {
	uint32_t limit;                /* usable ASIDs are 1..limit-1 */
	uint8_t state[ASID_POOL_MAX];  /* enum asid_state, indexed by ASID */
};

/* nasid: CPUID Fn8000_000A EBX, capped at ASID_POOL_MAX. -1 if nasid < 2. */
int asid_pool_init(struct asid_pool *p, uint32_t nasid);

/*
 * Take a free ASID: a never-used one if any, else a released one, with
 * *needs_flush set (its old translations may still be in the TLB). -1 if all
 * are taken.
 */
int asid_get(struct asid_pool *p, uint32_t *asid, bool *needs_flush);

/*
 * Take this particular ASID if it is free (0 and *needs_flush as asid_get
 * would say); -1 if it is taken, the host's or out of range. For tests that
 * must reuse a known ASID.
 */
int asid_get_this(struct asid_pool *p, uint32_t asid, bool *needs_flush);

/* Release an ASID. ASID 0, out-of-range and not-taken ASIDs are ignored. */
void asid_put(struct asid_pool *p, uint32_t asid);

/* True if asid is currently handed out. */
bool asid_in_use(const struct asid_pool *p, uint32_t asid);

/*
 * The VMCB tlb_control for the first VMRUN under an ASID: VMCB_TLB_NOTHING
 * without needs_flush, else VMCB_TLB_FLUSH_ASID if the CPU has FlushByAsid
 * (CPUID Fn8000_000A EDX[6]) or VMCB_TLB_FLUSH_ALL if it does not.
 */
uint8_t asid_tlb_control(bool needs_flush, bool flush_by_asid);

#endif
