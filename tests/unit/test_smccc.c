// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/smccc.c: function-ID decoding (DEN 0028
 * section 2.5) and the answers a guest gets (DEN 0022 PSCI, DEN 0028
 * section 7). IDs are written as the numbers the specifications list.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <smccc.h>

#define NOT_SUPPORTED 0xffffffffffffffffull  /* -1 in X0 */
#define INVALID_PARAMS 0xfffffffffffffffeull /* PSCI -2 */
#define ALREADY_ON 0xfffffffffffffffcull     /* PSCI -4 */

static const struct smccc_policy policy = { .smccc_minor = 1, .mpidr = 0x80000000ull };

static struct smccc_result call(const struct smccc_policy *p, uint64_t x0, uint64_t x1, uint64_t x2,
				uint64_t x3)
{
	const uint64_t regs[4] = { x0, x1, x2, x3 };
	struct smccc_result r;

	smccc_emulate(p, regs, &r);
	return r;
}

static void expect_return(uint64_t fid, uint64_t arg1, uint64_t want, const char *name)
{
	struct smccc_result r = call(&policy, fid, arg1, 0, 0);

	assert_int_equal(r.action, SMCCC_ACT_RETURN);
	assert_int_equal(r.x[0], want);
	assert_int_equal(r.x[1] | r.x[2] | r.x[3], 0);
	assert_string_equal(r.name, name);
}

static void test_fid_decode(void **state)
{
	struct smccc_fid f;

	(void)state;
	f = smccc_fid_decode(0xc6000012u);
	assert_true(f.fast && f.smc64 && f.mbz_ok);
	assert_int_equal(f.owner, SMCCC_OWNER_VENDOR_HYP);
	assert_int_equal(f.number, 0x12);
	f = smccc_fid_decode(0x84000008u);
	assert_true(f.fast && !f.smc64 && f.mbz_ok);
	assert_int_equal(f.owner, 4);
	assert_int_equal(f.number, 8);
	f = smccc_fid_decode(0x80010000u); /* bit 16 set in a fast call */
	assert_false(f.mbz_ok);
	f = smccc_fid_decode(0x32123456u); /* yielding, trusted OS 50, number in 23:0 */
	assert_false(f.fast);
	assert_true(f.mbz_ok);
	assert_int_equal(f.owner, 50);
	assert_int_equal(f.number, 0x123456);
}

static void test_owner_names(void **state)
{
	(void)state;
	assert_string_equal(smccc_owner_name(0), "Arm architecture");
	assert_string_equal(smccc_owner_name(1), "CPU service");
	assert_string_equal(smccc_owner_name(2), "SiP service");
	assert_string_equal(smccc_owner_name(3), "OEM service");
	assert_string_equal(smccc_owner_name(4), "standard secure service");
	assert_string_equal(smccc_owner_name(5), "standard hypervisor service");
	assert_string_equal(smccc_owner_name(6), "vendor-specific hypervisor service");
	assert_string_equal(smccc_owner_name(7), "vendor-specific EL3 monitor");
	assert_string_equal(smccc_owner_name(8), "reserved");
	assert_string_equal(smccc_owner_name(47), "reserved");
	assert_string_equal(smccc_owner_name(48), "trusted application");
	assert_string_equal(smccc_owner_name(49), "trusted application");
	assert_string_equal(smccc_owner_name(50), "trusted OS");
	assert_string_equal(smccc_owner_name(63), "trusted OS");
	assert_string_equal(smccc_owner_name(64), "reserved");
}

static void test_ids_are_the_published_numbers(void **state)
{
	(void)state;
	assert_int_equal(PSCI_VERSION, 0x84000000u);
	assert_int_equal(PSCI_CPU_SUSPEND, 0x84000001u);
	assert_int_equal(PSCI_CPU_OFF, 0x84000002u);
	assert_int_equal(PSCI_CPU_ON, 0x84000003u);
	assert_int_equal(PSCI_AFFINITY_INFO, 0x84000004u);
	assert_int_equal(PSCI_MIGRATE_INFO_TYPE, 0x84000006u);
	assert_int_equal(PSCI_SYSTEM_OFF, 0x84000008u);
	assert_int_equal(PSCI_SYSTEM_RESET, 0x84000009u);
	assert_int_equal(PSCI_FEATURES, 0x8400000au);
	assert_int_equal(PSCI_SYSTEM_RESET2, 0x84000012u);
	assert_int_equal(PSCI_0_2_FN64(0x03), 0xc4000003u);
	assert_int_equal(SMCCC_VERSION, 0x80000000u);
	assert_int_equal(SMCCC_ARCH_FEATURES, 0x80000001u);
	assert_int_equal(SMCCC_ARCH_WORKAROUND_1, 0x80008000u);
	assert_int_equal(SMCCC_ARCH_WORKAROUND_2, 0x80007fffu);
	assert_int_equal(SMCCC_ARCH_WORKAROUND_3, 0x80003fffu);
	assert_int_equal(SMCCC_FID(1, 1, SMCCC_OWNER_VENDOR_HYP, 5), 0xc6000005u);
}

