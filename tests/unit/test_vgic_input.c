// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/vgic_input.c: the guest-ABI services
 * irq_assert, irq_deassert and irq_pulse on level-sensitive and
 * edge-triggered interrupts, PPIs per vCPU, SGIs (pulse only), and the
 * ap_list membership that follows.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vgic_input.h>
#include <vgic_vm.h>

#define SPIS 32

static struct {
	struct vgic_vm vm;
	struct vgic_vcpu vcpu[2];
	struct vgic_irq spi[SPIS];
	struct vgic_irq *slots[VGIC_AP_SLOTS(2, SPIS)];
} f;

static void setup(enum vgic_version ver)
{
	struct vgic_cfg cfg = { .version = ver, .nr_vcpus = 2, .nr_spis = SPIS, .prio_bits = 5,
				.nr_lrs = 4 };

	memset(&f, 0, sizeof(f));
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_OK);
}

static struct vgic_irq *irq(unsigned vcpu, uint32_t intid)
{
	return vgic_get_irq(&f.vm, vcpu, intid);
}

static void test_level(void **state)
{
	struct vgic_irq *x;

	(void)state;
	setup(VGIC_V3);
	x = irq(0, 40);
	vgic_op_trigger(&f.vm, x, VGIC_LEVEL);
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_PENDING);
	assert_true(vgic_ap_contains(&f.vcpu[0].ap, x));
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 40), VGIC_OK); /* still high */
	assert_int_equal(vgic_irq_deassert(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_INACTIVE);
	assert_false(vgic_ap_contains(&f.vcpu[0].ap, x));
	assert_int_equal(vgic_irq_pulse(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_INACTIVE); /* too short to be seen */
	assert_false(x->line);
}

static void test_edge(void **state)
{
	struct vgic_irq *x;

	(void)state;
	setup(VGIC_V2);
	x = irq(0, 40);
	assert_int_equal(vgic_irq_pulse(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_PENDING);
	assert_false(x->line);
	assert_int_equal(vgic_irq_pulse(&f.vm, 0, 40), VGIC_OK); /* merges with the first */
	assert_int_equal(x->state, VGIC_IRQ_PENDING);
	vgic_op_clear_pending(&f.vm, x);
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_PENDING); /* the rising edge */
	vgic_op_clear_pending(&f.vm, x);
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_INACTIVE); /* no new edge while high */
	assert_int_equal(vgic_irq_deassert(&f.vm, 0, 40), VGIC_OK);
	assert_int_equal(x->state, VGIC_IRQ_INACTIVE);
}

static void test_ppi_is_per_vcpu(void **state)
{
	(void)state;
	setup(VGIC_V3);
	assert_int_equal(vgic_irq_pulse(&f.vm, 1, 27), VGIC_OK);
	assert_int_equal(irq(1, 27)->state, VGIC_IRQ_PENDING);
	assert_int_equal(irq(0, 27)->state, VGIC_IRQ_INACTIVE);
	assert_true(vgic_ap_contains(&f.vcpu[1].ap, irq(1, 27)));
}

static void test_sgis_pulse_only(void **state)
{
	(void)state;
	setup(VGIC_V2);
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 3), VGIC_E_INTID);
	assert_int_equal(vgic_irq_deassert(&f.vm, 0, 3), VGIC_E_INTID);
	assert_int_equal(vgic_irq_pulse(&f.vm, 1, 3), VGIC_OK);
	assert_int_equal(irq(1, 3)->sources, 1u << 1); /* from the caller */
	setup(VGIC_V3);
	assert_int_equal(vgic_irq_pulse(&f.vm, 1, 3), VGIC_OK);
	assert_int_equal(irq(1, 3)->state, VGIC_IRQ_PENDING);
	assert_int_equal(irq(1, 3)->sources, 0);
}

static void test_bad_intids(void **state)
{
	(void)state;
	setup(VGIC_V3);
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 64), VGIC_E_INTID); /* 32 SPIs: 32..63 */
	assert_int_equal(vgic_irq_pulse(&f.vm, 0, 1023), VGIC_E_INTID);
	assert_int_equal(vgic_irq_pulse(&f.vm, 2, 20), VGIC_E_INTID); /* no vCPU 2 */
	assert_int_equal(vgic_irq_assert(&f.vm, 0, 63), VGIC_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_ppi_is_per_vcpu),
		cmocka_unit_test(test_sgis_pulse_only),
		cmocka_unit_test(test_bad_intids),
	};

	return cmocka_run_group_tests_name("vgic_input", tests, NULL, NULL);
}
