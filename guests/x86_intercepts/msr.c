/* SPDX-License-Identifier: MIT */
/*
 * MSR intercepts: ANVIL_TEST_MSR is emulated, other intercepted MSRs #GP,
 * IA32_TSC_AUX passes through unless a test operation intercepts it.
 */
#include <guest/guest.h>

#include "intercepts.h"

#define MSR_UNKNOWN (ANVIL_TEST_MSR + 1) /* intercepted, no emulation: #GP(0) */
#define TEST_VALUE_1 0x0123456789abcdefull
#define TEST_VALUE_2 0xfedcba9876543210ull
#define TSC_AUX_VALUE_1 0x2a5u /* TSC_AUX holds 32 bits */
#define TSC_AUX_VALUE_2 0x15au
#define CPUID_EXT_EDX_RDTSCP (1u << 27)

#define MSR_INTERCEPT_READ ANVIL_X86_INTERCEPT_READ
#define MSR_INTERCEPT_WRITE ANVIL_X86_INTERCEPT_WRITE

struct msr_access {
	uint32_t msr;
	uint64_t value;
};

static void msr_read_fn(void *arg)
{
	struct msr_access *a = arg;

	a->value = rdmsr(a->msr);
}

static void msr_write_fn(void *arg)
{
	struct msr_access *a = arg;

	wrmsr(a->msr, a->value);
}

static bool try_rdmsr(uint32_t msr, uint64_t *value, struct guest_trap *trap)
{
	struct msr_access a = { .msr = msr };
	bool faulted = guest_try(msr_read_fn, &a, trap);

	*value = a.value;
	return faulted;
}

static bool try_wrmsr(uint32_t msr, uint64_t value, struct guest_trap *trap)
{
	struct msr_access a = { .msr = msr, .value = value };

	return guest_try(msr_write_fn, &a, trap);
}

static uint64_t reads(void)
{
	return exit_count(ANVIL_EXIT_MSR_READ);
}

static uint64_t writes(void)
{
	return exit_count(ANVIL_EXIT_MSR_WRITE);
}

static void check_test_msr(void)
{
	struct checks c = { 0 };
	uint64_t r0 = reads();
	uint64_t v = rdmsr(ANVIL_TEST_MSR);
	uint64_t r1 = reads();

	/* Runs first: nothing has written the MSR yet. */
	check(&c, v == ANVIL_TEST_MSR_INIT, "first read %#llx, expected %#llx",
	      (unsigned long long)v, (unsigned long long)ANVIL_TEST_MSR_INIT);
	check(&c, r1 - r0 == 1, "one RDMSR: MSR read exits +%llu", (unsigned long long)(r1 - r0));
	checks_report(&c, "rdmsr_test_msr");

	c = (struct checks){ 0 };
	uint64_t w0 = writes();
	wrmsr(ANVIL_TEST_MSR, TEST_VALUE_1);
	uint64_t w1 = writes();
	v = rdmsr(ANVIL_TEST_MSR);
	check(&c, w1 - w0 == 1, "one WRMSR: MSR write exits +%llu", (unsigned long long)(w1 - w0));
	check(&c, v == TEST_VALUE_1, "wrote %#llx, read %#llx", TEST_VALUE_1, (unsigned long long)v);
	wrmsr(ANVIL_TEST_MSR, TEST_VALUE_2);
	v = rdmsr(ANVIL_TEST_MSR);
	check(&c, v == TEST_VALUE_2, "wrote %#llx, read %#llx", TEST_VALUE_2, (unsigned long long)v);
	checks_report(&c, "wrmsr_test_msr");
}

