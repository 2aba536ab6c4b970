// SPDX-License-Identifier: MIT
/*
 * Kernel command-line parser. The tokenizer turns the line into key[=value]
 * words (quotes removed); each known key has a row in cmdline_options[] whose
 * handler checks and stores the value and reports what was wrong, and where.
 */
#include <anvil/cmdline.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define CMDLINE_QUOTE '"'
#define CMDLINE_ESCAPE '\\'
#define CMDLINE_GLOB_SEP ','
/* A word holds a key, '=' and the longest value worth looking at. */
#define CMDLINE_WORD_MAX (CMDLINE_MAX_GLOBS * CMDLINE_GLOB_MAX + 64)
#define CMDLINE_SHOW_MAX 40 /* characters of a bad value quoted in a report */

/* One key[=value] word of the line, quotes removed. */
struct cmdline_word {
	char buf[CMDLINE_WORD_MAX + 1];
	size_t len;           /* characters in the word (may exceed the buffer) */
	size_t eq;            /* index of the '=' splitting key and value */
	bool has_value;
	unsigned column;      /* 1-based column of the word's first character */
	unsigned quote_column; /* column of an unterminated quote, 0 if none */
	const char *key;      /* NUL-terminated views into buf */
	const char *value;
	size_t key_len, value_len;
};

struct cmdline_parser {
	struct anvil_options *o;
	cmdline_report_fn report;
	void *ctx;
	int problems;
};

static void cmdline_problem(struct cmdline_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cmdline_problem(struct cmdline_parser *p, const char *fmt, ...)
{
	char msg[CMDLINE_REPORT_MAX];
	int n;
	va_list ap;

	p->problems++;
	if (!p->report)
		return;
	n = snprintf(msg, sizeof(msg), "cmdline: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	p->report(p->ctx, msg);
}

/* Printable, bounded copy of s[0..len) for quoting in a report. */
static const char *cmdline_show(char out[CMDLINE_SHOW_MAX + 4], const char *s,
				size_t len)
{
	size_t n = len > CMDLINE_SHOW_MAX ? CMDLINE_SHOW_MAX : len;

	for (size_t i = 0; i < n; i++)
		out[i] = (s[i] >= ' ' && s[i] <= '~') ? s[i] : '?';
	if (len > CMDLINE_SHOW_MAX) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static bool cmdline_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void word_put(struct cmdline_word *w, char c)
{
	if (w->len < CMDLINE_WORD_MAX)
		w->buf[w->len] = c;
	w->len++;
}

/*
 * Read one word starting at line[*pos] (not whitespace). Quotes toggle
 * whether whitespace ends the word; a backslash keeps itself and protects
 * the next character. Advances *pos past the word.
 */
static void cmdline_read_word(const char *line, size_t *pos,
			      struct cmdline_word *w)
{
	size_t i = *pos;
	bool quoted = false;

	w->len = 0;
	w->has_value = false;
	w->eq = 0;
	w->column = (unsigned)i + 1;
	w->quote_column = 0;
	while (line[i] != '\0' && (quoted || !cmdline_is_space(line[i]))) {
		char c = line[i];

		if (c == CMDLINE_QUOTE) {
			quoted = !quoted;
			w->quote_column = quoted ? (unsigned)i + 1 : 0;
			i++;
		} else if (c == CMDLINE_ESCAPE && line[i + 1] != '\0') {
			word_put(w, c);
			word_put(w, line[i + 1]);
			i += 2;
		} else {
			if (c == '=' && !w->has_value) {
				w->has_value = true;
				w->eq = w->len;
			}
			word_put(w, c);
			i++;
		}
	}
	*pos = i;

	/* Split into NUL-terminated key and value views. */
	if (w->len <= CMDLINE_WORD_MAX)
		w->buf[w->len] = '\0';
	else
		w->buf[CMDLINE_WORD_MAX] = '\0';
	w->key = w->buf;
	w->key_len = w->has_value ? w->eq : w->len;
	w->value = "";
	w->value_len = 0;
	if (w->has_value && w->eq < CMDLINE_WORD_MAX) {
		w->buf[w->eq] = '\0';
		w->value = w->buf + w->eq + 1;
		w->value_len = w->len - w->eq - 1;
	}
}

/* Decimal unsigned number, all of s[0..len), no sign; false if not one. */
static bool cmdline_parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10u + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* Index of value in names[] (NULL-terminated), or -1. */
static int cmdline_lookup(const char *const *names, const char *value)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], value) == 0)
			return i;
	return -1;
}

/* ---- option handlers ------------------------------------------------ */

