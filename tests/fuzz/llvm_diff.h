/* SPDX-License-Identifier: MIT */
/*
 * The instruction-length decoder (arch/x86_64/lib/x86_insn.c) against LLVM
 * 19's x86 disassembler (llvm-c/Disassembler.h), one byte string at a time,
 * in 64-, 32- or 16-bit mode (x86_insn_decode_mode). A claim of the
 * decoder must have LLVM's length; a refusal is always allowed, and counted
 * with how many of the refused strings LLVM does decode.
 *
 * LLVM's decoder gives up in two places where the CPU goes on: after a REX
 * prefix that is not directly before the opcode (a REX followed by a legacy
 * prefix, or a second REX; 64-bit mode only), which the CPU ignores but counts in the length
 * (Intel SDM vol. 2A 2.2.1; AMD APM vol. 3 1.2.7), and on 66 or (in 32-
 * and 16-bit mode) 67 together with F2/F3 in front of an instruction that
 * has no such form (it then decodes nothing, or the prefixes alone). For a claim that differs only there, LLVM
 * is asked again without those bytes, and its length plus the bytes dropped
 * must be the decoder's; such cases are counted apart ("normalised").
 */
#ifndef FUZZ_LLVM_DIFF_H
#define FUZZ_LLVM_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86_insn.h"

#define DIFF_NMODES 3u /* X86_MODE_64, X86_MODE_32, X86_MODE_16 */

struct diff_counts {
	const char *name;
	enum x86_mode mode;
	unsigned long cases, claimed, agreed, agreed_stripped, refused, refused_llvm_decodes;
	unsigned long disagreed, kind_differs, must_fail, must_cases, must_agreed;
	unsigned shown;
};

/* An exiting instruction; mnemonic as LLVM prints it. */
struct exit_op {
	uint8_t bytes[8];
	uint8_t n;
	const char *mnemonic;
};

#define DIFF_NPREFIX 27u   /* the 11 legacy prefixes, then the 16 REX bytes */
#define DIFF_NEXIT 34u     /* the exiting instructions the decoder handles */
#define DIFF_NUNHANDLED 6u /* exiting instructions it does not: MOV CR/DR, INVLPG */

extern const uint8_t diff_prefixes[DIFF_NPREFIX];
extern const struct exit_op diff_exit_ops[DIFF_NEXIT];
extern const struct exit_op diff_unhandled_ops[DIFF_NUNHANDLED];
extern unsigned diff_show_max; /* disagreements etc. printed per set */

/* One LLVM disassembler per mode (x86_64, i386, i386 code16). */
bool diff_init(void);
void diff_fini(void);
const char *diff_mode_name(enum x86_mode mode); /* "64-bit" ... */
bool diff_is_rex(uint8_t b);
/* A legacy prefix, or (64-bit mode only) REX. */
bool diff_is_prefix(enum x86_mode mode, uint8_t b);
/*
 * Decode b[0..n) both ways in c->mode and count the result in *c. must_claim: the CPU
 * runs these bytes as an exiting instruction, so a refusal counts as failed.
 */
void diff_compare(struct diff_counts *c, const uint8_t *b, size_t n, bool must_claim);
/* Print one example (at most diff_show_max per set): what, the bytes, detail. */
void diff_show(struct diff_counts *c, const char *what, const uint8_t *b, size_t n,
	       const char *detail);
/* One line of counts; true if nothing disagreed and nothing required was refused. */
bool diff_report(const struct diff_counts *c);

#endif
