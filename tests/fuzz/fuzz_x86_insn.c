/* SPDX-License-Identifier: MIT */
/*
 * arch/x86_64/lib/x86_insn.c: the length decoder for the guest instructions
 * that cause exits. The bytes are the guest's.
 *
 * Input: the instruction bytes (a heap copy of exactly that many, so ASan
 * sees any read past n), decoded in each of the 64-, 32- and 16-bit modes.
 *
 * Invariants: 0 or -1; on -1 *out is untouched; the result equals a
 * reference decoder written here from the opcode table in x86_insn.h (Intel
 * SDM vol. 2 2.1-2.2 prefixes, AMD APM vol. 3 1.2): kind, length (prefixes +
 * opcode + imm8 for IN/OUT imm8, at most 15), prefix count, 66 and F3 seen,
 * refusing LOCK on any of them, 66/F2/F3 on the SDM's NP instructions
 * (WBINVD, XSETBV) and F2/F3 on RDPRU, and outside 64-bit mode taking
 * 40-4F as the opcodes INC/DEC rather than REX;
 * the same answer for exactly `len` bytes, a refusal for one fewer.
 * The LLVM differential of the same decoder is tests/fuzz/decoder_diff.c.
 */
#include "fuzz.h"
#include "x86_insn.h"

#define MAX_LEN 15u

struct ref_op {
	uint8_t bytes[3];
	uint8_t n;     /* opcode bytes */
	uint8_t imm;   /* immediate bytes after them */
	enum x86_insn_kind kind;
};

static const struct ref_op ops[] = {
	{ { 0x0f, 0xa2 }, 2, 0, X86_INSN_CPUID },   { { 0x0f, 0x32 }, 2, 0, X86_INSN_RDMSR },
	{ { 0x0f, 0x30 }, 2, 0, X86_INSN_WRMSR },   { { 0xf4 }, 1, 0, X86_INSN_HLT },
	{ { 0x0f, 0x01, 0xd9 }, 3, 0, X86_INSN_VMMCALL }, { { 0x0f, 0x01, 0xc1 }, 3, 0, X86_INSN_VMCALL },
	{ { 0x0f, 0x01, 0xd8 }, 3, 0, X86_INSN_VMRUN }, { { 0x0f, 0x01, 0xda }, 3, 0, X86_INSN_VMLOAD },
	{ { 0x0f, 0x01, 0xdb }, 3, 0, X86_INSN_VMSAVE }, { { 0x0f, 0x01, 0xdc }, 3, 0, X86_INSN_STGI },
	{ { 0x0f, 0x01, 0xdd }, 3, 0, X86_INSN_CLGI },  { { 0x0f, 0x01, 0xde }, 3, 0, X86_INSN_SKINIT },
	{ { 0x0f, 0x01, 0xdf }, 3, 0, X86_INSN_INVLPGA },
	{ { 0xe4 }, 1, 1, X86_INSN_IN },  { { 0xe5 }, 1, 1, X86_INSN_IN },
	{ { 0xe6 }, 1, 1, X86_INSN_OUT }, { { 0xe7 }, 1, 1, X86_INSN_OUT },
	{ { 0xec }, 1, 0, X86_INSN_IN },  { { 0xed }, 1, 0, X86_INSN_IN },
	{ { 0xee }, 1, 0, X86_INSN_OUT }, { { 0xef }, 1, 0, X86_INSN_OUT },
	{ { 0x6c }, 1, 0, X86_INSN_INS }, { { 0x6d }, 1, 0, X86_INSN_INS },
	{ { 0x6e }, 1, 0, X86_INSN_OUTS }, { { 0x6f }, 1, 0, X86_INSN_OUTS },
	{ { 0x0f, 0x31 }, 2, 0, X86_INSN_RDTSC }, { { 0x0f, 0x01, 0xf9 }, 3, 0, X86_INSN_RDTSCP },
	{ { 0x0f, 0x08 }, 2, 0, X86_INSN_INVD }, { { 0x0f, 0x09 }, 2, 0, X86_INSN_WBINVD },
	{ { 0x0f, 0x01, 0xd1 }, 3, 0, X86_INSN_XSETBV }, { { 0x0f, 0x01, 0xc8 }, 3, 0, X86_INSN_MONITOR },
	{ { 0x0f, 0x01, 0xc9 }, 3, 0, X86_INSN_MWAIT }, { { 0x0f, 0x01, 0xfd }, 3, 0, X86_INSN_RDPRU },
};

