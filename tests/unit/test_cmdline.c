// SPDX-License-Identifier: MIT
/* Host tests for lib/cmdline.c and lib/glob.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/cmdline.h>

#define MAX_REPORTS 40

struct reports {
	char msg[MAX_REPORTS][CMDLINE_REPORT_MAX];
	int n;
};

static void collect(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	assert_true(strlen(msg) < CMDLINE_REPORT_MAX);
	assert_null(strchr(msg, '\n'));
	if (r->n < MAX_REPORTS)
		snprintf(r->msg[r->n], sizeof(r->msg[0]), "%s", msg);
	r->n++;
}

static struct anvil_options opt;
static struct reports rep;

static int setup(void **state)
{
	(void)state;
	memset(&rep, 0, sizeof(rep));
	memset(&opt, 0xa5, sizeof(opt));
	cmdline_defaults(&opt);
	return 0;
}

/* Parse and check the count returned equals the reports delivered. */
static int parse(const char *line)
{
	int before = rep.n;
	int n = cmdline_parse(line, &opt, collect, &rep);

	assert_int_equal(n, rep.n - before);
	return n;
}

static void assert_defaults(const struct anvil_options *o)
{
	assert_int_equal(o->glob_count, 0);
	assert_int_equal(o->timeout_s, 10);
	assert_int_equal(o->on_finish, ON_FINISH_HALT);
	assert_int_equal(o->loglevel, CMDLINE_LOG_INFO);
	assert_false(o->bench);
}

/* ---- defaults and good input ---- */

static void test_defaults(void **state)
{
	(void)state;
	assert_defaults(&opt);
	assert_true(cmdline_test_selected(&opt, "anything"));
}

static void test_empty_and_null_lines(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("   \t\r\n "), 0);
	assert_int_equal(cmdline_parse(NULL, &opt, collect, &rep), 0);
	assert_defaults(&opt);
}

static void test_all_options(void **state)
{
	(void)state;
	assert_int_equal(parse("tests=pmm.*,svm.vmrun* timeout=30 on_finish=exit "
			       "loglevel=debug bench"),
			 0);
	assert_int_equal(opt.glob_count, 2);
	assert_string_equal(opt.globs[0], "pmm.*");
	assert_string_equal(opt.globs[1], "svm.vmrun*");
	assert_int_equal(opt.timeout_s, 30);
	assert_int_equal(opt.on_finish, ON_FINISH_EXIT);
	assert_int_equal(opt.loglevel, CMDLINE_LOG_DEBUG);
	assert_true(opt.bench);
	assert_true(cmdline_test_selected(&opt, "pmm.alloc"));
	assert_true(cmdline_test_selected(&opt, "svm.vmrun_basic"));
	assert_false(cmdline_test_selected(&opt, "svm.npt"));
}

static void test_on_finish_values(void **state)
{
	(void)state;
	assert_int_equal(parse("on_finish=reboot"), 0);
	assert_int_equal(opt.on_finish, ON_FINISH_REBOOT);
	assert_int_equal(parse("on_finish=poweroff"), 0);
	assert_int_equal(opt.on_finish, ON_FINISH_POWEROFF);
	assert_int_equal(parse("on_finish=halt"), 0);
	assert_int_equal(opt.on_finish, ON_FINISH_HALT);
	assert_string_equal(cmdline_on_finish_name(ON_FINISH_EXIT), "exit");
	assert_string_equal(cmdline_on_finish_name((enum anvil_on_finish)9), "?");
}

static void test_loglevel_values(void **state)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char line[32];

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "loglevel=%s", names[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(opt.loglevel, i);
		snprintf(line, sizeof(line), "loglevel=%d", 3 - i);
		assert_int_equal(parse(line), 0);
		assert_int_equal(opt.loglevel, 3 - i);
	}
}

static void test_bench_values(void **state)
{
	(void)state;
	assert_int_equal(parse("bench=1"), 0);
	assert_true(opt.bench);
	assert_int_equal(parse("bench=0"), 0);
	assert_false(opt.bench);
	assert_int_equal(parse("bench"), 0);
	assert_true(opt.bench);
}

