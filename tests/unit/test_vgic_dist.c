// SPDX-License-Identifier: MIT
/*
 * Host tests for the distributor and redistributor model
 * (arch/arm64/lib/vgic_dist*.c, vgic_redist.c, vgic_mmio.c, vgic_sgi.c):
 * each register group's semantics on GICv2 and GICv3 (set/clear pairs,
 * byte access to priorities, banking of INTIDs 0-31, routing, SGIs with
 * their sources), read-only and reserved registers, and the access size and
 * alignment rules. Writes must reach the records and their ap_lists.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vgic_dist.h>
#include <vgic_dist_regs.h>
#include <vgic_sgi.h>
#include <vgic_vm.h>

#define SPIS 64

static struct {
	struct vgic_vm vm;
	struct vgic_vcpu vcpu[4];
	struct vgic_irq spi[SPIS];
	struct vgic_irq *slots[VGIC_AP_SLOTS(4, SPIS)];
} f;

static void setup(enum vgic_version ver, unsigned vcpus, unsigned prio_bits)
{
	struct vgic_cfg cfg = { .version = ver, .nr_vcpus = vcpus, .nr_spis = SPIS,
				.prio_bits = prio_bits, .nr_lrs = 4 };

	memset(&f, 0, sizeof(f));
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_OK);
}

static uint64_t rd(unsigned vcpu, uint32_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vgic_gicd_read(&f.vm, vcpu, off, size, &v), VGIC_MMIO_OK);
	return v;
}

static void wr(unsigned vcpu, uint32_t off, unsigned size, uint64_t v)
{
	assert_int_equal(vgic_gicd_write(&f.vm, vcpu, off, size, v), VGIC_MMIO_OK);
}

static uint64_t rrd(unsigned rdist, uint32_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vgic_gicr_read(&f.vm, rdist, off, size, &v), VGIC_MMIO_OK);
	return v;
}

static void rwr(unsigned rdist, uint32_t off, unsigned size, uint64_t v)
{
	assert_int_equal(vgic_gicr_write(&f.vm, rdist, off, size, v), VGIC_MMIO_OK);
}

static struct vgic_irq *irq(unsigned vcpu, uint32_t intid)
{
	return vgic_get_irq(&f.vm, vcpu, intid);
}

/* ---- GICv2 ---- */

static void test_v2_ctlr_typer_iidr(void **state)
{
	(void)state;
	setup(VGIC_V2, 2, 5);
	assert_int_equal(rd(0, GICD_CTLR, 4), 0);
	wr(0, GICD_CTLR, 4, 0xffffffff);
	assert_int_equal(rd(0, GICD_CTLR, 4), 3); /* EnableGrp0, EnableGrp1; the rest RAZ/WI */
	assert_true(f.vm.grp_en[0] && f.vm.grp_en[1]);
	wr(0, GICD_CTLR, 4, 2);
	assert_false(f.vm.grp_en[0]);
	/* 96 INTIDs: ITLinesNumber 2; two CPUs: CPUNumber 1 */
	assert_int_equal(rd(0, GICD_TYPER, 4), 2 | (1 << 5));
	wr(0, GICD_TYPER, 4, 0); /* read-only */
	assert_int_equal(rd(0, GICD_TYPER, 4), 2 | (1 << 5));
	assert_int_equal(rd(0, GICD_IIDR, 4), VGIC_IIDR_DEFAULT);
	assert_int_equal(rd(0, GICD_PIDR2_V2, 4) >> 4, 2); /* ArchRev */
	assert_int_equal(rd(0, GICD_CIDR0_V2, 4), 0x0d);
	assert_int_equal(rd(0, GICD_CIDR0_V2 + 12, 4), 0xb1);
}

