/* SPDX-License-Identifier: MIT */
/*
 * Length decoder for the exiting instructions (see x86_insn.h), in 64-,
 * 32- and 16-bit mode (REX exists only in the first). Prefix and opcode
 * encodings: Intel SDM vol. 2 ch. 2.1-2.2 and appendix A; AMD APM vol. 3
 * ch. 1.2 (legacy and REX prefixes) and the instruction pages of SVM's
 * 0F 01 Dx group.
 */
#include "x86_insn.h"

#include <stdbool.h>

#define X86_MAX_LEN 15u   /* longer instructions raise #GP on real hardware */
#define X86_REX_B 0x01u   /* extends the register in the opcode's low bits */

/* Prefixes seen, for the rules of x86_prefixes_allowed(). */
#define X86_SEEN_LOCK 0x1u
#define X86_SEEN_66 0x2u
#define X86_SEEN_F2 0x4u
#define X86_SEEN_F3 0x8u

/* Where the decoder is: the bytes it may look at and how far it got. */
struct x86_cursor {
	const uint8_t *bytes;
	size_t limit;        /* min(n, X86_MAX_LEN) */
	size_t at;
};

static bool x86_next(struct x86_cursor *c, uint8_t *b)
{
	if (c->at >= c->limit)
		return false;
	*b = c->bytes[c->at++];
	return true;
}

static bool x86_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67:             /* operand, address size */
	case 0xf0: case 0xf2: case 0xf3:  /* LOCK, REPNE, REP */
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65: /* segments */
		return true;
	default:
		return false;
	}
}

static bool x86_rex(uint8_t b)
{
	return (b & 0xf0u) == 0x40u;
}

/*
 * Consume prefixes up to the opcode byte, returned in *op. A REX prefix
 * counts only directly before the opcode: the CPU ignores one followed by a
 * legacy prefix, though its byte still adds to the length. *rex is the
 * effective one (0 if none); *last_rep is the last F2/F3 seen; *seen has
 * X86_SEEN_* bits. Outside 64-bit mode 40-4F are opcodes (INC/DEC).
 */
static bool x86_prefixes(struct x86_cursor *c, enum x86_mode mode, struct x86_insn *out,
			 uint8_t *rex, uint8_t *last_rep, unsigned *seen, uint8_t *op)
{
	uint8_t b;

	*rex = 0;
	*last_rep = 0;
	*seen = 0;
	while (x86_next(c, &b)) {
		if (x86_legacy_prefix(b)) {
			*rex = 0;
			if (b == 0x66)
				out->opsize16 = 1;
			if (b == 0xf3)
				out->rep = 1;
			if (b == 0xf2 || b == 0xf3)
				*last_rep = b;
			*seen |= b == 0xf0 ? X86_SEEN_LOCK : b == 0x66 ? X86_SEEN_66 :
				 b == 0xf2 ? X86_SEEN_F2 : b == 0xf3 ? X86_SEEN_F3 : 0;
		} else if (mode == X86_MODE_64 && x86_rex(b)) {
			*rex = b;
		} else {
			*op = b;
			return true;
		}
		out->prefixes++;
	}
	return false;
}

/* 0F 01 /xx: the SVM instructions, VMCALL, MONITOR, MWAIT, XSETBV, RDTSCP and RDPRU are all mod=11 forms. */
static enum x86_insn_kind x86_decode_0f01(struct x86_cursor *c)
{
	uint8_t b;

	if (!x86_next(c, &b))
		return X86_INSN_UNKNOWN;
	switch (b) {
	case 0xc1: return X86_INSN_VMCALL;
	case 0xc8: return X86_INSN_MONITOR;
	case 0xc9: return X86_INSN_MWAIT;
	case 0xd1: return X86_INSN_XSETBV;
	case 0xd8: return X86_INSN_VMRUN;
	case 0xd9: return X86_INSN_VMMCALL;
	case 0xda: return X86_INSN_VMLOAD;
	case 0xdb: return X86_INSN_VMSAVE;
	case 0xdc: return X86_INSN_STGI;
	case 0xdd: return X86_INSN_CLGI;
	case 0xde: return X86_INSN_SKINIT;
	case 0xdf: return X86_INSN_INVLPGA;
	case 0xf9: return X86_INSN_RDTSCP;
	case 0xfd: return X86_INSN_RDPRU;
	default: return X86_INSN_UNKNOWN;
	}
}

static enum x86_insn_kind x86_decode_0f(struct x86_cursor *c)
{
	uint8_t b;

	if (!x86_next(c, &b))
		return X86_INSN_UNKNOWN;
	switch (b) {
	case 0x01: return x86_decode_0f01(c);
	case 0x08: return X86_INSN_INVD;
	case 0x09: return X86_INSN_WBINVD;
	case 0x30: return X86_INSN_WRMSR;
	case 0x31: return X86_INSN_RDTSC;
	case 0x32: return X86_INSN_RDMSR;
	case 0xa2: return X86_INSN_CPUID;
	default: return X86_INSN_UNKNOWN;
	}
}

/* IN/OUT with a port number carry one immediate byte after the opcode. */
static enum x86_insn_kind x86_with_imm8(struct x86_cursor *c, enum x86_insn_kind k)
{
	uint8_t imm;

	return x86_next(c, &imm) ? k : X86_INSN_UNKNOWN;
}

