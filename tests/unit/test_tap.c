// SPDX-License-Identifier: MIT
/* Host tests for lib/tap.c: byte-exact TAP 13 output, one out() call per line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/tap.h>

#define CAP_BYTES 8192
#define CAP_CALLS 64

struct capture {
	char text[CAP_BYTES];
	size_t len;
	unsigned calls;
	unsigned bad_calls; /* calls that were not exactly one whole line */
};

static void cap_out(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	assert_true(c->len + n < sizeof(c->text));
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
	c->calls++;
	if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n) != s + n - 1)
		c->bad_calls++;
}

static struct capture cap;
static struct tap_writer tw;

static int setup(void **state)
{
	(void)state;
	memset(&cap, 0, sizeof(cap));
	tap_init(&tw, cap_out, &cap);
	return 0;
}

static void expect_text(const char *want)
{
	assert_string_equal(cap.text, want);
	assert_int_equal(cap.bad_calls, 0);
}

static void test_full_run(void **state)
{
	(void)state;
	tap_header(&tw);
	tap_ok(&tw, "pmm alloc");
	tap_not_ok(&tw, "svm vmrun", "exit code 0x81 != 0x400");
	tap_skip(&tw, "npt", "no NPT");
	tap_todo(&tw, "vgif", "QEMU-VGIF-1");
	tap_finish(&tw);
	expect_text("TAP version 13\n"
		    "ok 1 - pmm alloc\n"
		    "not ok 2 - svm vmrun # exit code 0x81 != 0x400\n"
		    "ok 3 - npt # SKIP no NPT\n"
		    "not ok 4 - vgif # TODO QEMU-VGIF-1\n"
		    "1..4\n"
		    "1 passed, 1 failed, 2 skipped\n");
	assert_int_equal(cap.calls, 7);
	assert_int_equal(tw.n, 4);
	assert_int_equal(tw.passed, 1);
	assert_int_equal(tw.failed, 1);
	assert_int_equal(tw.skipped, 2);
	assert_int_equal(tw.todo, 1);
}

static void test_empty_run(void **state)
{
	(void)state;
	tap_header(&tw);
	tap_finish(&tw);
	expect_text("TAP version 13\n1..0\n0 passed, 0 failed, 0 skipped\n");
}

static void test_name_sanitised(void **state)
{
	(void)state;
	tap_ok(&tw, "a\tb\r\nc # TODO d");
	expect_text("ok 1 - a b  c \\# TODO d\n");
}

static void test_name_trimmed_and_empty(void **state)
{
	(void)state;
	tap_ok(&tw, "  spaced  ");
	tap_ok(&tw, "");
	tap_ok(&tw, NULL);
	expect_text("ok 1 - spaced\nok 2 - (unnamed)\nok 3 - (unnamed)\n");
}

static void test_not_ok_empty_reason(void **state)
{
	(void)state;
	tap_not_ok(&tw, "x", "");
	tap_not_ok(&tw, "y", NULL);
	tap_not_ok(&tw, "z", " \t\r\n ");
	expect_text("not ok 1 - x # failed\n"
		    "not ok 2 - y # failed\n"
		    "not ok 3 - z # failed\n");
	assert_int_equal(tw.failed, 3);
}

static void test_not_ok_reason_is_not_a_directive(void **state)
{
	(void)state;
	tap_not_ok(&tw, "a", "TODO x");
	tap_not_ok(&tw, "b", "skip this");
	tap_not_ok(&tw, "c", "  Todo: later");
	tap_not_ok(&tw, "d", "TOD");
	expect_text("not ok 1 - a # \\TODO x\n"
		    "not ok 2 - b # \\skip this\n"
		    "not ok 3 - c # \\Todo: later\n"
		    "not ok 4 - d # TOD\n");
	assert_int_equal(tw.todo, 0);
	assert_int_equal(tw.failed, 4);
}

static void test_reason_sanitised(void **state)
{
	(void)state;
	tap_not_ok(&tw, "n", "line1\nline2\tx");
	tap_skip(&tw, "s", "no\r\nSVM");
	expect_text("not ok 1 - n # line1 line2 x\n"
		    "ok 2 - s # SKIP no  SVM\n");
}

static void test_skip_todo_without_reason(void **state)
{
	(void)state;
	tap_skip(&tw, "s", "");
	tap_todo(&tw, "t", NULL);
	expect_text("ok 1 - s # SKIP\nnot ok 2 - t # TODO\n");
	assert_int_equal(tw.skipped, 2);
	assert_int_equal(tw.todo, 1);
}

static void test_long_name_truncated(void **state)
{
	char name[1000];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	tap_todo(&tw, name, "Q1");
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.bad_calls, 0);
	assert_true(cap.len < TAP_LINE_MAX);
	/* The directive survives the cut. */
	assert_non_null(strstr(cap.text, "aaa... # TODO Q1\n"));
	assert_int_equal(strlen("not ok 1 - ") + TAP_NAME_MAX +
				 strlen(" # TODO Q1\n"),
			 cap.len);
}

static void test_name_exactly_at_limit(void **state)
{
	char name[TAP_NAME_MAX + 1];
	char want[TAP_NAME_MAX + 16];

	(void)state;
	memset(name, 'b', TAP_NAME_MAX);
	name[TAP_NAME_MAX] = '\0';
	tap_ok(&tw, name);
	snprintf(want, sizeof(want), "ok 1 - %s\n", name);
	expect_text(want);
}