static void test_audit_values(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_true(opt.audit); /* on unless turned off */
	assert_int_equal(parse("audit=0"), 0);
	assert_false(opt.audit);
	assert_int_equal(parse("audit"), 0);
	assert_true(opt.audit);
	assert_int_equal(parse("audit=off"), 1);
	assert_true(opt.audit); /* a bad value changes nothing */
}

static void test_lava_values(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_false(opt.lava); /* off unless asked for */
	assert_int_equal(parse("lava=1"), 0);
	assert_true(opt.lava);
	assert_int_equal(parse("lava=0"), 0);
	assert_false(opt.lava);
	assert_int_equal(parse("lava"), 0);
	assert_true(opt.lava);
	assert_int_equal(parse("lava=yes"), 1);
	assert_true(opt.lava); /* a bad value changes nothing */
	assert_int_equal(parse("on_finish=halt lava=1 tests=cpu/*"), 0);
	assert_true(opt.lava);
	assert_int_equal(opt.on_finish, ON_FINISH_HALT);
}

static void test_chaos_values(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_false(opt.chaos_seed_set);
	assert_int_equal(opt.chaos_iterations, CMDLINE_CHAOS_N_DEFAULT);
	assert_int_equal(parse("chaos=42"), 0);
	assert_true(opt.chaos_seed_set);
	assert_int_equal(opt.chaos_seed, 42);
	assert_int_equal(opt.chaos_iterations, CMDLINE_CHAOS_N_DEFAULT);
	assert_int_equal(parse("chaos=4294967295:100000000"), 0);
	assert_int_equal(opt.chaos_seed, 4294967295u);
	assert_int_equal(opt.chaos_iterations, CMDLINE_CHAOS_N_MAX);
}

static void test_chaos_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"chaos=", "chaos=x", "chaos=1:", "chaos=1:0", "chaos=1:100000001", "chaos=4294967296",
		"chaos=:5", "chaos=1:2:3", "chaos=-1", "chaos=1:x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cmdline_defaults(&opt);
		rep.n = 0;
		assert_int_equal(parse(bad[i]), 1);
		assert_false(opt.chaos_seed_set); /* a bad value changes nothing */
		assert_int_equal(opt.chaos_iterations, CMDLINE_CHAOS_N_DEFAULT);
		assert_non_null(strstr(rep.msg[0], "chaos="));
	}
}

static void test_crash_values(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(opt.crash, CRASH_NONE);
	assert_int_equal(parse("crash=panic"), 0);
	assert_int_equal(opt.crash, CRASH_PANIC);
	assert_int_equal(parse("crash=fault"), 0);
	assert_int_equal(opt.crash, CRASH_FAULT);
	assert_int_equal(parse("crash=hang"), 0);
	assert_int_equal(opt.crash, CRASH_HANG);
	assert_int_equal(parse("crash=explode"), 1);
	assert_int_equal(opt.crash, CRASH_HANG); /* a bad value changes nothing */
	assert_string_equal(rep.msg[0],
			    "cmdline: crash='explode' at column 1 is not one of none|panic|fault|hang (ignored)");
}

static void test_emulator_version_values(void **state)
{
	(void)state;
	assert_string_equal(opt.emulator_version, ""); /* unknown unless given */
	assert_int_equal(parse("emulator_version=7.2.19"), 0);
	assert_string_equal(opt.emulator_version, "7.2.19");
	assert_int_equal(parse("emulator_version=2.7+dfsg-4~bpo12.1"), 0);
	assert_string_equal(opt.emulator_version, "2.7+dfsg-4~bpo12.1");
	assert_int_equal(parse("emulator_version=\"3.0\""), 0);
	assert_string_equal(opt.emulator_version, "3.0");
	/* The longest that fits, and the default line the runner builds. */
	assert_int_equal(parse("emulator_version=1234567890123456789012345678901"), 0);
	assert_string_equal(opt.emulator_version, "1234567890123456789012345678901");
	assert_int_equal(parse("on_finish=exit emulator_version=2.7 timeout=5"), 0);
	assert_string_equal(opt.emulator_version, "2.7");
	assert_int_equal(opt.timeout_s, 5);
}

