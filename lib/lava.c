// SPDX-License-Identifier: MIT
/* LAVA-safe test case ids (see lava.h). */
#include <anvil/lava.h>

#include <stdbool.h>
#include <string.h>

#define LAVA_SEP '_'
#define LAVA_UNNAMED "unnamed"

/* Python's \w restricted to ASCII (TAP names are ASCII): what LAVA keeps. */
static bool lava_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static bool lava_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

size_t lava_case_id(char *out, size_t cap, const char *name)
{
	size_t max = cap ? cap - 1 : 0, n = 0;
	const char *s = name ? name : "", *end;
	bool in_sep = false;

	if (cap == 0)
		return 0;
	if (max > LAVA_ID_MAX)
		max = LAVA_ID_MAX;
	/* LAVA strips the name before it substitutes. */
	while (lava_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && lava_space(end[-1]))
		end--;
	for (const char *p = s; p < end && n < max; p++) {
		char c = *p;

		if (!lava_word_char(c)) {
			if (!in_sep)
				out[n++] = LAVA_SEP;
			in_sep = true;
			continue;
		}
		in_sep = false;
		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	if (n == 0) {
		n = strlen(LAVA_UNNAMED) < max ? strlen(LAVA_UNNAMED) : max;
		memcpy(out, LAVA_UNNAMED, n);
	}
	out[n] = '\0';
	return n;
}
