// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/vgic_ap.c: the classes (deliverable,
 * active, masked by the CPU interface, blocked at the distributor), the
 * order (class, then priority, then INTID; active ones by the priority they
 * were acknowledged at), and the fixed-capacity list itself.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vgic_ap.h>

#define N 16

static const struct vgic_ap_view open_view = {
	.dist_grp = { true, true }, .cpu_grp = { true, true }, .pmr = 0xff, .rpr = 0xff,
};

static struct vgic_irq make(uint32_t intid, uint8_t prio, unsigned state)
{
	struct vgic_irq irq;

	vgic_irq_init(&irq, intid, false);
	irq.priority = prio;
	irq.active_prio = prio;
	irq.enabled = true;
	irq.group = 1;
	irq.state = (uint8_t)state;
	return irq;
}

static void test_classify(void **state)
{
	struct vgic_ap_view v = open_view;
	struct vgic_irq irq = make(40, 0x80, VGIC_IRQ_PENDING);

	(void)state;
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_DELIVERABLE);
	v.pmr = 0x80; /* priority must be below the mask */
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_MASKED);
	v = open_view;
	v.rpr = 0x80; /* ... and below the running priority */
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_MASKED);
	v = open_view;
	v.cpu_grp[1] = false; /* behind the priority-masked ones */
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_GRP_MASKED);
	v.pmr = 0x80; /* the group decides first */
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_GRP_MASKED);
	v = open_view;
	v.dist_grp[1] = false;
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_BLOCKED);
	irq.enabled = false;
	v = open_view;
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_BLOCKED);
	irq.state = VGIC_IRQ_ACTIVE_PENDING; /* active wins over everything */
	v.dist_grp[1] = false;
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_ACTIVE);
	irq.state = VGIC_IRQ_ACTIVE;
	assert_int_equal(vgic_ap_classify(&irq, &v), VGIC_AP_ACTIVE);
}

static void test_order(void **state)
{
	struct vgic_irq irq[8] = {
		make(50, 0x40, VGIC_IRQ_ACTIVE),          /* 1: active, acked at 0x40 */
		make(60, 0xa0, VGIC_IRQ_PENDING),         /* 0 */
		make(41, 0x20, VGIC_IRQ_PENDING),         /* 3: disabled below */
		make(42, 0x10, VGIC_IRQ_ACTIVE_PENDING),  /* 1: acked at 0x10 */
		make(61, 0xa0, VGIC_IRQ_PENDING),         /* 0, tie with 60 broken by INTID */
		make(33, 0xe0, VGIC_IRQ_PENDING),         /* 2: at the priority mask */
		make(34, 0x08, VGIC_IRQ_PENDING),         /* 0: highest priority */
		make(35, 0xd0, VGIC_IRQ_PENDING),         /* 2 */
	};
	const uint32_t want[8] = { 34, 60, 61, 42, 50, 35, 33, 41 };
	struct vgic_irq *slots[N];
	struct vgic_ap ap;
	struct vgic_ap_view v = open_view;
	struct vgic_ap_summary s;

	(void)state;
	irq[2].enabled = false;
	irq[3].priority = 0xf0; /* a later priority change does not move an active one */
	v.pmr = 0xd0;
	vgic_ap_init(&ap, slots, N);
	for (int i = 0; i < 8; i++)
		assert_true(vgic_ap_add(&ap, &irq[i]));
	assert_false(vgic_ap_is_sorted(&ap, &v));
	vgic_ap_sort(&ap, &v);
	assert_true(vgic_ap_is_sorted(&ap, &v));
	for (int i = 0; i < 8; i++)
		assert_int_equal(ap.slot[i]->intid, want[i]);
	vgic_ap_summarize(&ap, &v, &s);
	assert_int_equal(s.count[VGIC_AP_DELIVERABLE], 3);
	assert_int_equal(s.count[VGIC_AP_ACTIVE], 2);
	assert_int_equal(s.count[VGIC_AP_MASKED], 2);
	assert_int_equal(s.count[VGIC_AP_BLOCKED], 1);
}

