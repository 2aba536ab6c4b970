/* SPDX-License-Identifier: MIT */
/*
 * Host tests for arch/x86_64/lib/x86_insn.c: the disagreements the LLVM
 * differential (tests/fuzz/decoder_diff.c, `make decoder-diff`) found, where
 * the decoder claimed an instruction the CPU does not run as one:
 *
 *  - LOCK on any of the exiting instructions: none is lockable, so the CPU
 *    raises #UD (Intel SDM vol. 2A, LOCK; AMD APM vol. 3 1.2.5) and there is
 *    no exit to skip. LLVM stops after the LOCK byte.
 *  - 66, F2 or F3 on an instruction the SDM marks NP (WBINVD NP 0F 09, XSETBV
 *    NP 0F 01 D1): "#UD or the encoding of a different instruction"
 *    (vol. 2A 3.1.1.1); F3 0F 09 is WBNOINVD.
 *  - F2 or F3 on RDPRU (0F 01 FD): F3 0F 01 FD is RMPQUERY (AMD APM vol. 3).
 *
 * Each must be refused; the plain and 66-prefixed forms LLVM decodes stay.
 *
 * And the 32- and 16-bit modes (x86_insn_decode_mode), where the
 * differential found no decoder bug but set down the rules: 40-4F are INC
 * and DEC there, an instruction of their own, so bytes starting with them
 * are refused (the exit is at the instruction after); with F2/F3 and 67
 * together LLVM's 32- and 16-bit decoders give up, while the CPU ignores
 * both prefixes here (no ModRM, no immediate sized by them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "x86_insn.h"

static void refused(const uint8_t *b, size_t n)
{
	struct x86_insn out;

	memset(&out, 0x5a, sizeof(out));
	if (x86_insn_decode(b, n, &out) == 0)
		fail_msg("%02x %02x %02x %02x ...: decoded as %s (%u bytes), want refusal", b[0], b[1],
			 n > 2 ? b[2] : 0, n > 3 ? b[3] : 0, x86_insn_name(out.kind), out.len);
}

static void decoded(const uint8_t *b, size_t n, enum x86_insn_kind kind)
{
	struct x86_insn out;

	assert_int_equal(x86_insn_decode(b, n, &out), 0);
	assert_int_equal(out.kind, kind);
	assert_int_equal(out.len, n);
}

static void test_lock_is_refused(void **state)
{
	static const uint8_t lock_cpuid[] = { 0xf0, 0x0f, 0xa2 };
	static const uint8_t lock_after_opsize[] = { 0x66, 0xf0, 0xed };
	static const uint8_t lock_then_rex[] = { 0xf0, 0x48, 0x0f, 0x01, 0xd9 };
	static const uint8_t rex_then_lock[] = { 0x40, 0xf0, 0x0f, 0x01, 0xc1 };
	static const uint8_t lock_rep_outs[] = { 0xf3, 0xf0, 0x6e };
	static const uint8_t lock_hlt[] = { 0xf0, 0xf4 };
	static const uint8_t lock_in_imm[] = { 0xf0, 0xe4, 0x80 };

	(void)state;
	refused(lock_cpuid, sizeof(lock_cpuid));
	refused(lock_after_opsize, sizeof(lock_after_opsize));
	refused(lock_then_rex, sizeof(lock_then_rex));
	refused(rex_then_lock, sizeof(rex_then_lock));
	refused(lock_rep_outs, sizeof(lock_rep_outs));
	refused(lock_hlt, sizeof(lock_hlt));
	refused(lock_in_imm, sizeof(lock_in_imm));
}

static void test_np_instructions_refuse_66_f2_f3(void **state)
{
	static const uint8_t pre[] = { 0x66, 0xf2, 0xf3 };
	static const uint8_t wbinvd[] = { 0x0f, 0x09 }, xsetbv[] = { 0x0f, 0x01, 0xd1 };
	uint8_t b[8];

	(void)state;
	for (size_t i = 0; i < sizeof(pre); i++) {
		b[0] = pre[i];
		memcpy(b + 1, wbinvd, sizeof(wbinvd));
		refused(b, 1 + sizeof(wbinvd));
		memcpy(b + 1, xsetbv, sizeof(xsetbv));
		refused(b, 1 + sizeof(xsetbv));
		/* Behind a segment prefix and a REX too. */
		b[0] = 0x2e;
		b[1] = pre[i];
		b[2] = 0x48;
		memcpy(b + 3, wbinvd, sizeof(wbinvd));
		refused(b, 3 + sizeof(wbinvd));
	}
	decoded(wbinvd, sizeof(wbinvd), X86_INSN_WBINVD);
	decoded(xsetbv, sizeof(xsetbv), X86_INSN_XSETBV);
	memcpy(b, (const uint8_t[]){ 0x2e, 0x48, 0x0f, 0x09 }, 4);
	decoded(b, 4, X86_INSN_WBINVD);
}

