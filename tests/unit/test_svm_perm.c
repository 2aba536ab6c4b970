// SPDX-License-Identifier: MIT
/* Host tests for arch/x86_64/lib/svm_perm.c: MSR and I/O permission map bit positions. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <svm_perm.h>

static uint8_t msrpm[SVM_MSRPM_BYTES], iopm[SVM_IOPM_BYTES];

static void test_msr_locations(void **state)
{
	size_t byte;
	unsigned bit;
	(void)state;
	/* APM Vol 2 §15.11: three 8 Ki-MSR ranges at 0x0, 0x800, 0x1000; 2 bits per MSR. */
	assert_true(svm_msrpm_locate(0x0, &byte, &bit));
	assert_int_equal(byte, 0);
	assert_int_equal(bit, 0);
	assert_true(svm_msrpm_locate(0x1fff, &byte, &bit));
	assert_int_equal(byte, 0x7ff);
	assert_int_equal(bit, 6);
	assert_true(svm_msrpm_locate(0xc0000080, &byte, &bit)); /* EFER */
	assert_int_equal(byte, 0x800 + 0x80 * 2 / 8);
	assert_int_equal(bit, 0);
	assert_true(svm_msrpm_locate(0xc0000103, &byte, &bit)); /* TSC_AUX */
	assert_int_equal(byte, 0x800 + 0x103 * 2 / 8);
	assert_int_equal(bit, (0x103 * 2) % 8);
	assert_true(svm_msrpm_locate(0xc0011fff, &byte, &bit));
	assert_int_equal(byte, 0x17ff);
	assert_false(svm_msrpm_locate(0x2000, &byte, &bit));
	assert_false(svm_msrpm_locate(0x4000a000, &byte, &bit)); /* the Anvil test MSR */
	assert_false(svm_msrpm_locate(0xc0002000, &byte, &bit));
	assert_false(svm_msrpm_locate(0xbfffffff, &byte, &bit));
}

static void test_msr_set_clear(void **state)
{
	(void)state;
	svm_msrpm_init(msrpm);
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0000103, false));
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0000103, true));
	assert_int_equal(svm_msrpm_set(msrpm, 0xc0000103, false, true), 0);
	assert_false(svm_msrpm_intercepts(msrpm, 0xc0000103, false));
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0000103, true));
	/* neighbours sharing the byte keep their bits */
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0000102, false));
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0000104, true));
	assert_int_equal(svm_msrpm_set(msrpm, 0xc0000103, false, false), 0);
	assert_false(svm_msrpm_intercepts(msrpm, 0xc0000103, true));
	/* outside the map: always intercepted, so only "both on" is expressible */
	assert_int_equal(svm_msrpm_set(msrpm, 0x4000a000, false, false), -1);
	assert_int_equal(svm_msrpm_set(msrpm, 0x4000a000, true, true), 0);
	assert_true(svm_msrpm_intercepts(msrpm, 0x4000a000, false));
}

static void test_io_bits(void **state)
{
	(void)state;
	svm_iopm_init(iopm);
	assert_true(svm_iopm_intercepts(iopm, 0x80));
	svm_iopm_set(iopm, 0x80, false);
	assert_false(svm_iopm_intercepts(iopm, 0x80));
	assert_true(svm_iopm_intercepts(iopm, 0x81));
	assert_true(svm_iopm_intercepts(iopm, 0x7f));
	assert_int_equal(iopm[0x80 / 8], 0xfe);
	svm_iopm_set(iopm, 0xffff, false);
	assert_int_equal(iopm[0x1fff], 0x7f);
	/* the bytes past port 0xffff stay set: accesses that wrap are intercepted */
	assert_int_equal(iopm[0x2000], 0xff);
	svm_iopm_set(iopm, 0x80, true);
	assert_true(svm_iopm_intercepts(iopm, 0x80));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msr_locations),
		cmocka_unit_test(test_msr_set_clear),
		cmocka_unit_test(test_io_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