static void cmdline_add_glob(struct cmdline_parser *p,
			     const struct cmdline_word *w, const char *g,
			     size_t len, bool *full_reported)
{
	struct anvil_options *o = p->o;
	char shown[CMDLINE_SHOW_MAX + 4];

	if (len == 0) {
		cmdline_problem(p, "tests= at column %u has an empty glob (ignored)",
				w->column);
		return;
	}
	if (len >= CMDLINE_GLOB_MAX) {
		cmdline_problem(p,
				"tests= glob '%s' at column %u is longer than %d characters (ignored)",
				cmdline_show(shown, g, len), w->column,
				CMDLINE_GLOB_MAX - 1);
		return;
	}
	if (o->glob_count >= CMDLINE_MAX_GLOBS) {
		if (!*full_reported)
			cmdline_problem(p,
					"tests= at column %u has too many globs: '%s' and later ones ignored (max %d)",
					w->column, cmdline_show(shown, g, len),
					CMDLINE_MAX_GLOBS);
		*full_reported = true;
		return;
	}
	memcpy(o->globs[o->glob_count], g, len);
	o->globs[o->glob_count][len] = '\0';
	o->glob_count++;
}

/* Split on commas that are not escaped; each piece is one glob. */
static void cmdline_opt_tests(struct cmdline_parser *p,
			      const struct cmdline_word *w)
{
	const char *v = w->value;
	size_t start = 0, i = 0;
	bool full_reported = false;

	if (w->value_len == 0) {
		cmdline_problem(p, "tests= at column %u has no glob (ignored)",
				w->column);
		return;
	}
	while (i <= w->value_len) {
		if (i == w->value_len || v[i] == CMDLINE_GLOB_SEP) {
			cmdline_add_glob(p, w, v + start, i - start,
					 &full_reported);
			start = i + 1;
			i++;
		} else if (v[i] == CMDLINE_ESCAPE && i + 1 < w->value_len) {
			i += 2;
		} else {
			i++;
		}
	}
}

static void cmdline_opt_timeout(struct cmdline_parser *p,
				const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4];
	uint32_t s;
	const char *keep = p->o->timeout_s == CMDLINE_TIMEOUT_DEFAULT ?
				   "using default" : "keeping";

	if (!cmdline_parse_u32(w->value, w->value_len, &s)) {
		cmdline_problem(p,
				"timeout='%s' at column %u is not a number (%s %u)",
				cmdline_show(shown, w->value, w->value_len),
				w->column, keep, p->o->timeout_s);
		return;
	}
	if (s < CMDLINE_TIMEOUT_MIN || s > CMDLINE_TIMEOUT_MAX) {
		cmdline_problem(p,
				"timeout=%u at column %u is out of range %u..%u seconds (%s %u)",
				s, w->column, CMDLINE_TIMEOUT_MIN,
				CMDLINE_TIMEOUT_MAX, keep, p->o->timeout_s);
		return;
	}
	p->o->timeout_s = s;
}

static const char *const cmdline_on_finish_names[] = {
	[ON_FINISH_HALT] = "halt",
	[ON_FINISH_EXIT] = "exit",
	[ON_FINISH_REBOOT] = "reboot",
	[ON_FINISH_POWEROFF] = "poweroff",
	NULL,
};

const char *cmdline_on_finish_name(enum anvil_on_finish f)
{
	if ((unsigned)f > ON_FINISH_POWEROFF)
		return "?";
	return cmdline_on_finish_names[f];
}

static void cmdline_opt_on_finish(struct cmdline_parser *p,
				  const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4];
	int i = cmdline_lookup(cmdline_on_finish_names, w->value);

	if (i < 0) {
		cmdline_problem(p,
				"on_finish='%s' at column %u is not one of exit|halt|reboot|poweroff (using %s)",
				cmdline_show(shown, w->value, w->value_len),
				w->column, cmdline_on_finish_name(p->o->on_finish));
		return;
	}
	p->o->on_finish = (enum anvil_on_finish)i;
}

static const char *const cmdline_loglevel_names[] = {
	[CMDLINE_LOG_ERROR] = "error",
	[CMDLINE_LOG_WARN] = "warn",
	[CMDLINE_LOG_INFO] = "info",
	[CMDLINE_LOG_DEBUG] = "debug",
	NULL,
};

static void cmdline_opt_loglevel(struct cmdline_parser *p,
				 const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4];
	int i = cmdline_lookup(cmdline_loglevel_names, w->value);
	uint32_t n;

	if (i < 0 && cmdline_parse_u32(w->value, w->value_len, &n) &&
	    n <= CMDLINE_LOG_DEBUG)
		i = (int)n;
	if (i < 0) {
		cmdline_problem(p,
				"loglevel='%s' at column %u is not one of error|warn|info|debug|0..3 (keeping %d)",
				cmdline_show(shown, w->value, w->value_len),
				w->column, p->o->loglevel);
		return;
	}
	p->o->loglevel = i;
}

