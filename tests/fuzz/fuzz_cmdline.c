/* SPDX-License-Identifier: MIT */
/*
 * lib/cmdline.c and lib/glob.c: the kernel command line (from GRUB, the UEFI
 * LoadOptions or cmdline.txt) and the tests= globs; lib/version.c on the
 * emulator_version= it yields.
 *
 * Input: "line\0name\0pattern" (missing parts are empty).
 *
 * Invariants: the number returned is the number of reports, each one a
 * "cmdline: ..." line shorter than CMDLINE_REPORT_MAX; every option is in
 * its documented range (globs 1..63 characters, at most 16; timeout
 * 1..86400; known on_finish, loglevel and crash values; a version of
 * [0-9A-Za-z.+~-] only); parsing without a report callback gives the same
 * options; glob_match agrees with a reference matcher (dynamic programming
 * over the documented syntax) for every parsed glob and for `pattern`
 * against `name`; cmdline_test_selected is "no globs, or one matches";
 * version_compare is reflexive and antisymmetric.
 */
#include <anvil/cmdline.h>
#include <anvil/version.h>

#include "fuzz.h"

/* ---- a reference glob matcher ------------------------------------------ */

enum ref_kind { REF_STAR, REF_ANY, REF_SET };

struct ref_elem {
	enum ref_kind kind;
	uint8_t set[32]; /* REF_SET: bit c set if c matches */
};

#define REF_MAX_ELEMS 256u
#define REF_MAX_CELLS (1u << 14)

static struct ref_elem elems[REF_MAX_ELEMS];
static uint8_t dp[REF_MAX_CELLS];

static void set_bit(struct ref_elem *e, unsigned c)
{
	e->set[c / 8] |= (uint8_t)(1u << (c % 8));
}

static bool has_bit(const struct ref_elem *e, unsigned c)
{
	return e->set[c / 8] >> (c % 8) & 1u;
}

/* One class member, '\' making the next character literal. */
static unsigned ref_class_char(const char **pp)
{
	const char *p = *pp;

	if (p[0] == '\\' && p[1])
		p++;
	*pp = p + 1;
	return (unsigned char)*p;
}

/* Parse "[...]" starting after '['; false (and nothing consumed) if unterminated. */
static bool ref_class(const char **pp, struct ref_elem *e)
{
	const char *p = *pp, *first;
	bool negate = false;

	memset(e, 0, sizeof(*e));
	e->kind = REF_SET;
	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	first = p;
	while (*p && (*p != ']' || p == first)) {
		unsigned lo = ref_class_char(&p), hi = lo;

		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			hi = ref_class_char(&p);
		}
		for (unsigned c = lo; c <= hi && c < 256; c++)
			set_bit(e, c);
	}
	if (!*p)
		return false;
	if (negate)
		for (unsigned i = 0; i < sizeof(e->set); i++)
			e->set[i] = (uint8_t)~e->set[i];
	*pp = p + 1;
	return true;
}

/* Pattern to elements; -1 if it has more than fit. */
static int ref_compile(const char *p)
{
	int n = 0;

	while (*p) {
		struct ref_elem *e;

		if (n == (int)REF_MAX_ELEMS)
			return -1;
		e = &elems[n++];
		if (*p == '*') {
			e->kind = REF_STAR;
			p++;
		} else if (*p == '?') {
			e->kind = REF_ANY;
			p++;
		} else {
			const char *q = p + 1;

			if (*p == '[' && ref_class(&q, e)) {
				p = q;
				continue;
			}
			/* A literal, escaped or not; an unterminated '[' is one too. */
			if (p[0] == '\\' && p[1])
				p++;
			memset(e, 0, sizeof(*e));
			e->kind = REF_SET;
			set_bit(e, (unsigned char)*p);
			p++;
		}
	}
	return n;
}

/* dp[i][j]: elements i.. match s[j..]. -1 if the table would be too big. */
static int ref_match(const char *pattern, const char *s)
{
	int m = ref_compile(pattern);
	size_t len = strlen(s), w = len + 1;

	if (m < 0 || (size_t)(m + 1) * w > REF_MAX_CELLS)
		return -1;
	for (int i = m; i >= 0; i--) {
		for (size_t j = w; j-- > 0;) {
			bool v;

			if (i == m)
				v = j == len;
			else if (elems[i].kind == REF_STAR)
				v = dp[(i + 1) * w + j] || (j < len && dp[i * w + j + 1]);
			else
				v = j < len && dp[(i + 1) * w + j + 1] &&
				    (elems[i].kind == REF_ANY ||
				     has_bit(&elems[i], (unsigned char)s[j]));
			dp[i * w + j] = v;
		}
	}
	return dp[0];
}

