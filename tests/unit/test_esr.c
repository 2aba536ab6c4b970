// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/esr.c. The ESR values are assembled here
 * from the field positions of DDI 0487 D24.2 (ESR_EL2), written out as
 * numbers, independently of esr.h's macros.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <esr.h>

/* EC in bits 31:26, IL bit 25. */
#define EC(x) ((uint64_t)(x) << 26)
#define IL (1ull << 25)

/* A data abort from EL1: write, ISV, word, W3/X3, translation fault level 3. */
#define DABT_WORD_X3_L3 (EC(0x24) | IL | (1u << 24) | (2u << 22) | (3u << 16) | (1u << 15) | \
			 (1u << 6) | 0x07u)

static void test_ec_fields(void **state)
{
	(void)state;
	assert_int_equal(esr_ec(0x93838047ull), 0x24);
	assert_int_equal(DABT_WORD_X3_L3, 0x93838047ull);
	assert_int_equal(esr_iss(0x5a001234ull), 0x1234);
	assert_int_equal(esr_insn_len(0x5a000000ull), 4);
	assert_int_equal(esr_insn_len(EC(0x12)), 2);
	/* ISS2 and RES0 above bit 31 do not leak into EC or ISS. */
	assert_int_equal(esr_ec(0xffffff0000000000ull | EC(0x16)), 0x16);
	assert_int_equal(esr_iss(0xffffffff00000000ull), 0);
}

static void test_ec_names(void **state)
{
	(void)state;
	assert_string_equal(esr_ec_name(0x00), "unknown reason");
	assert_string_equal(esr_ec_name(0x01), "trapped WFI/WFE");
	assert_string_equal(esr_ec_name(0x16), "HVC from AArch64");
	assert_string_equal(esr_ec_name(0x17), "SMC from AArch64");
	assert_string_equal(esr_ec_name(0x18), "trapped MSR/MRS/system instruction");
	assert_string_equal(esr_ec_name(0x20), "instruction abort from a lower EL");
	assert_string_equal(esr_ec_name(0x24), "data abort from a lower EL");
	assert_string_equal(esr_ec_name(0x25), "data abort from the same EL");
	assert_string_equal(esr_ec_name(0x2f), "SError interrupt");
	assert_string_equal(esr_ec_name(0x3c), "AArch64 BRK");
	/* Unallocated classes have no name. */
	static const unsigned unallocated[] = { 0x02, 0x0b, 0x0f, 0x10, 0x23, 0x29, 0x2a, 0x2b,
						0x2e, 0x36, 0x37, 0x39, 0x3b, 0x3e, 0x3f };
	for (size_t i = 0; i < sizeof(unallocated) / sizeof(unallocated[0]); i++)
		assert_null(esr_ec_name(unallocated[i]));
	assert_null(esr_ec_name(0x40));
	/* Every allocated one that DDI 0487 lists for ESR_ELx has one. */
	static const unsigned allocated[] = { 0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
					      0x0a, 0x0c, 0x0d, 0x0e, 0x11, 0x12, 0x13, 0x14, 0x15,
					      0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
					      0x1f, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28,
					      0x2c, 0x2d, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
					      0x38, 0x3a, 0x3c };
	for (size_t i = 0; i < sizeof(allocated) / sizeof(allocated[0]); i++)
		assert_non_null(esr_ec_name(allocated[i]));
}

static void test_dabt_decode(void **state)
{
	struct esr_dabt d;

	(void)state;
	assert_true(esr_dabt_decode(DABT_WORD_X3_L3, &d));
	assert_true(d.isv);
	assert_int_equal(d.size, 4);
	assert_int_equal(d.srt, 3);
	assert_true(d.sf);
	assert_false(d.sse);
	assert_false(d.ar);
	assert_true(d.write);
	assert_false(d.fnv);
	assert_false(d.s1ptw);
	assert_int_equal(d.dfsc, 0x07);

	/* A byte load, sign-extending into W0, with acquire: LDARB can't sign-extend, but the bits are independent. */
	assert_true(esr_dabt_decode(EC(0x25) | IL | (1u << 24) | (0u << 22) | (1u << 21) | (1u << 14) |
				    0x0fu, &d));
	assert_int_equal(d.size, 1);
	assert_true(d.sse);
	assert_true(d.ar);
	assert_false(d.sf);
	assert_int_equal(d.srt, 0);
	assert_false(d.write);

	/* ISV = 0: the instruction-syndrome fields are not reported, the rest is. */
	assert_true(esr_dabt_decode(EC(0x24) | IL | (3u << 22) | (7u << 16) | (1u << 13) | (1u << 10) |
				    (1u << 9) | (1u << 8) | (1u << 7) | 0x10u, &d));
	assert_false(d.isv);
	assert_int_equal(d.size, 0);
	assert_int_equal(d.srt, 0);
	assert_true(d.vncr && d.fnv && d.ea && d.cm && d.s1ptw);
	assert_int_equal(d.dfsc, 0x10);

	assert_false(esr_dabt_decode(EC(0x20) | IL | 0x07u, &d));
	assert_int_equal(d.dfsc, 0);
}

