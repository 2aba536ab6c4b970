// SPDX-License-Identifier: MIT
/* Host tests for arch/x86_64/lib/nsvm_caps.c: CR4/EFER bits and width from CPUID. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <nsvm_caps.h>

#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_CET (1ull << 23)
#define EFER_LME (1ull << 8)
#define EFER_NXE (1ull << 11)
#define EFER_SVME (1ull << 12)

static void test_bare(void **state)
{
	struct nsvm_cpuid_view c = { 0 };
	struct nsvm_caps caps;

	(void)state;
	nsvm_caps_from_cpuid(&c, &caps);
	/* Only TSD and PCE need no flag; SVME is offered by nested SVM itself. */
	assert_int_equal(caps.cr4_supported, (1ull << 2) | (1ull << 8));
	assert_int_equal(caps.efer_supported, EFER_SVME);
	assert_false(caps.long_mode);
	assert_false(caps.npt);
	assert_int_equal(caps.phys_width, 36);
}

static void test_typical_64bit(void **state)
{
	struct nsvm_cpuid_view c = {
		.l1_edx = (1u << 6) | (1u << 24) | (1u << 25), /* PAE, FXSR, SSE */
		.l1_ecx = (1u << 26),                        /* XSAVE */
		.l7_ebx = (1u << 0) | (1u << 7),             /* FSGSBASE, SMEP */
		.e1_edx = (1u << 29) | (1u << 20) | (1u << 11), /* LM, NX, SYSCALL */
		.e8_eax = 48,
		.svm_edx = 1,
	};
	struct nsvm_caps caps;

	(void)state;
	nsvm_caps_from_cpuid(&c, &caps);
	assert_true(caps.cr4_supported & CR4_PAE);
	assert_true(caps.cr4_supported & CR4_OSXSAVE);
	assert_true(caps.cr4_supported & CR4_FSGSBASE);
	assert_true(caps.cr4_supported & CR4_SMEP);
	assert_false(caps.cr4_supported & CR4_LA57);  /* not announced */
	assert_false(caps.cr4_supported & CR4_PCIDE);
	assert_false(caps.cr4_supported & CR4_CET);
	assert_false(caps.cr4_supported & (1ull << 13)); /* reserved whatever CPUID says */
	assert_true(caps.efer_supported & EFER_LME);
	assert_true(caps.efer_supported & EFER_NXE);
	assert_true(caps.long_mode);
	assert_true(caps.npt);
	assert_int_equal(caps.phys_width, 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_typical_64bit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
