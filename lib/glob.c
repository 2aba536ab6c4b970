// SPDX-License-Identifier: MIT
/*
 * Shell-style glob matching for test selection (tests=<glob>). Iterative with
 * a single backtrack point for the last '*', so it runs in O(len(p)*len(s))
 * without recursion.
 */
#include <anvil/cmdline.h>

#include <stddef.h>

#define GLOB_ESCAPE '\\'

/* One possibly escaped character of a [class]; advances *pp past it. */
static unsigned char glob_class_char(const char **pp)
{
	const char *p = *pp;

	if (p[0] == GLOB_ESCAPE && p[1] != '\0')
		p++;
	*pp = p + 1;
	return (unsigned char)*p;
}

/*
 * p points just past '['. Sets *hit to whether c is in the class and returns
 * the position after the closing ']', or NULL if the class is unterminated.
 * A ']' right after '[' or '[!' is a member, not the end.
 */
static const char *glob_class(const char *p, unsigned char c, bool *hit)
{
	const char *first;
	bool negate = false, member = false;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	first = p;
	while (*p != '\0' && (*p != ']' || p == first)) {
		unsigned char lo = glob_class_char(&p);
		unsigned char hi = lo;

		if (p[0] == '-' && p[1] != '\0' && p[1] != ']') {
			p++;
			hi = glob_class_char(&p);
		}
		if (lo <= c && c <= hi)
			member = true;
	}
	if (*p == '\0')
		return NULL;
	*hit = member != negate;
	return p + 1;
}

/* Match one non-'*' pattern element against one character; advance both. */
static bool glob_one(const char **pp, const char **sp)
{
	const char *p = *pp, *next = NULL;
	unsigned char c = (unsigned char)**sp;
	bool hit = false;

	if (*p == '\0')
		return false;
	if (*p == '?') {
		p++;
	} else if (*p == '[' && (next = glob_class(p + 1, c, &hit)) != NULL) {
		if (!hit)
			return false;
		p = next;
	} else {
		if (p[0] == GLOB_ESCAPE && p[1] != '\0')
			p++;
		if ((unsigned char)*p != c)
			return false;
		p++;
	}
	*pp = p;
	(*sp)++;
	return true;
}

bool glob_match(const char *pattern, const char *s)
{
	const char *p = pattern;
	const char *star_p = NULL; /* pattern just after the last '*' */
	const char *star_s = NULL; /* where that '*' stopped consuming */

	if (!pattern || !s)
		return false;
	while (*s != '\0') {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
		} else if (!glob_one(&p, &s)) {
			if (!star_p)
				return false;
			/* Let the last '*' swallow one more character. */
			p = star_p;
			s = ++star_s;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
