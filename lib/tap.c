// SPDX-License-Identifier: MIT
/*
 * TAP version 13 writer. Every line is assembled in a bounded stack buffer
 * and handed to the output callback in one call.
 */
#include <anvil/tap.h>

#include <anvil/lava.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TAP_ELLIPSIS "..."
#define TAP_ELLIPSIS_LEN 3u
#define TAP_UINT_DIGITS 20u /* decimal digits of UINT64_MAX */

/* One output line under construction; never overflows, marks truncation. */
struct tap_line {
	char buf[TAP_LINE_MAX];
	size_t len;
	bool cut; /* something did not fit: the line ends in "..." */
};

/* Room reserved at the end of the buffer for "...\n". */
#define TAP_LINE_ROOM (TAP_LINE_MAX - TAP_ELLIPSIS_LEN - 1u)

static void line_init(struct tap_line *l)
{
	l->len = 0;
	l->cut = false;
}

static void line_putc(struct tap_line *l, char c)
{
	if (l->len < TAP_LINE_ROOM)
		l->buf[l->len++] = c;
	else
		l->cut = true;
}

static void line_puts(struct tap_line *l, const char *s)
{
	while (*s)
		line_putc(l, *s++);
}

static void line_putu(struct tap_line *l, uint64_t v)
{
	char digits[TAP_UINT_DIGITS];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n)
		line_putc(l, digits[--n]);
}

static void line_emit(const struct tap_writer *t, struct tap_line *l)
{
	if (l->cut) {
		memcpy(l->buf + l->len, TAP_ELLIPSIS, TAP_ELLIPSIS_LEN);
		l->len += TAP_ELLIPSIS_LEN;
	}
	l->buf[l->len++] = '\n';
	if (t->out)
		t->out(t->ctx, l->buf, l->len);
}

static bool tap_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Sanitised copy of a name or reason into a field of at most max characters:
 * leading/trailing whitespace dropped, CR/LF/TAB -> ' ', '#' -> "\#" when
 * escape_hash. A cut field ends in "...".
 */
struct tap_field {
	char buf[TAP_NAME_MAX + 1];
	size_t len;
};

static size_t field_width(char c, bool escape_hash)
{
	return (escape_hash && c == '#') ? 2u : 1u;
}

static void field_make(struct tap_field *f, const char *s, size_t max,
		       bool escape_hash)
{
	const char *end, *p;
	size_t full = 0, limit = max;

	f->len = 0;
	if (!s)
		s = "";
	while (tap_is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && tap_is_space(end[-1]))
		end--;

	for (p = s; p < end; p++)
		full += field_width(*p, escape_hash);
	if (full > max)
		limit = max - TAP_ELLIPSIS_LEN;

	for (p = s; p < end; p++) {
		char c = tap_is_space(*p) ? ' ' : *p;

		if (f->len + field_width(c, escape_hash) > limit)
			break;
		if (escape_hash && c == '#')
			f->buf[f->len++] = '\\';
		f->buf[f->len++] = c;
	}
	if (full > max) {
		memcpy(f->buf + f->len, TAP_ELLIPSIS, TAP_ELLIPSIS_LEN);
		f->len += TAP_ELLIPSIS_LEN;
	}
	f->buf[f->len] = '\0';
}

void tap_init(struct tap_writer *t, tap_out_fn out, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->ctx = ctx;
}

void tap_set_record(struct tap_writer *t, struct tap_record *r)
{
	t->record = r;
}

void tap_set_lava(struct tap_writer *t, bool on)
{
	t->lava = on;
}

/* LAVA signal lines (tap_set_lava); nothing unless it is on. */
struct tap_lava {
	char id[LAVA_ID_MAX + 1];
	char set[LAVA_ID_MAX + 1];
};

static void lava_signal(const struct tap_writer *t, const char *what,
			const char *arg1, const char *arg2)
{
	struct tap_line l;

	line_init(&l);
	line_puts(&l, "<LAVA_SIGNAL_");
	line_puts(&l, what);
	line_putc(&l, ' ');
	line_puts(&l, arg1);
	line_puts(&l, arg2);
	line_putc(&l, '>');
	line_emit(t, &l);
}

static void lava_start(const struct tap_writer *t, struct tap_lava *lv,
		       const char *name, const char *quirk)
{
	if (!t->lava)
		return;
	lava_case_id(lv->id, sizeof(lv->id), name);
	lv->set[0] = '\0';
	if (quirk) {
		char q[LAVA_ID_MAX + 1];

		lava_case_id(q, sizeof(q), quirk);
		snprintf(lv->set, sizeof(lv->set), "quirk_%s", q);
		lava_signal(t, "TESTSET", "START ", lv->set);
	}
	lava_signal(t, "STARTTC", lv->id, "");
}

static void lava_end(const struct tap_writer *t, const struct tap_lava *lv,
		     const char *result)
{
	char tail[sizeof(lv->id) + 32];

	if (!t->lava)
		return;
	snprintf(tail, sizeof(tail), "%s RESULT=%s", lv->id, result);
	lava_signal(t, "TESTCASE", "TEST_CASE_ID=", tail);
	lava_signal(t, "ENDTC", lv->id, "");
	if (lv->set[0])
		lava_signal(t, "TESTSET", "STOP", "");
}

void tap_header(struct tap_writer *t)
{
	struct tap_line l;

	line_init(&l);
	line_puts(&l, "TAP version 13");
	line_emit(t, &l);
}

