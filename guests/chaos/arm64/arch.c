/* SPDX-License-Identifier: MIT */
/*
 * chaos on arm64: firmware calls with random function IDs in ranges
 * nothing answers (SMC and HVC: NOT_SUPPORTED), trapped ID register reads
 * (sanitised: the hidden fields stay clear), WFI, and the guest's own
 * undefined instruction and BRK with the right syndrome and address.
 */
#include <guest/guest.h>

#include "../chaos.h"

#define NOT_SUPPORTED ((uint64_t)-1)
/* SMCCC owners with nothing behind them here (DEN 0028 Table 6-1): CPU, SIP, OEM, standard hypervisor, EL3 vendor. */
static const uint32_t idle_owners[] = { 1, 2, 3, 5, 7 };

void chaos_arm64_udf(void);
void chaos_arm64_brk(void);

uint64_t chaos_arch_outside_limit(void)
{
	return 1ull << 39; /* inside the 40-bit IPA space, away from its top */
}

static uint64_t fw_call(bool smc, uint64_t fid)
{
	register uint64_t x0 __asm__("x0") = fid;

	if (smc)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	return x0;
}

static void run_udf(void *arg) { (void)arg; chaos_arm64_udf(); }
static void run_brk(void *arg) { (void)arg; chaos_arm64_brk(); }

static void trap_expected(struct chaos *s, void (*fn)(void *), unsigned ec, uint64_t elr, const char *what)
{
	struct guest_trap t;
	bool caught = guest_try(fn, NULL, &t);
	check(&s->c, caught && ARM64_ESR_EC(t.esr) == ec && t.elr == elr && t.source == GUEST_FROM_EL1H,
	      "step %u: %s: caught %d ESR %#llx at %#llx from quarter %llu, want EC %#x at %#llx", s->iteration, what,
	      caught, (unsigned long long)t.esr, (unsigned long long)t.elr, (unsigned long long)t.source, ec,
	      (unsigned long long)elr);
}

void chaos_arch_action(struct chaos *s)
{
	switch (chaos_below(s, 4)) {
	case 0: {
		bool smc = chaos_below(s, 2);
		uint32_t owner = idle_owners[chaos_below(s, sizeof(idle_owners) / sizeof(idle_owners[0]))];
		uint64_t fid = 0x80000000u | (chaos_below(s, 2) << 30) | owner << 24 | (uint32_t)chaos_below(s, 0x10000);
		uint64_t r = fw_call(smc, fid);
		check(&s->c, r == NOT_SUPPORTED, "step %u: %s %#llx answered %#llx, want NOT_SUPPORTED", s->iteration,
		      smc ? "SMC" : "HVC", (unsigned long long)fid, (unsigned long long)r);
		return;
	}
	case 1: {
		uint64_t pfr0 = guest_read_sysreg(id_aa64pfr0_el1);
		check(&s->c, !(pfr0 & ANVIL_ARM64_HIDE_PFR0), "step %u: ID_AA64PFR0_EL1 %#llx shows a hidden field",
		      s->iteration, (unsigned long long)pfr0);
		return;
	}
	case 2:
		__asm__ volatile("wfi" ::: "memory");
		return;
	default:
		if (chaos_below(s, 2))
			trap_expected(s, run_udf, ARM64_EC_UNKNOWN, (uint64_t)(uintptr_t)chaos_arm64_udf, "udf");
		else
			trap_expected(s, run_brk, ARM64_EC_BRK64, (uint64_t)(uintptr_t)chaos_arm64_brk, "brk");
		return;
	}
}