static void test_iabt_decode(void **state)
{
	struct esr_iabt i;

	(void)state;
	assert_true(esr_iabt_decode(EC(0x20) | IL | (1u << 7) | 0x0fu, &i));
	assert_true(i.s1ptw);
	assert_false(i.fnv);
	assert_int_equal(i.ifsc, 0x0f);
	assert_true(esr_iabt_decode(EC(0x21) | IL | (1u << 10) | 0x06u, &i));
	assert_true(i.fnv);
	assert_false(esr_iabt_decode(DABT_WORD_X3_L3, &i));
}

static void expect_fsc(unsigned fsc, bool data, enum esr_fault fault, int level)
{
	struct esr_fsc f = esr_fsc_decode(fsc, data);

	assert_int_equal(f.fault, fault);
	assert_int_equal(f.level, level);
}

static void test_fault_status_codes(void **state)
{
	(void)state;
	for (int l = 0; l <= 3; l++) {
		expect_fsc(0x00u + (unsigned)l, true, ESR_FAULT_ADDR_SIZE, l);
		expect_fsc(0x04u + (unsigned)l, false, ESR_FAULT_TRANSLATION, l);
		expect_fsc(0x08u + (unsigned)l, true, ESR_FAULT_ACCESS_FLAG, l);
		expect_fsc(0x0cu + (unsigned)l, false, ESR_FAULT_PERMISSION, l);
		expect_fsc(0x14u + (unsigned)l, true, ESR_FAULT_EXTERNAL_WALK, l);
		expect_fsc(0x1cu + (unsigned)l, true, ESR_FAULT_PARITY_WALK, l);
		expect_fsc(0x24u + (unsigned)l, true, ESR_FAULT_GPF_WALK, l);
	}
	/* FEAT_LPA2's level -1. */
	expect_fsc(0x29, true, ESR_FAULT_ADDR_SIZE, -1);
	expect_fsc(0x2b, true, ESR_FAULT_TRANSLATION, -1);
	expect_fsc(0x13, true, ESR_FAULT_EXTERNAL_WALK, -1);
	expect_fsc(0x1b, true, ESR_FAULT_PARITY_WALK, -1);
	expect_fsc(0x23, true, ESR_FAULT_GPF_WALK, -1);
	/* Codes without a level. */
	expect_fsc(0x10, false, ESR_FAULT_EXTERNAL, ESR_LEVEL_NONE);
	expect_fsc(0x18, false, ESR_FAULT_PARITY, ESR_LEVEL_NONE);
	expect_fsc(0x28, false, ESR_FAULT_GPF, ESR_LEVEL_NONE);
	expect_fsc(0x30, false, ESR_FAULT_TLB_CONFLICT, ESR_LEVEL_NONE);
	/* Data-only codes are reserved as IFSC. */
	expect_fsc(0x21, true, ESR_FAULT_ALIGNMENT, ESR_LEVEL_NONE);
	expect_fsc(0x21, false, ESR_FAULT_RESERVED, ESR_LEVEL_NONE);
	expect_fsc(0x11, true, ESR_FAULT_TAG_CHECK, ESR_LEVEL_NONE);
	expect_fsc(0x11, false, ESR_FAULT_RESERVED, ESR_LEVEL_NONE);
	expect_fsc(0x31, true, ESR_FAULT_ATOMIC_HW_UPDATE, ESR_LEVEL_NONE);
	expect_fsc(0x34, true, ESR_FAULT_IMPDEF_LOCKDOWN, ESR_LEVEL_NONE);
	expect_fsc(0x35, true, ESR_FAULT_IMPDEF_ATOMIC, ESR_LEVEL_NONE);
	expect_fsc(0x35, false, ESR_FAULT_RESERVED, ESR_LEVEL_NONE);
	/* Unallocated. */
	expect_fsc(0x12, true, ESR_FAULT_RESERVED, ESR_LEVEL_NONE);
	expect_fsc(0x20, true, ESR_FAULT_RESERVED, ESR_LEVEL_NONE);
	expect_fsc(0x3f, true, ESR_FAULT_RESERVED, ESR_LEVEL_NONE);
	assert_string_equal(esr_fault_name(ESR_FAULT_PERMISSION), "permission fault");
	assert_string_equal(esr_fault_name(ESR_FAULT_RESERVED), "reserved fault status");
}

