/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <anvil/abi_check.h>
#include <anvil/guest_abi.h>

#define VECTOR_MAX 255u
#define EXCEPTION_VECTORS 32u

static const char *const call_names[ANVIL_HC_COUNT] = {
	[ANVIL_HC_PRINT] = "print", [ANVIL_HC_REPORT] = "report", [ANVIL_HC_FINISH] = "finish",
	[ANVIL_HC_EXPECT_FAULT] = "expect_fault", [ANVIL_HC_LAST_FAULT] = "last_fault",
	[ANVIL_HC_INJECT] = "inject", [ANVIL_HC_SET_PAGE_ACCESS] = "set_page_access",
	[ANVIL_HC_REMAP_PAGE] = "remap_page", [ANVIL_HC_EXIT_COUNT] = "exit_count",
	[ANVIL_HC_BENCH] = "bench", [ANVIL_HC_MINIMAL_EXITS] = "minimal_exits",
	[ANVIL_HC_ARCH_TEST] = "arch_test", [ANVIL_HC_UNMAP_PAGE] = "unmap_page",
	[ANVIL_HC_EXPECT_END] = "expect_end",
};

const char *abi_call_name(uint64_t nr)
{
	return nr < ANVIL_HC_COUNT ? call_names[nr] : NULL;
}

static bool case_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '/' || c == '-' ||
	       c == '.';
}

bool abi_case_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > ABI_CASE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!case_char(s[i]))
			return false;
	return true;
}

bool abi_access_valid(uint64_t access)
{
	const uint64_t all = ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X;
	if (access & ~all)
		return false;
	return access == 0 || (access & ANVIL_ACCESS_R);
}

const char *abi_inject_problem(uint64_t vector, uint64_t error_code, uint64_t flags)
{
	if (vector > VECTOR_MAX)
		return "vector above 255";
	if (flags & ~(uint64_t)(ANVIL_INJECT_ERROR_CODE | ANVIL_INJECT_EXTERNAL))
		return "unknown flags";
	if (error_code > 0xffffffffull)
		return "error code wider than 32 bits";
	if ((flags & ANVIL_INJECT_ERROR_CODE) &&
	    ((flags & ANVIL_INJECT_EXTERNAL) || vector >= EXCEPTION_VECTORS))
		return "only exceptions (vectors 0-31) push an error code";
	return NULL;
}
