/* SPDX-License-Identifier: MIT */
/*
 * A bounded string builder over caller storage, for the pure parsers and
 * decoders that report in words (lib/dt.c, arch/arm64/lib/esr.c) without
 * stdio: usable before any libc exists and in code that must not pull
 * printf in. The text is always NUL-terminated; what does not fit is cut
 * and remembered (sb_truncated), never written past the end.
 */
#ifndef ANVIL_STRBUF_H
#define ANVIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;
	size_t cap;     /* bytes at buf, the NUL included; 0: nothing is written */
	size_t len;     /* characters written so far (< cap when cap > 0) */
	bool truncated; /* something did not fit */
};

/* Start an empty string in buf[0 .. cap). buf may be NULL when cap is 0. */
void sb_init(struct strbuf *sb, char *buf, size_t cap);

void sb_str(struct strbuf *sb, const char *s);
void sb_char(struct strbuf *sb, char c);
/* v in hex, "0x" first, at least min_digits digits (1..16). */
void sb_hex(struct strbuf *sb, uint64_t v, unsigned min_digits);
void sb_dec(struct strbuf *sb, uint64_t v);

static inline bool sb_truncated(const struct strbuf *sb)
{
	return sb->truncated;
}

#endif
