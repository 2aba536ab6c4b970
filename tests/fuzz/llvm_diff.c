/* SPDX-License-Identifier: MIT */
/*
 * One byte string, the instruction-length decoder against LLVM 19's x86
 * disassembler (see llvm_diff.h): shared by decoder_diff.c and the
 * x86_insn_llvm fuzz harness.
 */
#include "llvm_diff.h"

#include "x86_insn.h"

#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEN 15u
#define BUF 64u
#define SHOW 12u /* examples printed per set */

static LLVMDisasmContextRef dcs[DIFF_NMODES];
unsigned diff_show_max = SHOW;

const uint8_t diff_prefixes[DIFF_NPREFIX] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
};

const struct exit_op diff_exit_ops[DIFF_NEXIT] = {
	{ { 0x0f, 0xa2 }, 2, "cpuid" },     { { 0x0f, 0x32 }, 2, "rdmsr" },
	{ { 0x0f, 0x30 }, 2, "wrmsr" },     { { 0xf4 }, 1, "hlt" },
	{ { 0x0f, 0x01, 0xd9 }, 3, "vmmcall" }, { { 0x0f, 0x01, 0xc1 }, 3, "vmcall" },
	{ { 0x0f, 0x01, 0xd8 }, 3, "vmrun" }, { { 0x0f, 0x01, 0xda }, 3, "vmload" },
	{ { 0x0f, 0x01, 0xdb }, 3, "vmsave" }, { { 0x0f, 0x01, 0xdc }, 3, "stgi" },
	{ { 0x0f, 0x01, 0xdd }, 3, "clgi" }, { { 0x0f, 0x01, 0xde }, 3, "skinit" },
	{ { 0x0f, 0x01, 0xdf }, 3, "invlpga" },
	{ { 0xe4, 0x80 }, 2, "in" }, { { 0xe5, 0x80 }, 2, "in" },
	{ { 0xe6, 0x80 }, 2, "out" }, { { 0xe7, 0x80 }, 2, "out" },
	{ { 0xec }, 1, "in" }, { { 0xed }, 1, "in" }, { { 0xee }, 1, "out" }, { { 0xef }, 1, "out" },
	{ { 0x6c }, 1, "ins" }, { { 0x6d }, 1, "ins" }, { { 0x6e }, 1, "outs" }, { { 0x6f }, 1, "outs" },
	{ { 0x0f, 0x31 }, 2, "rdtsc" }, { { 0x0f, 0x01, 0xf9 }, 3, "rdtscp" },
	{ { 0xf3, 0x90 }, 2, "pause" },
	{ { 0x0f, 0x08 }, 2, "invd" }, { { 0x0f, 0x09 }, 2, "wbinvd" },
	{ { 0x0f, 0x01, 0xd1 }, 3, "xsetbv" }, { { 0x0f, 0x01, 0xc8 }, 3, "monitor" },
	{ { 0x0f, 0x01, 0xc9 }, 3, "mwait" }, { { 0x0f, 0x01, 0xfd }, 3, "rdpru" },
};

const struct exit_op diff_unhandled_ops[DIFF_NUNHANDLED] = {
	{ { 0x0f, 0x20, 0xc0 }, 3, "mov rax, cr0" }, { { 0x0f, 0x22, 0xd8 }, 3, "mov cr3, rax" },
	{ { 0x0f, 0x21, 0xc0 }, 3, "mov rax, dr0" }, { { 0x0f, 0x23, 0xf8 }, 3, "mov dr7, rax" },
	{ { 0x0f, 0x01, 0x38 }, 3, "invlpg [rax]" },
	{ { 0x0f, 0x01, 0x3d, 0, 0, 0, 0 }, 7, "invlpg [rip]" },
};

bool diff_is_rex(uint8_t b)
{
	return (b & 0xf0) == 0x40;
}