static void test_escape_does_not_split_at_limit(void **state)
{
	char name[TAP_NAME_MAX + 8];

	(void)state;
	/* 159 'c' then '#': escaped form is 161 chars, so it is cut. */
	memset(name, 'c', TAP_NAME_MAX - 1);
	name[TAP_NAME_MAX - 1] = '#';
	name[TAP_NAME_MAX] = '\0';
	tap_ok(&tw, name);
	assert_int_equal(cap.len, strlen("ok 1 - ") + TAP_NAME_MAX + 1);
	assert_non_null(strstr(cap.text, "ccc...\n"));
	assert_null(strchr(cap.text, '#'));
}

static void test_long_reason_truncated(void **state)
{
	char reason[500];

	(void)state;
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	tap_not_ok(&tw, "x", reason);
	assert_int_equal(cap.len, strlen("not ok 1 - x # ") + TAP_REASON_MAX + 1);
	assert_non_null(strstr(cap.text, "rrr...\n"));
}

static void test_diag_lines(void **state)
{
	(void)state;
	tap_diag(&tw, "value %d\nsecond\r\n\nlast %s\n", 42, "x");
	expect_text("# value 42\n# second\n#\n# last x\n");
	assert_int_equal(cap.calls, 4);
}

static void test_diag_single_and_empty(void **state)
{
	(void)state;
	tap_diag(&tw, "one");
	tap_diag(&tw, "%s", "");
	tap_diag(&tw, "\n");
	expect_text("# one\n#\n#\n");
}

static void test_diag_long_truncated(void **state)
{
	char big[2000];

	(void)state;
	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tap_diag(&tw, "%s", big);
	assert_int_equal(cap.calls, 1);
	assert_int_equal(cap.bad_calls, 0);
	assert_int_equal(cap.len, TAP_LINE_MAX);
	assert_memory_equal(cap.text + cap.len - 4, "...\n", 4);
}

static void test_diag_long_text_many_lines_truncated(void **state)
{
	char big[2000];

	(void)state;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (i % 10 == 9) ? '\n' : 'e';
	big[sizeof(big) - 1] = '\0';
	tap_diag(&tw, "%s", big);
	/* TAP_DIAG_MAX chars = 51 full lines of 9 'e' + "ee" cut. */
	assert_int_equal(cap.calls, TAP_DIAG_MAX / 10 + 1);
	assert_int_equal(cap.bad_calls, 0);
	assert_non_null(strstr(cap.text, "# ee...\n"));
}

static void test_diag_does_not_count(void **state)
{
	(void)state;
	tap_diag(&tw, "x");
	tap_bench(&tw, "b", 1, "ns");
	assert_int_equal(tw.n, 0);
	tap_ok(&tw, "first");
	assert_non_null(strstr(cap.text, "ok 1 - first\n"));
}

static void test_bench(void **state)
{
	(void)state;
	tap_bench(&tw, "vmrun_roundtrip", 7500, "ns");
	tap_bench(&tw, "max", UINT64_MAX, "cycles");
	tap_bench(&tw, "with space\tx", 0, "");
	expect_text("BENCH name=vmrun_roundtrip value=7500 unit=ns\n"
		    "BENCH name=max value=18446744073709551615 unit=cycles\n"
		    "BENCH name=with_space_x value=0 unit=-\n");
}

static void test_numbers_grow(void **state)
{
	(void)state;
	for (int i = 0; i < 12; i++)
		tap_ok(&tw, "t");
	tap_finish(&tw);
	assert_non_null(strstr(cap.text, "ok 10 - t\nok 11 - t\nok 12 - t\n1..12\n"
					 "12 passed, 0 failed, 0 skipped\n"));
}

static void test_null_out_is_harmless(void **state)
{
	struct tap_writer quiet;

	(void)state;
	tap_init(&quiet, NULL, NULL);
	tap_header(&quiet);
	tap_ok(&quiet, "a");
	tap_diag(&quiet, "d");
	tap_finish(&quiet);
	assert_int_equal(quiet.passed, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_full_run, setup),
		cmocka_unit_test_setup(test_empty_run, setup),
		cmocka_unit_test_setup(test_name_sanitised, setup),
		cmocka_unit_test_setup(test_name_trimmed_and_empty, setup),
		cmocka_unit_test_setup(test_not_ok_empty_reason, setup),
		cmocka_unit_test_setup(test_not_ok_reason_is_not_a_directive, setup),
		cmocka_unit_test_setup(test_reason_sanitised, setup),
		cmocka_unit_test_setup(test_skip_todo_without_reason, setup),
		cmocka_unit_test_setup(test_long_name_truncated, setup),
		cmocka_unit_test_setup(test_name_exactly_at_limit, setup),
		cmocka_unit_test_setup(test_escape_does_not_split_at_limit, setup),
		cmocka_unit_test_setup(test_long_reason_truncated, setup),
		cmocka_unit_test_setup(test_diag_lines, setup),
		cmocka_unit_test_setup(test_diag_single_and_empty, setup),
		cmocka_unit_test_setup(test_diag_long_truncated, setup),
		cmocka_unit_test_setup(test_diag_long_text_many_lines_truncated, setup),
		cmocka_unit_test_setup(test_diag_does_not_count, setup),
		cmocka_unit_test_setup(test_bench, setup),
		cmocka_unit_test_setup(test_numbers_grow, setup),
		cmocka_unit_test_setup(test_null_out_is_harmless, setup),
	};

	return cmocka_run_group_tests_name("tap", tests, NULL, NULL);
}