static enum x86_insn_kind x86_decode_op(struct x86_cursor *c, uint8_t op, uint8_t rex,
					uint8_t last_rep)
{
	switch (op) {
	case 0x0f: return x86_decode_0f(c);
	case 0xf4: return X86_INSN_HLT;
	case 0xe4: case 0xe5: return x86_with_imm8(c, X86_INSN_IN);
	case 0xe6: case 0xe7: return x86_with_imm8(c, X86_INSN_OUT);
	case 0xec: case 0xed: return X86_INSN_IN;
	case 0xee: case 0xef: return X86_INSN_OUT;
	case 0x6c: case 0x6d: return X86_INSN_INS;
	case 0x6e: case 0x6f: return X86_INSN_OUTS;
	case 0x90:
		/*
		 * F3 90 is PAUSE; 90 alone is NOP, and with REX.B it is
		 * XCHG r8, rax, which a REP prefix does not turn into PAUSE.
		 */
		if (last_rep == 0xf3 && !(rex & X86_REX_B))
			return X86_INSN_PAUSE;
		return X86_INSN_UNKNOWN;
	default:
		return X86_INSN_UNKNOWN;
	}
}

/*
 * Prefixes that make the bytes something other than the instruction (found
 * by the LLVM differential, tests/fuzz/decoder_diff.c):
 *  - LOCK: none of these instructions is lockable, so the CPU raises #UD
 *    (Intel SDM vol. 2A, LOCK; AMD APM vol. 3 1.2.5) and nothing exits;
 *  - 66/F2/F3 on an instruction the SDM marks NP (WBINVD, XSETBV): #UD or
 *    another instruction (vol. 2A 3.1.1.1; F3 0F 09 is WBNOINVD);
 *  - F2/F3 on RDPRU: F3 0F 01 FD is RMPQUERY (AMD APM vol. 3).
 */
static bool x86_prefixes_allowed(enum x86_insn_kind k, unsigned seen)
{
	if (seen & X86_SEEN_LOCK)
		return false;
	if (k == X86_INSN_WBINVD || k == X86_INSN_XSETBV)
		return !(seen & (X86_SEEN_66 | X86_SEEN_F2 | X86_SEEN_F3));
	if (k == X86_INSN_RDPRU)
		return !(seen & (X86_SEEN_F2 | X86_SEEN_F3));
	return true;
}

int x86_insn_decode_mode(const uint8_t *bytes, size_t n, enum x86_mode mode,
			 struct x86_insn *out)
{
	struct x86_cursor c = { bytes, n < X86_MAX_LEN ? n : X86_MAX_LEN, 0 };
	struct x86_insn insn = { 0 };
	uint8_t rex, last_rep, op;
	unsigned seen;

	if (!bytes || !out || (mode != X86_MODE_64 && mode != X86_MODE_32 && mode != X86_MODE_16))
		return -1;
	/* Running out of bytes within the first 15 is truncation or overlength. */
	if (!x86_prefixes(&c, mode, &insn, &rex, &last_rep, &seen, &op))
		return -1;
	insn.kind = x86_decode_op(&c, op, rex, last_rep);
	if (insn.kind == X86_INSN_UNKNOWN || !x86_prefixes_allowed(insn.kind, seen))
		return -1;
	insn.len = (uint8_t)c.at;
	*out = insn;
	return 0;
}

int x86_insn_decode(const uint8_t *bytes, size_t n, struct x86_insn *out)
{
	return x86_insn_decode_mode(bytes, n, X86_MODE_64, out);
}

const char *x86_insn_name(enum x86_insn_kind k)
{
	static const char *const names[] = {
		[X86_INSN_UNKNOWN] = "unknown",
		[X86_INSN_CPUID] = "CPUID",
		[X86_INSN_RDMSR] = "RDMSR",
		[X86_INSN_WRMSR] = "WRMSR",
		[X86_INSN_HLT] = "HLT",
		[X86_INSN_VMMCALL] = "VMMCALL",
		[X86_INSN_VMCALL] = "VMCALL",
		[X86_INSN_VMRUN] = "VMRUN",
		[X86_INSN_VMLOAD] = "VMLOAD",
		[X86_INSN_VMSAVE] = "VMSAVE",
		[X86_INSN_STGI] = "STGI",
		[X86_INSN_CLGI] = "CLGI",
		[X86_INSN_SKINIT] = "SKINIT",
		[X86_INSN_INVLPGA] = "INVLPGA",
		[X86_INSN_IN] = "IN",
		[X86_INSN_OUT] = "OUT",
		[X86_INSN_INS] = "INS",
		[X86_INSN_OUTS] = "OUTS",
		[X86_INSN_RDTSC] = "RDTSC",
		[X86_INSN_RDTSCP] = "RDTSCP",
		[X86_INSN_PAUSE] = "PAUSE",
		[X86_INSN_INVD] = "INVD",
		[X86_INSN_WBINVD] = "WBINVD",
		[X86_INSN_XSETBV] = "XSETBV",
		[X86_INSN_MONITOR] = "MONITOR",
		[X86_INSN_MWAIT] = "MWAIT",
		[X86_INSN_RDPRU] = "RDPRU",
	};

	if ((unsigned)k >= sizeof(names) / sizeof(names[0]) || !names[k])
		return "invalid";
	return names[k];
}
