/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for arch/x86_64/lib/cpuid_policy.c: each edited leaf
 * changes exactly the bits the policy names, the hypervisor range is
 * synthesised, and every other leaf passes through untouched.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/guest_abi.h>

#include "cpuid_policy.h"

static const struct cpuid_regs all_ones = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX };
static const struct cpuid_regs all_zero = { 0, 0, 0, 0 };
static const struct cpuid_regs pattern = { 0x12345678u, 0x9abcdef0u, 0x0f1e2d3cu, 0x4b5a6978u };

static struct cpuid_regs apply(uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *host)
{
	struct cpuid_regs out;

	memset(&out, 0xa5, sizeof(out));
	cpuid_policy_apply(leaf, subleaf, host, &out);
	return out;
}

static void assert_regs(struct cpuid_regs got, uint32_t eax, uint32_t ebx, uint32_t ecx,
			uint32_t edx)
{
	assert_int_equal(got.eax, eax);
	assert_int_equal(got.ebx, ebx);
	assert_int_equal(got.ecx, ecx);
	assert_int_equal(got.edx, edx);
}

static void test_leaf1(void **state)
{
	(void)state;
	/* From all ones only MONITOR (ECX bit 3) and VMX (bit 5) drop; from all zeros only bit 31 appears. */
	assert_regs(apply(1, 0, &all_ones), UINT32_MAX, UINT32_MAX, ~(1u << 5 | 1u << 3), UINT32_MAX);
	assert_regs(apply(1, 0, &all_zero), 0, 0, 1u << 31, 0);
	assert_regs(apply(1, 0, &pattern), pattern.eax, pattern.ebx,
		    (pattern.ecx | 1u << 31) & ~(1u << 5 | 1u << 3), pattern.edx);
}

static void test_ext_features(void **state)
{
	(void)state;
	assert_regs(apply(0x80000001u, 0, &all_ones), UINT32_MAX, UINT32_MAX, ~(1u << 2),
		    UINT32_MAX);
	assert_regs(apply(0x80000001u, 0, &all_zero), 0, 0, 0, 0);
}

/* RDPRU (0x80000008 EBX bit 4, AMD APM Vol 3 E.4.7) is hidden: it is intercepted and #UD. */
static void test_rdpru_hidden(void **state)
{
	(void)state;
	assert_regs(apply(0x80000008u, 0, &all_ones), UINT32_MAX, ~(1u << 4), UINT32_MAX, UINT32_MAX);
	assert_regs(apply(0x80000008u, 0, &all_zero), 0, 0, 0, 0);
}

static void test_svm_leaf_zero(void **state)
{
	(void)state;
	assert_regs(apply(0x8000000au, 0, &all_ones), 0, 0, 0, 0);
	assert_regs(apply(0x8000000au, 0, &pattern), 0, 0, 0, 0);
}

static void test_hv_base_signature(void **state)
{
	(void)state;
	struct cpuid_regs r = apply(ANVIL_CPUID_BASE, 0, &all_ones);
	char sig[13];

	assert_regs(r, ANVIL_CPUID_INFO, ANVIL_CPUID_SIG_EBX, ANVIL_CPUID_SIG_ECX,
		    ANVIL_CPUID_SIG_EDX);
	/* ebx:ecx:edx spell the name in memory order, as guests compare it. */
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 'X';
	assert_memory_equal(sig, "AnvilTestHV\0X", 13);
}

static void test_hv_info_and_rest(void **state)
{
	(void)state;
	assert_regs(apply(ANVIL_CPUID_INFO, 0, &all_ones), ANVIL_ABI_VERSION, 0, 0, 0);
	assert_regs(apply(0x40000002u, 0, &all_ones), 0, 0, 0, 0);
	assert_regs(apply(0x400000ffu, 7, &all_ones), 0, 0, 0, 0);
	/* The host is not consulted for these, so it need not be given. */
	assert_regs(apply(ANVIL_CPUID_BASE, 0, NULL), ANVIL_CPUID_INFO, ANVIL_CPUID_SIG_EBX,
		    ANVIL_CPUID_SIG_ECX, ANVIL_CPUID_SIG_EDX);
	assert_regs(apply(0x40000010u, 0, NULL), 0, 0, 0, 0);
}

static void test_synthetic_range(void **state)
{
	(void)state;
	assert_false(cpuid_policy_synthetic(0x3fffffffu));
	assert_true(cpuid_policy_synthetic(0x40000000u));
	assert_true(cpuid_policy_synthetic(0x40000001u));
	assert_true(cpuid_policy_synthetic(0x400000ffu));
	assert_false(cpuid_policy_synthetic(0x40000100u));
	assert_false(cpuid_policy_synthetic(0x4000ff00u));
	assert_false(cpuid_policy_synthetic(0));
	assert_false(cpuid_policy_synthetic(1));
	assert_false(cpuid_policy_synthetic(0x80000001u));
}

static void test_pass_through(void **state)
{
	(void)state;
	static const uint32_t leaves[] = { 0, 2, 4, 7, 0xb, 0xd, 0x15, 0x16, 0x40000100u,
					   0x80000000u, 0x80000009u,
					   0x8000000bu, 0x8000001fu, 0xc0000000u };

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		for (uint32_t sub = 0; sub < 3; sub++)
			assert_regs(apply(leaves[i], sub, &pattern), pattern.eax, pattern.ebx,
				    pattern.ecx, pattern.edx);
	}
}

static void test_subleaf_ignored_for_edited_leaves(void **state)
{
	(void)state;
	assert_regs(apply(1, 5, &all_ones), UINT32_MAX, UINT32_MAX, ~(1u << 5 | 1u << 3), UINT32_MAX);
	assert_regs(apply(0x8000000au, 3, &all_ones), 0, 0, 0, 0);
}

static void test_in_place(void **state)
{
	(void)state;
	struct cpuid_regs r = all_ones;

	cpuid_policy_apply(1, 0, &r, &r);
	assert_regs(r, UINT32_MAX, UINT32_MAX, ~(1u << 5 | 1u << 3), UINT32_MAX);
	r = all_ones;
	cpuid_policy_apply(ANVIL_CPUID_INFO, 0, &r, &r);
	assert_regs(r, ANVIL_ABI_VERSION, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1),
		cmocka_unit_test(test_ext_features),
		cmocka_unit_test(test_svm_leaf_zero),
		cmocka_unit_test(test_rdpru_hidden),
		cmocka_unit_test(test_hv_base_signature),
		cmocka_unit_test(test_hv_info_and_rest),
		cmocka_unit_test(test_synthetic_range),
		cmocka_unit_test(test_pass_through),
		cmocka_unit_test(test_subleaf_ignored_for_edited_leaves),
		cmocka_unit_test(test_in_place),
	};

	return cmocka_run_group_tests_name("cpuid_policy", tests, NULL, NULL);
}