/* A 0|1 switch; a bare "key" means 1. */
static void cmdline_opt_bool(struct cmdline_parser *p,
			     const struct cmdline_word *w, const char *key,
			     bool *field)
{
	char shown[CMDLINE_SHOW_MAX + 4];

	if (!w->has_value || strcmp(w->value, "1") == 0) {
		*field = true;
	} else if (strcmp(w->value, "0") == 0) {
		*field = false;
	} else {
		cmdline_problem(p,
				"%s='%s' at column %u is not 0 or 1 (keeping %d)",
				key, cmdline_show(shown, w->value, w->value_len),
				w->column, *field ? 1 : 0);
	}
}

static void cmdline_opt_bench(struct cmdline_parser *p,
			      const struct cmdline_word *w)
{
	cmdline_opt_bool(p, w, "bench", &p->o->bench);
}

static void cmdline_opt_audit(struct cmdline_parser *p,
			      const struct cmdline_word *w)
{
	cmdline_opt_bool(p, w, "audit", &p->o->audit);
}

static void cmdline_opt_lava(struct cmdline_parser *p,
			     const struct cmdline_word *w)
{
	cmdline_opt_bool(p, w, "lava", &p->o->lava);
}

static const char *const cmdline_crash_names[] = {
	[CRASH_NONE] = "none",
	[CRASH_PANIC] = "panic",
	[CRASH_FAULT] = "fault",
	[CRASH_HANG] = "hang",
	NULL,
};

static void cmdline_opt_crash(struct cmdline_parser *p,
			      const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4];
	int i = cmdline_lookup(cmdline_crash_names, w->value);

	if (i < 0) {
		cmdline_problem(p,
				"crash='%s' at column %u is not one of none|panic|fault|hang (ignored)",
				cmdline_show(shown, w->value, w->value_len),
				w->column);
		return;
	}
	p->o->crash = (enum anvil_crash)i;
}

/* The characters a version string may have (Debian's, minus the epoch ':'). */
static bool cmdline_is_version_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '.' || c == '+' || c == '~' ||
	       c == '-';
}

/* "keeping '7.2.19'" or "keeping unknown", for reports. */
static const char *cmdline_version_kept(char out[CMDLINE_VERSION_MAX + 16],
					const char *current)
{
	if (current[0])
		snprintf(out, CMDLINE_VERSION_MAX + 16, "keeping '%s'", current);
	else
		snprintf(out, CMDLINE_VERSION_MAX + 16, "keeping unknown");
	return out;
}

static void cmdline_opt_emulator_version(struct cmdline_parser *p,
					 const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4], kept[CMDLINE_VERSION_MAX + 16];
	char *field = p->o->emulator_version;

	cmdline_version_kept(kept, field);
	if (w->value_len == 0) {
		cmdline_problem(p, "emulator_version= at column %u is empty (%s)",
				w->column, kept);
		return;
	}
	if (w->value_len >= CMDLINE_VERSION_MAX) {
		cmdline_problem(p,
				"emulator_version='%s' at column %u is longer than %d characters (%s)",
				cmdline_show(shown, w->value, w->value_len),
				w->column, CMDLINE_VERSION_MAX - 1, kept);
		return;
	}
	for (size_t i = 0; i < w->value_len; i++) {
		if (!cmdline_is_version_char(w->value[i])) {
			cmdline_problem(p,
					"emulator_version='%s' at column %u may only have 0-9 A-Z a-z . + ~ - (%s)",
					cmdline_show(shown, w->value, w->value_len),
					w->column, kept);
			return;
		}
	}
	memcpy(field, w->value, w->value_len);
	field[w->value_len] = '\0';
}
/* chaos=<seed>[:<iterations>]: decimal, seed 32 bits, 1 <= iterations <= CMDLINE_CHAOS_N_MAX. */
static void cmdline_opt_chaos(struct cmdline_parser *p,
			      const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4];
	const char *colon = memchr(w->value, ':', w->value_len);
	size_t seed_len = colon ? (size_t)(colon - w->value) : w->value_len;
	uint32_t seed, n = p->o->chaos_iterations;

	if (!cmdline_parse_u32(w->value, seed_len, &seed) ||
	    (colon && (!cmdline_parse_u32(colon + 1, w->value_len - seed_len - 1, &n) ||
		       n == 0 || n > CMDLINE_CHAOS_N_MAX))) {
		cmdline_problem(p,
				"chaos='%s' at column %u is not <seed>[:<iterations>] (decimal, 1..%u iterations; ignored)",
				cmdline_show(shown, w->value, w->value_len), w->column, CMDLINE_CHAOS_N_MAX);
		return;
	}
	p->o->chaos_seed = seed;
	p->o->chaos_seed_set = true;
	p->o->chaos_iterations = n;
}

