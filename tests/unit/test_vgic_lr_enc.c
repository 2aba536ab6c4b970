// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/vgic_lr_v3.c and vgic_lr_v2.c: every field
 * of ICH_LR<n>_EL2 and GICH_LR<n> at the position the architecture gives
 * (the expected words are written out by hand from IHI 0069 / IHI 0048B,
 * not built from the module's macros), round trips over random records,
 * reserved bits refused, and the HCR, VMCR, VTR and MISR layouts, the
 * running priority from the APRs, and the GICH/GICV frame offsets.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vgic_lr_v2.h>
#include <vgic_lr_v3.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool lr_equal(const struct vgic_lr *a, const struct vgic_lr *b)
{
	return a->vintid == b->vintid && a->pintid == b->pintid && a->state == b->state &&
	       a->priority == b->priority && a->source == b->source && a->group1 == b->group1 &&
	       a->hw == b->hw && a->eoi == b->eoi;
}

/* ---- GICv3 ---- */

static void test_v3_lr_fields(void **state)
{
	struct vgic_lr lr = {
		.vintid = 0x12345678, .state = VGIC_LR_PENDING, .priority = 0xa8, .group1 = true,
	};
	uint64_t raw;

	(void)state;
	assert_true(vgic_v3_lr_encode(&lr, &raw));
	/* state 01 at 63:62, group 60, priority 0xa8 at 55:48, vINTID 31:0 */
	assert_int_equal(raw, 0x5000000000000000ull | 0x00a8000000000000ull | 0x12345678ull);
	lr.eoi = true;
	assert_true(vgic_v3_lr_encode(&lr, &raw));
	assert_int_equal(raw & (1ull << 41), 1ull << 41);
	lr = (struct vgic_lr){ .vintid = 27, .state = VGIC_LR_PENDING_ACTIVE, .hw = true,
			       .pintid = 0x1abc };
	assert_true(vgic_v3_lr_encode(&lr, &raw));
	/* state 11, HW 61, pINTID 0x1abc at 44:32 */
	assert_int_equal(raw, 0xc000000000000000ull | (1ull << 61) | (0x1abcull << 32) | 27);
}

static void test_v3_lr_refuses_what_does_not_fit(void **state)
{
	struct vgic_lr lr = { .vintid = 40, .state = VGIC_LR_PENDING, .source = 1 };
	uint64_t raw;

	(void)state;
	assert_false(vgic_v3_lr_encode(&lr, &raw)); /* no CPUID in a GICv3 LR */
	lr = (struct vgic_lr){ .vintid = 40, .state = VGIC_LR_ACTIVE, .hw = true, .pintid = 40,
			       .eoi = true };
	assert_false(vgic_v3_lr_encode(&lr, &raw)); /* EOI shares bits with pINTID */
	lr.eoi = false;
	lr.pintid = 0x2000;
	assert_false(vgic_v3_lr_encode(&lr, &raw)); /* 13-bit pINTID */
	lr.pintid = 7;
	assert_false(vgic_v3_lr_encode(&lr, &raw)); /* an SGI cannot be HW */
	lr.pintid = 16;
	assert_true(vgic_v3_lr_encode(&lr, &raw));
	lr.state = 4;
	assert_false(vgic_v3_lr_encode(&lr, &raw));
}

static void test_v3_lr_decode_reserved(void **state)
{
	static const uint64_t res0[] = {
		1ull << 45, 1ull << 47, 1ull << 56, 1ull << 58,
		1ull << 59, /* NMI: not implemented here */
		1ull << 32, 1ull << 40, 1ull << 42, 1ull << 44, /* pINTID bits with HW = 0 */
	};
	struct vgic_lr lr;

	(void)state;
	for (size_t i = 0; i < sizeof(res0) / sizeof(res0[0]); i++)
		assert_false(vgic_v3_lr_decode(0x4000000000000020ull | res0[i], &lr));
	/* the same pINTID bits are a physical INTID with HW = 1 */
	assert_true(vgic_v3_lr_decode(0x6000000000000020ull | (0x1f01ull << 32), &lr));
	assert_true(lr.hw);
	assert_int_equal(lr.pintid, 0x1f01);
	assert_false(lr.eoi);
	assert_true(vgic_v3_lr_decode(0x4000020000000020ull, &lr));
	assert_true(lr.eoi);
	assert_int_equal(lr.pintid, 0);
}

static struct vgic_lr random_lr(bool v2)
{
	struct vgic_lr lr = {
		.vintid = (uint32_t)next() & (v2 ? 0x3ff : 0xffffffff),
		.state = (uint8_t)(next() & 3),
		.priority = (uint8_t)(next() & (v2 ? 0xf8 : 0xff)),
		.group1 = next() & 1,
		.hw = next() & 1,
	};

	if (lr.hw)
		lr.pintid = 16 + (uint32_t)(next() % ((v2 ? 1024 : 8192) - 16));
	else
		lr.eoi = next() & 1;
	if (v2 && !lr.hw)
		lr.source = (uint8_t)(next() & 7);
	return lr;
}

static void test_v3_lr_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct vgic_lr a = random_lr(false), b;
		uint64_t raw, raw2;

		assert_true(vgic_v3_lr_encode(&a, &raw));
		assert_true(vgic_v3_lr_decode(raw, &b));
		assert_true(lr_equal(&a, &b));
		assert_true(vgic_v3_lr_encode(&b, &raw2));
		assert_int_equal(raw, raw2);
	}
}

