/* SPDX-License-Identifier: MIT */
/*
 * The LLVM differential of arch/x86_64/lib/x86_insn.c (llvm_diff.h) as a
 * libFuzzer harness, so the fuzzer itself hunts for byte strings where the
 * decoder claims an instruction with a length other than LLVM 19's. Run by
 * `make decoder-diff`; at exit it prints its agreement counts.
 *
 * Input: instruction bytes (up to 64), compared in each of the 64-, 32-
 * and 16-bit modes. Invariant: no disagreement.
 */
#include "fuzz.h"
#include "llvm_diff.h"

#define MAX_INPUT 64u

static struct diff_counts counts[DIFF_NMODES] = {
	{ .name = "x86_insn_llvm", .mode = X86_MODE_64 },
	{ .name = "x86_insn_llvm", .mode = X86_MODE_32 },
	{ .name = "x86_insn_llvm", .mode = X86_MODE_16 },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(diff_init(), "LLVM has no x86_64 disassembler");
	return 0;
}

__attribute__((destructor)) static void print_counts(void)
{
	for (unsigned m = 0; m < DIFF_NMODES; m++)
		if (counts[m].cases)
			diff_report(&counts[m]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < MAX_INPUT ? size : MAX_INPUT;
	uint8_t *b = fz_copy(data, n);
	for (unsigned m = 0; m < DIFF_NMODES && n; m++) {
		unsigned long before = counts[m].disagreed;

		diff_compare(&counts[m], b, n, false);
		FUZZ_CHECK(counts[m].disagreed == before, "the decoder and LLVM disagree (above)");
	}
	free(b);
	return 0;
}