static void test_timeout_bounds(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout=1"), 0);
	assert_int_equal(opt.timeout_s, 1);
	assert_int_equal(parse("timeout=86400"), 0);
	assert_int_equal(opt.timeout_s, 86400);
}

static void test_quoted_values(void **state)
{
	(void)state;
	assert_int_equal(parse("tests=\"a b*,c\" timeout=\"5\" x\"\"=1"), 1);
	assert_int_equal(opt.glob_count, 2);
	assert_string_equal(opt.globs[0], "a b*");
	assert_string_equal(opt.globs[1], "c");
	assert_int_equal(opt.timeout_s, 5);
	assert_string_equal(rep.msg[0],
			    "cmdline: unknown option 'x' at column 28 (ignored)");
}

static void test_quote_in_middle_of_value(void **state)
{
	(void)state;
	assert_int_equal(parse("tests=svm.\"with space\"*"), 0);
	assert_string_equal(opt.globs[0], "svm.with space*");
}

static void test_tests_accumulate(void **state)
{
	(void)state;
	assert_int_equal(parse("tests=a tests=b,c"), 0);
	assert_int_equal(opt.glob_count, 3);
	assert_string_equal(opt.globs[2], "c");
}

static void test_escaped_comma_and_space(void **state)
{
	(void)state;
	assert_int_equal(parse("tests=a\\,b,c\\ d"), 0);
	assert_int_equal(opt.glob_count, 2);
	assert_string_equal(opt.globs[0], "a\\,b");
	assert_string_equal(opt.globs[1], "c\\ d");
	assert_true(cmdline_test_selected(&opt, "a,b"));
	assert_true(cmdline_test_selected(&opt, "c d"));
	assert_false(cmdline_test_selected(&opt, "a"));
}

static void test_later_value_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout=5 timeout=7 bench=1 bench=0"), 0);
	assert_int_equal(opt.timeout_s, 7);
	assert_false(opt.bench);
}

static void test_tabs_and_newlines_separate(void **state)
{
	(void)state;
	assert_int_equal(parse("\ttimeout=3\nbench\r\n"), 0);
	assert_int_equal(opt.timeout_s, 3);
	assert_true(opt.bench);
}

/* ---- every error path ---- */

static void test_unknown_option(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout=5 bench foo=bar"), 1);
	assert_string_equal(rep.msg[0],
			    "cmdline: unknown option 'foo' at column 17 (ignored)");
	assert_int_equal(parse("verbose"), 1);
	assert_string_equal(rep.msg[1],
			    "cmdline: unknown option 'verbose' at column 1 (ignored)");
	assert_int_equal(opt.timeout_s, 5);
}

static void test_option_names_are_exact(void **state)
{
	(void)state;
	assert_int_equal(parse("Timeout=5 timeouts=5 test=x"), 3);
	assert_defaults(&opt);
}

static void test_timeout_not_a_number(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout=abc"), 1);
	assert_string_equal(rep.msg[0],
			    "cmdline: timeout='abc' at column 1 is not a number (using default 10)");
	assert_int_equal(parse("timeout=5 timeout=-1"), 1);
	assert_string_equal(rep.msg[1],
			    "cmdline: timeout='-1' at column 11 is not a number (keeping 5)");
	assert_int_equal(parse("timeout= timeout=12s timeout=99999999999"), 3);
	assert_string_equal(rep.msg[2],
			    "cmdline: timeout='' at column 1 is not a number (keeping 5)");
	assert_int_equal(opt.timeout_s, 5);
}

static void test_timeout_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout=0 timeout=86401"), 2);
	assert_string_equal(rep.msg[0],
			    "cmdline: timeout=0 at column 1 is out of range 1..86400 seconds (using default 10)");
	assert_string_equal(rep.msg[1],
			    "cmdline: timeout=86401 at column 11 is out of range 1..86400 seconds (using default 10)");
	assert_int_equal(opt.timeout_s, 10);
}

