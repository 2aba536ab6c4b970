/* SPDX-License-Identifier: MIT */
/*
 * Pure text handling for the kernel command line: UCS-2 load options to
 * ASCII, dropping the image's own name that shells and boot managers put
 * first, tidying, and storing into boot_info with truncation recorded.
 */
#include "efiboot.h"

#include <string.h>

#include <anvil/boot_map.h>

#define ASCII_MAX 0x7fu

size_t efiboot_ucs2_to_ascii(char *dst, size_t cap, const uint16_t *src,
			     size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n && src[i]; i++, len++) {
		if (len + 1 < cap)
			dst[len] = src[i] <= ASCII_MAX ? (char)src[i] : '?';
	}
	if (cap)
		dst[len < cap ? len : cap - 1] = '\0';
	return len;
}

static bool text_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char text_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool text_equal_ci(const char *a, size_t alen, const char *b)
{
	size_t i = 0;

	for (; i < alen && b[i]; i++)
		if (text_lower(a[i]) != text_lower(b[i]))
			return false;
	return i == alen && b[i] == '\0';
}

/* Start of the last path component in [tok, tok + len). */
static const char *text_basename(const char *tok, size_t *len)
{
	size_t start = 0;

	for (size_t i = 0; i < *len; i++)
		if (tok[i] == '\\' || tok[i] == '/' || tok[i] == ':')
			start = i + 1;
	*len -= start;
	return tok + start;
}

/*
 * The UEFI shell and boot managers pass "<image path> args..."; drop the
 * first word if it names this image (same file name, any directory) or is
 * any *.efi path.
 */
void efiboot_cmdline_strip_self(char *s, const char *self_name)
{
	size_t lead = 0, len = 0, base_len;
	const char *base;

	while (text_is_space(s[lead]))
		lead++;
	while (s[lead + len] && !text_is_space(s[lead + len]))
		len++;
	base_len = len;
	base = text_basename(s + lead, &base_len);
	if (len == 0)
		return;
	if (!(self_name && *self_name && text_equal_ci(base, base_len, self_name)) &&
	    !(len >= 4 && text_equal_ci(s + lead + len - 4, 4, ".efi")))
		return;
	memmove(s, s + lead + len, strlen(s + lead + len) + 1);
}

/* Control characters (newlines in cmdline.txt) become spaces; trim ends. */
void efiboot_cmdline_tidy(char *s)
{
	size_t n = strlen(s), lead = 0;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == ASCII_MAX)
			s[i] = ' ';
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[lead] == ' ')
		lead++;
	memmove(s, s + lead, n - lead + 1);
}

/*
 * total is the full length of the source text; s may hold only part of it.
 * Anything beyond BOOT_CMDLINE_MAX - 1 characters is cut and reported.
 */
void efiboot_cmdline_store(struct boot_info *bi, const char *s, size_t total,
			   const char *source)
{
	size_t n = strlen(s);

	if (n > BOOT_CMDLINE_MAX - 1)
		n = BOOT_CMDLINE_MAX - 1;
	memcpy(bi->cmdline, s, n);
	bi->cmdline[n] = '\0';
	if (total > BOOT_CMDLINE_MAX - 1)
		boot_info_error(bi, "command line from %s is %zu characters, longer "
				"than %u: truncated", source, total,
				BOOT_CMDLINE_MAX - 1);
}
