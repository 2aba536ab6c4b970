// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/arm64/lib/s2pt.c with a fake table allocator: tables
 * come from aligned_alloc and "physical" addresses are the host pointers
 * moved by a fixed offset, so a mix-up of virtual and physical addresses
 * crashes under ASan instead of passing by luck.
 *
 * The descriptor bits are written down here as numbers from DDI 0487 D8.3
 * (stage-2 block/page/table descriptors), independently of s2pt.h. Most
 * tests run at the three starting levels: a 40-bit IPA space (level 0),
 * 39 bits (level 1) and 30 bits (level 2).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <s2pt.h>

#define FAKE_PA_OFFSET 0x10000000000ull /* 1 TiB: fake pa = va + offset */
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define KiB(x) ((uint64_t)(x) << 10)
#define UNLIMITED (-1)
#define FAKE_TABLES_MAX 64

/* DDI 0487 D8.3, stage 2, as numbers. */
#define D_VALID 0x1ull
#define D_TABLE 0x3ull                 /* table (levels 0-2) or page (level 3) */
#define D_BLOCK 0x1ull
#define D_ADDR 0x0000fffffffff000ull
#define D_MEMATTR_NORMAL_WB (0xfull << 2)
#define D_MEMATTR_DEVICE_NGNRE (0x1ull << 2)
#define D_S2AP_RO (1ull << 6)
#define D_S2AP_WO (2ull << 6)
#define D_S2AP_RW (3ull << 6)
#define D_SH_INNER (3ull << 8)
#define D_AF (1ull << 10)
#define D_XN (2ull << 53)              /* XN[1:0] = 0b10 */
#define D_XN0 (1ull << 53)             /* FEAT_XNX: XN[0] */
#define D_SW55 (1ull << 55)            /* software bit the module marks leaves with */

struct fake_mem {
	int live;
	int allocs;
	int fail_after;  /* allocations that succeed before NULL; UNLIMITED */
	void *table[FAKE_TABLES_MAX];
};

static void *fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	void *p;

	if (m->fail_after != UNLIMITED && m->allocs >= m->fail_after)
		return NULL;
	assert_true(m->live < FAKE_TABLES_MAX);
	p = aligned_alloc(S2PT_PAGE_4K, S2PT_PAGE_4K);
	assert_non_null(p);
	memset(p, 0xa5, S2PT_PAGE_4K); /* the module must zero it */
	m->allocs++;
	m->table[m->live++] = p;
	return p;
}

static int fake_find(const struct fake_mem *m, const void *table)
{
	for (int i = 0; i < m->live; i++)
		if (m->table[i] == table)
			return i;
	return -1;
}

static void fake_free(void *ctx, void *table)
{
	struct fake_mem *m = ctx;
	int i = fake_find(m, table);

	assert_true(i >= 0);
	m->table[i] = m->table[--m->live];
	free(table);
}

static uint64_t fake_v2p(void *ctx, const void *p)
{
	(void)ctx;
	return (uint64_t)(uintptr_t)p + FAKE_PA_OFFSET;
}

static void *fake_p2v(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)(pa - FAKE_PA_OFFSET);
}

struct fixture {
	struct fake_mem mem;
	struct s2pt_ops ops;
	struct s2pt s2;
	unsigned start;   /* the starting level the IPA size implies */
	unsigned tables_2m; /* tables for the first 2 MiB block: root .. level 2 */
};

static int setup_bits(void **state, unsigned ipa_bits, unsigned start)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem.fail_after = UNLIMITED;
	f->ops = (struct s2pt_ops){ .alloc_table = fake_alloc, .free_table = fake_free,
				    .virt_to_phys = fake_v2p, .phys_to_virt = fake_p2v,
				    .ctx = &f->mem };
	assert_int_equal(s2pt_init(&f->s2, &f->ops, ipa_bits), 0);
	assert_int_equal(f->s2.tables, 1);
	assert_int_equal(f->s2.start_level, start);
	assert_int_equal(f->s2.root_pa, fake_v2p(NULL, f->s2.root));
	for (unsigned i = 0; i < S2PT_ENTRIES; i++)
		assert_int_equal(((uint64_t *)f->s2.root)[i], 0);
	f->start = start;
	f->tables_2m = 3 - start;
	*state = f;
	return 0;
}

static int setup_l0(void **state)
{
	return setup_bits(state, 40, 0);
}

static int setup_l1(void **state)
{
	return setup_bits(state, 39, 1);
}

