/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for arch/x86_64/lib/x86_insn.c: every listed opcode bare,
 * behind each legacy prefix (refused behind the ones that make it #UD or
 * another instruction) and each REX byte, cut short at every length,
 * at and past the 15-byte limit, and the REX/REP corner cases of PAUSE.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "x86_insn.h"

struct known {
	uint8_t bytes[4];
	uint8_t len;
	enum x86_insn_kind kind;
};

/* Every opcode the decoder knows, shortest encoding, imm8 = 0x80. */
static const struct known known[] = {
	{ { 0x0f, 0xa2 }, 2, X86_INSN_CPUID },
	{ { 0x0f, 0x32 }, 2, X86_INSN_RDMSR },
	{ { 0x0f, 0x30 }, 2, X86_INSN_WRMSR },
	{ { 0xf4 }, 1, X86_INSN_HLT },
	{ { 0x0f, 0x01, 0xd9 }, 3, X86_INSN_VMMCALL },
	{ { 0x0f, 0x01, 0xc1 }, 3, X86_INSN_VMCALL },
	{ { 0x0f, 0x01, 0xd8 }, 3, X86_INSN_VMRUN },
	{ { 0x0f, 0x01, 0xda }, 3, X86_INSN_VMLOAD },
	{ { 0x0f, 0x01, 0xdb }, 3, X86_INSN_VMSAVE },
	{ { 0x0f, 0x01, 0xdc }, 3, X86_INSN_STGI },
	{ { 0x0f, 0x01, 0xdd }, 3, X86_INSN_CLGI },
	{ { 0x0f, 0x01, 0xde }, 3, X86_INSN_SKINIT },
	{ { 0x0f, 0x01, 0xdf }, 3, X86_INSN_INVLPGA },
	{ { 0xe4, 0x80 }, 2, X86_INSN_IN },
	{ { 0xe5, 0x80 }, 2, X86_INSN_IN },
	{ { 0xe6, 0x80 }, 2, X86_INSN_OUT },
	{ { 0xe7, 0x80 }, 2, X86_INSN_OUT },
	{ { 0xec }, 1, X86_INSN_IN },
	{ { 0xed }, 1, X86_INSN_IN },
	{ { 0xee }, 1, X86_INSN_OUT },
	{ { 0xef }, 1, X86_INSN_OUT },
	{ { 0x6c }, 1, X86_INSN_INS },
	{ { 0x6d }, 1, X86_INSN_INS },
	{ { 0x6e }, 1, X86_INSN_OUTS },
	{ { 0x6f }, 1, X86_INSN_OUTS },
	{ { 0x0f, 0x31 }, 2, X86_INSN_RDTSC },
	{ { 0x0f, 0x01, 0xf9 }, 3, X86_INSN_RDTSCP },
	{ { 0xf3, 0x90 }, 2, X86_INSN_PAUSE },
	/* Intel SDM vol. 2: INVD 0F 08, WBINVD 0F 09, XSETBV 0F 01 D1, MONITOR 0F 01 C8,
	   MWAIT 0F 01 C9; AMD APM vol. 3: RDPRU 0F 01 FD. */
	{ { 0x0f, 0x08 }, 2, X86_INSN_INVD },
	{ { 0x0f, 0x09 }, 2, X86_INSN_WBINVD },
	{ { 0x0f, 0x01, 0xd1 }, 3, X86_INSN_XSETBV },
	{ { 0x0f, 0x01, 0xc8 }, 3, X86_INSN_MONITOR },
	{ { 0x0f, 0x01, 0xc9 }, 3, X86_INSN_MWAIT },
	{ { 0x0f, 0x01, 0xfd }, 3, X86_INSN_RDPRU },
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

static const uint8_t legacy[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e,
				  0x26, 0x64, 0x65 };

/*
 * Whether prefix p leaves instruction k what it is: LOCK never does (#UD),
 * 66/F2/F3 not on NP instructions (WBINVD, XSETBV), F2/F3 not on RDPRU
 * (test_x86_insn_diff.c has the reasons).
 */
static bool allowed(uint8_t p, enum x86_insn_kind k)
{
	if (p == 0xf0)
		return false;
	if (k == X86_INSN_WBINVD || k == X86_INSN_XSETBV)
		return p != 0x66 && p != 0xf2 && p != 0xf3;
	if (k == X86_INSN_RDPRU)
		return p != 0xf2 && p != 0xf3;
	return true;
}

/* Decode buf[0..n) and check kind, length and prefix count. */
static void expect_insn(const uint8_t *buf, size_t n, enum x86_insn_kind kind, unsigned len,
			unsigned prefixes)
{
	struct x86_insn out;

	memset(&out, 0xa5, sizeof(out));
	if (x86_insn_decode(buf, n, &out) != 0)
		fail_msg("%02x %02x %02x ... (n %zu): refused, want %s", buf[0], buf[1], buf[2],
			 n, x86_insn_name(kind));
	if (out.kind != kind || out.len != len || out.prefixes != prefixes)
		fail_msg("%02x %02x %02x ...: %s len %u prefixes %u, want %s len %u prefixes %u",
			 buf[0], buf[1], buf[2], x86_insn_name(out.kind), out.len,
			 out.prefixes, x86_insn_name(kind), len, prefixes);
}

/* buf[0..n) must be refused, leaving *out untouched. */
static void expect_refused(const uint8_t *buf, size_t n)
{
	struct x86_insn out, before;

	memset(&out, 0x5a, sizeof(out));
	before = out;
	if (x86_insn_decode(buf, n, &out) != -1)
		fail_msg("%02x %02x %02x ... (n %zu): decoded as %s len %u, want refusal",
			 n ? buf[0] : 0, n > 1 ? buf[1] : 0, n > 2 ? buf[2] : 0, n,
			 x86_insn_name(out.kind), out.len);
	assert_memory_equal(&out, &before, sizeof(out));
}

static void test_bare_opcodes(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKNOWN; i++) {
		/* PAUSE's F3 is itself a prefix. */
		unsigned pre = known[i].kind == X86_INSN_PAUSE;
		struct x86_insn out;

		expect_insn(known[i].bytes, known[i].len, known[i].kind, known[i].len, pre);
		assert_int_equal(x86_insn_decode(known[i].bytes, known[i].len, &out), 0);
		assert_int_equal(out.opsize16, 0);
		assert_int_equal(out.rep, pre);
	}
}