static void test_hpfar_ipa(void **state)
{
	(void)state;
	/* IPA 0x8_1234_5678: FIPA = IPA >> 12 in bits 43:4; NS (bit 63) ignored. */
	assert_int_equal(esr_hpfar_ipa((0x812345ull << 4) | (1ull << 63), 0xffff000000000678ull),
			 0x812345678ull);
	assert_int_equal(esr_hpfar_ipa(0xfffffffffffull << 4, 0), 0x000ffffffffff000ull);
}

static void test_imm16(void **state)
{
	(void)state;
	assert_int_equal(esr_imm16(EC(0x16) | IL | 0xbeefu), 0xbeef);
	assert_int_equal(esr_imm16(EC(0x17) | IL), 0);
}

static void test_sysreg_decode(void **state)
{
	struct esr_sysreg s;
	/* MRS x1, ID_AA64PFR0_EL1 (S3_0_C0_C4_0): Op0 3, Op2 0, Op1 0, CRn 0, Rt 1, CRm 4, read. */
	uint64_t mrs = EC(0x18) | IL | (3u << 20) | (0u << 17) | (0u << 14) | (0u << 10) | (1u << 5) |
		       (4u << 1) | 1u;
	/* MSR CNTV_CTL_EL0 (S3_3_C14_C3_1), x30. */
	uint64_t msr = EC(0x18) | IL | (3u << 20) | (1u << 17) | (3u << 14) | (14u << 10) |
		       (30u << 5) | (3u << 1);

	(void)state;
	assert_int_equal(mrs, 0x62300029ull);
	assert_true(esr_sysreg_decode(mrs, &s));
	assert_int_equal(s.op0, 3);
	assert_int_equal(s.op1, 0);
	assert_int_equal(s.crn, 0);
	assert_int_equal(s.crm, 4);
	assert_int_equal(s.op2, 0);
	assert_int_equal(s.rt, 1);
	assert_true(s.read);
	assert_int_equal(s.key, ESR_SYSREG_ID_AA64PFR0_EL1);
	assert_int_equal(esr_iss(mrs) & ESR_SYSREG_MASK, ESR_SYSREG(3, 0, 0, 4, 0));

	assert_true(esr_sysreg_decode(msr, &s));
	assert_int_equal(s.op1, 3);
	assert_int_equal(s.crn, 14);
	assert_int_equal(s.crm, 3);
	assert_int_equal(s.op2, 1);
	assert_int_equal(s.rt, 30);
	assert_false(s.read);
	assert_int_equal(s.key, ESR_SYSREG(3, 3, 14, 3, 1));

	assert_false(esr_sysreg_decode(EC(0x16), &s));
	assert_int_equal(ESR_SYSREG_ID_AA64MMFR0_EL1, (3u << 20) | (0u << 17) | (7u << 1));
}

static void test_wfx_decode(void **state)
{
	struct esr_wfx w;

	(void)state;
	/* From AArch64 the CV/COND bits read 1/0b1110; they do not disturb TI. */
	assert_true(esr_wfx_decode(EC(0x01) | IL | (1u << 24) | (0xeu << 20), &w));
	assert_int_equal(w.ti, ESR_WFX_WFI);
	assert_false(w.rv);
	assert_true(esr_wfx_decode(EC(0x01) | IL | 1u, &w));
	assert_int_equal(w.ti, ESR_WFX_WFE);
	assert_true(esr_wfx_decode(EC(0x01) | IL | (7u << 5) | (1u << 2) | 2u, &w));
	assert_int_equal(w.ti, ESR_WFX_WFIT);
	assert_true(w.rv);
	assert_int_equal(w.rn, 7);
	assert_false(esr_wfx_decode(EC(0x00), &w));
}

