/* SPDX-License-Identifier: MIT */
/*
 * bench_vmexit on arm64: a trapped ID register read (HCR_EL2.TID3, the
 * system-register exit) and PSCI_VERSION through SMC (HCR_EL2.TSC, the
 * firmware-call exit).
 */
#include <guest/guest.h>

#include "../bench.h"

#define PSCI_VERSION_FID 0x84000000u

static void do_sysreg(void)
{
	(void)guest_read_sysreg(id_aa64pfr0_el1);
}

static void do_smc(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_VERSION_FID;

	__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

const struct bench_case bench_arch_cases[] = {
	{ "sysreg.id_aa64pfr0", do_sysreg },
	{ "smc.psci_version", do_smc },
};
const unsigned bench_arch_count = sizeof(bench_arch_cases) / sizeof(bench_arch_cases[0]);
