/* SPDX-License-Identifier: MIT */
/*
 * bench_vmexit: the cost of one exit and re-entry, as the guest sees it, for
 * the common exit reasons. Every round trip is timed on its own (the arch's
 * guest_cycles(): the TSC between fences on x86, the virtual counter on
 * arm64) and the samples are summarised as their minimum and median: a mean
 * would fold in the host timer interrupts that land in some iterations.
 * Names start with the backend (info->backend: "svm.hypercall.roundtrip.min",
 * "vmx....", "el2...."). The minimal path (ANVIL_HC_MINIMAL_EXITS) is what
 * the architecture needs for the hypercall instruction (VMMCALL, VMCALL,
 * HVC) and nothing more; roundtrip is the full exit path with a real (cheap)
 * hypercall; the arch's cases (<arch>/cases.c) are its common exits.
 * GUEST_CYCLES_PAIR ("tsc.pair", "cntvct.pair") is the cost of the timing itself.
 */
#include <stdio.h>
#include <stdlib.h>

#include <guest/guest.h>

#include "bench.h"

ANVIL_MANIFEST(.name = "bench_vmexit", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 2048, .timeout_ms = 120000, .flags = ANVIL_MANIFEST_BENCH);

#define BENCH_ITERATIONS 20000u
#define BENCH_NAME_MAX 64
#define BENCH_MAX_CASES 8u
#define SUMMARY_MAX 200

static uint64_t samples[BENCH_ITERATIONS];

static void do_nothing(void) {}
static void do_roundtrip(void) { exit_count(ANVIL_EXIT_HYPERCALL); }
static void do_minimal(void) { hypercall_minimal(); }

static const struct bench_case neutral_cases[] = {
	{ GUEST_CYCLES_PAIR, do_nothing },
	{ "hypercall.roundtrip", do_roundtrip },
	{ "hypercall.minimal", do_minimal },
};
#define NEUTRAL_COUNT (sizeof(neutral_cases) / sizeof(neutral_cases[0]))
#define CASE_MINIMAL 2u

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct summary {
	uint64_t min, median;
};

static struct summary measure(void (*body)(void))
{
	for (unsigned i = 0; i < BENCH_ITERATIONS; i++) {
		uint64_t t0 = guest_cycles();
		body();
		samples[i] = guest_cycles() - t0;
	}
	qsort(samples, BENCH_ITERATIONS, sizeof(samples[0]), cmp_u64);
	return (struct summary){ samples[0], samples[BENCH_ITERATIONS / 2] };
}

static const struct bench_case *case_at(unsigned i)
{
	return i < NEUTRAL_COUNT ? &neutral_cases[i] : &bench_arch_cases[i - NEUTRAL_COUNT];
}

int guest_main(const struct anvil_guest_info *info)
{
	unsigned count = NEUTRAL_COUNT + bench_arch_count;
	char name[BENCH_NAME_MAX], summary[SUMMARY_MAX];
	bool all_measured = true;
	size_t used = 0;

	if (count > BENCH_MAX_CASES)
		count = BENCH_MAX_CASES;
	summary[0] = '\0';
	for (unsigned k = 0; k < count; k++) {
		const struct bench_case *c = case_at(k);
		if (k == CASE_MINIMAL)
			minimal_exits(true);
		struct summary s = measure(c->body);
		if (k == CASE_MINIMAL)
			minimal_exits(false);
		snprintf(name, sizeof(name), "%.16s.%s.min", info->backend, c->name);
		bench(name, s.min, GUEST_CYCLES_UNIT);
		snprintf(name, sizeof(name), "%.16s.%s.median", info->backend, c->name);
		bench(name, s.median, GUEST_CYCLES_UNIT);
		/* The timing pair may be below the clock's resolution; an exit never is. */
		all_measured = all_measured && (k == 0 || s.min != 0);
		if (k > 0 && used < sizeof(summary))
			used += (size_t)snprintf(summary + used, sizeof(summary) - used, "%s%s %llu", k > 1 ? ", " : "",
						 c->name, (unsigned long long)s.median);
	}
	reportf(all_measured, "measured", "%u iterations each, median: %s", BENCH_ITERATIONS, summary);
	return 0;
}