static void test_v2_enable_pending_active(void **state)
{
	struct vgic_irq *x;

	(void)state;
	setup(VGIC_V2, 1, 5);
	x = irq(0, 70); /* word 2, bit 6 */
	wr(0, GICD_ISENABLER + 8, 4, 1u << 6);
	assert_true(x->enabled);
	assert_int_equal(rd(0, GICD_ICENABLER + 8, 4), 1u << 6);
	wr(0, GICD_ISPENDR + 8, 4, 1u << 6);
	assert_int_equal(x->state, VGIC_IRQ_PENDING);
	assert_true(vgic_ap_contains(&f.vcpu[0].ap, x)); /* on vCPU 0's ap_list */
	assert_int_equal(rd(0, GICD_ICPENDR + 8, 4), 1u << 6);
	wr(0, GICD_ISACTIVER + 8, 4, 1u << 6);
	assert_int_equal(x->state, VGIC_IRQ_ACTIVE_PENDING);
	wr(0, GICD_ICPENDR + 8, 4, 1u << 6);
	wr(0, GICD_ICACTIVER + 8, 4, 1u << 6);
	assert_int_equal(x->state, VGIC_IRQ_INACTIVE);
	assert_false(vgic_ap_contains(&f.vcpu[0].ap, x));
	wr(0, GICD_ICENABLER + 8, 4, 0xffffffff);
	assert_false(x->enabled);
	/* writing 0 does nothing; INTIDs beyond the 96 implemented are RAZ/WI */
	wr(0, GICD_ISENABLER + 8, 4, 0);
	assert_false(x->enabled);
	wr(0, GICD_ISENABLER + 12, 4, 0xffffffff);
	assert_int_equal(rd(0, GICD_ISENABLER + 12, 4), 0);
	assert_int_equal(vgic_refused(&f.vm), 0);
}

static void test_v2_sgi_pending_bits_read_only(void **state)
{
	(void)state;
	setup(VGIC_V2, 1, 5);
	wr(0, GICD_ISPENDR, 4, 0xffff); /* SGIs: only SPENDSGIR sets them */
	assert_int_equal(rd(0, GICD_ISPENDR, 4), 0);
	wr(0, GICD_ISPENDR, 4, 1u << 20); /* a PPI is fine */
	assert_int_equal(rd(0, GICD_ISPENDR, 4), 1u << 20);
}

static void test_v2_priority_bytes(void **state)
{
	(void)state;
	setup(VGIC_V2, 1, 5);
	wr(0, GICD_IPRIORITYR + 40, 4, 0x11223344);
	/* five bits implemented: the low three read as 0 */
	assert_int_equal(rd(0, GICD_IPRIORITYR + 40, 4), 0x10203040);
	assert_int_equal(irq(0, 41)->priority, 0x30);
	wr(0, GICD_IPRIORITYR + 43, 1, 0xff);
	assert_int_equal(rd(0, GICD_IPRIORITYR + 43, 1), 0xf8);
	assert_int_equal(rd(0, GICD_IPRIORITYR + 40, 4), 0xf8203040);
	assert_int_equal(vgic_gicd_write(&f.vm, 0, GICD_IPRIORITYR + 42, 2, 0), VGIC_MMIO_BAD_SIZE);
	assert_int_equal(rd(0, GICD_IPRIORITYR + 40, 4), 0xf8203040);
}

static void test_v2_banked_private(void **state)
{
	(void)state;
	setup(VGIC_V2, 2, 5);
	wr(1, GICD_ISENABLER, 4, 1u << 27); /* vCPU 1's PPI 27 */
	assert_true(irq(1, 27)->enabled);
	assert_false(irq(0, 27)->enabled);
	assert_int_equal(rd(0, GICD_ISENABLER, 4), 0);
	assert_int_equal(rd(1, GICD_ISENABLER, 4), 1u << 27);
	wr(0, GICD_IPRIORITYR + 27, 1, 0x40);
	assert_int_equal(irq(0, 27)->priority, 0x40);
	assert_int_equal(irq(1, 27)->priority, 0);
}