/* "ok N - name" / "not ok N - name" with the next test number. */
static void line_test_point(struct tap_writer *t, struct tap_line *l, bool ok,
			    const char *name)
{
	struct tap_field f;

	field_make(&f, name, TAP_NAME_MAX, true);
	t->n++;
	line_init(l);
	line_puts(l, ok ? "ok " : "not ok ");
	line_putu(l, t->n);
	line_puts(l, " - ");
	line_puts(l, f.len ? f.buf : "(unnamed)");
}

/* " # DIRECTIVE reason" or " # DIRECTIVE" when the reason is empty. */
static void line_directive(struct tap_line *l, const char *directive,
			   const char *reason)
{
	struct tap_field f;

	field_make(&f, reason, TAP_REASON_MAX, false);
	line_puts(l, " # ");
	line_puts(l, directive);
	if (f.len) {
		line_putc(l, ' ');
		line_puts(l, f.buf);
	}
}

static bool tap_starts_with_word(const char *s, const char *word)
{
	for (; *word; s++, word++) {
		char c = *s;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != *word)
			return false;
	}
	return true;
}

void tap_ok(struct tap_writer *t, const char *name)
{
	struct tap_line l;
	struct tap_lava lv;

	line_test_point(t, &l, true, name);
	t->passed++;
	lava_start(t, &lv, name, NULL);
	line_emit(t, &l);
	lava_end(t, &lv, "pass");
	tap_record_add(t->record, t->n, TAP_PASS, name, NULL);
}

void tap_not_ok(struct tap_writer *t, const char *name, const char *reason)
{
	struct tap_line l;
	struct tap_field f;
	struct tap_lava lv;

	line_test_point(t, &l, false, name);
	t->failed++;
	field_make(&f, reason, TAP_REASON_MAX, false);
	line_puts(&l, " # ");
	/*
	 * TAP parsers take "# SKIP" / "# TODO" (any case) after the description
	 * as a directive; a failure reason must never become one.
	 */
	if (tap_starts_with_word(f.buf, "TODO") ||
	    tap_starts_with_word(f.buf, "SKIP"))
		line_putc(&l, '\\');
	line_puts(&l, f.len ? f.buf : "failed");
	lava_start(t, &lv, name, NULL);
	line_emit(t, &l);
	lava_end(t, &lv, "fail");
	tap_record_add(t->record, t->n, TAP_FAIL, name, f.len ? f.buf : "failed");
}

void tap_skip(struct tap_writer *t, const char *name, const char *reason)
{
	struct tap_line l;
	struct tap_lava lv;

	line_test_point(t, &l, true, name);
	t->skipped++;
	line_directive(&l, "SKIP", reason);
	lava_start(t, &lv, name, NULL);
	line_emit(t, &l);
	lava_end(t, &lv, "skip");
	tap_record_add(t->record, t->n, TAP_SKIP, name, reason);
}

void tap_todo(struct tap_writer *t, const char *name, const char *quirk_id)
{
	struct tap_line l;
	struct tap_lava lv;

	line_test_point(t, &l, false, name);
	t->skipped++;
	t->todo++;
	line_directive(&l, "TODO", quirk_id);
	lava_start(t, &lv, name, quirk_id ? quirk_id : "");
	line_emit(t, &l);
	lava_end(t, &lv, "skip");
	tap_record_add(t->record, t->n, TAP_TODO, name, quirk_id);
}

/* Emit text[0..len) as "# line" lines; CR is dropped. */
static void tap_diag_lines(struct tap_writer *t, const char *text, size_t len,
			   bool cut)
{
	size_t i = 0;

	do {
		struct tap_line l;
		size_t start = i;

		while (i < len && text[i] != '\n')
			i++;
		line_init(&l);
		line_putc(&l, '#');
		if (i > start)
			line_putc(&l, ' ');
		for (size_t k = start; k < i; k++) {
			if (text[k] == '\r')
				continue;
			line_putc(&l, text[k] == '\t' ? ' ' : text[k]);
		}
		if (i >= len && cut)
			l.cut = true;
		line_emit(t, &l);
		i++; /* past the newline */
	} while (i < len);
}

void tap_diag(struct tap_writer *t, const char *fmt, ...)
{
	char text[TAP_DIAG_MAX + 1];
	va_list ap;
	int n;
	size_t len;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = strlen(text);
	tap_diag_lines(t, text, len, (size_t)n > len);
}

/* Copy of s with whitespace turned into '_' so "key=value" stays one word. */
static void line_put_word(struct tap_line *l, const char *s)
{
	struct tap_field f;

	field_make(&f, s, TAP_REASON_MAX, false);
	if (!f.len) {
		line_putc(l, '-');
		return;
	}
	for (size_t i = 0; i < f.len; i++)
		line_putc(l, f.buf[i] == ' ' ? '_' : f.buf[i]);
}

void tap_bench(struct tap_writer *t, const char *id, uint64_t value,
	       const char *unit)
{
	struct tap_line l;

	line_init(&l);
	line_puts(&l, "BENCH name=");
	line_put_word(&l, id);
	line_puts(&l, " value=");
	line_putu(&l, value);
	line_puts(&l, " unit=");
	line_put_word(&l, unit);
	line_emit(t, &l);
}

void tap_finish(struct tap_writer *t)
{
	struct tap_line l;

	line_init(&l);
	line_puts(&l, "1..");
	line_putu(&l, t->n);
	line_emit(t, &l);

	line_init(&l);
	line_putu(&l, t->passed);
	line_puts(&l, " passed, ");
	line_putu(&l, t->failed);
	line_puts(&l, " failed, ");
	line_putu(&l, t->skipped);
	line_puts(&l, " skipped");
	line_emit(t, &l);
}
