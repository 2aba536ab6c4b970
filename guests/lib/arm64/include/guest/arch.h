/* SPDX-License-Identifier: MIT */
/*
 * The arm64 side of the guest library: the arch's name for the manifest,
 * the hypercall instruction (HVC with an SMCCC function ID in the
 * vendor-specific hypervisor range, guest_abi.h), and the helpers payloads
 * use directly (guest/arm64.h).
 */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/guest_abi.h>
#include <guest/arm64.h>
#include <guest/trap.h>

#define GUEST_ARCH_NAME "arm64"

/*
 * The hypercall: x0 = ANVIL_ARM64_FID(nr), x1..x4 = a0..a3, result in x0;
 * every other register is preserved (the hypervisor saves all of them).
 */
static inline uint64_t arch_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = ANVIL_ARM64_FID(nr);
	register uint64_t x1 __asm__("x1") = a0;
	register uint64_t x2 __asm__("x2") = a1;
	register uint64_t x3 __asm__("x3") = a2;
	register uint64_t x4 __asm__("x4") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
	return x0;
}

/* The bare instruction with call number 0: the minimal exit path's unit. */
static inline void arch_hypercall_minimal(void)
{
	register uint64_t x0 __asm__("x0") = ANVIL_ARM64_FID(0);

	__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
}

/* The guest's time source for benchmarks: the virtual counter, in its ticks. */
#define GUEST_CYCLES_UNIT "cntvct_ticks"
#define GUEST_CYCLES_PAIR "cntvct.pair" /* bench_vmexit: the timing's own cost */
static inline uint64_t guest_cycles(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v) : : "memory");
	return v;
}

/* Aliases this far apart need stage-2 tables of their own: one level-1 entry (new level-2 and
   level-3 tables), and 255 of them stay inside the 40-bit IPA space. */
#define GUEST_TABLE_SPREAD_SHIFT 30

/* Code was written at p: make the instruction side see it (DC CVAU, IC IVAU per line). */
void guest_sync_icache(const void *p, uint64_t len);

/* Stop forever with every interrupt masked (a hung payload, for the watchdog). */
__attribute__((noreturn)) static inline void guest_hang(void)
{
	__asm__ volatile("msr daifset, #0xf\n1:\tb 1b" : : : "memory");
	__builtin_unreachable();
}

#endif
