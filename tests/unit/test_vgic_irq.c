// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/vgic_irq.c: the state machine's edge table
 * (every legal edge and every refusal), the inputs (edge latch, level line,
 * GICv2 SGI sources) and listing: what an LR takes, and the replay of what
 * the guest did to it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vgic_irq.h>

#define I VGIC_IRQ_INACTIVE
#define P VGIC_IRQ_PENDING
#define A VGIC_IRQ_ACTIVE
#define AP VGIC_IRQ_ACTIVE_PENDING

struct edge {
	enum vgic_irq_event ev;
	unsigned from, to;
};

/* The whole legal set, written out independently of the table. */
static const struct edge legal[] = {
	{ VGIC_EV_PEND, I, P },         { VGIC_EV_PEND, P, P },
	{ VGIC_EV_PEND, A, AP },        { VGIC_EV_PEND, AP, AP },
	{ VGIC_EV_UNPEND, I, I },       { VGIC_EV_UNPEND, P, I },
	{ VGIC_EV_UNPEND, A, A },       { VGIC_EV_UNPEND, AP, A },
	{ VGIC_EV_ACK, P, A },          { VGIC_EV_ACK, P, AP },
	{ VGIC_EV_DEACTIVATE, A, I },   { VGIC_EV_DEACTIVATE, AP, P },
	{ VGIC_EV_ACTIVATE, I, A },     { VGIC_EV_ACTIVATE, P, AP },
	{ VGIC_EV_ACTIVATE, A, A },     { VGIC_EV_ACTIVATE, AP, AP },
};

static bool in_legal(enum vgic_irq_event ev, unsigned from, unsigned to)
{
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
		if (legal[i].ev == ev && legal[i].from == from && legal[i].to == to)
			return true;
	return false;
}

static void test_edge_matrix(void **state)
{
	(void)state;
	for (unsigned ev = 0; ev < VGIC_EV_COUNT; ev++)
		for (unsigned from = 0; from < VGIC_IRQ_STATE_COUNT; from++)
			for (unsigned to = 0; to < VGIC_IRQ_STATE_COUNT; to++) {
				struct vgic_irq irq;
				bool want = in_legal(ev, from, to);

				vgic_irq_init(&irq, 40, false);
				irq.state = (uint8_t)from;
				assert_int_equal(vgic_irq_edge_legal(ev, from, to), want);
				assert_int_equal(vgic_irq_step(&irq, ev, to), want);
				assert_int_equal(irq.state, want ? to : from);
				assert_int_equal(irq.refused, want ? 0 : 1);
			}
}

static void test_out_of_range_refused(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 40, false);
	assert_false(vgic_irq_step(&irq, VGIC_EV_COUNT, P));
	assert_false(vgic_irq_step(&irq, VGIC_EV_PEND, VGIC_IRQ_STATE_COUNT));
	assert_false(vgic_irq_edge_legal(VGIC_EV_PEND, 7, P));
	assert_int_equal(irq.state, I);
	assert_int_equal(irq.refused, 2);
	assert_string_equal(vgic_irq_state_name(AP), "active+pending");
	assert_string_equal(vgic_irq_state_name(9), "invalid");
}

static void test_edge_line_latches_on_rising_edge(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 40, false);
	assert_true(vgic_irq_set_line(&irq, true));
	assert_int_equal(irq.state, P);
	assert_true(vgic_irq_set_line(&irq, false));
	assert_int_equal(irq.state, P); /* an edge stays latched when the line drops */
	assert_true(vgic_irq_clear_latch(&irq));
	assert_int_equal(irq.state, I);
	assert_true(vgic_irq_set_line(&irq, true));
	assert_true(vgic_irq_clear_latch(&irq));
	assert_true(vgic_irq_set_line(&irq, true)); /* still high: no new edge */
	assert_int_equal(irq.state, I);
	assert_int_equal(irq.refused, 0);
}

static void test_level_follows_line(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 40, false);
	irq.trigger = VGIC_LEVEL;
	assert_true(vgic_irq_set_line(&irq, true));
	assert_int_equal(irq.state, P);
	assert_true(vgic_irq_clear_latch(&irq)); /* ICPENDR: the line keeps it pending */
	assert_int_equal(irq.state, P);
	assert_true(vgic_irq_set_line(&irq, false));
	assert_int_equal(irq.state, I);
	assert_true(vgic_irq_set_latch(&irq)); /* ISPENDR latches a level interrupt too */
	assert_int_equal(irq.state, P);
	assert_true(vgic_irq_activate(&irq));
	assert_int_equal(irq.state, AP);
	assert_true(vgic_irq_deactivate(&irq));
	assert_int_equal(irq.state, P);
	assert_int_equal(irq.refused, 0);
}

