// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/vmcs.h / vmcs.c: the encoding decoders on
 * encodings worked out by hand from SDM Vol 3C section 25.11.2 and Appendix
 * B, the field table, and the exit-reason and VM-instruction error names.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vmcs.h>

struct decoded {
	uint32_t enc;
	unsigned width, type, index;
	bool high;
};

/*
 * Bit by bit: 0x0802 = 0b0000_1000_0000_0010: width 14:13 = 0, type 11:10 = 2,
 * index 9:1 = 1. 0x2030 = 0b0010_0000_0011_0000: width 1, type 0, index 0x18.
 * 0x4402 = 0b0100_0100_0000_0010: width 2, type 1, index 1. 0x482e =
 * 0b0100_1000_0010_1110: width 2, type 2, index 0x17. 0x6c16 =
 * 0b0110_1100_0001_0110: width 3, type 3, index 0xb.
 */
static const struct decoded by_hand[] = {
	{ 0x0000, 0, 0, 0x00, false },  /* VPID */
	{ 0x0802, 0, 2, 0x01, false },  /* guest CS selector */
	{ 0x0c0c, 0, 3, 0x06, false },  /* host TR selector */
	{ 0x2030, 1, 0, 0x18, false },  /* SPPTP */
	{ 0x2031, 1, 0, 0x18, true },   /* SPPTP, high 32 bits */
	{ 0x201a, 1, 0, 0x0d, false },  /* EPTP */
	{ 0x2400, 1, 1, 0x00, false },  /* guest-physical address */
	{ 0x2806, 1, 2, 0x03, false },  /* guest IA32_EFER */
	{ 0x4402, 2, 1, 0x01, false },  /* exit reason */
	{ 0x482e, 2, 2, 0x17, false },  /* VMX-preemption timer value */
	{ 0x4c00, 2, 3, 0x00, false },  /* host IA32_SYSENTER_CS */
	{ 0x6400, 3, 1, 0x00, false },  /* exit qualification */
	{ 0x681e, 3, 2, 0x0f, false },  /* guest RIP */
	{ 0x6c16, 3, 3, 0x0b, false },  /* host RIP */
};

static void test_encoding_decode_by_hand(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(by_hand) / sizeof(by_hand[0]); i++) {
		const struct decoded *d = &by_hand[i];

		assert_int_equal(VMCS_ENC_WIDTH(d->enc), d->width);
		assert_int_equal(VMCS_ENC_TYPE(d->enc), d->type);
		assert_int_equal(VMCS_ENC_INDEX(d->enc), d->index);
		assert_int_equal(VMCS_ENC_IS_HIGH(d->enc), d->high);
	}
	assert_int_equal(VMCS_WIDTH_16, 0);
	assert_int_equal(VMCS_WIDTH_64, 1);
	assert_int_equal(VMCS_WIDTH_32, 2);
	assert_int_equal(VMCS_WIDTH_NATURAL, 3);
	assert_int_equal(VMCS_TYPE_EXIT_INFO, 1);
	assert_int_equal(VMCS_TYPE_HOST, 3);
	assert_int_equal(VMCS_ENC_HIGH(VMCS_TSC_OFFSET), 0x2011);
}

static void test_constants_spot_checks(void **state)
{
	(void)state;
	assert_int_equal(VMCS_VPID, 0x0000);
	assert_int_equal(VMCS_GUEST_TR_SEL, 0x080e);
	assert_int_equal(VMCS_IO_BITMAP_A, 0x2000);
	assert_int_equal(VMCS_MSR_BITMAP, 0x2004);
	assert_int_equal(VMCS_EPT_POINTER, 0x201a);
	assert_int_equal(VMCS_SPPT_POINTER, 0x2030);
	assert_int_equal(VMCS_LINK_POINTER, 0x2800);
	assert_int_equal(VMCS_HOST_EFER, 0x2c02);
	assert_int_equal(VMCS_PIN_CTLS, 0x4000);
	assert_int_equal(VMCS_PROC_CTLS, 0x4002);
	assert_int_equal(VMCS_EXIT_CTLS, 0x400c);
	assert_int_equal(VMCS_ENTRY_CTLS, 0x4012);
	assert_int_equal(VMCS_ENTRY_INTR_INFO, 0x4016);
	assert_int_equal(VMCS_PROC_CTLS2, 0x401e);
	assert_int_equal(VMCS_INSN_ERROR, 0x4400);
	assert_int_equal(VMCS_EXIT_INSN_INFO, 0x440e);
	assert_int_equal(VMCS_GUEST_INTERRUPTIBILITY, 0x4824);
	assert_int_equal(VMCS_GUEST_PREEMPTION_TIMER, 0x482e);
	assert_int_equal(VMCS_CR4_READ_SHADOW, 0x6006);
	assert_int_equal(VMCS_GUEST_LINEAR_ADDR, 0x640a);
	assert_int_equal(VMCS_GUEST_RFLAGS, 0x6820);
	assert_int_equal(VMCS_HOST_RSP, 0x6c14);
}

