// SPDX-License-Identifier: MIT
/* Host tests for lib/abi_check.c: the guest ABI's argument rules. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/abi_check.h>
#include <anvil/guest_abi.h>

static void test_call_names(void **state)
{
	(void)state;
	assert_null(abi_call_name(0));
	assert_string_equal(abi_call_name(ANVIL_HC_PRINT), "print");
	assert_string_equal(abi_call_name(ANVIL_HC_ARCH_TEST), "arch_test");
	assert_string_equal(abi_call_name(ANVIL_HC_UNMAP_PAGE), "unmap_page");
	assert_string_equal(abi_call_name(ANVIL_HC_EXPECT_END), "expect_end");
	for (uint64_t nr = 1; nr < ANVIL_HC_COUNT; nr++)
		assert_non_null(abi_call_name(nr)); /* every defined call has a name */
	assert_null(abi_call_name(ANVIL_HC_COUNT));
	assert_null(abi_call_name(0x7777));
	assert_null(abi_call_name(~0ull));
}

static void test_case_names(void **state)
{
	char longest[ABI_CASE_NAME_MAX + 2];
	(void)state;
	assert_true(abi_case_name_valid("vmmcall_roundtrip"));
	assert_true(abi_case_name_valid("touch_cr2"));
	assert_false(abi_case_name_valid(""));
	assert_false(abi_case_name_valid("Has Caps"));
	assert_false(abi_case_name_valid("space here"));
	assert_false(abi_case_name_valid("hash#tag")); /* would start a TAP directive */
	assert_false(abi_case_name_valid("new\nline"));
	memset(longest, 'a', ABI_CASE_NAME_MAX);
	longest[ABI_CASE_NAME_MAX] = 0;
	assert_true(abi_case_name_valid(longest));
	longest[ABI_CASE_NAME_MAX] = 'a';
	longest[ABI_CASE_NAME_MAX + 1] = 0;
	assert_false(abi_case_name_valid(longest));
}

static void test_access_masks(void **state)
{
	(void)state;
	assert_true(abi_access_valid(0));
	assert_true(abi_access_valid(ANVIL_ACCESS_R));
	assert_true(abi_access_valid(ANVIL_ACCESS_R | ANVIL_ACCESS_W));
	assert_true(abi_access_valid(ANVIL_ACCESS_R | ANVIL_ACCESS_X));
	assert_true(abi_access_valid(ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X));
	assert_false(abi_access_valid(ANVIL_ACCESS_W));
	assert_false(abi_access_valid(ANVIL_ACCESS_X));
	assert_false(abi_access_valid(ANVIL_ACCESS_W | ANVIL_ACCESS_X));
	assert_false(abi_access_valid(8));
	assert_false(abi_access_valid(1ull << 63));
}

static void test_inject_requests(void **state)
{
	(void)state;
	assert_null(abi_inject_problem(6, 0, 0));
	assert_null(abi_inject_problem(13, 0x1234, ANVIL_INJECT_ERROR_CODE));
	assert_null(abi_inject_problem(0x40, 0, ANVIL_INJECT_EXTERNAL));
	assert_null(abi_inject_problem(255, 0, 0));
	assert_non_null(abi_inject_problem(256, 0, 0));
	assert_non_null(abi_inject_problem(6, 0, 4));
	assert_non_null(abi_inject_problem(13, 1ull << 32, ANVIL_INJECT_ERROR_CODE));
	assert_non_null(abi_inject_problem(0x40, 1, ANVIL_INJECT_ERROR_CODE));
	assert_non_null(abi_inject_problem(13, 1, ANVIL_INJECT_ERROR_CODE | ANVIL_INJECT_EXTERNAL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_names),
		cmocka_unit_test(test_case_names),
		cmocka_unit_test(test_access_masks),
		cmocka_unit_test(test_inject_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