static void check_unknown_gp(void)
{
	struct checks c = { 0 };
	struct guest_trap trap;
	uint64_t v;
	uint64_t r0 = reads();
	bool faulted = try_rdmsr(MSR_UNKNOWN, &v, &trap);
	uint64_t r1 = reads();

	if (check(&c, faulted, "RDMSR %#x returned %#llx instead of #GP", MSR_UNKNOWN,
		  (unsigned long long)v))
		check(&c, trap.vector == X86_VEC_GP && trap.error_code == 0,
		      "RDMSR %#x raised vector %llu error code %#llx, expected #GP(0)", MSR_UNKNOWN,
		      (unsigned long long)trap.vector, (unsigned long long)trap.error_code);
	check(&c, r1 - r0 == 1, "RDMSR: MSR read exits +%llu", (unsigned long long)(r1 - r0));

	uint64_t w0 = writes();
	faulted = try_wrmsr(MSR_UNKNOWN, 1, &trap);
	uint64_t w1 = writes();

	if (check(&c, faulted, "WRMSR %#x did not #GP", MSR_UNKNOWN))
		check(&c, trap.vector == X86_VEC_GP && trap.error_code == 0,
		      "WRMSR %#x raised vector %llu error code %#llx, expected #GP(0)", MSR_UNKNOWN,
		      (unsigned long long)trap.vector, (unsigned long long)trap.error_code);
	check(&c, w1 - w0 == 1, "WRMSR: MSR write exits +%llu", (unsigned long long)(w1 - w0));
	checks_report(&c, "msr_unknown_gp");
}

static bool cpu_has_tsc_aux(void)
{
	return cpuid(0x80000000u, 0).eax >= 0x80000001u &&
	       (cpuid(0x80000001u, 0).edx & CPUID_EXT_EDX_RDTSCP);
}

static void check_tsc_aux_passthrough(void)
{
	struct checks c = { 0 };
	uint64_t r0 = reads(), w0 = writes();
	uint64_t old = rdmsr(X86_MSR_TSC_AUX); /* this payload's own (0 at entry, guest-abi.md) */
	uint32_t aux;

	wrmsr(X86_MSR_TSC_AUX, TSC_AUX_VALUE_1);
	uint64_t v = rdmsr(X86_MSR_TSC_AUX);
	rdtscp(&aux);
	uint64_t r1 = reads(), w1 = writes();

	check(&c, v == TSC_AUX_VALUE_1, "wrote %#x, read %#llx", TSC_AUX_VALUE_1,
	      (unsigned long long)v);
	check(&c, aux == TSC_AUX_VALUE_1, "RDTSCP ecx %#x, expected %#x", aux, TSC_AUX_VALUE_1);
	check(&c, r1 == r0 && w1 == w0, "MSR exits counted: reads +%llu, writes +%llu",
	      (unsigned long long)(r1 - r0), (unsigned long long)(w1 - w0));
	wrmsr(X86_MSR_TSC_AUX, old);
	checks_report(&c, "msr_passthrough");
}

/* Intercept TSC_AUX reads, then writes, clearing in between (so "set these
 * bits" and "set exactly these bits" readings of the operation agree). */
