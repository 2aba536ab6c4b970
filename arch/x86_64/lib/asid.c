// SPDX-License-Identifier: MIT
/* SVM ASID pool: never-used ASIDs first, reused ones flagged for a TLB flush. */
#include "asid.h"

#include "vmcb.h"

#define ASID_HOST 0u
#define ASID_MIN_NASID 2u /* the host's ASID 0 and at least one guest ASID */

enum asid_state {
	ASID_FRESH = 0,  /* never handed out: no TLB entries carry it */
	ASID_TAKEN,
	ASID_RELEASED,   /* handed out before: TLB entries may carry it */
};

int asid_pool_init(struct asid_pool *p, uint32_t nasid)
{
	if (nasid < ASID_MIN_NASID)
		return -1;
	p->limit = nasid < ASID_POOL_MAX ? nasid : ASID_POOL_MAX;
	for (uint32_t a = 0; a < ASID_POOL_MAX; a++)
		p->state[a] = ASID_FRESH;
	p->state[ASID_HOST] = ASID_TAKEN;
	return 0;
}

/* The lowest guest ASID in state s, or ASID_HOST if there is none. */
static uint32_t find_in_state(const struct asid_pool *p, enum asid_state s)
{
	for (uint32_t a = ASID_HOST + 1u; a < p->limit; a++)
		if (p->state[a] == s)
			return a;
	return ASID_HOST;
}

int asid_get(struct asid_pool *p, uint32_t *asid, bool *needs_flush)
{
	uint32_t a = find_in_state(p, ASID_FRESH);
	bool flush = false;

	if (a == ASID_HOST) {
		a = find_in_state(p, ASID_RELEASED);
		flush = true;
	}
	if (a == ASID_HOST)
		return -1;
	p->state[a] = ASID_TAKEN;
	*asid = a;
	*needs_flush = flush;
	return 0;
}

int asid_get_this(struct asid_pool *p, uint32_t asid, bool *needs_flush)
{
	if (asid == ASID_HOST || asid >= p->limit || p->state[asid] == ASID_TAKEN)
		return -1;
	*needs_flush = p->state[asid] == ASID_RELEASED;
	p->state[asid] = ASID_TAKEN;
	return 0;
}

bool asid_in_use(const struct asid_pool *p, uint32_t asid)
{
	return asid != ASID_HOST && asid < p->limit && p->state[asid] == ASID_TAKEN;
}

void asid_put(struct asid_pool *p, uint32_t asid)
{
	if (asid_in_use(p, asid))
		p->state[asid] = ASID_RELEASED;
}

uint8_t asid_tlb_control(bool needs_flush, bool flush_by_asid)
{
	if (!needs_flush)
		return VMCB_TLB_NOTHING;
	return flush_by_asid ? VMCB_TLB_FLUSH_ASID : VMCB_TLB_FLUSH_ALL;
}