static void test_field_table_consistent(void **state)
{
	(void)state;
	assert_true(vmcs_field_count > 140);
	for (unsigned i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_desc *f = &vmcs_field_table[i];

		assert_int_equal(VMCS_ENC_WIDTH(f->enc), f->width);
		assert_int_equal(VMCS_ENC_TYPE(f->enc), f->type);
		assert_int_equal(f->enc & VMCS_ENC_RSVD_MASK, 0);
		assert_false(VMCS_ENC_IS_HIGH(f->enc));
		assert_int_equal(strncmp(f->name, "VMCS_", 5), 0);
		assert_string_equal(vmcs_field_name(f->enc), f->name);
		for (unsigned j = 0; j < i; j++) {
			assert_int_not_equal(vmcs_field_table[j].enc, f->enc);
			assert_string_not_equal(vmcs_field_table[j].name, f->name);
		}
		/* Listed in Appendix B order: by width, type, then index. */
		if (i)
			assert_true(vmcs_field_table[i - 1].enc < f->enc);
	}
}

static void test_field_names(void **state)
{
	(void)state;
	assert_string_equal(vmcs_field_name(0x681e), "VMCS_GUEST_RIP");
	assert_string_equal(vmcs_field_name(0x2030), "VMCS_SPPT_POINTER");
	assert_string_equal(vmcs_field_name(0x0000), "VMCS_VPID");
	assert_string_equal(vmcs_field_name(0x4402), "VMCS_EXIT_REASON");
	assert_string_equal(vmcs_field_name(0x482e), "VMCS_GUEST_PREEMPTION_TIMER");
	assert_string_equal(vmcs_field_name(0x2031), "unknown"); /* a high half */
	assert_string_equal(vmcs_field_name(0x482c), "unknown"); /* not used */
	assert_string_equal(vmcs_field_name(0xffff), "unknown");
	assert_string_equal(vmcs_field_name(0x10000), "unknown");
}

static void test_exit_reason_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_exit_reason_name(0), "exception or NMI");
	assert_string_equal(vmx_exit_reason_name(2), "triple fault");
	assert_string_equal(vmx_exit_reason_name(10), "CPUID");
	assert_string_equal(vmx_exit_reason_name(18), "VMCALL");
	assert_string_equal(vmx_exit_reason_name(28), "control-register access");
	assert_string_equal(vmx_exit_reason_name(30), "I/O instruction");
	assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
	assert_string_equal(vmx_exit_reason_name(49), "EPT misconfiguration");
	assert_string_equal(vmx_exit_reason_name(52), "VMX-preemption timer expired");
	assert_string_equal(vmx_exit_reason_name(66), "SPP-related event");
	assert_string_equal(vmx_exit_reason_name(69), "LOADIWKEY");
	/* The whole field: bit 31 (entry failure) is not part of the basic reason. */
	assert_string_equal(vmx_exit_reason_name(0x80000021u),
			    "VM-entry failure due to invalid guest state");
	assert_string_equal(vmx_exit_reason_name(35), "unknown");
	assert_string_equal(vmx_exit_reason_name(38), "unknown");
	assert_string_equal(vmx_exit_reason_name(42), "unknown");
	assert_string_equal(vmx_exit_reason_name(71), "unknown");
	assert_string_equal(vmx_exit_reason_name(80), "unknown");
	assert_string_equal(vmx_exit_reason_name(0xffff), "unknown");
	assert_int_equal(VMX_EXIT_EPT_VIOLATION, 48);
	assert_int_equal(VMX_EXIT_EPT_MISCONFIG, 49);
	assert_int_equal(VMX_EXIT_PREEMPTION_TIMER, 52);
	assert_int_equal(VMX_EXIT_SPP_EVENT, 66);
	assert_int_equal(VMX_EXIT_IO_INSTRUCTION, 30);
	assert_int_equal(VMX_EXIT_ENTRY_FAIL_MSR_LOAD, 34);
	/* Every reason 0..70 but the unused ones has a name. */
	for (uint32_t r = 0; r <= 70; r++) {
		bool unused = r == 35 || r == 38 || r == 42;

		assert_int_equal(strcmp(vmx_exit_reason_name(r), "unknown") == 0, unused);
	}
}

static void test_instruction_error_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_instruction_error_name(1), "VMCALL executed in VMX root operation");
	assert_string_equal(vmx_instruction_error_name(4), "VMLAUNCH with non-clear VMCS");
	assert_string_equal(vmx_instruction_error_name(5), "VMRESUME with non-launched VMCS");
	assert_string_equal(vmx_instruction_error_name(7), "VM entry with invalid control field(s)");
	assert_string_equal(vmx_instruction_error_name(8),
			    "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_instruction_error_name(12),
			    "VMREAD/VMWRITE from/to unsupported VMCS component");
	assert_string_equal(vmx_instruction_error_name(13), "VMWRITE to read-only VMCS component");
	assert_string_equal(vmx_instruction_error_name(26), "VM entry with events blocked by MOV SS");
	assert_string_equal(vmx_instruction_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_int_equal(VMX_INSN_ERR_ENTRY_BAD_CONTROLS, 7);
	assert_int_equal(VMX_INSN_ERR_VMPTRLD_BAD_REVISION, 11);
	for (uint32_t e = 0; e <= 30; e++) {
		bool reserved = e == 0 || e == 14 || e == 21 || e == 27 || e > 28;

		assert_int_equal(strcmp(vmx_instruction_error_name(e), "unknown") == 0, reserved);
	}
	assert_string_equal(vmx_instruction_error_name(~0u), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding_decode_by_hand),
		cmocka_unit_test(test_constants_spot_checks),
		cmocka_unit_test(test_field_table_consistent),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_exit_reason_names),
		cmocka_unit_test(test_instruction_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
