// SPDX-License-Identifier: MIT
/* Host tests for lib/lava.c (LAVA-safe test case ids) and the LAVA signals
 * lib/tap.c wraps around test points when lava=1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/lava.h>
#include <anvil/tap.h>

static void expect_id(const char *name, const char *want)
{
	char out[LAVA_ID_MAX + 1];
	size_t n = lava_case_id(out, sizeof(out), name);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

/* The same ids LAVA's monitors action makes: re.sub(r"\W+", "_", id.strip().lower()). */
static void test_ids_match_lava(void **state)
{
	(void)state;
	expect_id("cpu/invalid_opcode", "cpu_invalid_opcode");
	expect_id("nested_paging/host_intact", "nested_paging_host_intact");
	expect_id("Inject/NMI-window", "inject_nmi_window");
	expect_id("a//b  c", "a_b_c");
	expect_id("  spaced/name \t", "spaced_name");
	expect_id("/lead/and/trail/", "_lead_and_trail_");
	expect_id("x=1>y", "x_1_y");
	expect_id("v1.2/case", "v1_2_case");
	expect_id("", "unnamed");
	expect_id(NULL, "unnamed");
	expect_id("///", "_");
}

static void test_id_bounds(void **state)
{
	char longname[300], out[LAVA_ID_MAX + 1], small[6];

	(void)state;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(lava_case_id(out, sizeof(out), longname), LAVA_ID_MAX);
	assert_int_equal(strlen(out), LAVA_ID_MAX);
	assert_int_equal(lava_case_id(small, sizeof(small), "cpu/invalid"), 5);
	assert_string_equal(small, "cpu_i");
	assert_int_equal(lava_case_id(small, 1, "cpu"), 0);
	assert_string_equal(small, "");
	assert_int_equal(lava_case_id(small, 0, "cpu"), 0);
}

struct capture {
	char text[4096];
	size_t len;
	unsigned bad_calls;
};

static void cap_out(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	assert_true(c->len + n < sizeof(c->text));
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
	if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n) != s + n - 1)
		c->bad_calls++;
}

static void run_set(struct tap_writer *t)
{
	tap_header(t);
	tap_ok(t, "cpu/invalid_opcode");
	tap_not_ok(t, "timer/tick_rate", "the periodic timer did not start");
	tap_skip(t, "spp/run", "needs vmx,spp");
	tap_todo(t, "inject/soft_int", "bochs-svm-exitintinfo-stale-for-int-n");
	tap_finish(t);
}

static void test_signals_around_tap_lines(void **state)
{
	static struct capture plain, lava;
	struct tap_writer a, b;

	(void)state;
	tap_init(&a, cap_out, &plain);
	tap_init(&b, cap_out, &lava);
	tap_set_lava(&b, true);
	run_set(&a);
	run_set(&b);
	assert_int_equal(lava.bad_calls, 0);
	assert_string_equal(lava.text,
		"TAP version 13\n"
		"<LAVA_SIGNAL_STARTTC cpu_invalid_opcode>\n"
		"ok 1 - cpu/invalid_opcode\n"
		"<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=cpu_invalid_opcode RESULT=pass>\n"
		"<LAVA_SIGNAL_ENDTC cpu_invalid_opcode>\n"
		"<LAVA_SIGNAL_STARTTC timer_tick_rate>\n"
		"not ok 2 - timer/tick_rate # the periodic timer did not start\n"
		"<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=timer_tick_rate RESULT=fail>\n"
		"<LAVA_SIGNAL_ENDTC timer_tick_rate>\n"
		"<LAVA_SIGNAL_STARTTC spp_run>\n"
		"ok 3 - spp/run # SKIP needs vmx,spp\n"
		"<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=spp_run RESULT=skip>\n"
		"<LAVA_SIGNAL_ENDTC spp_run>\n"
		"<LAVA_SIGNAL_TESTSET START quirk_bochs_svm_exitintinfo_stale_for_int_n>\n"
		"<LAVA_SIGNAL_STARTTC inject_soft_int>\n"
		"not ok 4 - inject/soft_int # TODO bochs-svm-exitintinfo-stale-for-int-n\n"
		"<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=inject_soft_int RESULT=skip>\n"
		"<LAVA_SIGNAL_ENDTC inject_soft_int>\n"
		"<LAVA_SIGNAL_TESTSET STOP>\n"
		"1..4\n"
		"1 passed, 1 failed, 2 skipped\n");
}

/* Dropping the signal lines gives back exactly the plain TAP text. */
static void test_tap_text_unchanged(void **state)
{
	static struct capture plain, lava;
	struct tap_writer a, b;
	char kept[4096] = "";
	char *line, *save = NULL;

	(void)state;
	tap_init(&a, cap_out, &plain);
	tap_init(&b, cap_out, &lava);
	tap_set_lava(&b, true);
	run_set(&a);
	run_set(&b);
	for (line = strtok_r(lava.text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "<LAVA_SIGNAL_", 13) == 0)
			continue;
		strcat(kept, line);
		strcat(kept, "\n");
	}
	assert_string_equal(kept, plain.text);
	assert_int_equal(b.n, a.n);
	assert_int_equal(b.skipped, a.skipped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_match_lava),
		cmocka_unit_test(test_id_bounds),
		cmocka_unit_test(test_signals_around_tap_lines),
		cmocka_unit_test(test_tap_text_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