static void test_v3_hcr(void **state)
{
	struct vgic_hcr h = { .en = true, .npie = true, .tdir = true, .eoicount = 31 };
	struct vgic_hcr d;

	(void)state;
	assert_int_equal(vgic_v3_hcr_encode(&h), 0x1ull | 0x8 | 0x4000 | (31ull << 27));
	h = (struct vgic_hcr){ .uie = true, .lrenpie = true, .vgrp0eie = true, .vgrp0die = true,
			       .vgrp1eie = true, .vgrp1die = true, .eoicount = 5 };
	assert_int_equal(vgic_v3_hcr_encode(&h), 0xf6ull | (5ull << 27));
	assert_true(vgic_v3_hcr_decode(vgic_v3_hcr_encode(&h), &d));
	assert_memory_equal(&h, &d, sizeof(h));
	assert_false(vgic_v3_hcr_decode(1ull << 9, &d));
	assert_false(vgic_v3_hcr_decode(1ull << 16, &d));
	assert_false(vgic_v3_hcr_decode(1ull << 32, &d));
	/* the trap bits EL2 owns decode without complaint */
	assert_true(vgic_v3_hcr_decode(ICH_HCR_TC | ICH_HCR_TALL0 | ICH_HCR_TALL1 | ICH_HCR_TSEI |
					       ICH_HCR_DVIM | ICH_HCR_VSGIEOICOUNT,
				       &d));
	assert_int_equal(ICH_HCR_TC, 1ull << 10);
	assert_int_equal(ICH_HCR_TDIR, 1ull << 14);
}

static void test_v3_vtr(void **state)
{
	struct vgic_v3_vtr v;

	(void)state;
	/* QEMU's GICv3: 4 LRs, 5 priority and preemption bits, 16-bit IDs, TDS */
	assert_true(vgic_v3_vtr_decode((4ull << 29) | (4ull << 26) | (1ull << 19) | 3, &v));
	assert_int_equal(v.nr_lrs, 4);
	assert_int_equal(v.pri_bits, 5);
	assert_int_equal(v.pre_bits, 5);
	assert_int_equal(v.id_bits, 16);
	assert_true(v.tds);
	assert_false(v.seis || v.a3v || v.nv4 || v.dvim);
	assert_true(vgic_v3_vtr_decode((1ull << 23) | (1ull << 22) | (1ull << 21) | (1ull << 20) |
					       (1ull << 18) | 15,
				       &v));
	assert_int_equal(v.id_bits, 24);
	assert_int_equal(v.nr_lrs, 16);
	assert_true(v.seis && v.a3v && v.nv4 && v.dvim);
	assert_false(vgic_v3_vtr_decode(2ull << 23, &v)); /* reserved IDbits */
	assert_false(vgic_v3_vtr_decode(31, &v));         /* 32 LRs: not a GICv3 */
}

