/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the instruction-length decoder (arch/x86_64/lib/
 * x86_insn.c) against LLVM's x86 disassembler (llvm-c/Disassembler.h,
 * libLLVM 19), in 64-, 32- and 16-bit mode (x86_insn_decode_mode; LLVM's
 * x86_64, i386 and i386-code16 triples).
 *
 * For every byte string: the decoder either claims an instruction (kind and
 * length) or refuses. A claim must have LLVM's length. A refusal is always
 * allowed (the decoder handles only the exiting instructions), but is
 * counted, with how many of them LLVM does decode.
 *
 * Where LLVM gives up but the CPU goes on (an ignored REX, 66 with F2/F3),
 * llvm_diff.h says how the claim is checked instead ("normalised").
 *
 * Three sets: every exiting instruction behind every sequence of up to three
 * (--quick: two) legacy or REX prefixes, at and past the 15-byte limit, and
 * cut short at every length (each must be claimed and agree, or be refused
 * when cut short or too long); random strings, half of them built around
 * the exiting opcodes; and the files in the given directories (the fuzzer's
 * corpus). Each set is run in each mode and passes when nothing disagrees.
 * Closes with
 * "decoder-diff: N passed, N failed".
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llvm_diff.h"
#include "x86_insn.h"

#define MAX_LEN 15u
#define BUF 64u

/*
 * Whether the CPU runs op behind these prefixes as that instruction (so it
 * exits as one): within 15 bytes, no LOCK (none of them is lockable: #UD),
 * no 66/F2/F3 on the SDM's NP instructions WBINVD and XSETBV, no F2/F3 on
 * RDPRU (F3 0F 01 FD is RMPQUERY), and outside 64-bit mode no 40-4F (INC or
 * DEC, an instruction of their own).
 */
static bool cpu_runs_it(enum x86_mode mode, const uint8_t *pre, size_t np,
			const struct exit_op *op)
{
	bool np_insn = !strcmp(op->mnemonic, "wbinvd") || !strcmp(op->mnemonic, "xsetbv");
	bool rdpru = !strcmp(op->mnemonic, "rdpru");

	if (np + op->n > MAX_LEN)
		return false;
	for (size_t i = 0; i < np; i++) {
		if (pre[i] == 0xf0 || (mode != X86_MODE_64 && diff_is_rex(pre[i])))
			return false;
		if (np_insn && (pre[i] == 0x66 || pre[i] == 0xf2 || pre[i] == 0xf3))
			return false;
		if (rdpru && (pre[i] == 0xf2 || pre[i] == 0xf3))
			return false;
	}
	return true;
}

static void exit_case(struct diff_counts *c, const uint8_t *pre, size_t np,
		      const struct exit_op *op)
{
	uint8_t b[BUF];
	size_t n = np + op->n;

	memcpy(b, pre, np);
	memcpy(b + np, op->bytes, op->n);
	memset(b + n, 0x90, BUF - n); /* a NOP after it: must not change the length */
	diff_compare(c, b, n <= MAX_LEN ? BUF : n, cpu_runs_it(c->mode, pre, np, op));
	/* Cut short anywhere, it is refused. */
	for (size_t cut = np; cut < n && np <= 1; cut++) {
		struct x86_insn d;

		c->cases++;
		c->refused++;
		if (x86_insn_decode_mode(b, cut, c->mode, &d) == 0) {
			c->refused--;
			c->claimed++;
			c->disagreed++;
			diff_show(c, "DISAGREE (claimed though cut short)", b, cut, x86_insn_name(d.kind));
		}
	}
}

static void exit_matrix(struct diff_counts *c, unsigned depth)
{
	uint8_t pre[MAX_LEN + 2];

	for (size_t o = 0; o < DIFF_NEXIT; o++) {
		const struct exit_op *op = &diff_exit_ops[o];
		unsigned long total = 1;

		for (unsigned d = 0; d <= depth; d++, total *= DIFF_NPREFIX) {
			for (unsigned long k = 0; k < total; k++) {
				unsigned long v = k;

				for (unsigned i = 0; i < d; i++, v /= DIFF_NPREFIX)
					pre[i] = diff_prefixes[v % DIFF_NPREFIX];
				exit_case(c, pre, d, op);
			}
		}
		/* Prefix runs up to and past the 15-byte limit. */
		for (size_t start = 0; start < DIFF_NPREFIX; start++) {
			for (size_t len = MAX_LEN - op->n; len <= MAX_LEN + 1 - op->n; len++) {
				for (size_t i = 0; i < len; i++)
					pre[i] = diff_prefixes[(start + i * 7) % DIFF_NPREFIX];
				exit_case(c, pre, len, op);
			}
		}
	}
}