bool diff_is_prefix(enum x86_mode mode, uint8_t b)
{
	return (mode == X86_MODE_64 && diff_is_rex(b)) || memchr(diff_prefixes, b, 11) != NULL;
}

const char *diff_mode_name(enum x86_mode mode)
{
	return mode == X86_MODE_64 ? "64-bit" : mode == X86_MODE_32 ? "32-bit" : "16-bit";
}

static size_t llvm_len(enum x86_mode mode, const uint8_t *b, size_t n, char *text, size_t cap)
{
	uint8_t copy[BUF];

	memcpy(copy, b, n);
	text[0] = '\0';
	return LLVMDisasmInstruction(dcs[mode], copy, n, 0, text, cap);
}

/*
 * The bytes without the prefixes LLVM cannot decode past: REX bytes the CPU
 * ignores (not directly before the opcode), and 66 when F2 or F3 is also
 * there (LLVM then looks for a 66-and-F2/F3 form and finds none), and 67
 * with F2/F3 (LLVM's 32- and 16-bit decoders then decode nothing). 66 and
 * 67 change no length here: none of these instructions has an immediate
 * sized by the operand size or a ModRM. *dropped says how many bytes went.
 */
static size_t normalise(enum x86_mode mode, const uint8_t *b, size_t n, uint8_t *out,
			size_t *dropped)
{
	size_t p = 0, o = 0;
	bool rep = false;

	while (p < n && p < MAX_LEN && diff_is_prefix(mode, b[p])) {
		rep = rep || b[p] == 0xf2 || b[p] == 0xf3;
		p++;
	}
	*dropped = 0;
	for (size_t i = 0; i < n; i++) {
		if ((i + 1 < p && diff_is_rex(b[i]) && mode == X86_MODE_64) ||
		    (i < p && rep && (b[i] == 0x66 || b[i] == 0x67))) {
			(*dropped)++;
			continue;
		}
		out[o++] = b[i];
	}
	return o;
}

/* LLVM's mnemonic: the first word that is not a prefix. */
static const char *mnemonic(const char *text, char *out, size_t cap)
{
	static const char *const skip[] = { "rep", "repe", "repne", "lock", "data16", "data32",
					    "addr16", "addr32", "rex", "rex64", "xacquire", "xrelease",
					    "notrack", "cs", "ss", "ds", "es", "fs", "gs", NULL };
	const char *p = text;

	for (;;) {
		size_t n;
		bool prefix = false;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		for (int i = 0; skip[i]; i++)
			prefix = prefix || (strlen(skip[i]) == n && strncmp(p, skip[i], n) == 0);
		if (!prefix || !n) {
			snprintf(out, cap, "%.*s", (int)n, p);
			return out;
		}
		p += n;
	}
}

static bool kind_matches(enum x86_insn_kind k, const char *m)
{
	static const char *names[X86_INSN_RDPRU + 1];
	const char *want;

	if (!names[X86_INSN_CPUID]) /* each kind's mnemonic, from the table above */
		for (size_t i = 0; i < DIFF_NEXIT; i++) {
			struct x86_insn d;

			if (x86_insn_decode(diff_exit_ops[i].bytes, diff_exit_ops[i].n, &d) == 0)
				names[d.kind] = diff_exit_ops[i].mnemonic;
		}
	want = (unsigned)k <= X86_INSN_RDPRU ? names[k] : NULL;
	if (!want)
		return false;
	if (!strcmp(want, "ins") || !strcmp(want, "outs"))
		return !strncmp(m, want, strlen(want)) && strlen(m) == strlen(want) + 1;
	return !strcmp(m, want);
}

void diff_show(struct diff_counts *c, const char *what, const uint8_t *b, size_t n,
	       const char *detail)
{
	if (c->shown++ >= diff_show_max)
		return;
	printf("  %s %s %s:", c->name, diff_mode_name(c->mode), what);
	for (size_t i = 0; i < n && i < 16; i++)
		printf(" %02x", b[i]);
	printf("  (%s)\n", detail);
}