static void test_on_finish_bad(void **state)
{
	(void)state;
	assert_int_equal(parse("on_finish=sleep"), 1);
	assert_string_equal(rep.msg[0],
			    "cmdline: on_finish='sleep' at column 1 is not one of exit|halt|reboot|poweroff (using halt)");
	assert_int_equal(parse("on_finish=EXIT"), 1);
	assert_int_equal(opt.on_finish, ON_FINISH_HALT);
}

static void test_loglevel_bad(void **state)
{
	(void)state;
	assert_int_equal(parse("loglevel=4 loglevel=trace loglevel=-1"), 3);
	assert_string_equal(rep.msg[0],
			    "cmdline: loglevel='4' at column 1 is not one of error|warn|info|debug|0..3 (keeping 2)");
	assert_string_equal(rep.msg[1],
			    "cmdline: loglevel='trace' at column 12 is not one of error|warn|info|debug|0..3 (keeping 2)");
	assert_int_equal(opt.loglevel, CMDLINE_LOG_INFO);
}

static void test_bench_bad(void **state)
{
	(void)state;
	assert_int_equal(parse("bench=yes bench="), 2);
	assert_string_equal(rep.msg[0],
			    "cmdline: bench='yes' at column 1 is not 0 or 1 (keeping 0)");
	assert_string_equal(rep.msg[1],
			    "cmdline: bench='' at column 11 is not 0 or 1 (keeping 0)");
	assert_false(opt.bench);
}

static void test_emulator_version_bad(void **state)
{
	(void)state;
	assert_int_equal(parse("emulator_version=1:7.2 emulator_version= emulator_version"), 3);
	assert_string_equal(rep.msg[0],
			    "cmdline: emulator_version='1:7.2' at column 1 may only have 0-9 A-Z a-z . + ~ - (keeping unknown)");
	assert_string_equal(rep.msg[1],
			    "cmdline: emulator_version= at column 24 is empty (keeping unknown)");
	assert_string_equal(rep.msg[2],
			    "cmdline: emulator_version at column 42 needs a value (emulator_version=<version>; ignored)");
	assert_string_equal(opt.emulator_version, "");

	assert_int_equal(parse("emulator_version=2.7 emulator_version=\"2 8\" emulator_version=2\\.8"), 2);
	assert_string_equal(rep.msg[3],
			    "cmdline: emulator_version='2 8' at column 22 may only have 0-9 A-Z a-z . + ~ - (keeping '2.7')");
	assert_string_equal(rep.msg[4],
			    "cmdline: emulator_version='2\\.8' at column 45 may only have 0-9 A-Z a-z . + ~ - (keeping '2.7')");
	assert_int_equal(parse("emulator_version=12345678901234567890123456789012"), 1);
	assert_string_equal(rep.msg[5],
			    "cmdline: emulator_version='12345678901234567890123456789012' at column 1 is longer than 31 characters (keeping '2.7')");
	assert_int_equal(parse("emulator_version=7.2$"), 1);
	assert_string_equal(opt.emulator_version, "2.7"); /* a bad value changes nothing */
}

static void test_missing_value(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout tests on_finish loglevel"), 4);
	assert_string_equal(rep.msg[0],
			    "cmdline: timeout at column 1 needs a value (timeout=<seconds>; ignored)");
	assert_string_equal(rep.msg[1],
			    "cmdline: tests at column 9 needs a value (tests=<glob>[,<glob>...]; ignored)");
	assert_defaults(&opt);
}