static void test_deactivate_inactive_refused(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 40, false);
	assert_false(vgic_irq_deactivate(&irq));
	assert_int_equal(irq.state, I);
	assert_int_equal(irq.refused, 1);
}

static void test_sgi_sources(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 3, true);
	assert_true(vgic_irq_add_source(&irq, 2));
	assert_true(vgic_irq_add_source(&irq, 5));
	assert_int_equal(irq.sources, 0x24);
	assert_int_equal(irq.state, P);
	assert_false(vgic_irq_add_source(&irq, 8));
	assert_int_equal(irq.refused, 1);
	assert_true(vgic_irq_clear_sources(&irq, 0x24));
	assert_int_equal(irq.state, I);
}

static void test_non_sgi_has_no_sources(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 40, false);
	assert_false(vgic_irq_add_source(&irq, 0));
	assert_int_equal(irq.state, I);
}

static struct vgic_irq pending_edge(void)
{
	struct vgic_irq irq;

	vgic_irq_init(&irq, 40, false);
	irq.priority = 0x80;
	vgic_irq_set_latch(&irq);
	return irq;
}

static void test_list_takes_latch_and_freezes(void **state)
{
	struct vgic_irq irq = pending_edge();

	(void)state;
	assert_true(vgic_irq_list(&irq, 2, P, NULL));
	assert_int_equal(irq.lr, 2);
	assert_false(irq.latch);
	assert_int_equal(irq.lr_took, VGIC_TOOK_LATCH);
	assert_int_equal(irq.state, P); /* frozen: the LR holds the instance */
	assert_true(vgic_irq_resync(&irq));
	assert_int_equal(irq.state, P);
	assert_false(vgic_irq_deactivate(&irq)); /* active-state changes wait for the fold */
	assert_false(vgic_irq_activate(&irq));
	assert_false(vgic_irq_list(&irq, 3, P, NULL)); /* listed once only */
	assert_int_equal(irq.refused, 3);
}

static void test_list_checks_written_state(void **state)
{
	struct vgic_irq irq = pending_edge();

	(void)state;
	assert_false(vgic_irq_list(&irq, 0, A, NULL));  /* not active */
	assert_false(vgic_irq_list(&irq, 0, I, NULL));  /* nothing to list */
	assert_false(vgic_irq_list(&irq, -1, P, NULL));
	assert_int_equal(irq.lr, VGIC_IRQ_UNLISTED);
	assert_true(irq.latch);
}

static void test_unlist_untouched_gives_back(void **state)
{
	struct vgic_irq irq = pending_edge();

	(void)state;
	assert_true(vgic_irq_list(&irq, 0, P, NULL));
	assert_true(vgic_irq_unlist(&irq, 0, P, P, 0x80));
	assert_int_equal(irq.state, P);
	assert_true(irq.latch);
	assert_int_equal(irq.lr, VGIC_IRQ_UNLISTED);
	assert_int_equal(irq.refused, 0);
}

static void test_unlist_ack_consumes(void **state)
{
	struct vgic_irq irq = pending_edge();

	(void)state;
	assert_true(vgic_irq_list(&irq, 0, P, NULL));
	assert_true(vgic_irq_unlist(&irq, 0, P, A, 0x80));
	assert_int_equal(irq.state, A);
	assert_false(irq.latch);
	assert_int_equal(irq.active_prio, 0x80);
}

static void test_unlist_new_edge_while_listed(void **state)
{
	struct vgic_irq irq = pending_edge();

	(void)state;
	assert_true(vgic_irq_list(&irq, 0, P, NULL));
	assert_true(vgic_irq_set_latch(&irq)); /* a second edge while the guest runs */
	assert_true(vgic_irq_unlist(&irq, 0, P, VGIC_IRQ_INACTIVE, 0x80));
	assert_int_equal(irq.state, P); /* acked, deactivated, and pending again */
	assert_true(vgic_irq_list(&irq, 1, P, NULL));
	assert_true(vgic_irq_set_latch(&irq));
	assert_true(vgic_irq_unlist(&irq, 1, P, P, 0x80));
	assert_int_equal(irq.state, P); /* not taken: the two edges merge */
	assert_int_equal(irq.refused, 0);
}