static void expect_format(uint64_t esr, uint64_t far, const char *want)
{
	char buf[256];

	assert_true(esr_format(buf, sizeof(buf), esr, far));
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	(void)state;
	expect_format(DABT_WORD_X3_L3 & ~(uint64_t)(1u << 15), 0x9000000,
		      "EC 0x24 data abort from a lower EL: DFSC 0x07 translation fault level 3, "
		      "WnR=1, ISV=1 SAS=word SRT=w3, FAR 0x9000000 (ESR 0x93830047)");
	expect_format(DABT_WORD_X3_L3, 0x9000000,
		      "EC 0x24 data abort from a lower EL: DFSC 0x07 translation fault level 3, "
		      "WnR=1, ISV=1 SAS=word SRT=x3, FAR 0x9000000 (ESR 0x93838047)");
	/* The classic EL2 crash: a read through a bad pointer, no syndrome, stage-1 walk. */
	expect_format(EC(0x25) | IL | (1u << 7) | 0x05u, 0x10,
		      "EC 0x25 data abort from the same EL: DFSC 0x05 translation fault level 1, "
		      "WnR=0, ISV=0, S1PTW=1, FAR 0x10 (ESR 0x96000085)");
	expect_format(EC(0x24) | IL | (1u << 10) | (1u << 9) | 0x10u, 0x1234,
		      "EC 0x24 data abort from a lower EL: DFSC 0x10 synchronous external abort, "
		      "WnR=0, ISV=0, EA=1, FAR not valid (ESR 0x92000610)");
	expect_format(EC(0x24) | IL | (1u << 24) | (3u << 22) | (31u << 16) | (1u << 15) | 0x0fu, 0x0,
		      "EC 0x24 data abort from a lower EL: DFSC 0x0f permission fault level 3, "
		      "WnR=0, ISV=1 SAS=doubleword SRT=xzr, FAR 0x0 (ESR 0x93df800f)");
	expect_format(EC(0x20) | IL | 0x0fu, 0x40001000,
		      "EC 0x20 instruction abort from a lower EL: IFSC 0x0f permission fault level 3, "
		      "FAR 0x40001000 (ESR 0x8200000f)");
	expect_format(EC(0x16) | IL | 0x1u, 0,
		      "EC 0x16 HVC from AArch64: imm16 0x0001 (ESR 0x5a000001)");
	expect_format(0x62300029ull, 0,
		      "EC 0x18 trapped MSR/MRS/system instruction: MRS x1, S3_0_C0_C4_0 (ESR 0x62300029)");
	expect_format(EC(0x18) | IL | (3u << 20) | (1u << 17) | (3u << 14) | (14u << 10) | (31u << 5) |
			      (3u << 1),
		      0, "EC 0x18 trapped MSR/MRS/system instruction: MSR S3_3_C14_C3_1, xzr (ESR 0x6232fbe6)");
	expect_format(EC(0x01) | IL | 1u, 0, "EC 0x01 trapped WFI/WFE: WFE (ESR 0x06000001)");
	expect_format(EC(0x01) | IL | (2u << 5) | (1u << 2) | 3u, 0,
		      "EC 0x01 trapped WFI/WFE: WFET x2 (ESR 0x06000047)");
	expect_format(EC(0x22) | IL, 0x40000002,
		      "EC 0x22 PC alignment fault: ISS 0x0000000, FAR 0x40000002 (ESR 0x8a000000)");
	expect_format(EC(0x02) | IL | 0x12345u, 0,
		      "EC 0x02 (unallocated): ISS 0x0012345 (ESR 0x0a012345)");
	expect_format(EC(0x00), 0, "EC 0x00 unknown reason: ISS 0x0000000 (ESR 0x00000000)");
}

static void test_format_truncates(void **state)
{
	char buf[16];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_false(esr_format(buf, sizeof(buf), DABT_WORD_X3_L3, 0));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_memory_equal(buf, "EC 0x24 data ab", 16);
	assert_false(esr_format(NULL, 0, DABT_WORD_X3_L3, 0));
	buf[0] = 'x';
	assert_false(esr_format(buf, 1, DABT_WORD_X3_L3, 0));
	assert_int_equal(buf[0], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ec_fields),
		cmocka_unit_test(test_ec_names),
		cmocka_unit_test(test_dabt_decode),
		cmocka_unit_test(test_iabt_decode),
		cmocka_unit_test(test_fault_status_codes),
		cmocka_unit_test(test_hpfar_ipa),
		cmocka_unit_test(test_imm16),
		cmocka_unit_test(test_sysreg_decode),
		cmocka_unit_test(test_wfx_decode),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