static void test_empty_key(void **state)
{
	(void)state;
	assert_int_equal(parse("bench =x ="), 2);
	assert_string_equal(rep.msg[0],
			    "cmdline: empty option name in '=x' at column 7 (ignored)");
	assert_string_equal(rep.msg[1],
			    "cmdline: empty option name in '=' at column 10 (ignored)");
	assert_true(opt.bench);
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	assert_int_equal(parse("timeout=5 tests=\"abc timeout=7"), 1);
	assert_string_equal(rep.msg[0],
			    "cmdline: tests at column 11 has an unterminated quote at column 17 (ignored)");
	/* The quote swallows the rest of the line. */
	assert_int_equal(opt.timeout_s, 5);
	assert_int_equal(opt.glob_count, 0);
}

static void test_unterminated_quote_in_unknown(void **state)
{
	(void)state;
	assert_int_equal(parse("zzz=\"a b"), 1);
	assert_string_equal(rep.msg[0],
			    "cmdline: unknown option 'zzz' at column 1 (ignored)");
}

static void test_tests_empty(void **state)
{
	(void)state;
	assert_int_equal(parse("tests= tests=a,,b, tests=\"\""), 4);
	assert_string_equal(rep.msg[0],
			    "cmdline: tests= at column 1 has no glob (ignored)");
	assert_string_equal(rep.msg[1],
			    "cmdline: tests= at column 8 has an empty glob (ignored)");
	assert_string_equal(rep.msg[2],
			    "cmdline: tests= at column 8 has an empty glob (ignored)");
	assert_string_equal(rep.msg[3],
			    "cmdline: tests= at column 20 has no glob (ignored)");
	assert_int_equal(opt.glob_count, 2);
}

static void test_glob_too_long(void **state)
{
	char line[200];
	char glob[CMDLINE_GLOB_MAX + 1];

	(void)state;
	memset(glob, 'g', CMDLINE_GLOB_MAX);
	glob[CMDLINE_GLOB_MAX] = '\0';
	snprintf(line, sizeof(line), "tests=ok,%s", glob);
	assert_int_equal(parse(line), 1);
	assert_string_equal(rep.msg[0],
			    "cmdline: tests= glob 'gggggggggggggggggggggggggggggggggggggggg...' at column 1 "
			    "is longer than 63 characters (ignored)");
	assert_int_equal(opt.glob_count, 1);
	assert_string_equal(opt.globs[0], "ok");

	/* 63 characters is the most that fits. */
	glob[CMDLINE_GLOB_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "tests=%s", glob);
	assert_int_equal(parse(line), 0);
	assert_int_equal(opt.glob_count, 2);
	assert_string_equal(opt.globs[1], glob);
}

static void test_too_many_globs(void **state)
{
	char line[400] = "tests=";

	(void)state;
	for (int i = 0; i < CMDLINE_MAX_GLOBS + 3; i++) {
		char g[8];

		snprintf(g, sizeof(g), "%sg%d", i ? "," : "", i);
		strcat(line, g);
	}
	strcat(line, " tests=more");
	assert_int_equal(parse(line), 2);
	assert_string_equal(rep.msg[0],
			    "cmdline: tests= at column 1 has too many globs: 'g16' and later ones ignored (max 16)");
	assert_non_null(strstr(rep.msg[1], "too many globs: 'more'"));
	assert_int_equal(opt.glob_count, CMDLINE_MAX_GLOBS);
	assert_string_equal(opt.globs[15], "g15");
}

static void test_value_too_long(void **state)
{
	static char line[4000];

	(void)state;
	strcpy(line, "timeout=3 tests=");
	memset(line + strlen(line), 'x', 3000);
	strcat(line, " bench");
	assert_int_equal(parse(line), 1);
	assert_non_null(strstr(rep.msg[0], "cmdline: tests= at column 11 is too long (3000 characters"));
	assert_int_equal(opt.glob_count, 0);
	assert_int_equal(opt.timeout_s, 3);
	assert_true(opt.bench);
}

static void test_long_unknown_key_shown_bounded(void **state)
{
	static char line[3000];

	(void)state;
	memset(line, 'k', 2500);
	line[2500] = '\0';
	assert_int_equal(parse(line), 1);
	assert_non_null(strstr(rep.msg[0], "kkk...' at column 1 (ignored)"));
}