static void test_versions(void **state)
{
	struct smccc_policy p12 = policy;
	struct smccc_result r;

	(void)state;
	expect_return(0x84000000u, 0, 0x10001, "PSCI_VERSION");
	expect_return(0x80000000u, 0, 0x10001, "SMCCC_VERSION");
	p12.smccc_minor = 2;
	r = call(&p12, 0x80000000u, 0, 0, 0);
	assert_int_equal(r.x[0], 0x10002);
	/* W0 only: junk in the top half of X0 does not change the function. */
	expect_return(0xdead000084000000ull, 0, 0x10001, "PSCI_VERSION");
}

static void test_psci_features(void **state)
{
	static const uint32_t supported[] = { 0x84000000u, 0x84000001u, 0xc4000001u, 0x84000002u,
					      0x84000003u, 0xc4000003u, 0x84000004u, 0xc4000004u,
					      0x84000006u, 0x84000008u, 0x84000009u, 0x8400000au,
					      0x80000000u };
	static const uint32_t unsupported[] = { 0x84000005u, 0xc4000005u, 0x84000007u, 0x8400000bu,
						0x8400000cu, 0x8400000eu, 0x84000012u, 0xc4000012u,
						0xc4000000u, 0xc4000008u, 0x80000001u, 0x80008000u,
						0xc6000000u, 0x12345678u };

	(void)state;
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		expect_return(0x8400000au, supported[i], 0, "PSCI_FEATURES");
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		expect_return(0x8400000au, unsupported[i], NOT_SUPPORTED, "PSCI_FEATURES");
	/* A 32-bit call: the queried ID is W1, whatever the top half holds. */
	expect_return(0x8400000au, 0xffffffff84000008ull, 0, "PSCI_FEATURES");
}

static void test_power_calls_end_the_payload(void **state)
{
	struct smccc_result r;

	(void)state;
	r = call(&policy, 0x84000008u, 0, 0, 0);
	assert_int_equal(r.action, SMCCC_ACT_POWER_OFF);
	assert_string_equal(r.name, "PSCI_SYSTEM_OFF");
	r = call(&policy, 0x84000002u, 0, 0, 0);
	assert_int_equal(r.action, SMCCC_ACT_POWER_OFF);
	assert_string_equal(r.name, "PSCI_CPU_OFF");
	r = call(&policy, 0x84000009u, 0, 0, 0);
	assert_int_equal(r.action, SMCCC_ACT_RESET);
	/* There is no 64-bit SYSTEM_OFF: unknown, not an end. */
	r = call(&policy, 0xc4000008u, 0, 0, 0);
	assert_int_equal(r.action, SMCCC_ACT_RETURN);
	assert_int_equal(r.x[0], NOT_SUPPORTED);
}

static void test_cpu_on_and_affinity(void **state)
{
	struct smccc_result r;

	(void)state;
	/* The only vCPU (MPIDR 0x80000000: bit 31 RES1, affinity 0) is already on. */
	expect_return(0xc4000003u, 0, ALREADY_ON, "PSCI_CPU_ON");
	expect_return(0x84000003u, 0x80000000u, ALREADY_ON, "PSCI_CPU_ON");
	expect_return(0xc4000003u, 1, INVALID_PARAMS, "PSCI_CPU_ON");
	expect_return(0xc4000003u, 0x100000000ull, INVALID_PARAMS, "PSCI_CPU_ON"); /* Aff3 = 1 */
	/* The 32-bit form cannot name Aff3: W1 only. */
	expect_return(0x84000003u, 0x100000000ull, ALREADY_ON, "PSCI_CPU_ON");
	r = call(&policy, 0xc4000004u, 0, 0, 0);
	assert_int_equal(r.x[0], PSCI_AFFINITY_ON);
	r = call(&policy, 0xc4000004u, 2, 0, 0);
	assert_int_equal(r.x[0], INVALID_PARAMS);
	/* At affinity level 1, Aff0 is ignored. */
	r = call(&policy, 0xc4000004u, 2, 1, 0);
	assert_int_equal(r.x[0], PSCI_AFFINITY_ON);
	r = call(&policy, 0xc4000004u, 0x200, 1, 0);
	assert_int_equal(r.x[0], INVALID_PARAMS);
	r = call(&policy, 0xc4000004u, 0, 4, 0);
	assert_int_equal(r.x[0], INVALID_PARAMS);
	expect_return(0x84000006u, 0, 2, "PSCI_MIGRATE_INFO_TYPE");
}

