// SPDX-License-Identifier: MIT
/* Host tests for lib/version.c: the comparison quirks are gated with. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <anvil/version.h>

/* version_compare() normalised to -1/0/1, checked in both directions. */
static int cmp(const char *a, const char *b)
{
	int ab = version_compare(a, b), ba = version_compare(b, a);
	int r = (ab > 0) - (ab < 0);

	assert_int_equal(r, -((ba > 0) - (ba < 0)));
	return r;
}

static void test_equal(void **state)
{
	(void)state;
	assert_int_equal(cmp("2.7", "2.7"), 0);
	assert_int_equal(cmp("7.2.19", "7.2.19"), 0);
	assert_int_equal(cmp("0", "0"), 0);
}

static void test_components_compare_as_numbers(void **state)
{
	(void)state;
	assert_int_equal(cmp("7.2.19", "7.2.2"), 1);
	assert_int_equal(cmp("2.10", "2.9"), 1);
	assert_int_equal(cmp("10", "9"), 1);
	assert_int_equal(cmp("2.7", "2.8"), -1);
	assert_int_equal(cmp("3.0", "2.8"), 1);
	assert_int_equal(cmp("7.2.22", "8.0"), -1);
}

static void test_missing_components_are_zero(void **state)
{
	(void)state;
	assert_int_equal(cmp("2.7", "2.7.0"), 0);
	assert_int_equal(cmp("2.7", "2.7.0.0"), 0);
	assert_int_equal(cmp("2.7", "2.7.1"), -1);
	assert_int_equal(cmp("2", "2.0.1"), -1);
}

static void test_leading_zeros(void **state)
{
	(void)state;
	assert_int_equal(cmp("2.07", "2.7"), 0);
	assert_int_equal(cmp("002.8", "2.8"), 0);
	assert_int_equal(cmp("2.00", "2"), 0);
	assert_int_equal(cmp("2.010", "2.9"), 1);
}

static void test_suffix_is_ignored(void **state)
{
	(void)state;
	assert_int_equal(cmp("2.7+dfsg-4", "2.7"), 0);
	assert_int_equal(cmp("2.7+dfsg-4+deb12u1", "2.8"), -1);
	assert_int_equal(cmp("2.8~rc1", "2.8"), 0);
	assert_int_equal(cmp("7.2.19-debian", "7.2.19"), 0);
	/* A dot not followed by a digit ends the number. */
	assert_int_equal(cmp("2.7.", "2.7"), 0);
	assert_int_equal(cmp("2.7.x9", "2.7"), 0);
	assert_int_equal(cmp("2..8", "2"), 0);
}

static void test_no_number_is_zero(void **state)
{
	(void)state;
	assert_int_equal(cmp("", "0"), 0);
	assert_int_equal(cmp(NULL, ""), 0);
	assert_int_equal(cmp("abc", "0.0"), 0);
	assert_int_equal(cmp("v2.8", "2.8"), -1);
	assert_int_equal(cmp(NULL, "0.1"), -1);
}

static void test_long_components(void **state)
{
	(void)state;
	/* Longer than any integer type: still compared exactly. */
	assert_int_equal(cmp("1.123456789012345678901234567890", "1.123456789012345678901234567891"), -1);
	assert_int_equal(cmp("99999999999999999999999", "100000000000000000000000"), -1);
	assert_int_equal(cmp("0000000000000000000000001", "1"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_components_compare_as_numbers),
		cmocka_unit_test(test_missing_components_are_zero),
		cmocka_unit_test(test_leading_zeros),
		cmocka_unit_test(test_suffix_is_ignored),
		cmocka_unit_test(test_no_number_is_zero),
		cmocka_unit_test(test_long_components),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
