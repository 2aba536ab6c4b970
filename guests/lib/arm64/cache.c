/* SPDX-License-Identifier: MIT */
/*
 * Instruction-side coherence after writing code (Arm ARM D7.5.2 "Ordering
 * and completion of data and instruction cache instructions"): clean each
 * data line to the point of unification, invalidate the instruction lines,
 * then synchronise the context.
 */
#include <guest/arch.h>

#define CTR_DMINLINE(ctr) (4ull << (((ctr) >> 16) & 0xf))
#define CTR_IMINLINE(ctr) (4ull << ((ctr) & 0xf))

void guest_sync_icache(const void *p, uint64_t len)
{
	uint64_t ctr = guest_read_sysreg(ctr_el0), start = (uint64_t)(uintptr_t)p, end = start + len;

	for (uint64_t a = start & ~(CTR_DMINLINE(ctr) - 1); a < end; a += CTR_DMINLINE(ctr))
		__asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (uint64_t a = start & ~(CTR_IMINLINE(ctr) - 1); a < end; a += CTR_IMINLINE(ctr))
		__asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish; isb" ::: "memory");
}