static int setup_l2(void **state)
{
	return setup_bits(state, 30, 2);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	s2pt_destroy(&f->s2);
	assert_int_equal(f->s2.tables, 0);
	assert_null(f->s2.root);
	assert_int_equal(f->mem.live, 0);
	free(f);
	return 0;
}

/* The raw descriptor at level on ipa's walk (from the starting level); 0 if the walk stops. */
static uint64_t raw(const struct fixture *f, uint64_t ipa, unsigned level)
{
	const uint64_t *t = f->s2.root;

	for (unsigned l = f->start; ; l++) {
		uint64_t e = t[(ipa >> (12 + 9 * (3 - l))) & 511];

		if (l == level)
			return e;
		if ((e & 3) != D_TABLE)
			return 0;
		t = fake_p2v(NULL, e & D_ADDR);
	}
}

static void expect_map(const struct s2pt *s, uint64_t ipa, uint64_t pa, uint32_t prot,
		       unsigned size, enum s2pt_mem mem)
{
	uint64_t got_pa = 0;
	uint32_t got_prot = 0xff;
	unsigned got_size = 0;
	enum s2pt_mem got_mem = 99;

	assert_true(s2pt_lookup(s, ipa, &got_pa, &got_prot, &got_size, &got_mem));
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_prot, prot);
	assert_int_equal(got_size, size);
	assert_int_equal(got_mem, mem);
}

/* ---- VTCR_EL2 and levels ---- */

