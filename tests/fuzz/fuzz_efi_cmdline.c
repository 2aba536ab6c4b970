/* SPDX-License-Identifier: MIT */
/*
 * lib/efi_boot.c's command-line helpers, driven the way boot/efi/cmdline.c
 * drives them: the LoadOptions (UCS-2, from whatever boot manager started
 * Anvil) or \anvil\cmdline.txt (bytes) into boot_info.cmdline.
 *
 * Input: u8 flags (bit 0: the file path, else LoadOptions), u16 scratch
 * size (1..4096), the image's own file name NUL-terminated, then the text
 * (UCS-2 little-endian, or bytes).
 *
 * Invariants: the UCS-2 conversion returns the source length up to its NUL,
 * writes a NUL-terminated prefix of it into a buffer of exactly the scratch
 * size, every character below 0x80 kept and the rest '?'; stripping the
 * image name leaves a suffix of the text; tidying leaves no control
 * character and no space at either end, and keeps the text between; the
 * stored command line is that text cut to BOOT_CMDLINE_MAX - 1, with an
 * error exactly when the source was longer.
 */
#include <anvil/boot_map.h>
#include <anvil/efi_boot.h>

#include "boot_check.h"
#include "fuzz.h"

#define SCRATCH_MAX 4096u
#define SELF_MAX 64u

static struct boot_info bi;

static void check_tidy(const char *before, const char *after)
{
	size_t n = strlen(after);
	const char *start = before;
	size_t len = strlen(before);

	for (const char *c = after; *c; c++)
		FUZZ_CHECK((unsigned char)*c >= ' ' && *c != 0x7f, "control byte 0x%02x left",
			   (unsigned char)*c);
	FUZZ_CHECK(n == 0 || (after[0] != ' ' && after[n - 1] != ' '), "spaces left at an end");
	/* The same text, control characters as spaces, ends trimmed. */
	while (len && ((unsigned char)start[0] <= ' ' || start[0] == 0x7f)) {
		start++;
		len--;
	}
	while (len && ((unsigned char)start[len - 1] <= ' ' || start[len - 1] == 0x7f))
		len--;
	FUZZ_CHECK(len == n, "tidied to %zu characters, want %zu", n, len);
	for (size_t i = 0; i < n; i++) {
		char c = (unsigned char)start[i] < ' ' || start[i] == 0x7f ? ' ' : start[i];

		FUZZ_CHECK(after[i] == c, "tidied text differs at %zu", i);
	}
}

static void check_store(const char *text, size_t total, uint32_t errors_before)
{
	size_t n = strlen(text) < BOOT_CMDLINE_MAX - 1 ? strlen(text) : BOOT_CMDLINE_MAX - 1;

	FUZZ_CHECK(fz_terminated(bi.cmdline, BOOT_CMDLINE_MAX), "cmdline unterminated");
	FUZZ_CHECK(strlen(bi.cmdline) == n && memcmp(bi.cmdline, text, n) == 0, "stored text differs");
	FUZZ_CHECK(bi.error_count == errors_before + (total > BOOT_CMDLINE_MAX - 1),
		   "%u errors for a source of %zu", bi.error_count - errors_before, total);
	fz_check_errors(&bi);
}

static size_t from_options(const uint8_t *src, size_t bytes, size_t cap, const char *self,
			   char *buf)
{
	size_t n = bytes / 2, want = 0, total;
	uint16_t *ucs = (uint16_t *)fz_copy(src, n * 2);
	char *before;

	while (want < n && ucs[want])
		want++;
	memset(buf, 'x', cap);
	total = efi_cmdline_ucs2_to_ascii(buf, cap, ucs, n);
	FUZZ_CHECK(total == want, "returned %zu, the source has %zu", total, want);
	FUZZ_CHECK(fz_terminated(buf, cap), "conversion unterminated");
	FUZZ_CHECK(strlen(buf) == (want < cap - 1 ? want : cap - 1), "converted %zu characters",
		   strlen(buf));
	for (size_t i = 0; buf[i]; i++)
		FUZZ_CHECK(buf[i] == (ucs[i] <= 0x7f ? (char)ucs[i] : '?'), "character %zu", i);
	free(ucs);

	before = strdup(buf);
	efi_cmdline_strip_self(buf, self);
	FUZZ_CHECK(strlen(buf) <= strlen(before) &&
		   strcmp(before + strlen(before) - strlen(buf), buf) == 0, "strip left no suffix");
	free(before);
	before = strdup(buf);
	efi_cmdline_tidy(buf);
	check_tidy(before, buf);
	free(before);
	return total < cap ? strlen(buf) : total;
}

static size_t from_file(const uint8_t *src, size_t bytes, size_t cap, char *buf)
{
	size_t i;
	char *before;

	for (i = 0; i < bytes && i + 1 < cap; i++)
		buf[i] = src[i] ? (char)src[i] : ' ';
	buf[i] = '\0';
	before = strdup(buf);
	efi_cmdline_tidy(buf);
	check_tidy(before, buf);
	free(before);
	return bytes < cap ? strlen(buf) : bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t flags = fz_u8(&f);
	size_t cap = fz_u16(&f) % SCRATCH_MAX + 1, n, self_len = 0, total;
	char self[SELF_MAX + 1];
	const uint8_t *text;
	char *buf = (char *)fz_copy_in("", 0, cap);

	while (fz_left(&f) && self_len < SELF_MAX) {
		char c = (char)fz_u8(&f);

		if (!c)
			break;
		self[self_len++] = c;
	}
	self[self_len] = '\0';
	text = fz_rest(&f, &n);

	total = flags & 1 ? from_file(text, n, cap, buf) : from_options(text, n, cap, self, buf);
	memset(&bi, 0, sizeof(bi));
	if (total) {
		efi_cmdline_store(&bi, buf, total, flags & 1 ? "cmdline.txt" : "load options");
		check_store(buf, total, 0);
	}
	free(buf);
	return 0;
}