static void test_v2_targets(void **state)
{
	struct vgic_irq *x;

	(void)state;
	setup(VGIC_V2, 1, 5);
	wr(0, GICD_ITARGETSR + 40, 1, 0x2);
	assert_int_equal(rd(0, GICD_ITARGETSR + 40, 1), 0); /* uniprocessor: RAZ/WI */
	assert_int_equal(irq(0, 40)->target, 0);
	setup(VGIC_V2, 2, 5);
	x = irq(0, 40);
	assert_int_equal(x->target, VGIC_NO_VCPU); /* reset 0: routed nowhere */
	assert_int_equal(rd(0, GICD_ITARGETSR + 4, 4), 0x01010101); /* private: the reader */
	assert_int_equal(rd(1, GICD_ITARGETSR + 4, 4), 0x02020202);
	wr(0, GICD_ITARGETSR + 4, 4, 0); /* read-only */
	assert_int_equal(rd(1, GICD_ITARGETSR + 4, 4), 0x02020202);
	wr(0, GICD_ISENABLER + 4, 4, 1u << 8);
	wr(0, GICD_ISPENDR + 4, 4, 1u << 8);
	assert_int_equal(x->owner, VGIC_NO_VCPU); /* pending, but no target */
	wr(0, GICD_ITARGETSR + 40, 1, 0xfe); /* CPUs 1-7: only 1 exists */
	assert_int_equal(rd(0, GICD_ITARGETSR + 40, 1), 0x02);
	assert_int_equal(x->target, 1);
	assert_int_equal(x->owner, 1);
	assert_true(vgic_ap_contains(&f.vcpu[1].ap, x));
	wr(0, GICD_ITARGETSR + 40, 1, 0x03);
	assert_int_equal(x->target, 0); /* 1-of-N: the lowest */
	assert_true(vgic_ap_contains(&f.vcpu[0].ap, x));
	assert_false(vgic_ap_contains(&f.vcpu[1].ap, x));
}

static void test_v2_config(void **state)
{
	(void)state;
	setup(VGIC_V2, 1, 5);
	assert_int_equal(rd(0, GICD_ICFGR, 4), 0xaaaaaaaa); /* SGIs: edge */
	wr(0, GICD_ICFGR, 4, 0);
	assert_int_equal(rd(0, GICD_ICFGR, 4), 0xaaaaaaaa); /* read-only */
	wr(0, GICD_ICFGR + 8, 4, 0x0000000c); /* INTID 33 edge, 32 and the rest level */
	assert_int_equal(rd(0, GICD_ICFGR + 8, 4), 0x00000008);
	assert_int_equal(irq(0, 32)->trigger, VGIC_LEVEL);
	assert_int_equal(irq(0, 33)->trigger, VGIC_EDGE);
}

static void test_v2_sgir_and_sources(void **state)
{
	(void)state;
	setup(VGIC_V2, 3, 5);
	/* SGI 5 from CPU 2 to the list {0, 1} */
	wr(2, GICD_SGIR, 4, (0u << 24) | (0x3u << 16) | 5);
	assert_int_equal(irq(0, 5)->sources, 1u << 2);
	assert_int_equal(irq(1, 5)->sources, 1u << 2);
	assert_int_equal(irq(2, 5)->sources, 0);
	assert_int_equal(rd(0, GICD_SGIR, 4), 0); /* write-only */
	/* "all but me" from CPU 0, "me only" from CPU 1 */
	wr(0, GICD_SGIR, 4, (1u << 24) | 7);
	assert_int_equal(irq(0, 7)->sources, 0);
	assert_int_equal(irq(1, 7)->sources, 1u << 0);
	assert_int_equal(irq(2, 7)->sources, 1u << 0);
	wr(1, GICD_SGIR, 4, (2u << 24) | (0xffu << 16) | 7);
	assert_int_equal(irq(1, 7)->sources, 0x3);
	wr(1, GICD_SGIR, 4, (3u << 24) | 8); /* reserved filter: nothing */
	assert_int_equal(irq(1, 8)->sources, 0);
	/* SPENDSGIR / CPENDSGIR: byte n = SGI n, bit s = source s, as the accessor sees it */
	assert_int_equal(rd(1, GICD_SPENDSGIR + 4, 4), 0x03000400); /* SGI 7: 0, 1; SGI 5: 2 */
	assert_int_equal(rd(1, GICD_SPENDSGIR + 7, 1), 0x3);
	assert_int_equal(rd(1, GICD_CPENDSGIR + 5, 1), 0x4);
	wr(1, GICD_CPENDSGIR + 7, 1, 0x1);
	assert_int_equal(irq(1, 7)->sources, 0x2);
	wr(1, GICD_SPENDSGIR + 12, 1, 0x4); /* SGI 12 from CPU 2; CPUs 3-7 do not exist */
	wr(1, GICD_SPENDSGIR + 12, 1, 0xf8);
	assert_int_equal(irq(1, 12)->sources, 0x4);
	assert_int_equal(irq(1, 12)->state, VGIC_IRQ_PENDING);
	assert_int_equal(rd(1, GICD_ISPENDR, 4) & (1u << 12), 1u << 12);
	assert_int_equal(vgic_refused(&f.vm), 0);
}