static void test_parange_bits(void **state)
{
	static const unsigned want[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

	(void)state;
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(s2pt_parange_bits(i), want[i]);
	assert_int_equal(s2pt_parange_bits(8), 0);
	assert_int_equal(s2pt_parange_bits(15), 0);
}

static void test_start_levels(void **state)
{
	(void)state;
	assert_int_equal(s2pt_start_level(48), 0);
	assert_int_equal(s2pt_start_level(40), 0);
	assert_int_equal(s2pt_start_level(39), 1);
	assert_int_equal(s2pt_start_level(31), 1);
	assert_int_equal(s2pt_start_level(30), 2);
	assert_int_equal(s2pt_start_level(25), 2);
}

static void expect_vtcr(unsigned parange, unsigned want, unsigned ipa, unsigned sl0, unsigned ps)
{
	struct s2pt_vtcr v;
	/* T0SZ 5:0, SL0 7:6, IRGN0 9:8 = 01, ORGN0 11:10 = 01, SH0 13:12 = 11, TG0 15:14 = 00, PS 18:16, RES1 31 */
	uint64_t value = (64u - ipa) | sl0 << 6 | 1u << 8 | 1u << 10 | 3u << 12 | (uint64_t)ps << 16 |
			 1ull << 31;

	assert_int_equal(s2pt_vtcr(parange, want, false, &v), 0);
	assert_int_equal(v.ipa_bits, ipa);
	assert_int_equal(v.t0sz, 64 - ipa);
	assert_int_equal(v.sl0, sl0);
	assert_int_equal(v.start_level, 2 - sl0);
	assert_int_equal(v.ps, ps);
	assert_int_equal(v.value, value);
	/* What AArch64.S2InconsistentSL() accepts for the 4 KiB granule: levels = 3 - start. */
	assert_true(ipa >= (3 - v.start_level) * 9 + 13);
	assert_true(ipa <= (3 - v.start_level) * 9 + 13 + 8 + 4);
	/* One root table: the starting level resolves at most 9 bits. */
	assert_true(ipa <= 12 + 9 * (4 - v.start_level));
}

static void test_vtcr(void **state)
{
	struct s2pt_vtcr v;

	(void)state;
	expect_vtcr(5, 48, 48, 2, 5);
	assert_int_equal(s2pt_vtcr(5, 48, false, &v), 0);
	assert_int_equal(v.value, 0x80053590ull);
	expect_vtcr(4, 40, 40, 2, 4);   /* 44-bit PA: level 0 allowed */
	expect_vtcr(2, 40, 39, 1, 2);   /* 40-bit PA: level 0 reserved, so 39 bits from level 1 */
	expect_vtcr(3, 48, 39, 1, 3);   /* 42-bit PA: the same */
	expect_vtcr(0, 48, 32, 1, 0);   /* 32-bit PA: the IPA follows it */
	expect_vtcr(1, 30, 30, 0, 1);   /* 30 bits from level 2 */
	expect_vtcr(6, 52, 48, 2, 5);   /* 52-bit PA: 48 without FEAT_LPA2 */
	expect_vtcr(7, 48, 48, 2, 5);   /* 56-bit PA (FEAT_D128) */
	expect_vtcr(5, 25, 25, 0, 5);
	assert_int_equal(s2pt_vtcr(5, 24, false, &v), -1);
	assert_int_equal(s2pt_vtcr(8, 40, false, &v), -1);
	assert_int_equal(s2pt_vtcr(5, 40, true, &v), 0);
	assert_true(v.vs);
	assert_int_equal(v.value & (1ull << 19), 1ull << 19);
}

static void test_init_rejects_bad_arguments(void **state)
{
	struct fake_mem mem = { .fail_after = UNLIMITED };
	struct s2pt_ops ops = { .alloc_table = fake_alloc, .free_table = fake_free,
				.virt_to_phys = fake_v2p, .ctx = &mem };
	struct s2pt s;

	(void)state;
	assert_int_equal(s2pt_init(&s, &ops, 40), -1); /* no phys_to_virt */
	assert_int_equal(s2pt_init(&s, NULL, 40), -1);
	ops.phys_to_virt = fake_p2v;
	assert_int_equal(s2pt_init(&s, &ops, 24), -1);
	assert_int_equal(s2pt_init(&s, &ops, 49), -1);
	assert_int_equal(mem.live, 0);
	mem.fail_after = 0;
	assert_int_equal(s2pt_init(&s, &ops, 40), -1);
	assert_int_equal(mem.live, 0);
	/* Nothing to map, look up, walk or point at after a failed init. */
	assert_false(s2pt_lookup(&s, 0, NULL, NULL, NULL, NULL));
	assert_int_equal(s2pt_map(&s, 0, 0, KiB(4), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_unmap(&s, 0, KiB(4)), -1);
	s2pt_destroy(&s);
}

static void test_vttbr(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_vttbr(&f->s2, 0x1234), f->s2.root_pa | 0x1234000000000000ull);
	assert_int_equal(s2pt_vttbr(&f->s2, 0), f->s2.root_pa);
}

/* ---- Mapping ---- */

static void test_map_2m_blocks(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(64), MiB(4), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	assert_int_equal(f->s2.tables, f->tables_2m);
	expect_map(&f->s2, MiB(2), MiB(64), S2PT_RWX, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(5) + 0x123, MiB(67) + 0x123, S2PT_RWX, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
	assert_false(s2pt_lookup(&f->s2, MiB(6), NULL, NULL, NULL, NULL));
	assert_false(s2pt_lookup(&f->s2, 0, NULL, NULL, NULL, NULL));
}

static void test_map_4k_when_unaligned(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(64) + KiB(4), MiB(2), S2PT_R | S2PT_W,
				  S2PT_MEM_NORMAL), 0);
	assert_int_equal(f->s2.tables, f->tables_2m + 1);
	expect_map(&f->s2, MiB(2), MiB(64) + KiB(4), S2PT_R | S2PT_W, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(4) - KiB(4), MiB(66), S2PT_R | S2PT_W, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
}

static void test_map_mixed_sizes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, MiB(2) - KiB(4), MiB(8) - KiB(4), KiB(4) + MiB(2) + KiB(8),
				  S2PT_R, S2PT_MEM_NORMAL), 0);
	expect_map(&f->s2, MiB(2) - KiB(4), MiB(8) - KiB(4), S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(2), MiB(8), S2PT_R, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(4) + KiB(4), MiB(10) + KiB(4), S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	assert_false(s2pt_lookup(&f->s2, MiB(4) + KiB(8), NULL, NULL, NULL, NULL));
	assert_int_equal(f->s2.tables, f->tables_2m + 2); /* two level-3 tables */
}

