/* SPDX-License-Identifier: MIT */
/*
 * bench_nested: the cost of one L2 VMMCALL round trip through L0 and L1
 * (docs/nested-svm.md, "Cost"): L1 VMRUNs, L2 VMMCALLs at once, the exit
 * reaches L1, which resumes L2 at NRIP. Timed in L1 with RDTSC around
 * each VMRUN, summarised as min and median over BENCH_RUNS, once with
 * vmcb12's clean field 0 (every group changed, as a hypervisor must say
 * for a new VMCB) and once with every defined group marked clean (nothing
 * changed but RIP/RAX, which have no clean bit): with L0 honouring the
 * clean bits, the second reads fewer vmcb12 fields; the fields L0 read for
 * the last VMRUN of each series come with the BENCH lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "bench_nested", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 60000, .flags = ANVIL_MANIFEST_BENCH);

#define BENCH_RUNS 2001u
#define CLEAN_DEFINED 0x1fffu /* groups 0-12 (APM Vol 2 15.15.3) */

void l2_loop(void);
__asm__(".text\n.globl l2_loop\nl2_loop:\n1: vmmcall\n jmp 1b\n");

static struct nsvm_vmcb vmcb;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t l2_stack[8192] __attribute__((aligned(16)));
static uint64_t samples[BENCH_RUNS];

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool series(uint32_t clean, const char *label, char *summary, size_t n)
{
	struct nsvm_gprs g;
	char name[64];

	memset(&g, 0, sizeof(g));
	nsvm_vmcb_init(&vmcb, l2_loop, l2_stack + sizeof(l2_stack));
	if (nsvm_run(&vmcb, &g) != NSVM_EXIT_VMMCALL) /* the first VMRUN of this VMCB: clean 0 */
		return false;
	for (unsigned i = 0; i < BENCH_RUNS; i++) {
		vmcb.rip = vmcb.next_rip;
		vmcb.clean = clean;
		uint64_t t0 = rdtsc();
		uint64_t code = nsvm_run(&vmcb, &g);
		samples[i] = rdtsc() - t0;
		if (code != NSVM_EXIT_VMMCALL)
			return false;
	}
	uint64_t fields = arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_FIELDS_READ, 0, 0);
	qsort(samples, BENCH_RUNS, sizeof(samples[0]), cmp_u64);
	snprintf(name, sizeof(name), "nested.vmmcall_roundtrip.%s.min", label);
	bench(name, samples[0], "tsc_cycles");
	snprintf(name, sizeof(name), "nested.vmmcall_roundtrip.%s.median", label);
	bench(name, samples[BENCH_RUNS / 2], "tsc_cycles");
	snprintf(name, sizeof(name), "nested.vmcb12_fields_read.%s", label);
	bench(name, fields, "fields");
	snprintf(summary, n, "%s: min %llu median %llu cycles, %llu vmcb12 fields read", label,
		 (unsigned long long)samples[0], (unsigned long long)samples[BENCH_RUNS / 2], (unsigned long long)fields);
	return true;
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "measured" };
	char a[120], b[120];
	(void)info;
	if (!nsvm_start_or_skip(hsave, false, cases, 1))
		return 0;
	bool ok = series(0, "clean_none", a, sizeof(a)) && series(CLEAN_DEFINED, "clean_all", b, sizeof(b));
	reportf(ok, "measured", "%s; %s", ok ? a : "an L2 exit other than VMMCALL", ok ? b : "");
	return 0;
}
