// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/vmx_caps.c, with the capability MSR values
 * Bochs 2.7 tigerlake reports (/work/shared/docs/platforms.md section 2) and
 * hand-made edge cases.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vmx_caps.h>

/* Bochs 2.7, cpu model tigerlake. */
#define TIGERLAKE_VMX_BASIC 0x01d8100000000004ull
#define TIGERLAKE_PROCBASED_CTLS2 0x02977fff00000000ull
#define TIGERLAKE_EPT_VPID_CAP 0x00000f0106b34141ull

/* ---- IA32_VMX_BASIC ---- */

static void test_basic_tigerlake(void **state)
{
	const uint64_t b = TIGERLAKE_VMX_BASIC;

	(void)state;
	assert_int_equal(vmx_basic_revision(b), 4);
	assert_int_equal(vmx_basic_region_size(b), 4096);  /* bits 44:32 = 0x1000 */
	assert_int_equal(vmx_basic_mem_type(b), VMX_MEM_TYPE_WB); /* bits 53:50 = 6 */
	assert_true(vmx_basic_true_ctls(b));                /* bit 55 */
	assert_true(vmx_basic_ins_outs_info(b));            /* bit 54 */
	assert_false(b & VMX_BASIC_PA_32BIT);
	assert_false(b & VMX_BASIC_DUAL_MONITOR);
	assert_true(b & VMX_BASIC_NO_ERROR_CODE_CHECK);     /* bit 56 */
}

static void test_basic_edges(void **state)
{
	(void)state;
	/* Bit 31 is always 0 in the MSR and not part of the revision. */
	assert_int_equal(vmx_basic_revision(0xffffffffull), 0x7fffffffu);
	assert_int_equal(vmx_basic_region_size(0x00001fff00000000ull), 0x1fff);
	assert_int_equal(vmx_basic_region_size(0x0000200000000000ull), 0); /* bit 45 is not size */
	assert_int_equal(vmx_basic_mem_type(0), VMX_MEM_TYPE_UC);
	assert_int_equal(vmx_basic_mem_type(0x003c000000000000ull), 0xf);
	assert_false(vmx_basic_true_ctls(~0ull & ~(1ull << 55)));
	assert_true(vmx_basic_true_ctls(1ull << 55));
	assert_false(vmx_basic_ins_outs_info(~0ull & ~(1ull << 54)));
}

/* ---- Controls ---- */

static void test_ctl_msr(void **state)
{
	(void)state;
	assert_int_equal(vmx_ctl_msr(VMX_CTL_PIN, false), 0x481);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_PIN, true), 0x48d);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_PROC, false), 0x482);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_PROC, true), 0x48e);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_PROC2, false), 0x48b);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_PROC2, true), 0x48b); /* no TRUE variant */
	assert_int_equal(vmx_ctl_msr(VMX_CTL_EXIT, false), 0x483);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_EXIT, true), 0x48f);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_ENTRY, false), 0x484);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_ENTRY, true), 0x490);
	assert_int_equal(vmx_ctl_msr(VMX_CTL_KIND_COUNT, true), 0);
}

static void test_adjust_tigerlake_secondary(void **state)
{
	const uint32_t want = VMX_PROC2_EPT | VMX_PROC2_VPID | VMX_PROC2_UNRESTRICTED_GUEST |
			      VMX_PROC2_SPP | VMX_PROC2_PML;
	uint32_t missing = 0xdead;

	(void)state;
	assert_int_equal(vmx_ctl_adjust(TIGERLAKE_PROCBASED_CTLS2, want, &missing), want);
	assert_int_equal(missing, 0);
	assert_int_equal(VMX_PROC2_EPT, 1u << 1);
	assert_int_equal(VMX_PROC2_VPID, 1u << 5);
	assert_int_equal(VMX_PROC2_PML, 1u << 17);
	assert_int_equal(VMX_PROC2_SPP, 1u << 23);
	/* allowed-1 0x02977fff: bits 0-14, 16-18, 20, 23, 25. */
	for (unsigned bit = 0; bit < 32; bit++) {
		bool allowed = bit <= 14 || (bit >= 16 && bit <= 18) || bit == 20 || bit == 23 ||
			       bit == 25;

		assert_int_equal(vmx_ctl_adjust(TIGERLAKE_PROCBASED_CTLS2, 1u << bit, &missing),
				 1u << bit);
		assert_int_equal(missing, allowed ? 0 : 1u << bit);
	}
	assert_int_equal(vmx_ctl_adjust(TIGERLAKE_PROCBASED_CTLS2,
					VMX_PROC2_EPT | VMX_PROC2_MODE_BASED_EXEC | VMX_PROC2_ENCLS_EXIT,
					&missing),
			 VMX_PROC2_EPT | VMX_PROC2_MODE_BASED_EXEC | VMX_PROC2_ENCLS_EXIT);
	assert_int_equal(missing, VMX_PROC2_MODE_BASED_EXEC | VMX_PROC2_ENCLS_EXIT);
}