static void test_v3_vmcr(void **state)
{
	struct vgic_vmcr m = { .pmr = 0xf0, .bpr0 = 2, .bpr1 = 3, .eng1 = true, .eoim = true };
	struct vgic_vmcr d;

	(void)state;
	assert_int_equal(vgic_v3_vmcr_encode(&m), (0xf0ull << 24) | (2ull << 21) | (3ull << 18) |
							  (1ull << 9) | 2);
	m = (struct vgic_vmcr){ .eng0 = true, .ackctl = true, .fiqen = true, .cbpr = true };
	assert_int_equal(vgic_v3_vmcr_encode(&m), 0x1d);
	assert_true(vgic_v3_vmcr_decode(vgic_v3_vmcr_encode(&m), &d));
	assert_memory_equal(&m, &d, sizeof(m));
	assert_false(vgic_v3_vmcr_decode(1ull << 5, &d));
	assert_false(vgic_v3_vmcr_decode(1ull << 10, &d));
}

static void test_misr(void **state)
{
	struct vgic_misr m;

	(void)state;
	for (unsigned bit = 0; bit < 8; bit++) {
		assert_true(vgic_v3_misr_decode(1ull << bit, &m));
		assert_int_equal(vgic_v3_misr_encode(&m), 1ull << bit);
		assert_int_equal(vgic_v2_misr_encode(&m), 1u << bit);
		assert_true(vgic_v2_misr_decode(1u << bit, &m));
		assert_int_equal(vgic_v3_misr_encode(&m), 1ull << bit);
	}
	assert_true(vgic_v3_misr_decode(ICH_MISR_NP, &m));
	assert_true(m.np && !m.u && !m.eoi);
	assert_false(vgic_v3_misr_decode(1ull << 8, &m));
	assert_false(vgic_v2_misr_decode(1u << 8, &m));
}

static void test_v3_rpr(void **state)
{
	uint32_t ap0[4] = { 0 }, ap1[4] = { 0 };

	(void)state;
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 5), VGIC_PRIO_IDLE);
	ap1[0] = 1u << 10;
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 5), 10 << 3);
	ap0[0] = 1u << 12;
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 5), 10 << 3); /* the lower bit of both groups */
	ap0[0] = 1u << 3;
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 5), 3 << 3);
	memset(ap0, 0, sizeof(ap0));
	memset(ap1, 0, sizeof(ap1));
	ap1[1] = 1; /* 7 preemption bits: bit 32 is priority 64 */
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 7), 32 << 1);
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 5), VGIC_PRIO_IDLE); /* one register only */
	assert_int_equal(vgic_v3_rpr(ap0, ap1, 4), VGIC_PRIO_IDLE);
}

/* ---- GICv2 ---- */

static void test_v2_lr_fields(void **state)
{
	struct vgic_lr lr = { .vintid = 0x3ff, .state = VGIC_LR_ACTIVE, .priority = 0xf8,
			      .group1 = true, .source = 5, .eoi = true };
	uint32_t raw;

	(void)state;
	assert_true(vgic_v2_lr_encode(&lr, &raw));
	/* Grp1 30, state 10 at 29:28, priority 0x1f at 27:23, EOI 19, CPUID 5 at 12:10 */
	assert_int_equal(raw, 0x40000000u | 0x20000000u | 0x0f800000u | 0x00080000u |
				      0x00001400u | 0x3ffu);
	lr = (struct vgic_lr){ .vintid = 33, .state = VGIC_LR_PENDING, .priority = 0x08, .hw = true,
			       .pintid = 0x3f0 };
	assert_true(vgic_v2_lr_encode(&lr, &raw));
	/* HW 31, state 01, priority 1 at 23, PhysicalID 0x3f0 at 19:10 */
	assert_int_equal(raw, 0x80000000u | 0x10000000u | 0x00800000u | (0x3f0u << 10) | 33);
}