/* ---- the harness -------------------------------------------------------- */

struct reports {
	int count;
};

static void on_report(void *ctx, const char *msg)
{
	struct reports *r = ctx;
	size_t n = strlen(msg);

	r->count++;
	FUZZ_CHECK(n < CMDLINE_REPORT_MAX, "report of %zu characters", n);
	FUZZ_CHECK(strncmp(msg, "cmdline: ", 9) == 0 && n > 9, "report \"%s\"", msg);
}

static bool version_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '.' || c == '+' || c == '~' || c == '-';
}

static void check_options(const struct anvil_options *o)
{
	FUZZ_CHECK(o->glob_count <= CMDLINE_MAX_GLOBS, "glob_count %u", o->glob_count);
	for (unsigned i = 0; i < o->glob_count; i++) {
		const char *g = o->globs[i];

		FUZZ_CHECK(fz_terminated(g, CMDLINE_GLOB_MAX) && g[0], "glob %u empty or unterminated", i);
	}
	FUZZ_CHECK(o->timeout_s >= CMDLINE_TIMEOUT_MIN && o->timeout_s <= CMDLINE_TIMEOUT_MAX,
		   "timeout %u", o->timeout_s);
	FUZZ_CHECK((unsigned)o->on_finish <= ON_FINISH_POWEROFF, "on_finish %d", o->on_finish);
	FUZZ_CHECK(strcmp(cmdline_on_finish_name(o->on_finish), "?") != 0, "on_finish has no name");
	FUZZ_CHECK(o->loglevel >= CMDLINE_LOG_ERROR && o->loglevel <= CMDLINE_LOG_DEBUG,
		   "loglevel %d", o->loglevel);
	FUZZ_CHECK((unsigned)o->crash <= CRASH_HANG, "crash %d", o->crash);
	FUZZ_CHECK(fz_terminated(o->emulator_version, CMDLINE_VERSION_MAX), "version unterminated");
	for (const char *c = o->emulator_version; *c; c++)
		FUZZ_CHECK(version_char(*c), "version has byte 0x%02x", (unsigned char)*c);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void check_versions(const char *v, const char *other)
{
	static const char *const fixed[] = { "2.7", "7.2.19", "7.2.19.0", "", NULL };

	FUZZ_CHECK(version_compare(v, v) == 0, "\"%s\" differs from itself", v);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		FUZZ_CHECK(sign(version_compare(v, fixed[i])) == -sign(version_compare(fixed[i], v)),
			   "version_compare(\"%s\", \"%s\") not antisymmetric", v,
			   fixed[i] ? fixed[i] : "(null)");
	FUZZ_CHECK(sign(version_compare(v, other)) == -sign(version_compare(other, v)),
		   "version_compare(\"%s\", \"%s\") not antisymmetric", v, other);
}

static void check_glob(const char *pattern, const char *name)
{
	int want = ref_match(pattern, name);

	if (want < 0)
		return;
	FUZZ_CHECK(glob_match(pattern, name) == (bool)want, "glob_match(\"%s\", \"%s\") is %d",
		   pattern, name, !want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = (char *)fz_copy_in(data, size, size + 3);
	const char *line, *name, *pattern;
	struct anvil_options o, quiet;
	struct reports r = { 0 };
	bool any = false;
	int problems;

	/* Three NUL-terminated parts, the last ones empty if missing. */
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	line = buf;
	name = line + strlen(line) + 1;
	pattern = name + strlen(name) + 1;

	cmdline_defaults(&o);
	problems = cmdline_parse(line, &o, on_report, &r);
	FUZZ_CHECK(problems == r.count, "returned %d, reported %d", problems, r.count);
	check_options(&o);

	cmdline_defaults(&quiet);
	FUZZ_CHECK(cmdline_parse(line, &quiet, NULL, NULL) == problems, "quiet parse counts differ");
	FUZZ_CHECK(memcmp(&o, &quiet, sizeof(o)) == 0, "options differ without a report callback");

	for (unsigned i = 0; i < o.glob_count; i++) {
		check_glob(o.globs[i], name);
		any = any || glob_match(o.globs[i], name);
	}
	FUZZ_CHECK(cmdline_test_selected(&o, name) == (o.glob_count == 0 || any),
		   "cmdline_test_selected(\"%s\") wrong", name);
	check_glob(pattern, name);
	check_versions(o.emulator_version, pattern);
	free(buf);
	return 0;
}