static void test_adjust_must_be_one(void **state)
{
	/* A typical IA32_VMX_PINBASED_CTLS: bits 1, 2, 4 are default1; 0-6 may be 1. */
	const uint64_t pin = 0x0000007f00000016ull;
	uint32_t missing;

	(void)state;
	assert_int_equal(vmx_ctl_adjust(pin, VMX_PIN_EXT_INTR_EXIT | VMX_PIN_NMI_EXIT |
					     VMX_PIN_VIRTUAL_NMI | VMX_PIN_PREEMPTION_TIMER, &missing),
			 0x7f);
	assert_int_equal(missing, 0);
	assert_int_equal(vmx_ctl_adjust(pin, VMX_PIN_POSTED_INTR, &missing), 0x96);
	assert_int_equal(missing, VMX_PIN_POSTED_INTR);
	assert_int_equal(vmx_ctl_adjust(pin, 0, NULL), 0x16); /* missing may be NULL */
	assert_int_equal(vmx_ctl_adjust(0, 0, &missing), 0);
	assert_int_equal(missing, 0);
	assert_int_equal(vmx_ctl_adjust(0, 0xffffffffu, &missing), 0xffffffffu);
	assert_int_equal(missing, 0xffffffffu);
	assert_int_equal(vmx_ctl_adjust(~0ull, 0, &missing), 0xffffffffu);
	assert_int_equal(missing, 0);
}

static void test_ctl_bit_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_PROC2, 1), "enable EPT");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_PROC2, 23), "SPP");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_PIN, 6), "VMX-preemption timer");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_PROC, 25), "I/O bitmaps");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_PROC, 28), "MSR bitmaps");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_PROC, 31), "secondary controls");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_EXIT, 9), "host address-space size");
	assert_string_equal(vmx_ctl_bit_name(VMX_CTL_ENTRY, 9), "IA-32e mode guest");
	assert_null(vmx_ctl_bit_name(VMX_CTL_PROC2, 29));
	assert_null(vmx_ctl_bit_name(VMX_CTL_PIN, 1));
	assert_null(vmx_ctl_bit_name(VMX_CTL_PROC, 32));
	assert_null(vmx_ctl_bit_name(VMX_CTL_KIND_COUNT, 0));
}