static void test_trailing_bytes_ignored(void **state)
{
	(void)state;
	uint8_t buf[32];

	for (size_t i = 0; i < NKNOWN; i++) {
		memset(buf, 0x0f, sizeof(buf));
		memcpy(buf, known[i].bytes, known[i].len);
		expect_insn(buf, sizeof(buf), known[i].kind, known[i].len,
			    known[i].kind == X86_INSN_PAUSE);
	}
}

static void test_each_legacy_prefix(void **state)
{
	(void)state;
	uint8_t buf[8];

	for (size_t p = 0; p < sizeof(legacy); p++) {
		for (size_t i = 0; i < NKNOWN; i++) {
			unsigned base = known[i].kind == X86_INSN_PAUSE;

			buf[0] = legacy[p];
			memcpy(buf + 1, known[i].bytes, known[i].len);
			if (!allowed(legacy[p], known[i].kind)) {
				expect_refused(buf, known[i].len + 1u);
				continue;
			}
			expect_insn(buf, known[i].len + 1u, known[i].kind, known[i].len + 1u,
				    base + 1);
		}
	}
}

static void test_each_rex(void **state)
{
	(void)state;
	uint8_t buf[8];

	for (unsigned rex = 0x40; rex <= 0x4f; rex++) {
		for (size_t i = 0; i < NKNOWN; i++) {
			const struct known *k = &known[i];
			size_t n = 0;

			if (k->kind == X86_INSN_PAUSE)
				continue; /* test_pause_and_rex */
			buf[n++] = (uint8_t)rex;
			memcpy(buf + n, k->bytes, k->len);
			expect_insn(buf, k->len + 1u, k->kind, k->len + 1u, 1);
			/* Legacy prefix first, then REX: the usual order. */
			buf[0] = allowed(0x66, k->kind) ? 0x66 : 0x2e;
			buf[1] = (uint8_t)rex;
			memcpy(buf + 2, k->bytes, k->len);
			expect_insn(buf, k->len + 2u, k->kind, k->len + 2u, 2);
		}
	}
}