static void test_v2_access_rules(void **state)
{
	uint64_t v = 1;

	(void)state;
	setup(VGIC_V2, 1, 5);
	assert_int_equal(rd(0, 0x0c, 4), 0); /* reserved: RAZ/WI */
	wr(0, 0x0c, 4, ~0ull);
	assert_int_equal(rd(0, 0x7fc, 4), 0); /* IPRIORITYR for 1020-1023: reserved */
	assert_int_equal(vgic_gicd_read(&f.vm, 0, GICD_ISENABLER + 1, 1, &v), VGIC_MMIO_BAD_SIZE);
	assert_int_equal(v, 0);
	assert_int_equal(vgic_gicd_read(&f.vm, 0, GICD_CTLR, 2, &v), VGIC_MMIO_BAD_SIZE);
	assert_int_equal(vgic_gicd_read(&f.vm, 0, GICD_CTLR, 8, &v), VGIC_MMIO_BAD_SIZE);
	assert_int_equal(vgic_gicd_read(&f.vm, 0, GICD_TYPER, 8, &v), VGIC_MMIO_UNALIGNED);
	assert_int_equal(vgic_gicd_read(&f.vm, 0, GICD_CTLR + 2, 4, &v), VGIC_MMIO_UNALIGNED);
	assert_int_equal(vgic_gicd_read(&f.vm, 0, 0x1000, 4, &v), VGIC_MMIO_BAD_FRAME);
	assert_int_equal(vgic_gicd_read(&f.vm, 3, GICD_CTLR, 4, &v), VGIC_MMIO_BAD_FRAME);
	assert_int_equal(vgic_gicr_read(&f.vm, 0, GICR_TYPER, 8, &v), VGIC_MMIO_BAD_FRAME);
	assert_int_equal(vgic_gicd_write(&f.vm, 0, GICD_ISENABLER + 5, 1, 0xff), VGIC_MMIO_BAD_SIZE);
	assert_false(irq(0, 40)->enabled);
}

/* ---- GICv3 ---- */