static void test_raw_descriptor_bits(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(s2pt_map(&f->s2, 0, MiB(2), MiB(2), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(4), MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_map(&f->s2, MiB(4), 0x9000000, KiB(4), S2PT_R | S2PT_W,
				  S2PT_MEM_DEVICE), 0);
	assert_int_equal(s2pt_map(&f->s2, MiB(4) + KiB(4), MiB(6), KiB(4), S2PT_W, S2PT_MEM_NORMAL), 0);
	/* Table descriptors above level 2: the address and 0b11, nothing else. */
	for (unsigned l = f->start; l < 2; l++)
		assert_int_equal(raw(f, 0, l) & ~D_ADDR, D_TABLE);
	/* A 2 MiB block, read/write/execute, Normal WB, inner shareable, AF. */
	assert_int_equal(raw(f, 0, 2), MiB(2) | D_SW55 | D_AF | D_SH_INNER | D_S2AP_RW |
					       D_MEMATTR_NORMAL_WB | D_BLOCK);
	/* Read-only, execute-never. */
	assert_int_equal(raw(f, MiB(2), 2), MiB(4) | D_SW55 | D_XN | D_AF | D_SH_INNER | D_S2AP_RO |
						    D_MEMATTR_NORMAL_WB | D_BLOCK);
	/* A page table's descriptor at level 2, then a Device-nGnRE page. */
	e = raw(f, MiB(4), 2);
	assert_int_equal(e & ~D_ADDR, D_TABLE);
	assert_int_equal(raw(f, MiB(4), 3), 0x9000000 | D_SW55 | D_XN | D_AF | D_SH_INNER |
						    D_S2AP_RW | D_MEMATTR_DEVICE_NGNRE | D_TABLE);
	/* Write-only is expressible at stage 2. */
	assert_int_equal(raw(f, MiB(4) + KiB(4), 3), MiB(6) | D_SW55 | D_XN | D_AF | D_SH_INNER |
							     D_S2AP_WO | D_MEMATTR_NORMAL_WB | D_TABLE);
	expect_map(&f->s2, MiB(4) + KiB(4), MiB(6), S2PT_W, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(4) + 8, 0x9000008, S2PT_R | S2PT_W, S2PT_PAGE_4K, S2PT_MEM_DEVICE);
}

static void test_execute_only_and_device_rules(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, 0, MiB(2), KiB(4), S2PT_X, S2PT_MEM_NORMAL), 0);
	assert_int_equal(raw(f, 0, 3), MiB(2) | D_SW55 | D_AF | D_SH_INNER | D_MEMATTR_NORMAL_WB |
					       D_TABLE); /* S2AP 00, XN 00 */
	expect_map(&f->s2, 0, MiB(2), S2PT_X, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	/* Device memory is never executable, and nothing else is a memory attribute. */
	assert_int_equal(s2pt_map(&f->s2, MiB(2), 0x8000000, KiB(4), S2PT_R | S2PT_X,
				  S2PT_MEM_DEVICE), -1);
	assert_int_equal(s2pt_map(&f->s2, MiB(2), 0x8000000, KiB(4), S2PT_R, (enum s2pt_mem)2), -1);
	assert_int_equal(s2pt_map(&f->s2, MiB(2), 0x8000000, KiB(4), 8, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, MiB(2), 0x8000000, KiB(4), S2PT_R, S2PT_MEM_DEVICE), 0);
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2), S2PT_RWX), -1);
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2), S2PT_R | S2PT_W), 0);
	expect_map(&f->s2, MiB(2), 0x8000000, S2PT_R | S2PT_W, S2PT_PAGE_4K, S2PT_MEM_DEVICE);
}

static void test_set_access_splits_and_keeps_neighbours(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(64), MiB(2), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2) + KiB(20), S2PT_R), 0);
	assert_int_equal(f->s2.tables, f->tables_2m + 1);
	expect_map(&f->s2, MiB(2) + KiB(20), MiB(64) + KiB(20), S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(2) + KiB(16), MiB(64) + KiB(16), S2PT_RWX, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(2) + KiB(24), MiB(64) + KiB(24), S2PT_RWX, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	for (uint64_t off = 0; off < MiB(2); off += KiB(4)) {
		uint64_t pa;

		assert_true(s2pt_lookup(&f->s2, MiB(2) + off, &pa, NULL, NULL, NULL));
		assert_int_equal(pa, MiB(64) + off);
		/* Split pages are level-3 page descriptors (0b11), not blocks. */
		assert_int_equal(raw(f, MiB(2) + off, 3) & 3, D_TABLE);
	}
	/* Invalid, but the address survives, and rights bring it back. */
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2) + KiB(20) + 0x10, 0), 0);
	e = raw(f, MiB(2) + KiB(20), 3);
	assert_false(e & D_VALID);
	assert_int_equal(e & D_ADDR, MiB(64) + KiB(20));
	expect_map(&f->s2, MiB(2) + KiB(20), MiB(64) + KiB(20), 0, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2) + KiB(20), S2PT_R | S2PT_W), 0);
	expect_map(&f->s2, MiB(2) + KiB(20), MiB(64) + KiB(20), S2PT_R | S2PT_W, S2PT_PAGE_4K,
		   S2PT_MEM_NORMAL);
	assert_int_equal(f->s2.tables, f->tables_2m + 1);
}

