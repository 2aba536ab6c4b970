/* SPDX-License-Identifier: MIT */
/*
 * x86_intercepts: MSR and I/O intercepts (emulated test devices, #GP for
 * unknown MSRs, pass-through and run-time toggling) and HLT.
 */
#include <guest/guest.h>

#include "intercepts.h"

ANVIL_MANIFEST(.name = "x86_intercepts", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 4096, .timeout_ms = 10000);

#define HLT_COUNT 3

/* HLT exits, is counted, and execution goes on after it (IF=0 here, so a
 * HLT that really halted would never come back). */
static void check_hlt(void)
{
	uint64_t before = exit_count(ANVIL_EXIT_HLT);

	for (unsigned i = 0; i < HLT_COUNT; i++)
		hlt();
	uint64_t after = exit_count(ANVIL_EXIT_HLT);

	reportf(after - before == HLT_COUNT, "hlt", "%u HLTs: HLT exits +%llu", HLT_COUNT,
		(unsigned long long)(after - before));
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	msr_cases();
	io_cases();
	check_hlt();
	return 0;
}
