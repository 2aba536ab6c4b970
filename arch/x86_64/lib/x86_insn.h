/* SPDX-License-Identifier: MIT */
/*
 * Length and kind of the few guest instructions that cause exits, for CPUs
 * without NRIP save (QEMU TCG): the exit handler must know where the next
 * instruction starts. Pure: decodes a byte buffer.
 */
#ifndef X86_INSN_H
#define X86_INSN_H

#include <stddef.h>
#include <stdint.h>

enum x86_insn_kind {
	X86_INSN_UNKNOWN = 0,
	X86_INSN_CPUID, X86_INSN_RDMSR, X86_INSN_WRMSR, X86_INSN_HLT,
	X86_INSN_VMMCALL, X86_INSN_VMCALL, X86_INSN_VMRUN, X86_INSN_VMLOAD, X86_INSN_VMSAVE,
	X86_INSN_STGI, X86_INSN_CLGI, X86_INSN_SKINIT, X86_INSN_INVLPGA,
	X86_INSN_IN, X86_INSN_OUT, X86_INSN_INS, X86_INSN_OUTS,
	X86_INSN_RDTSC, X86_INSN_RDTSCP, X86_INSN_PAUSE,
	X86_INSN_INVD, X86_INSN_WBINVD, X86_INSN_XSETBV, X86_INSN_MONITOR, X86_INSN_MWAIT, X86_INSN_RDPRU,
};

/*
 * The CPU mode the bytes run in. Only REX differs for these instructions:
 * 40-4F are REX prefixes in 64-bit mode and INC/DEC (another instruction)
 * in 32- and 16-bit modes. No length here depends on the operand or
 * address size.
 */
enum x86_mode { X86_MODE_64 = 0, X86_MODE_32, X86_MODE_16 };

struct x86_insn {
	enum x86_insn_kind kind;
	uint8_t len;        /* total bytes including prefixes */
	uint8_t prefixes;   /* legacy + REX prefix bytes */
	uint8_t opsize16;   /* 0x66 seen (the 32-bit operand size in 16-bit mode) */
	uint8_t rep;        /* 0xF3 seen */
};

/*
 * Decode the instruction at bytes[0..n) (64-bit mode). Returns 0 and fills
 * *out, or -1 if it is not one of the kinds above, is truncated (n too small),
 * has more than 14 prefix bytes (the 15-byte limit), or has a prefix that
 * makes it #UD or another instruction (LOCK; 66/F2/F3 on WBINVD and XSETBV;
 * F2/F3 on RDPRU).
 */
int x86_insn_decode(const uint8_t *bytes, size_t n, struct x86_insn *out);
/* The same in the given mode (x86_insn_decode is X86_MODE_64). */
int x86_insn_decode_mode(const uint8_t *bytes, size_t n, enum x86_mode mode,
			 struct x86_insn *out);
const char *x86_insn_name(enum x86_insn_kind k);

#endif