static void test_v3_ctlr_typer_ids(void **state)
{
	(void)state;
	setup(VGIC_V3, 2, 5);
	assert_int_equal(rd(0, GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
	wr(0, GICD_CTLR, 4, 0);
	assert_int_equal(rd(0, GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS); /* RAO/WI */
	wr(0, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_RWP);
	assert_int_equal(rd(0, GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_ENABLE_GRP1);
	assert_int_equal(rd(0, GICD_TYPER, 4), 2 | (9u << 19)); /* 96 INTIDs, 10 ID bits */
	assert_int_equal(rd(0, GICD_PIDR2, 4) >> 4, 3);
	assert_int_equal(rd(0, GICD_TYPER2, 4), 0);
}

static void test_v3_private_raz_in_gicd(void **state)
{
	(void)state;
	setup(VGIC_V3, 1, 5);
	wr(0, GICD_ISENABLER, 4, 0xffffffff);
	assert_int_equal(rd(0, GICD_ISENABLER, 4), 0);
	assert_false(irq(0, 27)->enabled);
	wr(0, GICD_IPRIORITYR + 20, 1, 0x80);
	assert_int_equal(irq(0, 20)->priority, 0);
	wr(0, GICD_ISENABLER + 4, 4, 1); /* SPIs are here */
	assert_true(irq(0, 32)->enabled);
	/* ARE: no ITARGETSR, SGIR or SGI pending registers */
	wr(0, GICD_ITARGETSR + 40, 1, 0xff);
	assert_int_equal(rd(0, GICD_ITARGETSR + 40, 1), 0);
	wr(0, GICD_SGIR, 4, (2u << 24) | 3);
	assert_int_equal(irq(0, 3)->state, VGIC_IRQ_INACTIVE);
	assert_int_equal(rd(0, GICD_SPENDSGIR, 4), 0);
}

static void test_v3_irouter(void **state)
{
	struct vgic_irq *x;

	(void)state;
	setup(VGIC_V3, 2, 5);
	x = irq(0, 40);
	assert_int_equal(rd(0, GICD_IROUTER + 8 * 40, 8), 0); /* reset: vCPU 0 */
	assert_int_equal(x->target, 0);
	wr(0, GICD_ISENABLER + 4, 4, 1u << 8);
	wr(0, GICD_ISPENDR + 4, 4, 1u << 8);
	assert_true(vgic_ap_contains(&f.vcpu[0].ap, x));
	wr(0, GICD_IROUTER + 8 * 40, 8, ~0ull); /* RES0 bits stay 0 */
	assert_int_equal(rd(0, GICD_IROUTER + 8 * 40, 8), GICD_IROUTER_RW);
	assert_int_equal(x->target, 0); /* IRM: any PE */
	wr(0, GICD_IROUTER + 8 * 40, 8, 1); /* Aff0 = 1 */
	assert_int_equal(x->target, 1);
	assert_true(vgic_ap_contains(&f.vcpu[1].ap, x));
	/* 32-bit halves */
	wr(0, GICD_IROUTER + 8 * 40 + 4, 4, 0x5);
	assert_int_equal(rd(0, GICD_IROUTER + 8 * 40, 8), (5ull << 32) | 1);
	assert_int_equal(rd(0, GICD_IROUTER + 8 * 40 + 4, 4), 5);
	assert_int_equal(rd(0, GICD_IROUTER + 8 * 40, 4), 1);
	assert_int_equal(x->target, VGIC_NO_VCPU); /* Aff3 = 5: nobody */
	assert_false(vgic_ap_contains(&f.vcpu[1].ap, x));
	/* INTIDs below 32 have no IROUTER */
	wr(0, GICD_IROUTER + 8 * 20, 8, 1);
	assert_int_equal(rd(0, GICD_IROUTER + 8 * 20, 8), 0);
	assert_int_equal(vgic_gicd_write(&f.vm, 0, GICD_IROUTER + 8 * 40, 1, 1), VGIC_MMIO_BAD_SIZE);
	assert_int_equal(vgic_gicd_write(&f.vm, 0, GICD_IROUTER + 8 * 40 + 4, 8, 1),
			 VGIC_MMIO_UNALIGNED);
	assert_int_equal(vgic_refused(&f.vm), 0);
}

static void test_v3_redistributor_rd_frame(void **state)
{
	(void)state;
	setup(VGIC_V3, 2, 5);
	/* vCPU 1: affinity 0.0.0.1, processor number 1, the last one */
	assert_int_equal(rrd(1, GICR_TYPER, 8), (1ull << 32) | (1u << 8) | GICR_TYPER_LAST);
	assert_int_equal(rrd(0, GICR_TYPER, 8), 0);
	assert_int_equal(rrd(1, GICR_TYPER + 4, 4), 1);
	assert_int_equal(rrd(1, GICR_TYPER, 4), (1u << 8) | GICR_TYPER_LAST);
	rwr(1, GICR_TYPER, 8, 0); /* read-only */
	assert_int_equal(rrd(1, GICR_TYPER + 4, 4), 1);
	assert_int_equal(rrd(0, GICR_IIDR, 4), VGIC_IIDR_DEFAULT);
	assert_int_equal(rrd(0, GICR_WAKER, 4), GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	rwr(0, GICR_WAKER, 4, 0);
	assert_int_equal(rrd(0, GICR_WAKER, 4), 0);
	assert_int_equal(rrd(1, GICR_WAKER, 4), GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	rwr(0, GICR_CTLR, 4, 1); /* no LPIs: EnableLPIs RAZ/WI */
	assert_int_equal(rrd(0, GICR_CTLR, 4), 0);
	rwr(0, GICR_PROPBASER, 8, ~0ull);
	assert_int_equal(rrd(0, GICR_PROPBASER, 8), 0);
	assert_int_equal(rrd(0, GICR_PIDR2, 4) >> 4, 3);
	uint64_t v;
	assert_int_equal(vgic_gicr_read(&f.vm, 2, GICR_TYPER, 8, &v), VGIC_MMIO_BAD_FRAME);
	assert_int_equal(vgic_gicr_read(&f.vm, 0, GICR_SIZE, 4, &v), VGIC_MMIO_BAD_FRAME);
	assert_int_equal(vgic_gicr_read(&f.vm, 0, GICR_STATUSR, 8, &v), VGIC_MMIO_BAD_SIZE);
	assert_int_equal(vgic_gicr_read(&f.vm, 0, GICR_WAKER, 8, &v), VGIC_MMIO_UNALIGNED);
}

static void test_v3_sgi_frame(void **state)
{
	(void)state;
	setup(VGIC_V3, 2, 5);
	rwr(1, GICR_ISENABLER0, 4, (1u << 3) | (1u << 27));
	assert_true(irq(1, 3)->enabled);
	assert_true(irq(1, 27)->enabled);
	assert_false(irq(0, 27)->enabled);
	assert_int_equal(rrd(1, GICR_ICENABLER0, 4), (1u << 3) | (1u << 27));
	rwr(1, GICR_ISPENDR0, 4, 1u << 3); /* GICv3 SGIs take ISPENDR */
	assert_int_equal(irq(1, 3)->state, VGIC_IRQ_PENDING);
	assert_true(vgic_ap_contains(&f.vcpu[1].ap, irq(1, 3)));
	rwr(1, GICR_ICPENDR0, 4, 1u << 3);
	assert_int_equal(irq(1, 3)->state, VGIC_IRQ_INACTIVE);
	rwr(1, GICR_IPRIORITYR0 + 27, 1, 0xa0);
	assert_int_equal(irq(1, 27)->priority, 0xa0);
	assert_int_equal(rrd(1, GICR_IPRIORITYR0 + 24, 4), 0xa0000000);
	rwr(1, GICR_IGROUPR0, 4, 0xffffffff);
	assert_int_equal(irq(1, 0)->group, 1);
	rwr(1, GICR_ICFGR0, 4, 0); /* SGIs: read-only edge */
	assert_int_equal(rrd(1, GICR_ICFGR0, 4), 0xaaaaaaaa);
	rwr(1, GICR_ICFGR1, 4, 0); /* PPIs: level */
	assert_int_equal(irq(1, 27)->trigger, VGIC_LEVEL);
	assert_int_equal(rrd(1, GICR_IGRPMODR0, 4), 0);
	assert_int_equal(rrd(1, GICR_SGI_BASE + 0x104, 4), 0); /* ISENABLER1: reserved */
}

static void test_v3_sgi_generation(void **state)
{
	(void)state;
	setup(VGIC_V3, 3, 5);
	for (unsigned v = 0; v < 3; v++)
		vgic_op_group(&f.vm, irq(v, 9), 1);
	/* SGI 9, Aff3.2.1 = 0, RS 0, TargetList {0, 2}, from vCPU 1 */
	assert_int_equal(vgic_v3_sgi(&f.vm, 1, (9ull << 24) | 0x5, 1), 2);
	assert_int_equal(irq(0, 9)->state, VGIC_IRQ_PENDING);
	assert_int_equal(irq(1, 9)->state, VGIC_IRQ_INACTIVE);
	assert_int_equal(irq(2, 9)->state, VGIC_IRQ_PENDING);
	assert_int_equal(irq(2, 9)->sources, 0); /* GICv3 keeps no source */
	/* IRM: everyone but the requester */
	assert_int_equal(vgic_v3_sgi(&f.vm, 0, (4ull << 24) | ICC_SGI1R_IRM, 0), 2);
	assert_int_equal(irq(0, 4)->state, VGIC_IRQ_INACTIVE);
	assert_int_equal(irq(1, 4)->state, VGIC_IRQ_PENDING);
	/* group filter: SGI 9 is group 1 everywhere; SGI0R does not reach it */
	vgic_op_clear_pending(&f.vm, irq(0, 9));
	assert_int_equal(vgic_v3_sgi(&f.vm, 1, (9ull << 24) | 0x1, 0), 0);
	/* RS = 1 names Aff0 16-31: nobody here; Aff1 = 1: nobody */
	assert_int_equal(vgic_v3_sgi(&f.vm, 1, (9ull << 24) | (1ull << 44) | 0x1, 1), 0);
	assert_int_equal(vgic_v3_sgi(&f.vm, 1, (9ull << 24) | (1ull << 16) | 0x1, 1), 0);
	assert_int_equal(vgic_v2_sgir(&f.vm, 0, 0), VGIC_E_CONFIG);
	assert_int_equal(vgic_refused(&f.vm), 0);
}

static void test_v3_priority_bits(void **state)
{
	(void)state;
	setup(VGIC_V3, 1, 8);
	wr(0, GICD_IPRIORITYR + 40, 1, 0x13);
	assert_int_equal(rd(0, GICD_IPRIORITYR + 40, 1), 0x13); /* all 8 bits implemented */
	setup(VGIC_V3, 1, 6);
	wr(0, GICD_IPRIORITYR + 40, 1, 0x13);
	assert_int_equal(rd(0, GICD_IPRIORITYR + 40, 1), 0x10);
}

static void test_init_rejects_bad_config(void **state)
{
	struct vgic_cfg cfg = { .version = VGIC_V2, .nr_vcpus = 1, .nr_spis = 32, .prio_bits = 6,
				.nr_lrs = 4 };

	(void)state;
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_E_CONFIG);
	cfg.prio_bits = 5;
	cfg.nr_spis = 33;
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_E_CONFIG);
	cfg.nr_spis = 32;
	cfg.nr_lrs = 17;
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_E_CONFIG);
	cfg.nr_lrs = 16;
	cfg.nr_vcpus = 9;
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_E_CONFIG);
	cfg.nr_vcpus = 1;
	cfg.version = 4;
	assert_int_equal(vgic_vm_init(&f.vm, &cfg, f.vcpu, f.spi, f.slots), VGIC_E_CONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_ctlr_typer_iidr),
		cmocka_unit_test(test_v2_enable_pending_active),
		cmocka_unit_test(test_v2_sgi_pending_bits_read_only),
		cmocka_unit_test(test_v2_priority_bytes),
		cmocka_unit_test(test_v2_banked_private),
		cmocka_unit_test(test_v2_targets),
		cmocka_unit_test(test_v2_config),
		cmocka_unit_test(test_v2_sgir_and_sources),
		cmocka_unit_test(test_v2_access_rules),
		cmocka_unit_test(test_v3_ctlr_typer_ids),
		cmocka_unit_test(test_v3_private_raz_in_gicd),
		cmocka_unit_test(test_v3_irouter),
		cmocka_unit_test(test_v3_redistributor_rd_frame),
		cmocka_unit_test(test_v3_sgi_frame),
		cmocka_unit_test(test_v3_sgi_generation),
		cmocka_unit_test(test_v3_priority_bits),
		cmocka_unit_test(test_init_rejects_bad_config),
	};

	return cmocka_run_group_tests_name("vgic_dist", tests, NULL, NULL);
}