static void test_v2_lr_refuses_what_does_not_fit(void **state)
{
	struct vgic_lr lr = { .vintid = 1024, .state = VGIC_LR_PENDING };
	uint32_t raw;

	(void)state;
	assert_false(vgic_v2_lr_encode(&lr, &raw)); /* 10-bit VirtualID */
	lr.vintid = 40;
	lr.priority = 0x81;
	assert_false(vgic_v2_lr_encode(&lr, &raw)); /* priority bits 2:0 do not fit */
	lr.priority = 0x80;
	lr.source = 8;
	assert_false(vgic_v2_lr_encode(&lr, &raw));
	lr.source = 1;
	lr.hw = true;
	lr.pintid = 40;
	assert_false(vgic_v2_lr_encode(&lr, &raw)); /* no CPUID with HW */
	lr.source = 0;
	lr.eoi = true;
	assert_false(vgic_v2_lr_encode(&lr, &raw)); /* no EOI with HW */
	lr.eoi = false;
	lr.pintid = 15;
	assert_false(vgic_v2_lr_encode(&lr, &raw));
	lr.pintid = 1024;
	assert_false(vgic_v2_lr_encode(&lr, &raw));
	lr.pintid = 1023;
	assert_true(vgic_v2_lr_encode(&lr, &raw));
}

static void test_v2_lr_decode_reserved(void **state)
{
	struct vgic_lr lr;

	(void)state;
	assert_false(vgic_v2_lr_decode(0x10000000u | (1u << 20), &lr));
	assert_false(vgic_v2_lr_decode(0x10000000u | (1u << 22), &lr));
	assert_false(vgic_v2_lr_decode(0x10000000u | (1u << 13), &lr)); /* HW = 0: 18:13 */
	assert_false(vgic_v2_lr_decode(0x10000000u | (1u << 18), &lr));
	assert_true(vgic_v2_lr_decode(0x90000000u | (1u << 18) | (1u << 13), &lr)); /* HW = 1 */
	assert_int_equal(lr.pintid, (1u << 8) | (1u << 3));
	assert_true(vgic_v2_lr_decode(0x10080c00u | 7, &lr));
	assert_true(lr.eoi);
	assert_int_equal(lr.source, 3);
	assert_int_equal(lr.vintid, 7);
}

static void test_v2_lr_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct vgic_lr a = random_lr(true), b;
		uint32_t raw, raw2;

		assert_true(vgic_v2_lr_encode(&a, &raw));
		assert_true(vgic_v2_lr_decode(raw, &b));
		assert_true(lr_equal(&a, &b));
		assert_true(vgic_v2_lr_encode(&b, &raw2));
		assert_int_equal(raw, raw2);
	}
}