static void test_rdpru_refuses_f2_f3(void **state)
{
	static const uint8_t rmpquery[] = { 0xf3, 0x0f, 0x01, 0xfd };
	static const uint8_t f2_rdpru[] = { 0xf2, 0x0f, 0x01, 0xfd };
	static const uint8_t opsize_rdpru[] = { 0x66, 0x0f, 0x01, 0xfd };

	(void)state;
	refused(rmpquery, sizeof(rmpquery));
	refused(f2_rdpru, sizeof(f2_rdpru));
	decoded(opsize_rdpru, sizeof(opsize_rdpru), X86_INSN_RDPRU);
}

static void decoded_mode(const uint8_t *b, size_t n, enum x86_mode mode, enum x86_insn_kind kind)
{
	struct x86_insn out;

	assert_int_equal(x86_insn_decode_mode(b, n, mode, &out), 0);
	assert_int_equal(out.kind, kind);
	assert_int_equal(out.len, n);
}

static void refused_mode(const uint8_t *b, size_t n, enum x86_mode mode)
{
	struct x86_insn out;

	memset(&out, 0x5a, sizeof(out));
	if (x86_insn_decode_mode(b, n, mode, &out) == 0)
		fail_msg("mode %d, %02x %02x %02x ...: decoded as %s (%u bytes), want refusal", mode,
			 b[0], b[1], n > 2 ? b[2] : 0, x86_insn_name(out.kind), out.len);
}

static void test_legacy_modes_take_40_4f_as_opcodes(void **state)
{
	static const uint8_t rex_w_cpuid[] = { 0x48, 0x0f, 0xa2 };
	static const uint8_t opsize_inc_in[] = { 0x66, 0x40, 0xed };
	static const uint8_t rex_pause[] = { 0xf3, 0x40, 0x90 };
	static const uint8_t rex_b_xchg[] = { 0xf3, 0x41, 0x90 };

	(void)state;
	for (enum x86_mode m = X86_MODE_32; m <= X86_MODE_16; m++) {
		refused_mode(rex_w_cpuid, sizeof(rex_w_cpuid), m);
		refused_mode(opsize_inc_in, sizeof(opsize_inc_in), m);
		refused_mode(rex_pause, sizeof(rex_pause), m);
		refused_mode(rex_b_xchg, sizeof(rex_b_xchg), m);
	}
	decoded_mode(rex_w_cpuid, sizeof(rex_w_cpuid), X86_MODE_64, X86_INSN_CPUID);
	decoded_mode(opsize_inc_in, sizeof(opsize_inc_in), X86_MODE_64, X86_INSN_IN);
	decoded_mode(rex_pause, sizeof(rex_pause), X86_MODE_64, X86_INSN_PAUSE);
	refused_mode(rex_b_xchg, sizeof(rex_b_xchg), X86_MODE_64);
}

static void test_legacy_modes_decode_like_64_bit(void **state)
{
	static const uint8_t rep_addr_cpuid[] = { 0xf3, 0x67, 0x0f, 0xa2 };
	static const uint8_t repne_addr_vmmcall[] = { 0xf2, 0x67, 0x0f, 0x01, 0xd9 };
	static const uint8_t addr_pause[] = { 0x67, 0xf3, 0x90 };
	static const uint8_t opsize_in_imm[] = { 0x66, 0xe5, 0x80 };
	static const uint8_t rep_outs[] = { 0xf3, 0x2e, 0x6f };
	static const uint8_t lock_hlt[] = { 0xf0, 0xf4 };
	static const uint8_t cut_in_imm[] = { 0xe4 };

	(void)state;
	for (enum x86_mode m = X86_MODE_64; m <= X86_MODE_16; m++) {
		decoded_mode(rep_addr_cpuid, sizeof(rep_addr_cpuid), m, X86_INSN_CPUID);
		decoded_mode(repne_addr_vmmcall, sizeof(repne_addr_vmmcall), m, X86_INSN_VMMCALL);
		decoded_mode(addr_pause, sizeof(addr_pause), m, X86_INSN_PAUSE);
		decoded_mode(opsize_in_imm, sizeof(opsize_in_imm), m, X86_INSN_IN);
		decoded_mode(rep_outs, sizeof(rep_outs), m, X86_INSN_OUTS);
		refused_mode(lock_hlt, sizeof(lock_hlt), m);
		refused_mode(cut_in_imm, sizeof(cut_in_imm), m);
	}
	/* No other mode. */
	refused_mode(rep_addr_cpuid, sizeof(rep_addr_cpuid), (enum x86_mode)3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_is_refused),
		cmocka_unit_test(test_np_instructions_refuse_66_f2_f3),
		cmocka_unit_test(test_rdpru_refuses_f2_f3),
		cmocka_unit_test(test_legacy_modes_take_40_4f_as_opcodes),
		cmocka_unit_test(test_legacy_modes_decode_like_64_bit),
	};

	return cmocka_run_group_tests_name("x86_insn_diff", tests, NULL, NULL);
}