static void test_unlist_level_line_high(void **state)
{
	struct vgic_irq irq;

	(void)state;
	vgic_irq_init(&irq, 40, false);
	irq.trigger = VGIC_LEVEL;
	vgic_irq_set_line(&irq, true);
	assert_true(vgic_irq_list(&irq, 0, P, NULL));
	assert_int_equal(irq.lr_took, VGIC_TOOK_NOTHING);
	assert_true(vgic_irq_unlist(&irq, 0, P, A, 0x10));
	assert_int_equal(irq.state, AP); /* the line is still high */
	assert_true(vgic_irq_list(&irq, 0, AP, NULL));
	assert_true(vgic_irq_set_line(&irq, false)); /* dropped while listed */
	assert_true(vgic_irq_unlist(&irq, 0, AP, P, 0x10));
	assert_int_equal(irq.state, I); /* deactivated; the pending part went with the line */
	assert_int_equal(irq.refused, 0);
}

static void test_unlist_paths_from_active_pending(void **state)
{
	static const struct {
		unsigned read, want;
	} cases[] = {
		{ AP, AP }, /* nothing happened */
		{ P, P },   /* deactivated */
		{ A, A },   /* deactivated, acknowledged again */
		{ I, I },   /* ... and deactivated again */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vgic_irq irq = pending_edge();

		assert_true(vgic_irq_activate(&irq));
		assert_int_equal(irq.state, AP);
		assert_true(vgic_irq_list(&irq, 0, AP, NULL));
		assert_true(vgic_irq_unlist(&irq, 0, AP, cases[i].read, 0x80));
		assert_int_equal(irq.state, cases[i].want);
		assert_int_equal(irq.refused, 0);
	}
}

static void test_unlist_impossible_paths_refused(void **state)
{
	static const struct {
		unsigned written, read;
	} cases[] = {
		{ P, AP }, /* a pending bit cannot come back */
		{ A, P },
		{ A, AP },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vgic_irq irq = pending_edge();

		if (cases[i].written & VGIC_IRQ_ACTIVE_BIT) {
			assert_true(vgic_irq_activate(&irq));
			assert_true(vgic_irq_clear_latch(&irq));
		}
		assert_true(vgic_irq_list(&irq, 0, cases[i].written, NULL));
		assert_false(vgic_irq_unlist(&irq, 0, cases[i].written, cases[i].read, 0x80));
		assert_true(irq.refused > 0);
		assert_int_equal(irq.lr, VGIC_IRQ_UNLISTED);
	}
}

static void test_unlist_wrong_lr_refused(void **state)
{
	struct vgic_irq irq = pending_edge();

	(void)state;
	assert_true(vgic_irq_list(&irq, 4, P, NULL));
	assert_false(vgic_irq_unlist(&irq, 5, P, A, 0x80));
	assert_int_equal(irq.lr, 4);
	assert_int_equal(irq.state, P);
}

static void test_sgi_v2_listing_takes_one_source(void **state)
{
	struct vgic_irq irq;
	uint8_t src = 0xff;

	(void)state;
	vgic_irq_init(&irq, 1, true);
	vgic_irq_add_source(&irq, 3);
	vgic_irq_add_source(&irq, 1);
	assert_true(vgic_irq_list(&irq, 0, P, &src));
	assert_int_equal(src, 1); /* the lowest source */
	assert_int_equal(irq.sources, 0x08);
	assert_true(vgic_irq_unlist(&irq, 0, P, A, 0x20));
	assert_int_equal(irq.state, AP); /* source 3 still pending */
	assert_int_equal(irq.active_source, 1);
	assert_true(vgic_irq_list(&irq, 0, A, &src));
	assert_int_equal(src, 1); /* active-only: the active instance's source */
	assert_true(vgic_irq_unlist(&irq, 0, A, I, 0x20));
	assert_int_equal(irq.state, P);
	assert_int_equal(irq.sources, 0x08);
	assert_int_equal(irq.refused, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_matrix),
		cmocka_unit_test(test_out_of_range_refused),
		cmocka_unit_test(test_edge_line_latches_on_rising_edge),
		cmocka_unit_test(test_level_follows_line),
		cmocka_unit_test(test_deactivate_inactive_refused),
		cmocka_unit_test(test_sgi_sources),
		cmocka_unit_test(test_non_sgi_has_no_sources),
		cmocka_unit_test(test_list_takes_latch_and_freezes),
		cmocka_unit_test(test_list_checks_written_state),
		cmocka_unit_test(test_unlist_untouched_gives_back),
		cmocka_unit_test(test_unlist_ack_consumes),
		cmocka_unit_test(test_unlist_new_edge_while_listed),
		cmocka_unit_test(test_unlist_level_line_high),
		cmocka_unit_test(test_unlist_paths_from_active_pending),
		cmocka_unit_test(test_unlist_impossible_paths_refused),
		cmocka_unit_test(test_unlist_wrong_lr_refused),
		cmocka_unit_test(test_sgi_v2_listing_takes_one_source),
	};

	return cmocka_run_group_tests_name("vgic_irq", tests, NULL, NULL);
}