static void test_set_access_same_rights_does_not_split(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, 0, 0, MiB(2), S2PT_R | S2PT_W, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_set_access(&f->s2, KiB(8), S2PT_R | S2PT_W), 0);
	assert_int_equal(f->s2.tables, f->tables_2m);
	expect_map(&f->s2, KiB(8), KiB(8), S2PT_R | S2PT_W, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
}

static void test_set_access_unmapped_fails(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_set_access(&f->s2, MiB(2), S2PT_R), -1);
	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(2), KiB(4), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2) + KiB(4), S2PT_R), -1);
	assert_int_equal(s2pt_set_access(&f->s2, 1ull << f->s2.ipa_bits, S2PT_R), -1);
	assert_int_equal(s2pt_set_access(&f->s2, MiB(2), 8), -1);
}

static void test_remap_replaces(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(10), KiB(4), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(12), KiB(4), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	expect_map(&f->s2, MiB(2), MiB(12), S2PT_RWX, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	assert_int_equal(f->s2.tables, f->tables_2m + 1);
	/* A 2 MiB block over a page table frees the table. */
	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(20), MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(f->s2.tables, f->tables_2m);
	expect_map(&f->s2, MiB(2) + KiB(4), MiB(20) + KiB(4), S2PT_R, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
	/* A page inside a block splits it; the rest keeps the block's attributes. */
	assert_int_equal(s2pt_map(&f->s2, MiB(3), 0x9000000, KiB(4), S2PT_R | S2PT_W,
				  S2PT_MEM_DEVICE), 0);
	expect_map(&f->s2, MiB(3), 0x9000000, S2PT_R | S2PT_W, S2PT_PAGE_4K, S2PT_MEM_DEVICE);
	expect_map(&f->s2, MiB(3) + KiB(4), MiB(21) + KiB(4), S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
}

static void test_unmap(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(s2pt_map(&f->s2, 0, MiB(64), MiB(4), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	/* One page out of a block: split, neighbours stay. */
	assert_int_equal(s2pt_unmap(&f->s2, KiB(8), KiB(4)), 0);
	assert_false(s2pt_lookup(&f->s2, KiB(8), NULL, NULL, NULL, NULL));
	assert_int_equal(raw(f, KiB(8), 3), 0);
	expect_map(&f->s2, KiB(4), MiB(64) + KiB(4), S2PT_RWX, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, KiB(12), MiB(64) + KiB(12), S2PT_RWX, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	assert_int_equal(f->s2.tables, f->tables_2m + 1);
	/* The whole first 2 MiB: its page table goes. */
	assert_int_equal(s2pt_unmap(&f->s2, 0, MiB(2)), 0);
	assert_int_equal(f->s2.tables, f->tables_2m);
	expect_map(&f->s2, MiB(2), MiB(66), S2PT_RWX, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
	/* Holes are fine; the rest goes and takes every table but the root. */
	assert_int_equal(s2pt_unmap(&f->s2, 0, MiB(8)), 0);
	assert_false(s2pt_lookup(&f->s2, MiB(2), NULL, NULL, NULL, NULL));
	assert_int_equal(f->s2.tables, 1);
	assert_int_equal(s2pt_unmap(&f->s2, 0x1001, KiB(4)), -1);
	assert_int_equal(s2pt_unmap(&f->s2, 0, 0), 0);
}

static void test_unmap_frees_emptied_tables_at_every_level(void **state)
{
	struct fixture *f = *state;
	uint64_t top = (1ull << f->s2.ipa_bits) - KiB(8);

	/* Two pages at the top of the IPA space: a table per level down to 3. */
	assert_int_equal(s2pt_map(&f->s2, top, MiB(2), KiB(8), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(f->s2.tables, 4 - f->start);
	assert_int_equal(s2pt_unmap(&f->s2, top, KiB(4)), 0);
	assert_int_equal(f->s2.tables, 4 - f->start);
	expect_map(&f->s2, top + KiB(4), MiB(2) + KiB(4), S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	assert_int_equal(s2pt_unmap(&f->s2, top + KiB(4), KiB(4)), 0);
	assert_int_equal(f->s2.tables, 1);
	for (unsigned i = 0; i < S2PT_ENTRIES; i++)
		assert_int_equal(((uint64_t *)f->s2.root)[i], 0);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	uint64_t limit = 1ull << f->s2.ipa_bits;

	assert_int_equal(s2pt_map(&f->s2, 0x800, 0, KiB(4), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, 0, 0x800, KiB(4), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, 0, 0, 0x800, S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, limit - KiB(4), 0, KiB(8), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, limit, 0, KiB(4), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, 0, S2PT_PA_LIMIT, KiB(4), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_map(&f->s2, ~0ull & ~0xfffull, 0, KiB(8), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_int_equal(s2pt_unmap(&f->s2, limit - KiB(4), KiB(8)), -1);
	assert_false(s2pt_lookup(&f->s2, limit, NULL, NULL, NULL, NULL));
	assert_int_equal(f->s2.tables, 1);
	assert_int_equal(s2pt_map(&f->s2, limit - KiB(4), S2PT_PA_LIMIT - KiB(4), KiB(4), S2PT_R,
				  S2PT_MEM_NORMAL), 0);
	expect_map(&f->s2, limit - 1, S2PT_PA_LIMIT - 1, S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	assert_int_equal(s2pt_map(&f->s2, 0, 0, 0, S2PT_R, S2PT_MEM_NORMAL), 0); /* nothing to do */
	assert_int_equal(f->s2.tables, 4 - f->start);
}

static void test_alloc_failure(void **state)
{
	struct fixture *f = *state;

	f->mem.fail_after = f->mem.allocs + (int)f->tables_2m - 1; /* down to level 2, no level 3 */
	assert_int_equal(s2pt_map(&f->s2, 0, KiB(4), KiB(4), S2PT_R, S2PT_MEM_NORMAL), -1);
	assert_false(s2pt_lookup(&f->s2, 0, NULL, NULL, NULL, NULL));
	assert_int_equal(s2pt_map(&f->s2, 0, 0, MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_set_access(&f->s2, KiB(4), S2PT_RWX), -1); /* a split needs one */
	assert_int_equal(s2pt_unmap(&f->s2, KiB(4), KiB(4)), -1);
	assert_int_equal(s2pt_leaf_update(&f->s2, KiB(4), 0, D_XN0, true, NULL), -1);
	expect_map(&f->s2, KiB(4), KiB(4), S2PT_R, S2PT_PAGE_2M, S2PT_MEM_NORMAL);
	assert_int_equal(f->s2.tables, (unsigned)f->mem.live);
}

static void test_destroy_frees_everything(void **state)
{
	struct fixture *f = *state;

	for (uint64_t g = 0; g < MiB(16); g += MiB(2))
		assert_int_equal(s2pt_map(&f->s2, g, g + KiB(4), MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_map(&f->s2, MiB(512), 0, MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_set_access(&f->s2, KiB(4), S2PT_RWX), 0);
	assert_int_equal(f->s2.tables, (unsigned)f->mem.live);
	assert_true(f->mem.live > 8);
}

static void test_leaf_update(void **state)
{
	struct fixture *f = *state;
	uint64_t old = 0;

	assert_int_equal(s2pt_map(&f->s2, 0, MiB(2), MiB(2), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	/* XN[0] on one page (FEAT_XNX: not executable at EL1): split, one page changes. */
	assert_int_equal(s2pt_leaf_update(&f->s2, KiB(12), 0, D_XN0, true, &old), 0);
	assert_int_equal(old & D_ADDR, MiB(2) + KiB(12));
	assert_int_equal(raw(f, KiB(12), 3) & (3ull << 53), D_XN0);
	expect_map(&f->s2, KiB(12), MiB(2) + KiB(12), S2PT_R | S2PT_W, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, KiB(16), MiB(2) + KiB(16), S2PT_RWX, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	/* Clearing AF in place (an access-flag fault for the guest). */
	assert_int_equal(s2pt_leaf_update(&f->s2, KiB(16), D_AF, 0, false, NULL), 0);
	assert_false(raw(f, KiB(16), 3) & D_AF);
	/* Refused: the address, the descriptor type, the mark; and an unmapped IPA. */
	assert_int_equal(s2pt_leaf_update(&f->s2, KiB(16), D_ADDR, 0, false, NULL), -1);
	assert_int_equal(s2pt_leaf_update(&f->s2, KiB(16), 2, 0, false, NULL), -1);
	assert_int_equal(s2pt_leaf_update(&f->s2, KiB(16), 0, D_SW55, false, NULL), -1);
	assert_int_equal(s2pt_leaf_update(&f->s2, MiB(2), 0, D_XN0, false, NULL), -1);
	/* A block changes in place without split. */
	assert_int_equal(s2pt_map(&f->s2, MiB(2), MiB(4), MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_leaf_update(&f->s2, MiB(3), D_MEMATTR_NORMAL_WB, D_MEMATTR_DEVICE_NGNRE,
					  false, NULL), 0);
	expect_map(&f->s2, MiB(3), MiB(5), S2PT_R, S2PT_PAGE_2M, S2PT_MEM_DEVICE);
}

/* ---- s2pt_walk ---- */

#define WALK_LEAVES_MAX 1100u

struct walk_leaf {
	uint64_t ipa, pa, size;
	uint32_t prot;
	enum s2pt_mem mem;
};

struct walk_log {
	struct walk_leaf leaf[WALK_LEAVES_MAX];
	unsigned leaves;
	uint64_t table[FAKE_TABLES_MAX];
	unsigned tables;
};

static void log_leaf(void *ctx, uint64_t ipa, uint64_t pa, uint64_t size, uint32_t prot,
		     enum s2pt_mem mem)
{
	struct walk_log *w = ctx;

	assert_true(w->leaves < WALK_LEAVES_MAX);
	w->leaf[w->leaves++] = (struct walk_leaf){ ipa, pa, size, prot, mem };
}

static void log_table(void *ctx, uint64_t table_pa)
{
	struct walk_log *w = ctx;

	assert_true(w->tables < FAKE_TABLES_MAX);
	w->table[w->tables++] = table_pa;
}

static struct walk_log *walk_all(const struct s2pt *s)
{
	static struct walk_log w;
	const struct s2pt_visitor vis = { .leaf = log_leaf, .table = log_table, .ctx = &w };

	memset(&w, 0, sizeof(w));
	s2pt_walk(s, &vis);
	return &w;
}

/* Every table once, the root first, each one live in the allocator, as many as counted. */
static void expect_tables(const struct fixture *f, const struct walk_log *w)
{
	assert_int_equal(w->tables, f->s2.tables);
	assert_int_equal(w->tables, (unsigned)f->mem.live);
	assert_int_equal(w->table[0], f->s2.root_pa);
	for (unsigned i = 0; i < w->tables; i++) {
		assert_true(fake_find(&f->mem, fake_p2v(NULL, w->table[i])) >= 0);
		for (unsigned j = 0; j < i; j++)
			assert_true(w->table[j] != w->table[i]);
	}
}

static void expect_run(const struct walk_log *w, unsigned *next, uint64_t ipa, uint64_t pa,
		       uint64_t size, unsigned count, uint32_t prot, enum s2pt_mem mem)
{
	for (unsigned k = 0; k < count; k++, (*next)++) {
		const struct walk_leaf *l = &w->leaf[*next];

		assert_true(*next < w->leaves);
		assert_int_equal(l->ipa, ipa + k * size);
		assert_int_equal(l->pa, pa + k * size);
		assert_int_equal(l->size, size);
		assert_int_equal(l->prot, prot);
		assert_int_equal(l->mem, mem);
	}
}

static void test_walk_empty(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w = walk_all(&f->s2);

	assert_int_equal(w->leaves, 0);
	expect_tables(f, w);
}

static void test_walk_after_map_split_access_unmap(void **state)
{
	struct fixture *f = *state;
	uint64_t far = MiB(512); /* another level-2 table (30-bit space: the same root) */
	struct walk_log *w;
	unsigned next = 0;

	assert_int_equal(s2pt_map(&f->s2, 0, MiB(64), MiB(4), S2PT_RWX, S2PT_MEM_NORMAL), 0);
	assert_int_equal(s2pt_map(&f->s2, far, 0x9000000, KiB(8), S2PT_R | S2PT_W, S2PT_MEM_DEVICE), 0);
	w = walk_all(&f->s2);
	expect_run(w, &next, 0, MiB(64), S2PT_PAGE_2M, 2, S2PT_RWX, S2PT_MEM_NORMAL);
	expect_run(w, &next, far, 0x9000000, S2PT_PAGE_4K, 2, S2PT_R | S2PT_W, S2PT_MEM_DEVICE);
	assert_int_equal(next, w->leaves);
	expect_tables(f, w);

	assert_int_equal(s2pt_set_access(&f->s2, MiB(2) + KiB(20), 0), 0);
	assert_int_equal(s2pt_unmap(&f->s2, 0, MiB(2)), 0);
	assert_int_equal(s2pt_unmap(&f->s2, far, KiB(4)), 0);
	w = walk_all(&f->s2);
	next = 0;
	expect_run(w, &next, MiB(2), MiB(66), S2PT_PAGE_4K, 5, S2PT_RWX, S2PT_MEM_NORMAL);
	expect_run(w, &next, MiB(2) + KiB(20), MiB(66) + KiB(20), S2PT_PAGE_4K, 1, 0, S2PT_MEM_NORMAL);
	expect_run(w, &next, MiB(2) + KiB(24), MiB(66) + KiB(24), S2PT_PAGE_4K, 512 - 6, S2PT_RWX,
		   S2PT_MEM_NORMAL);
	expect_run(w, &next, far + KiB(4), 0x9001000, S2PT_PAGE_4K, 1, S2PT_R | S2PT_W,
		   S2PT_MEM_DEVICE);
	assert_int_equal(next, w->leaves);
	expect_tables(f, w);

	assert_int_equal(s2pt_unmap(&f->s2, far + KiB(4), KiB(4)), 0);
	w = walk_all(&f->s2);
	assert_int_equal(w->leaves, 512);
	expect_tables(f, w);
}

static void test_walk_remembered_block_and_top_of_space(void **state)
{
	struct fixture *f = *state;
	uint64_t top = (1ull << f->s2.ipa_bits) - MiB(2);
	struct walk_log *w;
	unsigned next = 0;

	assert_int_equal(s2pt_map(&f->s2, MiB(4), MiB(8), MiB(2), 0, S2PT_MEM_NORMAL), 0);
	assert_int_equal(raw(f, MiB(4), 2) & D_VALID, 0);
	assert_int_equal(s2pt_map(&f->s2, top, MiB(10), MiB(2), S2PT_R, S2PT_MEM_NORMAL), 0);
	w = walk_all(&f->s2);
	expect_run(w, &next, MiB(4), MiB(8), S2PT_PAGE_2M, 1, 0, S2PT_MEM_NORMAL);
	expect_run(w, &next, top, MiB(10), S2PT_PAGE_2M, 1, S2PT_R, S2PT_MEM_NORMAL);
	assert_int_equal(next, w->leaves);
	expect_tables(f, w);
	/* A remembered block splits into remembered pages, and comes back one page at a time. */
	assert_int_equal(s2pt_set_access(&f->s2, MiB(4), S2PT_R), 0);
	expect_map(&f->s2, MiB(4), MiB(8), S2PT_R, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
	expect_map(&f->s2, MiB(4) + KiB(4), MiB(8) + KiB(4), 0, S2PT_PAGE_4K, S2PT_MEM_NORMAL);
}

static void test_walk_null_callbacks(void **state)
{
	struct fixture *f = *state;
	const struct s2pt_visitor none = { 0 };

	assert_int_equal(s2pt_map(&f->s2, 0, 0, MiB(2) + KiB(4), S2PT_R, S2PT_MEM_NORMAL), 0);
	s2pt_walk(&f->s2, &none);
	s2pt_walk(&f->s2, NULL);
}

#define LEVELLED(t) \
	cmocka_unit_test_setup_teardown(t, setup_l0, teardown), \
	cmocka_unit_test_setup_teardown(t, setup_l1, teardown), \
	cmocka_unit_test_setup_teardown(t, setup_l2, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parange_bits),
		cmocka_unit_test(test_start_levels),
		cmocka_unit_test(test_vtcr),
		cmocka_unit_test(test_init_rejects_bad_arguments),
		LEVELLED(test_vttbr),
		LEVELLED(test_map_2m_blocks),
		LEVELLED(test_map_4k_when_unaligned),
		LEVELLED(test_map_mixed_sizes),
		LEVELLED(test_raw_descriptor_bits),
		LEVELLED(test_execute_only_and_device_rules),
		LEVELLED(test_set_access_splits_and_keeps_neighbours),
		LEVELLED(test_set_access_same_rights_does_not_split),
		LEVELLED(test_set_access_unmapped_fails),
		LEVELLED(test_remap_replaces),
		LEVELLED(test_unmap),
		LEVELLED(test_unmap_frees_emptied_tables_at_every_level),
		LEVELLED(test_bad_arguments),
		LEVELLED(test_alloc_failure),
		LEVELLED(test_destroy_frees_everything),
		LEVELLED(test_leaf_update),
		LEVELLED(test_walk_empty),
		LEVELLED(test_walk_after_map_split_access_unmap),
		LEVELLED(test_walk_remembered_block_and_top_of_space),
		LEVELLED(test_walk_null_callbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