static void test_cpu_suspend_waits(void **state)
{
	struct smccc_result r = call(&policy, 0xc4000001u, 0x10000, 0x40001000, 0);

	(void)state;
	assert_int_equal(r.action, SMCCC_ACT_WAIT);
	assert_int_equal(r.x[0], 0);
}

static void test_arch_features_and_workarounds(void **state)
{
	struct smccc_policy unaffected = policy;
	struct smccc_result r;

	(void)state;
	expect_return(0x80000001u, 0x80000000u, 0, "SMCCC_ARCH_FEATURES");
	expect_return(0x80000001u, 0x80000001u, 0, "SMCCC_ARCH_FEATURES");
	expect_return(0x80000001u, 0x80008000u, NOT_SUPPORTED, "SMCCC_ARCH_FEATURES");
	expect_return(0x80000001u, 0x80000002u, NOT_SUPPORTED, "SMCCC_ARCH_FEATURES");
	expect_return(0x80000001u, 0x84000000u, NOT_SUPPORTED, "SMCCC_ARCH_FEATURES");
	expect_return(0x80008000u, 0, NOT_SUPPORTED, "SMCCC_ARCH_WORKAROUND");
	unaffected.workarounds_unaffected = true;
	for (uint32_t wa = 0; wa < 3; wa++) {
		static const uint32_t ids[] = { 0x80008000u, 0x80007fffu, 0x80003fffu };

		r = call(&unaffected, 0x80000001u, ids[wa], 0, 0);
		assert_int_equal(r.x[0], 1);
		r = call(&unaffected, ids[wa], 0, 0, 0);
		assert_int_equal(r.action, SMCCC_ACT_RETURN);
		assert_int_equal(r.x[0], 0);
	}
}

static void test_vendor_hyp_range_is_the_guest_abi(void **state)
{
	struct smccc_result r;

	(void)state;
	r = call(&policy, 0xc6000007u, 1, 2, 3);
	assert_int_equal(r.action, SMCCC_ACT_HYPERCALL);
	assert_int_equal(r.number, 7);
	r = call(&policy, 0x86000007u, 0, 0, 0); /* the SMC32 form too */
	assert_int_equal(r.action, SMCCC_ACT_HYPERCALL);
	/* Not a fast call, or MBZ bits set: not Anvil's. */
	r = call(&policy, 0x46000007u, 0, 0, 0);
	assert_int_equal(r.action, SMCCC_ACT_RETURN);
	assert_int_equal(r.x[0], NOT_SUPPORTED);
	r = call(&policy, 0xc6010007u, 0, 0, 0);
	assert_int_equal(r.action, SMCCC_ACT_RETURN);
	assert_int_equal(r.x[0], NOT_SUPPORTED);
}

static void test_everything_else_not_supported(void **state)
{
	static const uint64_t fids[] = { 0x82000000u, 0xc2000010u, 0x83000001u, 0xc5000000u,
					 0x81000000u, 0xbf000000u, 0xf2000000u, 0x84000005u,
					 0x84000010u, 0x8400000eu, 0x80000002u, 0x80010000u,
					 0x84010000u, 0x00000000u };

	(void)state;
	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++)
		expect_return(fids[i], 0, NOT_SUPPORTED, "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fid_decode),
		cmocka_unit_test(test_owner_names),
		cmocka_unit_test(test_ids_are_the_published_numbers),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_psci_features),
		cmocka_unit_test(test_power_calls_end_the_payload),
		cmocka_unit_test(test_cpu_on_and_affinity),
		cmocka_unit_test(test_cpu_suspend_waits),
		cmocka_unit_test(test_arch_features_and_workarounds),
		cmocka_unit_test(test_vendor_hyp_range_is_the_guest_abi),
		cmocka_unit_test(test_everything_else_not_supported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