static void test_v2_hcr_vtr_vmcr(void **state)
{
	struct vgic_hcr h = { .en = true, .uie = true, .vgrp1eie = true, .tdir = true,
			      .eoicount = 3 };
	struct vgic_hcr dh;
	struct vgic_v2_vtr v;
	struct vgic_vmcr m = { .pmr = 0xa8, .bpr0 = 2, .bpr1 = 3, .eng0 = true, .eoim = true };
	struct vgic_vmcr dm;

	(void)state;
	assert_int_equal(vgic_v2_hcr_encode(&h), 0x43u | (3u << 27)); /* TDIR has no bit */
	assert_true(vgic_v2_hcr_decode(vgic_v2_hcr_encode(&h), &dh));
	assert_false(dh.tdir);
	assert_int_equal(dh.eoicount, 3);
	assert_false(vgic_v2_hcr_decode(1u << 8, &dh));
	assert_true(vgic_v2_vtr_decode((4u << 29) | (4u << 26) | 3, &v));
	assert_int_equal(v.nr_lrs, 4);
	assert_int_equal(v.pri_bits, 5);
	assert_int_equal(v.pre_bits, 5);
	assert_false(vgic_v2_vtr_decode(63, &v)); /* 64 LRs: beyond this bank */
	/* VMPriMask 0x15 at 31:27, VMBP 2 at 23:21, VMABP 3 at 20:18, VEM 9, VMGrp0En 0 */
	assert_int_equal(vgic_v2_vmcr_encode(&m), (0x15u << 27) | (2u << 21) | (3u << 18) |
							  (1u << 9) | 1);
	assert_true(vgic_v2_vmcr_decode(vgic_v2_vmcr_encode(&m), &dm));
	assert_memory_equal(&m, &dm, sizeof(m));
	m.pmr = 0xaf;
	assert_int_equal(vgic_v2_vmcr_encode(&m) >> 27, 0x15); /* low PMR bits are dropped */
	assert_false(vgic_v2_vmcr_decode(1u << 24, &dm));
}

static void test_v2_status_and_rpr(void **state)
{
	struct vgic_lr lr[4] = {
		{ .state = VGIC_LR_INVALID },
		{ .state = VGIC_LR_INVALID, .eoi = true },  /* waiting for its EOI interrupt */
		{ .state = VGIC_LR_ACTIVE },
		{ .state = VGIC_LR_INVALID, .hw = true, .pintid = 40 },
	};

	(void)state;
	assert_int_equal(vgic_v2_elrsr(lr, 4, 0), 0x9);
	assert_int_equal(vgic_v2_eisr(lr, 4, 0), 0x2);
	assert_int_equal(vgic_v2_elrsr(lr, 4, 1), 0);
	assert_int_equal(vgic_v2_rpr(0), VGIC_PRIO_IDLE);
	assert_int_equal(vgic_v2_rpr(0x30), 4 << 3);
}

static void test_frame_offsets(void **state)
{
	(void)state;
	assert_int_equal(GICH_HCR, 0x0);
	assert_int_equal(GICH_VTR, 0x4);
	assert_int_equal(GICH_VMCR, 0x8);
	assert_int_equal(GICH_MISR, 0x10);
	assert_int_equal(GICH_EISR0, 0x20);
	assert_int_equal(GICH_ELRSR0, 0x30);
	assert_int_equal(GICH_APR, 0xf0);
	assert_int_equal(GICH_LR(0), 0x100);
	assert_int_equal(GICH_LR(3), 0x10c);
	assert_int_equal(GICV_IAR, 0xc);
	assert_int_equal(GICV_EOIR, 0x10);
	assert_int_equal(GICV_AIAR, 0x20);
	assert_int_equal(GICV_DIR, 0x1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v3_lr_fields),
		cmocka_unit_test(test_v3_lr_refuses_what_does_not_fit),
		cmocka_unit_test(test_v3_lr_decode_reserved),
		cmocka_unit_test(test_v3_lr_round_trip),
		cmocka_unit_test(test_v3_hcr),
		cmocka_unit_test(test_v3_vtr),
		cmocka_unit_test(test_v3_vmcr),
		cmocka_unit_test(test_misr),
		cmocka_unit_test(test_v3_rpr),
		cmocka_unit_test(test_v2_lr_fields),
		cmocka_unit_test(test_v2_lr_refuses_what_does_not_fit),
		cmocka_unit_test(test_v2_lr_decode_reserved),
		cmocka_unit_test(test_v2_lr_round_trip),
		cmocka_unit_test(test_v2_hcr_vtr_vmcr),
		cmocka_unit_test(test_v2_status_and_rpr),
		cmocka_unit_test(test_frame_offsets),
	};

	return cmocka_run_group_tests_name("vgic_lr_enc", tests, NULL, NULL);
}
