// SPDX-License-Identifier: MIT
/*
 * Dotted numeric version comparison. Components are compared as digit
 * strings (leading zeros dropped, then the longer one is bigger, then
 * digit by digit), so no component is too long to compare correctly.
 */
#include <anvil/version.h>

#include <stdbool.h>
#include <stddef.h>

/* Where the unread part of a version is; NULL once the number has ended. */
struct version_cursor {
	const char *p;
};

static bool version_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The next component as [*start, *start + *len) without leading zeros
 * (length 0 for a zero or a missing component), and advances the cursor.
 */
static void version_next(struct version_cursor *c, const char **start, size_t *len)
{
	*start = "";
	*len = 0;
	if (!c->p || !version_is_digit(*c->p)) {
		c->p = NULL;
		return;
	}
	while (*c->p == '0')
		c->p++;
	*start = c->p;
	while (version_is_digit(*c->p))
		c->p++;
	*len = (size_t)(c->p - *start);
	/* Only "." followed by a digit continues the number ("2.7+dfsg" ends at '+'). */
	if (c->p[0] == '.' && version_is_digit(c->p[1]))
		c->p++;
	else
		c->p = NULL;
}

static int version_compare_component(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	for (size_t i = 0; i < alen; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int version_compare(const char *a, const char *b)
{
	struct version_cursor ca = { a }, cb = { b };

	while (ca.p || cb.p) {
		const char *sa, *sb;
		size_t la, lb;

		version_next(&ca, &sa, &la);
		version_next(&cb, &sb, &lb);
		int r = version_compare_component(sa, la, sb, lb);
		if (r)
			return r;
	}
	return 0;
}