static void expect_names(enum vmx_ctl_kind kind, uint32_t bits, const char *want)
{
	char buf[256];

	vmx_ctl_names(kind, bits, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_ctl_names(void **state)
{
	(void)state;
	expect_names(VMX_CTL_PROC2, VMX_PROC2_EPT | VMX_PROC2_SPP, "secondary: enable EPT, SPP");
	expect_names(VMX_CTL_PROC, 0, "primary: none");
	expect_names(VMX_CTL_PIN, 1u << 1, "pin-based: bit 1");
	expect_names(VMX_CTL_PIN, VMX_PIN_EXT_INTR_EXIT | (1u << 1) | VMX_PIN_POSTED_INTR,
		     "pin-based: external-interrupt exiting, bit 1, posted interrupts");
	expect_names(VMX_CTL_EXIT, VMX_EXIT_CTL_HOST_64 | VMX_EXIT_CTL_SECONDARY,
		     "exit: host address-space size, secondary exit controls");
	expect_names(VMX_CTL_ENTRY, VMX_ENTRY_CTL_IA32E_GUEST | VMX_ENTRY_CTL_LOAD_EFER,
		     "entry: IA-32e mode guest, load IA32_EFER");
	expect_names(VMX_CTL_PROC2, VMX_PROC2_ENCLS_EXIT | VMX_PROC2_MODE_BASED_EXEC | (1u << 29),
		     "secondary: ENCLS exiting, mode-based execute control, bit 29");
	expect_names(VMX_CTL_KIND_COUNT, 1, "unknown controls: bit 0");
	/* Every named bit of every kind is printed by its name. */
	for (unsigned k = 0; k < VMX_CTL_KIND_COUNT; k++)
		for (unsigned bit = 0; bit < 32; bit++) {
			const char *name = vmx_ctl_bit_name(k, bit);
			char buf[128];

			vmx_ctl_names(k, 1u << bit, buf, sizeof(buf));
			if (name)
				assert_non_null(strstr(buf, name));
			else
				assert_non_null(strstr(buf, ": bit "));
		}
}

static void test_ctl_names_truncate(void **state)
{
	char buf[32];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	vmx_ctl_names(VMX_CTL_PROC2, VMX_PROC2_EPT | VMX_PROC2_SPP, buf, 14);
	assert_string_equal(buf, "secondary: en");
	assert_int_equal(buf[14], 'x'); /* nothing past n */
	memset(buf, 'x', sizeof(buf));
	vmx_ctl_names(VMX_CTL_PROC2, VMX_PROC2_EPT, buf, 1);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'x');
	memset(buf, 'x', sizeof(buf));
	vmx_ctl_names(VMX_CTL_PROC2, VMX_PROC2_EPT, buf, 0);
	assert_int_equal(buf[0], 'x');
	vmx_ctl_names(VMX_CTL_PIN, 1u << 31, buf, 17);
	assert_string_equal(buf, "pin-based: bit 3"); /* 16 characters of "pin-based: bit 31" */
	vmx_ctl_names(VMX_CTL_PROC2, VMX_PROC2_EPT | VMX_PROC2_SPP, buf, 27);
	assert_string_equal(buf, "secondary: enable EPT, SPP"); /* exactly fits */
}

/* ---- CR0 / CR4 fixed bits ---- */

static void test_cr_fixed(void **state)
{
	/* Usual values: CR0 PE, NE, PG fixed to 1; CR4 VMXE fixed to 1, some bits fixed to 0. */
	const uint64_t cr0_f0 = 0x80000021ull, cr0_f1 = 0xffffffffull;
	const uint64_t cr4_f0 = 0x2000ull, cr4_f1 = 0x1727ffull;
	uint64_t bad = 0xdead;

	(void)state;
	assert_true(vmx_cr_fixed_ok(0x80000031ull, cr0_f0, cr0_f1, &bad));
	assert_int_equal(bad, 0);
	assert_false(vmx_cr_fixed_ok(0x31ull, cr0_f0, cr0_f1, &bad));
	assert_int_equal(bad, 0x80000000ull);  /* PG must be 1 */
	assert_false(vmx_cr_fixed_ok(0x180000031ull, cr0_f0, cr0_f1, &bad));
	assert_int_equal(bad, 1ull << 32);     /* above FIXED1 */
	assert_false(vmx_cr_fixed_ok(0x10ull, cr0_f0, cr0_f1, NULL));
	assert_true(vmx_cr_fixed_ok(0x20a0ull, cr4_f0, cr4_f1, &bad));
	assert_false(vmx_cr_fixed_ok(0x20ull, cr4_f0, cr4_f1, &bad));
	assert_int_equal(bad, 0x2000ull);      /* VMXE must be 1 */
	assert_false(vmx_cr_fixed_ok(0x800020ull, cr4_f0, cr4_f1, &bad));
	assert_int_equal(bad, 0x802000ull);    /* bit 23 must be 0, VMXE must be 1 */
	assert_int_equal(vmx_cr_fixed_apply(0x20ull, cr4_f0, cr4_f1), 0x2020ull);
	assert_int_equal(vmx_cr_fixed_apply(0x802020ull, cr4_f0, cr4_f1), 0x2020ull);
	assert_int_equal(vmx_cr_fixed_apply(0x10ull, cr0_f0, cr0_f1), 0x80000031ull);
	/* Unrestricted guest: the caller drops PE and PG from FIXED0. */
	assert_true(vmx_cr_fixed_ok(0x30ull, cr0_f0 & ~0x80000001ull, cr0_f1, NULL));
}

/* ---- EPT / VPID capabilities ---- */

static void test_ept_caps_tigerlake(void **state)
{
	const uint64_t c = TIGERLAKE_EPT_VPID_CAP;
	char buf[512];

	(void)state;
	assert_int_equal(vmx_ept_caps_missing(c, VMX_EPT_CAP_NPT_NEEDS), 0);
	assert_true(c & VMX_EPT_CAP_EXEC_ONLY);
	assert_true(c & VMX_EPT_CAP_WALK_4);
	assert_false(c & VMX_EPT_CAP_WALK_5);
	assert_true(c & VMX_EPT_CAP_UC);
	assert_true(c & VMX_EPT_CAP_WB);
	assert_true(c & VMX_EPT_CAP_2M);
	assert_true(c & VMX_EPT_CAP_1G);
	assert_true(c & VMX_EPT_CAP_INVEPT);
	assert_true(c & VMX_EPT_CAP_AD);
	assert_false(c & VMX_EPT_CAP_ADV_EXIT_INFO);
	assert_true(c & VMX_EPT_CAP_SSS);
	assert_true(c & VMX_EPT_CAP_INVEPT_SINGLE);
	assert_true(c & VMX_EPT_CAP_INVEPT_ALL);
	assert_true(c & VMX_EPT_CAP_INVVPID);
	assert_true(c & VMX_EPT_CAP_INVVPID_ADDR);
	assert_true(c & VMX_EPT_CAP_INVVPID_SINGLE);
	assert_true(c & VMX_EPT_CAP_INVVPID_ALL);
	assert_true(c & VMX_EPT_CAP_INVVPID_SINGLE_GLOBALS);
	/* Nothing set that has no name. */
	vmx_ept_cap_names(c, buf, sizeof(buf));
	assert_string_equal(buf, "EPT/VPID: execute-only, 4-level walk, UC, WB, 2 MiB pages, "
				 "1 GiB pages, INVEPT, accessed/dirty flags, "
				 "supervisor shadow-stack control, single-context INVEPT, "
				 "all-context INVEPT, INVVPID, individual-address INVVPID, "
				 "single-context INVVPID, all-context INVVPID, "
				 "single-context-retaining-globals INVVPID");
	/* corei7_icelake_u: the same without supervisor shadow-stack control. */
	assert_int_equal(vmx_ept_caps_missing(0x00000f0106334141ull, VMX_EPT_CAP_NPT_NEEDS), 0);
	assert_false(0x00000f0106334141ull & VMX_EPT_CAP_SSS);
}

static void test_ept_caps_missing(void **state)
{
	char buf[128];
	uint64_t missing;

	(void)state;
	missing = vmx_ept_caps_missing(TIGERLAKE_EPT_VPID_CAP & ~VMX_EPT_CAP_2M,
				       VMX_EPT_CAP_NPT_NEEDS);
	assert_int_equal(missing, VMX_EPT_CAP_2M);
	vmx_ept_cap_names(missing, buf, sizeof(buf));
	assert_string_equal(buf, "EPT/VPID: 2 MiB pages");
	missing = vmx_ept_caps_missing(0, VMX_EPT_CAP_NPT_NEEDS);
	assert_int_equal(missing, VMX_EPT_CAP_NPT_NEEDS);
	vmx_ept_cap_names(missing, buf, sizeof(buf));
	assert_string_equal(buf, "EPT/VPID: 4-level walk, WB, 2 MiB pages, INVEPT");
	vmx_ept_cap_names(0, buf, sizeof(buf));
	assert_string_equal(buf, "EPT/VPID: none");
	vmx_ept_cap_names(1ull << 63, buf, sizeof(buf));
	assert_string_equal(buf, "EPT/VPID: bit 63");
	assert_int_equal(VMX_EPT_CAP_NPT_NEEDS, (1ull << 6) | (1ull << 14) | (1ull << 16) |
						(1ull << 20));
}

/* ---- IA32_VMX_MISC ---- */

static void test_misc(void **state)
{
	/* Rate 5, stores LMA, 4 CR3 targets, N = 1 (1024-entry MSR lists). */
	const uint64_t misc = (1ull << 25) | (4ull << 16) | (1ull << 5) | 5u;

	(void)state;
	assert_int_equal(misc, 0x2040025ull);
	assert_int_equal(vmx_misc_preemption_shift(misc), 5);
	assert_true(misc & VMX_MISC_STORES_LMA);
	assert_int_equal(vmx_misc_cr3_targets(misc), 4);
	assert_int_equal(vmx_misc_max_msr_list(misc), 1024);
	assert_int_equal(vmx_misc_max_msr_list(0), 512);
	assert_int_equal(vmx_misc_max_msr_list(7ull << 25), 4096);
	assert_int_equal(vmx_misc_preemption_shift(0xffull), 0x1f); /* bits 4:0 only */
}

static void test_preemption_ticks(void **state)
{
	(void)state;
	assert_int_equal(vmx_preemption_ticks(5, 0), 0);
	assert_int_equal(vmx_preemption_ticks(5, 1), 1);   /* rounded up: at least that long */
	assert_int_equal(vmx_preemption_ticks(5, 31), 1);
	assert_int_equal(vmx_preemption_ticks(5, 32), 1);
	assert_int_equal(vmx_preemption_ticks(5, 33), 2);
	assert_int_equal(vmx_preemption_ticks(5, 3200), 100);
	assert_int_equal(vmx_preemption_ticks(0, 12345), 12345);
	assert_int_equal(vmx_preemption_ticks(0, 1ull << 40), UINT32_MAX);
	assert_int_equal(vmx_preemption_ticks(0x1f, ~0ull), UINT32_MAX);
	assert_int_equal(vmx_preemption_ticks(0x1f, 1ull << 40), 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_tigerlake),
		cmocka_unit_test(test_basic_edges),
		cmocka_unit_test(test_ctl_msr),
		cmocka_unit_test(test_adjust_tigerlake_secondary),
		cmocka_unit_test(test_adjust_must_be_one),
		cmocka_unit_test(test_ctl_bit_names),
		cmocka_unit_test(test_ctl_names),
		cmocka_unit_test(test_ctl_names_truncate),
		cmocka_unit_test(test_cr_fixed),
		cmocka_unit_test(test_ept_caps_tigerlake),
		cmocka_unit_test(test_ept_caps_missing),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_preemption_ticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
