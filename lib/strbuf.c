// SPDX-License-Identifier: MIT
/* Bounded string building without stdio. */
#include <anvil/strbuf.h>

void sb_init(struct strbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = buf ? cap : 0;
	sb->len = 0;
	sb->truncated = false;
	if (sb->cap)
		buf[0] = '\0';
}

void sb_char(struct strbuf *sb, char c)
{
	if (sb->len + 1 >= sb->cap) {
		sb->truncated = true;
		return;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_str(struct strbuf *sb, const char *s)
{
	while (s && *s)
		sb_char(sb, *s++);
}

void sb_hex(struct strbuf *sb, uint64_t v, unsigned min_digits)
{
	static const char digits[] = "0123456789abcdef";
	unsigned n = 1;

	if (min_digits > 16)
		min_digits = 16;
	while (n < 16 && (v >> (4 * n)) != 0)
		n++;
	if (n < min_digits)
		n = min_digits;
	sb_str(sb, "0x");
	while (n-- > 0)
		sb_char(sb, digits[(v >> (4 * n)) & 0xf]);
}

void sb_dec(struct strbuf *sb, uint64_t v)
{
	char tmp[20]; /* 2^64 - 1 has 20 digits */
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0)
		sb_char(sb, tmp[--n]);
}