static void check_tsc_aux_toggle(void)
{
	struct checks c = { 0 };
	struct guest_trap trap;
	uint64_t v, n0, n1;
	uint64_t old = rdmsr(X86_MSR_TSC_AUX); /* this payload's own (0 at entry, guest-abi.md) */
	bool faulted;

	check(&c, arch_test(ANVIL_X86_TEST_INTERCEPT_MSR, X86_MSR_TSC_AUX, MSR_INTERCEPT_READ, 0) == 0,
	      "intercepting TSC_AUX reads was refused");
	n0 = reads();
	faulted = try_rdmsr(X86_MSR_TSC_AUX, &v, &trap);
	n1 = reads();
	check(&c, faulted && trap.vector == X86_VEC_GP,
	      "read intercepted: RDMSR gave %s (vector %llu)", faulted ? "an exception" : "a value",
	      (unsigned long long)trap.vector);
	check(&c, n1 - n0 == 1, "read intercepted: MSR read exits +%llu",
	      (unsigned long long)(n1 - n0));
	n0 = writes();
	faulted = try_wrmsr(X86_MSR_TSC_AUX, TSC_AUX_VALUE_2, &trap);
	n1 = writes();
	check(&c, !faulted && n1 == n0, "read intercepted: WRMSR %s, write exits +%llu",
	      faulted ? "faulted" : "passed", (unsigned long long)(n1 - n0));

	check(&c, arch_test(ANVIL_X86_TEST_INTERCEPT_MSR, X86_MSR_TSC_AUX, 0, 0) == 0,
	      "passing TSC_AUX through (it is on the allow-list) was refused");
	n0 = reads();
	faulted = try_rdmsr(X86_MSR_TSC_AUX, &v, &trap);
	n1 = reads();
	check(&c, !faulted && n1 == n0 && v == TSC_AUX_VALUE_2,
	      "cleared: RDMSR %s %#llx, read exits +%llu", faulted ? "faulted" : "gave",
	      (unsigned long long)v, (unsigned long long)(n1 - n0));

	arch_test(ANVIL_X86_TEST_INTERCEPT_MSR, X86_MSR_TSC_AUX, MSR_INTERCEPT_WRITE, 0);
	n0 = writes();
	faulted = try_wrmsr(X86_MSR_TSC_AUX, TSC_AUX_VALUE_1, &trap);
	n1 = writes();
	check(&c, faulted && trap.vector == X86_VEC_GP && n1 - n0 == 1,
	      "write intercepted: WRMSR %s, write exits +%llu",
	      faulted ? "faulted" : "passed", (unsigned long long)(n1 - n0));
	n0 = reads();
	faulted = try_rdmsr(X86_MSR_TSC_AUX, &v, &trap);
	n1 = reads();
	check(&c, !faulted && n1 == n0 && v == TSC_AUX_VALUE_2,
	      "write intercepted: RDMSR %s %#llx, read exits +%llu", faulted ? "faulted" : "gave",
	      (unsigned long long)v, (unsigned long long)(n1 - n0));

	arch_test(ANVIL_X86_TEST_INTERCEPT_MSR, X86_MSR_TSC_AUX, 0, 0);
	n0 = writes();
	faulted = try_wrmsr(X86_MSR_TSC_AUX, old, &trap);
	n1 = writes();
	check(&c, !faulted && n1 == n0, "cleared again: WRMSR %s, write exits +%llu",
	      faulted ? "faulted" : "passed", (unsigned long long)(n1 - n0));
	checks_report(&c, "msr_intercept_toggle");
}

/*
 * MSRs through which a payload would reach host state: the hypervisor must
 * refuse to stop intercepting them (ANVIL_TEST_DENIED), and they stay
 * intercepted afterwards. 0x14000a000 would truncate to the test MSR.
 */
static const uint64_t host_msrs[] = {
	0xc0010117u, /* VM_HSAVE_PA */
	0x1bu,       /* IA32_APIC_BASE */
	0xc0010010u, /* SYSCFG */
	0xc0000080u, /* EFER */
	0x2ffu,      /* IA32_MTRR_DEF_TYPE */
	0x200u,      /* IA32_MTRR_PHYSBASE0 */
	0x14000a000ull,
};

static void check_passthrough_denied(void)
{
	struct checks c = { 0 };
	struct guest_trap trap;
	uint64_t v;

	for (unsigned i = 0; i < sizeof(host_msrs) / sizeof(host_msrs[0]); i++) {
		uint64_t r = arch_test(ANVIL_X86_TEST_INTERCEPT_MSR, host_msrs[i], 0, 0);
		check(&c, r == ANVIL_TEST_DENIED, "pass-through of MSR %#llx answered %#llx, not DENIED",
		      (unsigned long long)host_msrs[i], (unsigned long long)r);
	}
	/* Still intercepted: a read of IA32_APIC_BASE exits and gets the hypervisor's #GP. */
	uint64_t n0 = reads();
	bool faulted = try_rdmsr(0x1bu, &v, &trap);
	uint64_t n1 = reads();
	check(&c, n1 - n0 == 1 && faulted && trap.vector == X86_VEC_GP,
	      "after the refusal RDMSR IA32_APIC_BASE %s (read exits +%llu)",
	      faulted ? "faulted" : "returned a value", (unsigned long long)(n1 - n0));
	checks_report(&c, "msr_passthrough_denied");
}

void msr_cases(void)
{
	check_test_msr();
	check_unknown_gp();
	check_passthrough_denied();
	if (cpu_has_tsc_aux()) {
		check_tsc_aux_passthrough();
		check_tsc_aux_toggle();
	} else {
		report_skip("msr_passthrough", "the CPU has no RDTSCP, so no IA32_TSC_AUX to pass through");
		report_skip("msr_intercept_toggle", "the CPU has no RDTSCP, so no IA32_TSC_AUX to intercept");
	}
}
