/* SPDX-License-Identifier: MIT */
/* Host unit tests for lib/vm_exit.c: every exit kind's name, and bad kinds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/vm_exit.h>

static void test_each_name(void **state)
{
	(void)state;
	static const struct { enum anvil_exit_kind k; const char *name; } want[] = {
		{ ANVIL_EXIT_HYPERCALL, "hypercall" },
		{ ANVIL_EXIT_CPUID, "cpuid" },
		{ ANVIL_EXIT_MSR_READ, "msr read" },
		{ ANVIL_EXIT_MSR_WRITE, "msr write" },
		{ ANVIL_EXIT_IO, "io" },
		{ ANVIL_EXIT_HLT, "hlt" },
		{ ANVIL_EXIT_MEM_FAULT, "memory fault" },
		{ ANVIL_EXIT_INTR, "interrupt" },
		{ ANVIL_EXIT_NMI, "nmi" },
		{ ANVIL_EXIT_SHUTDOWN, "shutdown" },
		{ ANVIL_EXIT_EXCEPTION, "exception" },
		{ ANVIL_EXIT_VIRT_INSN, "virtualization instruction" },
		{ ANVIL_EXIT_FAILED_ENTRY, "failed entry" },
		{ ANVIL_EXIT_UNKNOWN, "unknown" },
		{ ANVIL_EXIT_PRIV_INSN, "privileged instruction" },
		{ ANVIL_EXIT_INTR_WINDOW, "interrupt window" },
		{ ANVIL_EXIT_TIMESLICE, "time slice" },
		{ ANVIL_EXIT_ARCH, "resolved by the backend" },
		{ ANVIL_EXIT_MMIO, "mmio" },
		{ ANVIL_EXIT_SYSREG, "system register" },
		{ ANVIL_EXIT_SMC, "smc" },
	};

	assert_int_equal(sizeof(want) / sizeof(want[0]), ANVIL_EXIT_KIND_COUNT);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(vm_exit_kind_name(want[i].k), want[i].name);
}

static void test_names_distinct(void **state)
{
	(void)state;
	for (int a = 0; a < ANVIL_EXIT_KIND_COUNT; a++)
		for (int b = a + 1; b < ANVIL_EXIT_KIND_COUNT; b++)
			assert_string_not_equal(vm_exit_kind_name(a), vm_exit_kind_name(b));
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(vm_exit_kind_name(ANVIL_EXIT_KIND_COUNT), "invalid");
	assert_string_equal(vm_exit_kind_name((enum anvil_exit_kind)255), "invalid");
	assert_string_equal(vm_exit_kind_name((enum anvil_exit_kind)-1), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_name),
		cmocka_unit_test(test_names_distinct),
		cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests_name("vm_exit", tests, NULL, NULL);
}
