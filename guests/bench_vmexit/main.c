/* SPDX-License-Identifier: MIT */
/*
 * bench_vmexit: the cost of one exit and re-entry, as the guest sees it,
 * for the common exit reasons. Each value is the mean over BENCH_ITERATIONS
 * back-to-back round trips, in TSC cycles. Names start with the backend
 * (info->backend: "svm.vmmcall.roundtrip", ...), so the same payload serves
 * another x86 backend once the library's hypercall instruction follows it.
 */
#include <stdio.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "bench_vmexit", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT,
	       .mem_kib = 1024, .timeout_ms = 60000, .flags = ANVIL_MANIFEST_BENCH);

#define BENCH_ITERATIONS 20000u
#define BENCH_UNIT "tsc_cycles"
#define BENCH_NAME_MAX 64

enum bench_kind { BENCH_ROUNDTRIP, BENCH_MINIMAL, BENCH_CPUID, BENCH_RDMSR, BENCH_IO_IN, BENCH_COUNT };

static const char *const bench_names[BENCH_COUNT] = {
	[BENCH_ROUNDTRIP] = "vmmcall.roundtrip",
	[BENCH_MINIMAL] = "vmmcall.minimal",
	[BENCH_CPUID] = "cpuid",
	[BENCH_RDMSR] = "rdmsr",
	[BENCH_IO_IN] = "io.in",
};

/* In minimal-exits mode a VMMCALL only advances rip: rax stays 0. */
static inline void vmmcall_minimal(void)
{
	__asm__ volatile("vmmcall" : : "a"(0ull) : "memory");
}

/* Mean TSC cycles of one run of body, over BENCH_ITERATIONS back-to-back runs. */
#define TIME_MEAN(body)                                                                  \
	({                                                                               \
		uint64_t t0_ = rdtsc();                                                  \
		for (unsigned i_ = 0; i_ < BENCH_ITERATIONS; i_++) {                     \
			body;                                                            \
		}                                                                        \
		(rdtsc() - t0_ + BENCH_ITERATIONS / 2) / BENCH_ITERATIONS;               \
	})

static uint64_t bench_run(enum bench_kind k)
{
	switch (k) {
	case BENCH_ROUNDTRIP: return TIME_MEAN(exit_count(ANVIL_EXIT_HYPERCALL));
	case BENCH_MINIMAL: return TIME_MEAN(vmmcall_minimal());
	case BENCH_CPUID: return TIME_MEAN(cpuid(0, 0));
	case BENCH_RDMSR: return TIME_MEAN(rdmsr(ANVIL_TEST_MSR));
	case BENCH_IO_IN: return TIME_MEAN(inl(ANVIL_TEST_PORT));
	case BENCH_COUNT: break;
	}
	return 0;
}

int guest_main(const struct anvil_guest_info *info)
{
	uint64_t value[BENCH_COUNT];
	char name[BENCH_NAME_MAX];
	bool all_measured = true;

	for (int k = 0; k < BENCH_COUNT; k++) {
		if (k == BENCH_MINIMAL)
			minimal_exits(true);
		value[k] = bench_run(k);
		if (k == BENCH_MINIMAL)
			minimal_exits(false);
		snprintf(name, sizeof(name), "%.16s.%s", info->backend, bench_names[k]);
		bench(name, value[k], BENCH_UNIT);
		all_measured = all_measured && value[k] != 0;
	}
	reportf(all_measured, "measured",
		"%u iterations each: roundtrip %llu, minimal %llu, cpuid %llu, rdmsr %llu, io.in %llu",
		BENCH_ITERATIONS, (unsigned long long)value[BENCH_ROUNDTRIP],
		(unsigned long long)value[BENCH_MINIMAL], (unsigned long long)value[BENCH_CPUID],
		(unsigned long long)value[BENCH_RDMSR], (unsigned long long)value[BENCH_IO_IN]);
	return 0;
}