static void test_nonprintable_shown_as_question_mark(void **state)
{
	(void)state;
	assert_int_equal(parse("on_finish=a\x01z"), 1);
	assert_non_null(strstr(rep.msg[0], "'a?z'"));
}

static void test_trailing_backslash(void **state)
{
	(void)state;
	assert_int_equal(parse("tests=abc\\"), 0);
	assert_string_equal(opt.globs[0], "abc\\");
	assert_true(cmdline_test_selected(&opt, "abc\\"));
}

static void test_null_report_counts(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse("foo timeout=x =", &opt, NULL, NULL), 3);
	assert_defaults(&opt);
}

static void test_many_problems_all_reported(void **state)
{
	(void)state;
	assert_int_equal(parse("a b c d e f g h i j"), 10);
	assert_string_equal(rep.msg[9],
			    "cmdline: unknown option 'j' at column 19 (ignored)");
}

/* ---- glob ---- */

static void test_glob_literal(void **state)
{
	(void)state;
	assert_true(glob_match("abc", "abc"));
	assert_false(glob_match("abc", "abcd"));
	assert_false(glob_match("abcd", "abc"));
	assert_true(glob_match("", ""));
	assert_false(glob_match("", "a"));
	assert_false(glob_match("a", ""));
	assert_false(glob_match(NULL, "a"));
	assert_false(glob_match("a", NULL));
}

static void test_glob_star(void **state)
{
	(void)state;
	assert_true(glob_match("*", ""));
	assert_true(glob_match("*", "anything/at/all"));
	assert_true(glob_match("svm.*", "svm.vmrun"));
	assert_true(glob_match("svm.*", "svm."));
	assert_false(glob_match("svm.*", "svm"));
	assert_true(glob_match("*.vmrun", "svm.vmrun"));
	assert_true(glob_match("a*b*c", "axxbyyc"));
	assert_true(glob_match("a*b*c", "abc"));
	assert_false(glob_match("a*b*c", "axxbyy"));
	assert_true(glob_match("a**b", "ab"));
	assert_true(glob_match("*a*", "bab"));
	assert_true(glob_match("a*/c", "a/b/c"));
	assert_true(glob_match("*ab", "aab"));
	assert_true(glob_match("*aab", "aaab"));
	assert_false(glob_match("*ab", "aba"));
}

static void test_glob_question(void **state)
{
	(void)state;
	assert_true(glob_match("?", "x"));
	assert_false(glob_match("?", ""));
	assert_false(glob_match("?", "xy"));
	assert_true(glob_match("t?st", "test"));
	assert_true(glob_match("??*", "ab"));
	assert_false(glob_match("??*", "a"));
	assert_true(glob_match("a?c", "a/c"));
}

static void test_glob_class(void **state)
{
	(void)state;
	assert_true(glob_match("[abc]", "b"));
	assert_false(glob_match("[abc]", "d"));
	assert_true(glob_match("v[0-9]", "v7"));
	assert_false(glob_match("v[0-9]", "vx"));
	assert_true(glob_match("[!x]", "y"));
	assert_false(glob_match("[!x]", "x"));
	assert_true(glob_match("[^x]", "y"));
	assert_false(glob_match("[!a-c]", "b"));
	assert_true(glob_match("[a-cx-z]", "y"));
	assert_true(glob_match("[]]", "]"));
	assert_true(glob_match("[!]]", "a"));
	assert_false(glob_match("[!]]", "]"));
	assert_true(glob_match("[a-]", "-"));
	assert_true(glob_match("[-a]", "-"));
	assert_true(glob_match("[\\]]", "]"));
	assert_true(glob_match("[\\!]", "!"));
	assert_true(glob_match("*[0-9]", "test42"));
	assert_false(glob_match("[ab]", ""));
}

static void test_glob_unterminated_class_is_literal(void **state)
{
	(void)state;
	assert_true(glob_match("[ab", "[ab"));
	assert_false(glob_match("[ab", "a"));
	assert_true(glob_match("x[", "x["));
	assert_true(glob_match("[\\", "[\\"));
}

