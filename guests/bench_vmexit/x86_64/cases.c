/* SPDX-License-Identifier: MIT */
/* bench_vmexit on x86: the exits every x86 backend intercepts. */
#include <guest/guest.h>

#include "../bench.h"

static void do_cpuid(void) { cpuid(0, 0); }
static void do_rdmsr(void) { rdmsr(ANVIL_TEST_MSR); }
static void do_io_in(void) { inl(ANVIL_TEST_PORT); }

const struct bench_case bench_arch_cases[] = {
	{ "cpuid", do_cpuid },
	{ "rdmsr", do_rdmsr },
	{ "io.in", do_io_in },
};
const unsigned bench_arch_count = sizeof(bench_arch_cases) / sizeof(bench_arch_cases[0]);