static void test_resort_after_view_change(void **state)
{
	struct vgic_irq a = make(40, 0x80, VGIC_IRQ_PENDING), b = make(41, 0x90, VGIC_IRQ_PENDING),
			c = make(42, 0x30, VGIC_IRQ_ACTIVE);
	struct vgic_irq *slots[N];
	struct vgic_ap ap;
	struct vgic_ap_view v = open_view;

	(void)state;
	vgic_ap_init(&ap, slots, N);
	vgic_ap_add(&ap, &c);
	vgic_ap_add(&ap, &b);
	vgic_ap_add(&ap, &a);
	vgic_ap_sort(&ap, &v);
	assert_ptr_equal(ap.slot[0], &a);
	assert_ptr_equal(ap.slot[1], &b);
	assert_ptr_equal(ap.slot[2], &c);
	v.rpr = 0x30; /* c running: a and b become masked and go after it */
	assert_false(vgic_ap_is_sorted(&ap, &v));
	vgic_ap_sort(&ap, &v);
	assert_ptr_equal(ap.slot[0], &c);
	assert_ptr_equal(ap.slot[1], &a);
	assert_ptr_equal(ap.slot[2], &b);
}

static void test_cmp_total(void **state)
{
	struct vgic_irq a = make(40, 0x80, VGIC_IRQ_PENDING), b = make(40, 0x80, VGIC_IRQ_PENDING);

	(void)state;
	assert_int_equal(vgic_ap_cmp(&a, &a, &open_view), 0);
	assert_true(vgic_ap_cmp(&a, &b, &open_view) != 0); /* two vCPUs' copies of a PPI */
	assert_true((vgic_ap_cmp(&a, &b, &open_view) > 0) == (vgic_ap_cmp(&b, &a, &open_view) < 0));
}

static void test_capacity_and_membership(void **state)
{
	struct vgic_irq irq[3] = { make(40, 0, 1), make(41, 0, 1), make(42, 0, 1) };
	struct vgic_irq *slots[2];
	struct vgic_ap ap;

	(void)state;
	vgic_ap_init(&ap, slots, 2);
	assert_true(vgic_ap_add(&ap, &irq[0]));
	assert_false(vgic_ap_add(&ap, &irq[0])); /* once */
	assert_true(vgic_ap_add(&ap, &irq[1]));
	assert_false(vgic_ap_add(&ap, &irq[2])); /* full */
	assert_true(vgic_ap_contains(&ap, &irq[1]));
	assert_true(vgic_ap_remove(&ap, &irq[0]));
	assert_false(vgic_ap_remove(&ap, &irq[0]));
	assert_int_equal(ap.len, 1);
	assert_ptr_equal(ap.slot[0], &irq[1]);
	assert_false(vgic_ap_contains(&ap, &irq[0]));
}

static void test_sort_random_against_reference(void **state)
{
	struct vgic_irq irq[N];
	struct vgic_irq *slots[N];
	struct vgic_ap ap;
	uint32_t x = 12345;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		struct vgic_ap_view v = {
			.dist_grp = { x & 1, true }, .cpu_grp = { true, (x >> 1) & 1 },
			.pmr = (uint8_t)(x >> 8), .rpr = (uint8_t)(x >> 16),
		};

		vgic_ap_init(&ap, slots, N);
		for (int i = 0; i < N; i++) {
			x = x * 1103515245u + 12345u;
			irq[i] = make(32 + (x >> 24) % 64, (uint8_t)((x >> 8) & 0xf8),
				      1 + ((x >> 4) % 3));
			irq[i].group = (x >> 3) & 1;
			irq[i].enabled = (x >> 2) & 1;
			irq[i].active_prio = (uint8_t)((x >> 16) & 0xf8);
			vgic_ap_add(&ap, &irq[i]);
		}
		vgic_ap_sort(&ap, &v);
		assert_true(vgic_ap_is_sorted(&ap, &v));
		for (unsigned i = 1; i < ap.len; i++)
			assert_true(vgic_ap_classify(ap.slot[i - 1], &v) <=
				    vgic_ap_classify(ap.slot[i], &v));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_resort_after_view_change),
		cmocka_unit_test(test_cmp_total),
		cmocka_unit_test(test_capacity_and_membership),
		cmocka_unit_test(test_sort_random_against_reference),
	};

	return cmocka_run_group_tests_name("vgic_ap", tests, NULL, NULL);
}