/* The exiting instructions the decoder does not handle: refused, never guessed. */
static bool unhandled(enum x86_mode mode)
{
	unsigned long cases = 0, refused = 0;

	for (size_t o = 0; o < DIFF_NUNHANDLED; o++) {
		for (size_t p = 0; p <= DIFF_NPREFIX; p++) {
			uint8_t b[BUF];
			size_t n = 0;
			struct x86_insn d;

			if (p < DIFF_NPREFIX)
				b[n++] = diff_prefixes[p];
			memcpy(b + n, diff_unhandled_ops[o].bytes, diff_unhandled_ops[o].n);
			n += diff_unhandled_ops[o].n;
			cases++;
			refused += x86_insn_decode_mode(b, n, mode, &d) != 0;
		}
	}
	printf("%-14s %s %9lu cases (MOV to/from CR and DR, INVLPG; each bare and behind every "
	       "prefix): refused %lu (the decoder does not handle them)\n", "not handled",
	       diff_mode_name(mode), cases, refused);
	return refused == cases;
}

/* ---- random strings ------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static void random_strings(struct diff_counts *c, unsigned long count)
{
	for (unsigned long i = 0; i < count; i++) {
		uint8_t b[BUF];
		size_t at = 0, n;
		unsigned shape = next() % 4;

		for (size_t k = 0; k < BUF; k++)
			b[k] = (uint8_t)next();
		if (shape >= 1) { /* prefixes, then something near an exiting opcode */
			size_t np = next() % 7;

			for (; at < np; at++)
				b[at] = diff_prefixes[next() % DIFF_NPREFIX];
			if (shape == 1) {
				const struct exit_op *op = &diff_exit_ops[next() % DIFF_NEXIT];

				memcpy(b + at, op->bytes, op->n);
			} else if (shape == 2) {
				b[at] = 0x0f;
				b[at + 1] = next() % 2 ? 0x01 : (uint8_t)next();
			}
		}
		n = next() % 8 ? MAX_LEN : 1 + next() % MAX_LEN;
		diff_compare(c, b, n, false);
	}
}

/* ---- the fuzzer's corpus ---------------------------------------------------- */

static void corpus(struct diff_counts *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		uint8_t b[BUF];
		size_t n;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(b, 1, sizeof(b), f);
		fclose(f);
		if (n)
			diff_compare(c, b, n, false);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	unsigned long n = 2000000;
	unsigned depth = 3, passed = 0, failed = 0;
	int first_dir = argc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			depth = 2;
			n = 100000;
		} else if (!strcmp(argv[i], "-v")) {
			diff_show_max = ~0u;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			n = strtoul(argv[++i], NULL, 0);
		} else {
			first_dir = i;
			break;
		}
	}
	if (!diff_init()) {
		fprintf(stderr, "decoder-diff: LLVM has no x86_64 disassembler\n");
		return 2;
	}
	printf("decoder-diff: x86_insn against LLVM %s's disassembler, 64-, 32- and 16-bit modes\n",
	       "19");

	for (unsigned m = 0; m < DIFF_NMODES; m++) {
		enum x86_mode mode = (enum x86_mode)m;
		struct diff_counts exits = { .name = "exit insns", .mode = mode };
		struct diff_counts rnd = { .name = "random", .mode = mode };
		struct diff_counts files = { .name = "fuzzer corpus", .mode = mode };

		exit_matrix(&exits, depth);
		diff_report(&exits) ? passed++ : failed++;
		unhandled(mode) ? passed++ : failed++;
		rng = 0x9e3779b97f4a7c15ull; /* the same strings in every mode */
		random_strings(&rnd, n);
		diff_report(&rnd) ? passed++ : failed++;
		for (int i = first_dir; i < argc; i++)
			corpus(&files, argv[i]);
		if (files.cases)
			diff_report(&files) ? passed++ : failed++;
	}
	diff_fini();
	printf("decoder-diff: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
