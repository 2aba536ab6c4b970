/* SPDX-License-Identifier: MIT */
/*
 * snprintf/vsnprintf for the UEFI front end and the lib/ code it links
 * (newlib cannot be linked: see string.c). Handles flags "-0# +", width
 * and precision (numbers or '*'), lengths hh h l ll z j t, and conversions
 * d i u x X o c s p %.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FMT_LEFT  0x01u /* '-' */
#define FMT_ZERO  0x02u /* '0' */
#define FMT_ALT   0x04u /* '#' */
#define FMT_SPACE 0x08u /* ' ' */
#define FMT_PLUS  0x10u /* '+' */
#define FMT_DIGITS_MAX 24u /* 2^64 in octal is 22 digits */

struct fmt_out {
	char *buf;
	size_t cap;
	size_t len; /* characters produced, including those that did not fit */
};

struct fmt_spec {
	unsigned flags;
	int width;
	int prec; /* -1: none */
};

static void fmt_putc(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

static void fmt_str(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	if (!(sp->flags & FMT_LEFT))
		fmt_pad(o, ' ', sp->width - (int)n);
	for (size_t i = 0; i < n; i++)
		fmt_putc(o, s[i]);
	if (sp->flags & FMT_LEFT)
		fmt_pad(o, ' ', sp->width - (int)n);
}

static void fmt_num(struct fmt_out *o, const struct fmt_spec *sp, uintmax_t v,
		    bool neg, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[FMT_DIGITS_MAX];
	const char *prefix = "";
	int nd = 0, zeros, pad;

	while (v) {
		tmp[nd++] = digits[v % base];
		v /= base;
	}
	if (neg)
		prefix = "-";
	else if (sp->flags & FMT_PLUS)
		prefix = "+";
	else if (sp->flags & FMT_SPACE)
		prefix = " ";
	if ((sp->flags & FMT_ALT) && base == 16 && nd)
		prefix = upper ? "0X" : "0x";
	zeros = sp->prec > nd ? sp->prec - nd : 0;
	if (sp->prec < 0 && nd == 0)
		zeros = 1; /* "0"; an explicit precision 0 prints nothing */
	if ((sp->flags & FMT_ALT) && base == 8 && zeros == 0)
		zeros = 1;
	pad = sp->width - (int)strlen(prefix) - zeros - nd;
	if ((sp->flags & FMT_ZERO) && !(sp->flags & FMT_LEFT) && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!(sp->flags & FMT_LEFT))
		fmt_pad(o, ' ', pad);
	for (const char *p = prefix; *p; p++)
		fmt_putc(o, *p);
	fmt_pad(o, '0', zeros);
	while (nd > 0)
		fmt_putc(o, tmp[--nd]);
	if (sp->flags & FMT_LEFT)
		fmt_pad(o, ' ', pad);
}

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static const char *fmt_parse_len(const char *f, enum fmt_len *len)
{
	*len = LEN_INT;
	switch (*f) {
	case 'h':
		*len = f[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		return f + (f[1] == 'h' ? 2 : 1);
	case 'l':
		*len = f[1] == 'l' ? LEN_LLONG : LEN_LONG;
		return f + (f[1] == 'l' ? 2 : 1);
	case 'z': *len = LEN_SIZE; return f + 1;
	case 'j': *len = LEN_MAX; return f + 1;
	case 't': *len = LEN_PTRDIFF; return f + 1;
	default: return f;
	}
}

static intmax_t fmt_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (intmax_t)va_arg(*ap, size_t);
	case LEN_MAX: return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t fmt_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_MAX: return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned);
	}
}

static const char *fmt_parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-') sp->flags |= FMT_LEFT;
		else if (*f == '0') sp->flags |= FMT_ZERO;
		else if (*f == '#') sp->flags |= FMT_ALT;
		else if (*f == ' ') sp->flags |= FMT_SPACE;
		else if (*f == '+') sp->flags |= FMT_PLUS;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= FMT_LEFT;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	return f;
}

/* One conversion at f (just after '%'); returns the character after it. */
static const char *fmt_one(struct fmt_out *o, const char *f, va_list *ap)
{
	struct fmt_spec sp;
	enum fmt_len len;
	intmax_t sv;
	char c[2] = { 0, 0 };

	f = fmt_parse_spec(f, &sp, ap);
	f = fmt_parse_len(f, &len);
	switch (*f) {
	case 'd':
	case 'i':
		sv = fmt_signed(ap, len);
		fmt_num(o, &sp, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv, sv < 0, 10, false);
		break;
	case 'u': fmt_num(o, &sp, fmt_unsigned(ap, len), false, 10, false); break;
	case 'x': fmt_num(o, &sp, fmt_unsigned(ap, len), false, 16, false); break;
	case 'X': fmt_num(o, &sp, fmt_unsigned(ap, len), false, 16, true); break;
	case 'o': fmt_num(o, &sp, fmt_unsigned(ap, len), false, 8, false); break;
	case 'p':
		sp.flags |= FMT_ALT;
		fmt_num(o, &sp, (uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	case 'c':
		c[0] = (char)va_arg(*ap, int);
		sp.prec = 1;
		fmt_str(o, &sp, c);
		break;
	case 's': fmt_str(o, &sp, va_arg(*ap, const char *)); break;
	case '%': fmt_putc(o, '%'); break;
	case '\0': return f;
	default: /* unknown: print it as written */
		fmt_putc(o, '%');
		fmt_putc(o, *f);
		break;
	}
	return f + 1;
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, cap, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%')
			fmt_putc(&o, *fmt++);
		else
			fmt = fmt_one(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
