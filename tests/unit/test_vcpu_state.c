/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for lib/vcpu_state.c: the whole from x to matrix against
 * the edges listed in anvil/vcpu_state.h, typical life cycles, refusals that
 * leave the state alone, and names.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/vcpu_state.h>

/* The header comment's diagram, edge by edge. */
static const struct { enum vcpu_state from, to; } legal[] = {
	{ VCPU_CREATED, VCPU_READY },   /* init */
	{ VCPU_READY, VCPU_RUNNING },   /* enter */
	{ VCPU_RUNNING, VCPU_EXITED },  /* exit */
	{ VCPU_EXITED, VCPU_READY },    /* resume */
	{ VCPU_EXITED, VCPU_STOPPED },  /* stop */
	{ VCPU_READY, VCPU_STOPPED },   /* stop */
	{ VCPU_CREATED, VCPU_FAILED },  /* fail, from any state but STOPPED */
	{ VCPU_READY, VCPU_FAILED },
	{ VCPU_RUNNING, VCPU_FAILED },
	{ VCPU_EXITED, VCPU_FAILED },
	{ VCPU_FAILED, VCPU_FAILED },
};

static bool listed(enum vcpu_state from, enum vcpu_state to)
{
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
		if (legal[i].from == from && legal[i].to == to)
			return true;
	return false;
}

static void test_matrix(void **state)
{
	(void)state;
	unsigned allowed = 0;

	for (int from = 0; from < VCPU_STATE_COUNT; from++) {
		for (int to = 0; to < VCPU_STATE_COUNT; to++) {
			bool want = listed(from, to);

			if (vcpu_state_allowed(from, to) != want)
				fail_msg("%s -> %s: allowed %d, want %d", vcpu_state_name(from),
					 vcpu_state_name(to), !want, want);
			allowed += want;
		}
	}
	assert_int_equal(allowed, sizeof(legal) / sizeof(legal[0]));
}

static void test_no_self_loops_but_failed(void **state)
{
	(void)state;
	for (int s = 0; s < VCPU_STATE_COUNT; s++)
		assert_int_equal(vcpu_state_allowed(s, s), s == VCPU_FAILED);
}

static void test_stopped_is_final(void **state)
{
	(void)state;
	for (int to = 0; to < VCPU_STATE_COUNT; to++)
		assert_false(vcpu_state_allowed(VCPU_STOPPED, to));
}

static void test_life_cycle(void **state)
{
	(void)state;
	enum vcpu_state s = VCPU_CREATED;

	assert_true(vcpu_state_transition(&s, VCPU_READY));
	for (int round = 0; round < 3; round++) {
		assert_true(vcpu_state_transition(&s, VCPU_RUNNING));
		assert_int_equal(s, VCPU_RUNNING);
		assert_true(vcpu_state_transition(&s, VCPU_EXITED));
		assert_true(vcpu_state_transition(&s, VCPU_READY));
	}
	assert_true(vcpu_state_transition(&s, VCPU_RUNNING));
	assert_true(vcpu_state_transition(&s, VCPU_EXITED));
	assert_true(vcpu_state_transition(&s, VCPU_STOPPED));
	assert_int_equal(s, VCPU_STOPPED);
	assert_false(vcpu_state_transition(&s, VCPU_FAILED));
	assert_int_equal(s, VCPU_STOPPED);
}

static void test_refusal_leaves_state(void **state)
{
	(void)state;
	enum vcpu_state s = VCPU_CREATED;

	/* Entering before init, stopping a running vCPU: bugs, refused. */
	assert_false(vcpu_state_transition(&s, VCPU_RUNNING));
	assert_int_equal(s, VCPU_CREATED);
	s = VCPU_RUNNING;
	assert_false(vcpu_state_transition(&s, VCPU_STOPPED));
	assert_false(vcpu_state_transition(&s, VCPU_READY));
	assert_int_equal(s, VCPU_RUNNING);
	assert_true(vcpu_state_transition(&s, VCPU_FAILED));
	assert_false(vcpu_state_transition(&s, VCPU_READY));
	assert_int_equal(s, VCPU_FAILED);
}

static void test_out_of_range(void **state)
{
	(void)state;
	enum vcpu_state s = VCPU_READY;
	enum vcpu_state bad = (enum vcpu_state)VCPU_STATE_COUNT;

	assert_false(vcpu_state_allowed(VCPU_READY, bad));
	assert_false(vcpu_state_allowed(bad, VCPU_FAILED));
	assert_false(vcpu_state_allowed((enum vcpu_state)-1, VCPU_FAILED));
	assert_false(vcpu_state_transition(&s, bad));
	assert_int_equal(s, VCPU_READY);
	s = bad;
	assert_false(vcpu_state_transition(&s, VCPU_FAILED));
	assert_int_equal(s, bad);
	assert_false(vcpu_state_transition(NULL, VCPU_READY));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vcpu_state_name(VCPU_CREATED), "created");
	assert_string_equal(vcpu_state_name(VCPU_READY), "ready");
	assert_string_equal(vcpu_state_name(VCPU_RUNNING), "running");
	assert_string_equal(vcpu_state_name(VCPU_EXITED), "exited");
	assert_string_equal(vcpu_state_name(VCPU_STOPPED), "stopped");
	assert_string_equal(vcpu_state_name(VCPU_FAILED), "failed");
	assert_string_equal(vcpu_state_name((enum vcpu_state)VCPU_STATE_COUNT), "invalid");
	assert_string_equal(vcpu_state_name((enum vcpu_state)1000), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_no_self_loops_but_failed),
		cmocka_unit_test(test_stopped_is_final),
		cmocka_unit_test(test_life_cycle),
		cmocka_unit_test(test_refusal_leaves_state),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("vcpu_state", tests, NULL, NULL);
}
