/* SPDX-License-Identifier: MIT */
/*
 * bench_vmexit: the cost of one exit and re-entry, as the guest sees it, for
 * the common exit reasons. Every round trip is timed on its own (TSC, fenced)
 * and the samples are summarised as their minimum and median: a mean would
 * fold in the host timer interrupts that land in some iterations. Names
 * start with the backend (info->backend: "svm.hypercall.roundtrip.min",
 * "vmx...."). The minimal path (ANVIL_HC_MINIMAL_EXITS) is what the
 * architecture needs for the hypercall instruction (VMMCALL, VMCALL) and
 * nothing more; roundtrip is the full exit path with a real (cheap)
 * hypercall. "tsc.pair" is the cost of the timing itself.
 */
#include <stdio.h>
#include <stdlib.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "bench_vmexit", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 2048, .timeout_ms = 120000, .flags = ANVIL_MANIFEST_BENCH);

#define BENCH_ITERATIONS 20000u
#define BENCH_UNIT "tsc_cycles"
#define BENCH_NAME_MAX 64

enum bench_kind { BENCH_TSC, BENCH_ROUNDTRIP, BENCH_MINIMAL, BENCH_CPUID, BENCH_RDMSR, BENCH_IO_IN, BENCH_COUNT };

static const char *const bench_names[BENCH_COUNT] = {
	[BENCH_TSC] = "tsc.pair",
	[BENCH_ROUNDTRIP] = "hypercall.roundtrip",
	[BENCH_MINIMAL] = "hypercall.minimal",
	[BENCH_CPUID] = "cpuid",
	[BENCH_RDMSR] = "rdmsr",
	[BENCH_IO_IN] = "io.in",
};

static uint64_t samples[BENCH_ITERATIONS];

/* RDTSC between fences, so neither the body nor the timing moves across it. */
static inline uint64_t tsc_fenced(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static void body(enum bench_kind k)
{
	switch (k) {
	case BENCH_TSC: break;
	case BENCH_ROUNDTRIP: exit_count(ANVIL_EXIT_HYPERCALL); break;
	case BENCH_MINIMAL: hypercall_minimal(); break;
	case BENCH_CPUID: cpuid(0, 0); break;
	case BENCH_RDMSR: rdmsr(ANVIL_TEST_MSR); break;
	case BENCH_IO_IN: inl(ANVIL_TEST_PORT); break;
	case BENCH_COUNT: break;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct summary {
	uint64_t min, median;
};

static struct summary measure(enum bench_kind k)
{
	for (unsigned i = 0; i < BENCH_ITERATIONS; i++) {
		uint64_t t0 = tsc_fenced();
		body(k);
		samples[i] = tsc_fenced() - t0;
	}
	qsort(samples, BENCH_ITERATIONS, sizeof(samples[0]), cmp_u64);
	return (struct summary){ samples[0], samples[BENCH_ITERATIONS / 2] };
}

int guest_main(const struct anvil_guest_info *info)
{
	struct summary s[BENCH_COUNT];
	char name[BENCH_NAME_MAX];
	bool all_measured = true;

	for (int k = 0; k < BENCH_COUNT; k++) {
		if (k == BENCH_MINIMAL)
			minimal_exits(true);
		s[k] = measure(k);
		if (k == BENCH_MINIMAL)
			minimal_exits(false);
		snprintf(name, sizeof(name), "%.16s.%s.min", info->backend, bench_names[k]);
		bench(name, s[k].min, BENCH_UNIT);
		snprintf(name, sizeof(name), "%.16s.%s.median", info->backend, bench_names[k]);
		bench(name, s[k].median, BENCH_UNIT);
		all_measured = all_measured && (k == BENCH_TSC || s[k].min != 0);
	}
	reportf(all_measured, "measured",
		"%u iterations each, median: roundtrip %llu, minimal %llu, cpuid %llu, rdmsr %llu, io.in %llu",
		BENCH_ITERATIONS, (unsigned long long)s[BENCH_ROUNDTRIP].median,
		(unsigned long long)s[BENCH_MINIMAL].median, (unsigned long long)s[BENCH_CPUID].median,
		(unsigned long long)s[BENCH_RDMSR].median, (unsigned long long)s[BENCH_IO_IN].median);
	return 0;
}
