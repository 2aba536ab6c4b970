// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/x86_passthrough.c: the few MSRs and ports a
 * payload may have passed through, and, named one by one, the ones it must
 * never get: host virtualization state, the harness's serial line and the
 * ports that end or reset the machine, and numbers that only truncate onto
 * an allowed one.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <anvil/guest_abi.h>
#include <x86_passthrough.h>

#define MSR_NOT_LISTED "not on the pass-through allow-list (test MSR, TSC_AUX)"
#define MSR_TOO_WIDE "MSR number does not fit in 32 bits"
#define PORT_NOT_LISTED "not on the pass-through allow-list (port 0x80)"
#define PORT_TOO_WIDE "port number does not fit in 16 bits"

static void expect_msr_denied(uint64_t msr, const char *why)
{
	const char *got = x86_msr_passthrough_denied(msr);

	if (!got)
		fail_msg("MSR 0x%llx may be passed through", (unsigned long long)msr);
	assert_string_equal(got, why);
}

static void expect_port_denied(uint64_t port, const char *why)
{
	const char *got = x86_port_passthrough_denied(port);

	if (!got)
		fail_msg("port 0x%llx may be passed through", (unsigned long long)port);
	assert_string_equal(got, why);
}

static void test_allowed(void **state)
{
	(void)state;
	assert_int_equal(ANVIL_TEST_MSR, 0x4000a000u);
	assert_null(x86_msr_passthrough_denied(0x4000a000u)); /* ANVIL_TEST_MSR */
	assert_null(x86_msr_passthrough_denied(0xc0000103u)); /* IA32_TSC_AUX */
	assert_null(x86_port_passthrough_denied(0x80));       /* POST code */
}

static void test_host_state_msrs_denied(void **state)
{
	(void)state;
	expect_msr_denied(0xc0010117u, MSR_NOT_LISTED); /* VM_HSAVE_PA: the host save area */
	expect_msr_denied(0x0000001bu, MSR_NOT_LISTED); /* IA32_APIC_BASE */
	expect_msr_denied(0xc0010010u, MSR_NOT_LISTED); /* SYSCFG */
	expect_msr_denied(0xc0000080u, MSR_NOT_LISTED); /* EFER (SVME) */
	expect_msr_denied(0x00000200u, MSR_NOT_LISTED); /* MTRRphysBase0 */
	expect_msr_denied(0x000002ffu, MSR_NOT_LISTED); /* MTRRdefType */
	expect_msr_denied(0xc0010114u, MSR_NOT_LISTED); /* VM_CR */
	expect_msr_denied(0x00000010u, MSR_NOT_LISTED); /* TSC */
	expect_msr_denied(0, MSR_NOT_LISTED);
	expect_msr_denied(0xffffffffu, MSR_NOT_LISTED);
	/* Neighbours of the allowed ones. */
	expect_msr_denied(0x4000a001u, MSR_NOT_LISTED);
	expect_msr_denied(0x40009fffu, MSR_NOT_LISTED);
	expect_msr_denied(0xc0000102u, MSR_NOT_LISTED); /* KERNEL_GS_BASE */
	expect_msr_denied(0xc0000104u, MSR_NOT_LISTED);
}

/* Numbers that equal an allowed MSR only in their low 32 bits. */
static void test_wide_msr_numbers_denied(void **state)
{
	(void)state;
	expect_msr_denied(0x14000a000ull, MSR_TOO_WIDE);
	expect_msr_denied(0xffffffff4000a000ull, MSR_TOO_WIDE);
	expect_msr_denied(0x1c0000103ull, MSR_TOO_WIDE);
	expect_msr_denied(0x100000000ull, MSR_TOO_WIDE);
	expect_msr_denied(~0ull, MSR_TOO_WIDE);
}

static void test_harness_ports_denied(void **state)
{
	(void)state;
	for (uint64_t p = 0x3f8; p <= 0x3ff; p++)
		expect_port_denied(p, PORT_NOT_LISTED); /* COM1: the TAP results */
	expect_port_denied(0xf4, PORT_NOT_LISTED);   /* QEMU isa-debug-exit */
	expect_port_denied(0xcf9, PORT_NOT_LISTED);  /* reset control */
	expect_port_denied(0x8900, PORT_NOT_LISTED); /* Bochs shutdown */
	expect_port_denied(0x510, PORT_NOT_LISTED);  /* QEMU fw_cfg, also ANVIL_TEST_PORT */
	expect_port_denied(ANVIL_TEST_PORT, PORT_NOT_LISTED);
	expect_port_denied(0x64, PORT_NOT_LISTED);   /* i8042: reset line */
	expect_port_denied(0, PORT_NOT_LISTED);
	expect_port_denied(0x7f, PORT_NOT_LISTED);
	expect_port_denied(0x81, PORT_NOT_LISTED);
	expect_port_denied(0xffff, PORT_NOT_LISTED);
}

/* Numbers that equal port 0x80 only in their low 16 bits. */
static void test_wide_port_numbers_denied(void **state)
{
	(void)state;
	expect_port_denied(0x10080, PORT_TOO_WIDE);
	expect_port_denied(0x100000080ull, PORT_TOO_WIDE);
	expect_port_denied(0x10000, PORT_TOO_WIDE);
	expect_port_denied(~0ull, PORT_TOO_WIDE);
}

/* Exactly the listed numbers pass, among every 16-bit port and every MSR of the common ranges. */
static void test_nothing_else_passes(void **state)
{
	static const uint64_t msr_base[] = { 0x0, 0x40000000u, 0xc0000000u, 0xc0010000u };
	unsigned allowed = 0;

	(void)state;
	for (uint64_t p = 0; p <= 0xffff; p++)
		allowed += x86_port_passthrough_denied(p) == NULL;
	assert_int_equal(allowed, 1);
	allowed = 0;
	for (size_t b = 0; b < sizeof(msr_base) / sizeof(msr_base[0]); b++)
		for (uint64_t m = msr_base[b]; m < msr_base[b] + 0x10000; m++)
			allowed += x86_msr_passthrough_denied(m) == NULL;
	assert_int_equal(allowed, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_host_state_msrs_denied),
		cmocka_unit_test(test_wide_msr_numbers_denied),
		cmocka_unit_test(test_harness_ports_denied),
		cmocka_unit_test(test_wide_port_numbers_denied),
		cmocka_unit_test(test_nothing_else_passes),
	};

	return cmocka_run_group_tests_name("x86_passthrough", tests, NULL, NULL);
}