static void test_flags(void **state)
{
	(void)state;
	static const uint8_t rep_outsw[] = { 0xf3, 0x66, 0x6f };
	static const uint8_t in_ax_dx[] = { 0x66, 0xed };
	static const uint8_t rep_insb_a32[] = { 0x67, 0xf3, 0x6c };
	static const uint8_t repne_insb[] = { 0xf2, 0x6c };
	struct x86_insn out;

	assert_int_equal(x86_insn_decode(rep_outsw, sizeof(rep_outsw), &out), 0);
	assert_int_equal(out.kind, X86_INSN_OUTS);
	assert_int_equal(out.opsize16, 1);
	assert_int_equal(out.rep, 1);
	assert_int_equal(out.len, 3);
	assert_int_equal(x86_insn_decode(in_ax_dx, sizeof(in_ax_dx), &out), 0);
	assert_int_equal(out.kind, X86_INSN_IN);
	assert_int_equal(out.opsize16, 1);
	assert_int_equal(out.rep, 0);
	assert_int_equal(x86_insn_decode(rep_insb_a32, sizeof(rep_insb_a32), &out), 0);
	assert_int_equal(out.kind, X86_INSN_INS);
	assert_int_equal(out.rep, 1);
	assert_int_equal(out.opsize16, 0);
	/* rep means F3 only. */
	assert_int_equal(x86_insn_decode(repne_insb, sizeof(repne_insb), &out), 0);
	assert_int_equal(out.rep, 0);
	assert_int_equal(out.prefixes, 1);
}

static void test_pause_and_rex(void **state)
{
	(void)state;
	static const uint8_t plain_nop[] = { 0x90 };
	static const uint8_t rexw_pause[] = { 0xf3, 0x48, 0x90 };
	static const uint8_t xchg_r8[] = { 0xf3, 0x41, 0x90 };
	static const uint8_t ignored_rexb[] = { 0x41, 0xf3, 0x90 };
	static const uint8_t last_rex_wins[] = { 0xf3, 0x41, 0x48, 0x90 };
	static const uint8_t last_rex_b[] = { 0xf3, 0x48, 0x41, 0x90 };
	static const uint8_t f2_then_f3[] = { 0xf2, 0xf3, 0x90 };
	static const uint8_t f3_then_f2[] = { 0xf3, 0xf2, 0x90 };
	static const uint8_t opsize_pause[] = { 0x66, 0xf3, 0x90 };

	expect_refused(plain_nop, sizeof(plain_nop));
	expect_insn(rexw_pause, sizeof(rexw_pause), X86_INSN_PAUSE, 3, 2);
	/* REX.B directly before 90 makes it XCHG r8, rax. */
	expect_refused(xchg_r8, sizeof(xchg_r8));
	/* A REX followed by a legacy prefix is ignored, but still counted. */
	expect_insn(ignored_rexb, sizeof(ignored_rexb), X86_INSN_PAUSE, 3, 2);
	expect_insn(last_rex_wins, sizeof(last_rex_wins), X86_INSN_PAUSE, 4, 3);
	expect_refused(last_rex_b, sizeof(last_rex_b));
	/* The last of F2/F3 is the one that selects the instruction. */
	expect_insn(f2_then_f3, sizeof(f2_then_f3), X86_INSN_PAUSE, 3, 2);
	expect_refused(f3_then_f2, sizeof(f3_then_f2));
	expect_insn(opsize_pause, sizeof(opsize_pause), X86_INSN_PAUSE, 3, 2);
}

static void test_ignored_rex_still_counts(void **state)
{
	(void)state;
	static const uint8_t rex_then_prefix[] = { 0x48, 0x66, 0xed };
	static const uint8_t two_rex[] = { 0x40, 0x4f, 0x0f, 0x01, 0xd9 };

	expect_insn(rex_then_prefix, sizeof(rex_then_prefix), X86_INSN_IN, 3, 2);
	expect_insn(two_rex, sizeof(two_rex), X86_INSN_VMMCALL, 5, 2);
}

static void test_every_truncation(void **state)
{
	(void)state;
	uint8_t buf[8];

	for (size_t i = 0; i < NKNOWN; i++) {
		/* With two prefixes, so a cut can fall among them too. */
		buf[0] = 0x2e;
		buf[1] = 0x48;
		memcpy(buf + 2, known[i].bytes, known[i].len);
		if (known[i].kind == X86_INSN_PAUSE)
			buf[1] = 0x66; /* keep F3 90 PAUSE: no REX.B question */
		for (size_t n = 0; n < known[i].len + 2u; n++)
			expect_refused(buf, n);
		expect_insn(buf, known[i].len + 2u, known[i].kind, known[i].len + 2u,
			    2 + (known[i].kind == X86_INSN_PAUSE));
	}
}