/* One byte string. must_claim: an exiting instruction the CPU would run as such. */
void diff_compare(struct diff_counts *c, const uint8_t *b, size_t n, bool must_claim)
{
	struct x86_insn d;
	char text[160], m[32], detail[256];
	size_t l;
	int rc = x86_insn_decode_mode(b, n, c->mode, &d);

	c->cases++;
	c->must_cases += must_claim;
	l = llvm_len(c->mode, b, n, text, sizeof(text));
	if (rc != 0) {
		c->refused++;
		c->refused_llvm_decodes += l != 0;
		if (must_claim) {
			c->must_fail++;
			snprintf(detail, sizeof(detail), "refused; LLVM: %zu bytes,%s", l, text);
			diff_show(c, "exiting instruction refused", b, n, detail);
		}
		return;
	}
	c->claimed++;
	if (l == d.len) {
		c->agreed++;
		c->must_agreed += must_claim;
		if (!kind_matches(d.kind, mnemonic(text, m, sizeof(m)))) {
			c->kind_differs++;
			snprintf(detail, sizeof(detail), "%s %u bytes; LLVM:%s", x86_insn_name(d.kind),
				 d.len, text);
			diff_show(c, "same length, other instruction", b, n, detail);
		}
		return;
	}
	uint8_t s[BUF];
	size_t dropped, sn = normalise(c->mode, b, n, s, &dropped);

	if (dropped && llvm_len(c->mode, s, sn, text, sizeof(text)) + dropped == d.len) {
		c->agreed_stripped++;
		c->must_agreed += must_claim;
		return;
	}
	c->disagreed++;
	l = llvm_len(c->mode, b, n, text, sizeof(text));
	snprintf(detail, sizeof(detail), "decoder: %s %u bytes; LLVM: %zu bytes,%s",
		 x86_insn_name(d.kind), d.len, l, text);
	diff_show(c, "DISAGREE", b, n, detail);
}

bool diff_report(const struct diff_counts *c)
{
	printf("%-14s %s %9lu cases: claimed %lu, agreed %lu (+%lu normalised), refused %lu "
	       "(LLVM decodes %lu of them), disagreed %lu", c->name, diff_mode_name(c->mode), c->cases, c->claimed, c->agreed,
	       c->agreed_stripped, c->refused, c->refused_llvm_decodes, c->disagreed);
	if (c->must_cases)
		printf("; of the %lu the CPU runs as that instruction: %lu claimed with LLVM's length, "
		       "%lu refused", c->must_cases, c->must_agreed, c->must_fail);
	if (c->kind_differs)
		printf(", same length but another instruction %lu", c->kind_differs);
	printf("\n");
	return c->disagreed == 0 && c->must_fail == 0;
}

bool diff_init(void)
{
	/* The triple's environment "code16" selects 16-bit mode. */
	static const char *const triples[DIFF_NMODES] = {
		[X86_MODE_64] = "x86_64-unknown-linux-gnu",
		[X86_MODE_32] = "i386-unknown-linux-gnu",
		[X86_MODE_16] = "i386-unknown-linux-code16",
	};

	LLVMInitializeX86TargetInfo();
	LLVMInitializeX86TargetMC();
	LLVMInitializeX86Disassembler();
	for (unsigned m = 0; m < DIFF_NMODES; m++) {
		dcs[m] = LLVMCreateDisasm(triples[m], NULL, 0, NULL, NULL);
		if (!dcs[m])
			return false;
		/* Intel syntax */
		LLVMSetDisasmOptions(dcs[m], LLVMDisassembler_Option_AsmPrinterVariant);
	}
	return true;
}

void diff_fini(void)
{
	for (unsigned m = 0; m < DIFF_NMODES; m++)
		if (dcs[m])
			LLVMDisasmDispose(dcs[m]);
}