static bool legacy(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

static bool rex(uint8_t b)
{
	return (b & 0xf0) == 0x40;
}

static int ref_decode(const uint8_t *b, size_t n, enum x86_mode mode, struct x86_insn *out)
{
	size_t limit = n < MAX_LEN ? n : MAX_LEN, p = 0;
	uint8_t last_rep = 0;
	bool lock = false, f2 = false;
	struct x86_insn r = { 0 };

	while (p < limit && (legacy(b[p]) || (mode == X86_MODE_64 && rex(b[p])))) {
		r.opsize16 |= b[p] == 0x66;
		r.rep |= b[p] == 0xf3;
		lock |= b[p] == 0xf0;
		f2 |= b[p] == 0xf2;
		if (b[p] == 0xf2 || b[p] == 0xf3)
			last_rep = b[p];
		p++;
	}
	/* LOCK on any of them is #UD (none is lockable). */
	if (p == limit || lock)
		return -1;
	r.prefixes = (uint8_t)p;
	/* PAUSE: 90 after a last F2/F3 of F3, unless a REX right before it has B. */
	if (b[p] == 0x90) {
		if (last_rep != 0xf3 ||
		    (mode == X86_MODE_64 && p > 0 && rex(b[p - 1]) && (b[p - 1] & 1)))
			return -1;
		r.kind = X86_INSN_PAUSE;
		r.len = (uint8_t)(p + 1);
		*out = r;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct ref_op *o = &ops[i];

		if (p + o->n + o->imm > limit || memcmp(b + p, o->bytes, o->n) != 0)
			continue;
		/* NP instructions take no 66/F2/F3; F2/F3 0F 01 FD are not RDPRU. */
		if ((o->kind == X86_INSN_WBINVD || o->kind == X86_INSN_XSETBV) &&
		    (r.opsize16 || r.rep || f2))
			return -1;
		if (o->kind == X86_INSN_RDPRU && (r.rep || f2))
			return -1;
		r.kind = o->kind;
		r.len = (uint8_t)(p + o->n + o->imm);
		*out = r;
		return 0;
	}
	return -1;
}

static void check_mode(const uint8_t *b, size_t size, enum x86_mode mode)
{
	struct x86_insn got, want, again, before;
	int rc, ref;

	memset(&got, 0x5a, sizeof(got));
	before = got;
	rc = x86_insn_decode_mode(b, size, mode, &got);
	ref = ref_decode(b, size, mode, &want);
	FUZZ_CHECK(rc == 0 || rc == -1, "mode %d: returned %d", mode, rc);
	FUZZ_CHECK(rc == ref, "mode %d: returned %d, the reference %d (%s)", mode, rc, ref,
		   ref == 0 ? x86_insn_name(want.kind) : "refuses");
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&got, &before, sizeof(got)) == 0, "mode %d: refused but wrote *out",
			   mode);
		return;
	}
	FUZZ_CHECK(got.kind == want.kind && got.len == want.len && got.prefixes == want.prefixes &&
		   got.opsize16 == want.opsize16 && got.rep == want.rep,
		   "mode %d: %s len %u prefixes %u 66:%u F3:%u, the reference %s len %u prefixes %u "
		   "66:%u F3:%u", mode,
		   x86_insn_name(got.kind), got.len, got.prefixes, got.opsize16, got.rep,
		   x86_insn_name(want.kind), want.len, want.prefixes, want.opsize16, want.rep);
	FUZZ_CHECK(got.len >= 1 && got.len <= MAX_LEN && got.len <= size, "len %u of %zu", got.len, size);
	FUZZ_CHECK(x86_insn_decode_mode(b, got.len, mode, &again) == 0 &&
		   memcmp(&again, &got, sizeof(got)) == 0,
		   "mode %d: a different answer for exactly len bytes", mode);
	FUZZ_CHECK(x86_insn_decode_mode(b, got.len - 1u, mode, &again) == -1,
		   "mode %d: accepted one byte short", mode);
	if (mode == X86_MODE_64)
		FUZZ_CHECK(x86_insn_decode(b, size, &again) == 0 &&
			   memcmp(&again, &got, sizeof(got)) == 0, "x86_insn_decode is not 64-bit mode");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = fz_copy(data, size);

	check_mode(b, size, X86_MODE_64);
	check_mode(b, size, X86_MODE_32);
	check_mode(b, size, X86_MODE_16);
	free(b);
	return 0;
}