static void test_glob_escape(void **state)
{
	(void)state;
	assert_true(glob_match("\\*", "*"));
	assert_false(glob_match("\\*", "a"));
	assert_true(glob_match("a\\?", "a?"));
	assert_false(glob_match("a\\?", "ab"));
	assert_true(glob_match("\\[x]", "[x]"));
	assert_true(glob_match("a\\\\b", "a\\b"));
	assert_true(glob_match("end\\", "end\\"));
	assert_true(glob_match("*\\*", "x*"));
	assert_false(glob_match("*\\*", "xy"));
}

static void test_glob_pathological_is_fast(void **state)
{
	char s[201];

	(void)state;
	memset(s, 'a', 200);
	s[200] = '\0';
	assert_false(glob_match("*a*a*a*a*a*a*a*a*a*a*a*b", s));
	assert_true(glob_match("*a*a*a*a*a*a*a*a*a*a*a*", s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_empty_and_null_lines, setup),
		cmocka_unit_test_setup(test_all_options, setup),
		cmocka_unit_test_setup(test_on_finish_values, setup),
		cmocka_unit_test_setup(test_loglevel_values, setup),
		cmocka_unit_test_setup(test_bench_values, setup),
		cmocka_unit_test_setup(test_audit_values, setup),
		cmocka_unit_test_setup(test_lava_values, setup),
		cmocka_unit_test_setup(test_chaos_values, setup),
		cmocka_unit_test_setup(test_chaos_bad, setup),
		cmocka_unit_test_setup(test_crash_values, setup),
		cmocka_unit_test_setup(test_emulator_version_values, setup),
		cmocka_unit_test_setup(test_timeout_bounds, setup),
		cmocka_unit_test_setup(test_quoted_values, setup),
		cmocka_unit_test_setup(test_quote_in_middle_of_value, setup),
		cmocka_unit_test_setup(test_tests_accumulate, setup),
		cmocka_unit_test_setup(test_escaped_comma_and_space, setup),
		cmocka_unit_test_setup(test_later_value_wins, setup),
		cmocka_unit_test_setup(test_tabs_and_newlines_separate, setup),
		cmocka_unit_test_setup(test_unknown_option, setup),
		cmocka_unit_test_setup(test_option_names_are_exact, setup),
		cmocka_unit_test_setup(test_timeout_not_a_number, setup),
		cmocka_unit_test_setup(test_timeout_out_of_range, setup),
		cmocka_unit_test_setup(test_on_finish_bad, setup),
		cmocka_unit_test_setup(test_loglevel_bad, setup),
		cmocka_unit_test_setup(test_bench_bad, setup),
		cmocka_unit_test_setup(test_emulator_version_bad, setup),
		cmocka_unit_test_setup(test_missing_value, setup),
		cmocka_unit_test_setup(test_empty_key, setup),
		cmocka_unit_test_setup(test_unterminated_quote, setup),
		cmocka_unit_test_setup(test_unterminated_quote_in_unknown, setup),
		cmocka_unit_test_setup(test_tests_empty, setup),
		cmocka_unit_test_setup(test_glob_too_long, setup),
		cmocka_unit_test_setup(test_too_many_globs, setup),
		cmocka_unit_test_setup(test_value_too_long, setup),
		cmocka_unit_test_setup(test_long_unknown_key_shown_bounded, setup),
		cmocka_unit_test_setup(test_nonprintable_shown_as_question_mark, setup),
		cmocka_unit_test_setup(test_trailing_backslash, setup),
		cmocka_unit_test_setup(test_null_report_counts, setup),
		cmocka_unit_test_setup(test_many_problems_all_reported, setup),
		cmocka_unit_test(test_glob_literal),
		cmocka_unit_test(test_glob_star),
		cmocka_unit_test(test_glob_question),
		cmocka_unit_test(test_glob_class),
		cmocka_unit_test(test_glob_unterminated_class_is_literal),
		cmocka_unit_test(test_glob_escape),
		cmocka_unit_test(test_glob_pathological_is_fast),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