/* n prefix bytes, then the instruction, in a buffer with room to spare. */
static size_t with_prefixes(uint8_t *buf, size_t cap, unsigned n, const struct known *k)
{
	assert_true(n + k->len <= cap);
	for (unsigned i = 0; i < n; i++) {
		uint8_t p = legacy[i % sizeof(legacy)];

		buf[i] = p == 0xf2 || !allowed(p, k->kind) ? 0x3e : p;
	}
	memcpy(buf + n, k->bytes, k->len);
	memset(buf + n + k->len, 0xf4, cap - n - k->len);
	return n + k->len;
}

static void test_fifteen_byte_limit(void **state)
{
	(void)state;
	uint8_t buf[40];

	for (size_t i = 0; i < NKNOWN; i++) {
		const struct known *k = &known[i];
		unsigned own = k->kind == X86_INSN_PAUSE; /* F3 counts as a prefix */
		unsigned fit = 15u - k->len;

		/* Exactly 15 bytes decodes; one more prefix is over the limit. */
		assert_int_equal(with_prefixes(buf, sizeof(buf), fit, k), 15);
		expect_insn(buf, sizeof(buf), k->kind, 15, fit + own);
		with_prefixes(buf, sizeof(buf), fit + 1, k);
		expect_refused(buf, sizeof(buf));
	}
}

static void test_prefixes_only(void **state)
{
	(void)state;
	uint8_t buf[32];

	memset(buf, 0x66, sizeof(buf));
	expect_refused(buf, sizeof(buf));
	expect_refused(buf, 14);
	memset(buf, 0x40, sizeof(buf));
	expect_refused(buf, sizeof(buf));
}

static void test_unknown_instructions(void **state)
{
	(void)state;
	static const uint8_t syscall[] = { 0x0f, 0x05 };
	static const uint8_t xgetbv[] = { 0x0f, 0x01, 0xd0 };
	static const uint8_t vmlaunch[] = { 0x0f, 0x01, 0xc2 };
	static const uint8_t sgdt[] = { 0x0f, 0x01, 0x05, 0, 0, 0, 0 };
	static const uint8_t int3[] = { 0xcc };
	static const uint8_t mov[] = { 0x48, 0x89, 0xc0 };
	static const uint8_t rdpmc[] = { 0x0f, 0x33 };
	struct x86_insn out;

	expect_refused(syscall, sizeof(syscall));
	expect_refused(xgetbv, sizeof(xgetbv));
	expect_refused(vmlaunch, sizeof(vmlaunch));
	expect_refused(sgdt, sizeof(sgdt));
	expect_refused(int3, sizeof(int3));
	expect_refused(mov, sizeof(mov));
	expect_refused(rdpmc, sizeof(rdpmc));
	expect_refused(int3, 0);
	assert_int_equal(x86_insn_decode(NULL, 4, &out), -1);
	assert_int_equal(x86_insn_decode(int3, 1, NULL), -1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(x86_insn_name(X86_INSN_UNKNOWN), "unknown");
	assert_string_equal(x86_insn_name(X86_INSN_CPUID), "CPUID");
	assert_string_equal(x86_insn_name(X86_INSN_VMMCALL), "VMMCALL");
	assert_string_equal(x86_insn_name(X86_INSN_VMRUN), "VMRUN");
	assert_string_equal(x86_insn_name(X86_INSN_INVLPGA), "INVLPGA");
	assert_string_equal(x86_insn_name(X86_INSN_OUTS), "OUTS");
	assert_string_equal(x86_insn_name(X86_INSN_PAUSE), "PAUSE");
	assert_string_equal(x86_insn_name(X86_INSN_RDPRU), "RDPRU");
	assert_string_equal(x86_insn_name((enum x86_insn_kind)(X86_INSN_RDPRU + 1)), "invalid");
	assert_string_equal(x86_insn_name((enum x86_insn_kind)-1), "invalid");
	/* Every kind has its own name. */
	for (int a = X86_INSN_UNKNOWN; a <= X86_INSN_PAUSE; a++)
		for (int b = a + 1; b <= X86_INSN_PAUSE; b++)
			assert_string_not_equal(x86_insn_name(a), x86_insn_name(b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_opcodes),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_each_legacy_prefix),
		cmocka_unit_test(test_each_rex),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_pause_and_rex),
		cmocka_unit_test(test_ignored_rex_still_counts),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_fifteen_byte_limit),
		cmocka_unit_test(test_prefixes_only),
		cmocka_unit_test(test_unknown_instructions),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("x86_insn", tests, NULL, NULL);
}