/* ---- the option table ----------------------------------------------- */

struct cmdline_option {
	const char *key;
	const char *usage;  /* shown when the value is missing */
	bool flag;          /* may be given without "=value" */
	void (*apply)(struct cmdline_parser *p, const struct cmdline_word *w);
};

static const struct cmdline_option cmdline_options[] = {
	{ "tests", "tests=<glob>[,<glob>...]", false, cmdline_opt_tests },
	{ "timeout", "timeout=<seconds>", false, cmdline_opt_timeout },
	{ "on_finish", "on_finish=exit|halt|reboot|poweroff", false,
	  cmdline_opt_on_finish },
	{ "loglevel", "loglevel=error|warn|info|debug|0..3", false,
	  cmdline_opt_loglevel },
	{ "bench", "bench[=0|1]", true, cmdline_opt_bench },
	{ "audit", "audit[=0|1]", true, cmdline_opt_audit },
	{ "crash", "crash=none|panic|fault|hang", false, cmdline_opt_crash },
	{ "emulator_version", "emulator_version=<version>", false,
	  cmdline_opt_emulator_version },
	{ "lava", "lava[=0|1]", true, cmdline_opt_lava },
	{ "chaos", "chaos=<seed>[:<iterations>]", false, cmdline_opt_chaos },
};

static const struct cmdline_option *cmdline_find(const struct cmdline_word *w)
{
	for (size_t i = 0; i < sizeof(cmdline_options) / sizeof(cmdline_options[0]); i++) {
		const char *k = cmdline_options[i].key;

		if (strlen(k) == w->key_len && memcmp(k, w->key, w->key_len) == 0)
			return &cmdline_options[i];
	}
	return NULL;
}

static void cmdline_apply_word(struct cmdline_parser *p,
			       const struct cmdline_word *w)
{
	char shown[CMDLINE_SHOW_MAX + 4];
	const struct cmdline_option *opt;

	if (w->key_len == 0) {
		cmdline_problem(p, "empty option name in '=%s' at column %u (ignored)",
				cmdline_show(shown, w->value, w->value_len),
				w->column);
		return;
	}
	opt = cmdline_find(w);
	if (!opt) {
		cmdline_problem(p, "unknown option '%s' at column %u (ignored)",
				cmdline_show(shown, w->key, w->key_len),
				w->column);
		return;
	}
	if (w->quote_column) {
		cmdline_problem(p,
				"%s at column %u has an unterminated quote at column %u (ignored)",
				opt->key, w->column, w->quote_column);
		return;
	}
	if (w->len > CMDLINE_WORD_MAX) {
		cmdline_problem(p,
				"%s= at column %u is too long (%u characters, max %d; ignored)",
				opt->key, w->column, (unsigned)w->value_len,
				CMDLINE_WORD_MAX - (int)w->key_len - 1);
		return;
	}
	if (!w->has_value && !opt->flag) {
		cmdline_problem(p, "%s at column %u needs a value (%s; ignored)",
				opt->key, w->column, opt->usage);
		return;
	}
	opt->apply(p, w);
}

void cmdline_defaults(struct anvil_options *o)
{
	memset(o, 0, sizeof(*o));
	o->glob_count = 0;
	o->timeout_s = CMDLINE_TIMEOUT_DEFAULT;
	o->on_finish = ON_FINISH_HALT;
	o->loglevel = CMDLINE_LOG_INFO;
	o->bench = false;
	o->audit = true;
	o->emulator_version[0] = '\0';
	o->lava = false;
	o->chaos_seed_set = false;
	o->chaos_iterations = CMDLINE_CHAOS_N_DEFAULT;
}

int cmdline_parse(const char *line, struct anvil_options *o,
		  cmdline_report_fn report, void *ctx)
{
	struct cmdline_parser p = { o, report, ctx, 0 };
	struct cmdline_word w;
	size_t pos = 0;

	if (!line)
		return 0;
	for (;;) {
		while (cmdline_is_space(line[pos]))
			pos++;
		if (line[pos] == '\0')
			break;
		cmdline_read_word(line, &pos, &w);
		cmdline_apply_word(&p, &w);
	}
	return p.problems;
}

bool cmdline_test_selected(const struct anvil_options *o,
			   const char *test_name)
{
	if (o->glob_count == 0)
		return true;
	for (unsigned i = 0; i < o->glob_count && i < CMDLINE_MAX_GLOBS; i++)
		if (glob_match(o->globs[i], test_name))
			return true;
	return false;
}
