// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/npt.c with a fake table allocator: tables
 * come from aligned_alloc and "physical" addresses are the host pointers
 * moved by a fixed offset, so a mix-up of virtual and physical addresses
 * crashes under ASan instead of passing by luck.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <npt.h>

#define FAKE_PA_OFFSET 0x10000000000ull /* 1 TiB: fake pa = va + offset */
#define MiB(x) ((uint64_t)(x) << 20)
#define KiB(x) ((uint64_t)(x) << 10)
#define UNLIMITED (-1)

#define FAKE_TABLES_MAX 64

struct fake_mem {
	int live;        /* tables allocated and not freed */
	int allocs;
	int fail_after;  /* allocations that succeed before NULL; UNLIMITED */
	void *table[FAKE_TABLES_MAX]; /* the live ones, table[0 .. live) */
};

static void *fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	void *p;

	if (m->fail_after != UNLIMITED && m->allocs >= m->fail_after)
		return NULL;
	assert_true(m->live < FAKE_TABLES_MAX);
	p = aligned_alloc(NPT_PAGE_4K, NPT_PAGE_4K);
	assert_non_null(p);
	memset(p, 0, NPT_PAGE_4K);
	m->allocs++;
	m->table[m->live++] = p;
	return p;
}

/* Index of table in m->table, -1 if it is not live. */
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
	struct npt_ops ops;
	struct npt npt;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem.fail_after = UNLIMITED;
	f->ops = (struct npt_ops){ .alloc_table = fake_alloc, .free_table = fake_free,
				   .virt_to_phys = fake_v2p, .phys_to_virt = fake_p2v,
				   .ctx = &f->mem };
	assert_int_equal(npt_init(&f->npt, &f->ops), 0);
	assert_int_equal(f->npt.tables, 1);
	assert_int_equal(f->npt.root_pa, fake_v2p(NULL, f->npt.root));
	*state = f;
	return 0;
}

/* Destroy must free every table, whatever the test left behind. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	npt_destroy(&f->npt);
	assert_int_equal(f->npt.tables, 0);
	assert_null(f->npt.root);
	assert_int_equal(f->mem.live, 0);
	free(f);
	return 0;
}

/* The raw entry at level (4 = PML4 .. 1 = PT) on gpa's walk; 0 if the walk stops. */
static uint64_t raw_entry(const struct npt *n, uint64_t gpa, unsigned level)
{
	const uint64_t *t = n->root;

	for (unsigned l = 4; ; l--) {
		uint64_t e = t[(gpa >> (12 + 9 * (l - 1))) & 511];

		if (l == level)
			return e;
		if (!(e & NPT_E_P) || (e & NPT_E_PS))
			return 0;
		t = fake_p2v(NULL, e & NPT_E_ADDR_MASK);
	}
}

static void expect_map(const struct npt *n, uint64_t gpa, uint64_t hpa, uint32_t prot,
		       unsigned size)
{
	uint64_t got_hpa = 0;
	uint32_t got_prot = 0xff;
	unsigned got_size = 0;

	assert_true(npt_lookup(n, gpa, &got_hpa, &got_prot, &got_size));
	assert_int_equal(got_hpa, hpa);
	assert_int_equal(got_prot, prot);
	assert_int_equal(got_size, size);
}

static void test_init_rejects_incomplete_ops(void **state)
{
	struct fake_mem mem = { .fail_after = UNLIMITED };
	struct npt_ops ops = { .alloc_table = fake_alloc, .free_table = fake_free,
			       .virt_to_phys = fake_v2p, .ctx = &mem };
	struct npt n;

	(void)state;
	assert_int_equal(npt_init(&n, &ops), -1);  /* no phys_to_virt */
	assert_int_equal(npt_init(&n, NULL), -1);
	ops.phys_to_virt = fake_p2v;
	mem.fail_after = 0;
	assert_int_equal(npt_init(&n, &ops), -1);  /* no memory for the root */
	assert_int_equal(mem.live, 0);
}

static void test_map_2m_leaves(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(64), MiB(4), NPT_RWX), 0);
	assert_int_equal(f->npt.tables, 3); /* PML4, PDPT, PD */
	expect_map(&f->npt, MiB(2), MiB(64), NPT_RWX, NPT_PAGE_2M);
	expect_map(&f->npt, MiB(5) + 0x123, MiB(67) + 0x123, NPT_RWX, NPT_PAGE_2M);
	assert_false(npt_lookup(&f->npt, MiB(6), NULL, NULL, NULL));
	assert_false(npt_lookup(&f->npt, 0, NULL, NULL, NULL));
}

static void test_map_4k_when_unaligned(void **state)
{
	struct fixture *f = *state;

	/* gpa 2 MiB aligned, hpa only 4 KiB aligned: 512 small leaves. */
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(64) + KiB(4), MiB(2), NPT_R | NPT_W), 0);
	assert_int_equal(f->npt.tables, 4);
	expect_map(&f->npt, MiB(2), MiB(64) + KiB(4), NPT_R | NPT_W, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(4) - KiB(4), MiB(66), NPT_R | NPT_W, NPT_PAGE_4K);
}

static void test_map_mixed_sizes(void **state)
{
	struct fixture *f = *state;

	/* 4 KiB below the boundary, a 2 MiB leaf, then 8 KiB of small leaves. */
	assert_int_equal(npt_map(&f->npt, MiB(2) - KiB(4), MiB(8) - KiB(4),
				 KiB(4) + MiB(2) + KiB(8), NPT_R), 0);
	expect_map(&f->npt, MiB(2) - KiB(4), MiB(8) - KiB(4), NPT_R, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(2), MiB(8), NPT_R, NPT_PAGE_2M);
	expect_map(&f->npt, MiB(4), MiB(10), NPT_R, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(4) + KiB(4), MiB(10) + KiB(4), NPT_R, NPT_PAGE_4K);
	assert_false(npt_lookup(&f->npt, MiB(4) + KiB(8), NULL, NULL, NULL));
	assert_int_equal(f->npt.tables, 5); /* two page tables */
}

static void test_raw_entry_bits(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(npt_map(&f->npt, 0, MiB(2), MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(4), MiB(2), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, MiB(4), MiB(6) + KiB(4), KiB(4), NPT_R | NPT_X), 0);
	/* Non-leaf levels: present, writable, user, nothing else but the address. */
	for (unsigned l = 4; l >= 3; l--) {
		e = raw_entry(&f->npt, 0, l);
		assert_int_equal(e & ~NPT_E_ADDR_MASK, NPT_E_P | NPT_E_RW | NPT_E_US);
	}
	e = raw_entry(&f->npt, 0, 2);
	assert_int_equal(e & NPT_E_ADDR_MASK, MiB(2));
	assert_true(e & NPT_E_P && e & NPT_E_RW && e & NPT_E_US && e & NPT_E_PS);
	assert_false(e & NPT_E_NX);
	e = raw_entry(&f->npt, MiB(2), 2);
	assert_true(e & NPT_E_PS && e & NPT_E_US && e & NPT_E_NX);
	assert_false(e & NPT_E_RW);
	e = raw_entry(&f->npt, MiB(4), 2); /* a page table's PDE */
	assert_int_equal(e & ~NPT_E_ADDR_MASK, NPT_E_TABLE);
	e = raw_entry(&f->npt, MiB(4), 1);
	assert_int_equal(e & NPT_E_ADDR_MASK, MiB(6) + KiB(4));
	assert_true(e & NPT_E_P && e & NPT_E_US);
	assert_false(e & (NPT_E_RW | NPT_E_NX | NPT_E_PS));
}

static void test_set_access_splits_and_keeps_neighbours(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(64), MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_set_access(&f->npt, MiB(2) + KiB(20), NPT_R), 0);
	assert_int_equal(f->npt.tables, 4);
	expect_map(&f->npt, MiB(2) + KiB(20), MiB(64) + KiB(20), NPT_R, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(2) + KiB(16), MiB(64) + KiB(16), NPT_RWX, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(2) + KiB(24), MiB(64) + KiB(24), NPT_RWX, NPT_PAGE_4K);
	for (uint64_t off = 0; off < MiB(2); off += KiB(4)) {
		uint64_t hpa;

		assert_true(npt_lookup(&f->npt, MiB(2) + off, &hpa, NULL, NULL));
		assert_int_equal(hpa, MiB(64) + off);
	}
	/* Not present, but the address survives, and rights bring it back. */
	assert_int_equal(npt_set_access(&f->npt, MiB(2) + KiB(20) + 0x10, 0), 0);
	e = raw_entry(&f->npt, MiB(2) + KiB(20), 1);
	assert_false(e & NPT_E_P);
	assert_int_equal(e & NPT_E_ADDR_MASK, MiB(64) + KiB(20));
	expect_map(&f->npt, MiB(2) + KiB(20), MiB(64) + KiB(20), 0, NPT_PAGE_4K);
	assert_int_equal(npt_set_access(&f->npt, MiB(2) + KiB(20), NPT_R | NPT_W), 0);
	expect_map(&f->npt, MiB(2) + KiB(20), MiB(64) + KiB(20), NPT_R | NPT_W, NPT_PAGE_4K);
	assert_int_equal(f->npt.tables, 4);
}

static void test_set_access_same_rights_does_not_split(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, 0, MiB(2), NPT_R | NPT_W), 0);
	assert_int_equal(npt_set_access(&f->npt, KiB(8), NPT_R | NPT_W), 0);
	assert_int_equal(f->npt.tables, 3);
	expect_map(&f->npt, KiB(8), KiB(8), NPT_R | NPT_W, NPT_PAGE_2M);
}

static void test_set_access_unmapped_fails(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_set_access(&f->npt, MiB(2), NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(2), KiB(4), NPT_R), 0);
	assert_int_equal(npt_set_access(&f->npt, MiB(2) + KiB(4), NPT_R), -1);
	assert_int_equal(npt_set_access(&f->npt, NPT_GPA_LIMIT, NPT_R), -1);
}

static void test_remap_replaces(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(10), KiB(4), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(12), KiB(4), NPT_RWX), 0);
	expect_map(&f->npt, MiB(2), MiB(12), NPT_RWX, NPT_PAGE_4K);
	assert_int_equal(f->npt.tables, 4);
	/* A 2 MiB mapping over a page table frees the table. */
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(20), MiB(2), NPT_R), 0);
	assert_int_equal(f->npt.tables, 3);
	expect_map(&f->npt, MiB(2) + KiB(4), MiB(20) + KiB(4), NPT_R, NPT_PAGE_2M);
	/* A 4 KiB mapping inside a 2 MiB leaf splits it. */
	assert_int_equal(npt_map(&f->npt, MiB(3), MiB(30), KiB(4), NPT_RWX), 0);
	expect_map(&f->npt, MiB(3), MiB(30), NPT_RWX, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(3) + KiB(4), MiB(21) + KiB(4), NPT_R, NPT_PAGE_4K);
}

static void test_unmap(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, MiB(64), MiB(4), NPT_RWX), 0);
	/* One page out of a 2 MiB leaf: split, neighbours stay. */
	assert_int_equal(npt_unmap(&f->npt, KiB(8), KiB(4)), 0);
	assert_false(npt_lookup(&f->npt, KiB(8), NULL, NULL, NULL));
	expect_map(&f->npt, KiB(4), MiB(64) + KiB(4), NPT_RWX, NPT_PAGE_4K);
	expect_map(&f->npt, KiB(12), MiB(64) + KiB(12), NPT_RWX, NPT_PAGE_4K);
	assert_int_equal(f->npt.tables, 4);
	/* The whole first 2 MiB: its page table goes. */
	assert_int_equal(npt_unmap(&f->npt, 0, MiB(2)), 0);
	assert_int_equal(f->npt.tables, 3);
	assert_false(npt_lookup(&f->npt, KiB(4), NULL, NULL, NULL));
	expect_map(&f->npt, MiB(2), MiB(66), NPT_RWX, NPT_PAGE_2M);
	/* Unmapping holes and the rest is fine. */
	assert_int_equal(npt_unmap(&f->npt, 0, MiB(8)), 0);
	assert_false(npt_lookup(&f->npt, MiB(2), NULL, NULL, NULL));
	assert_int_equal(npt_unmap(&f->npt, 0x1001, KiB(4)), -1);
}

static void test_unmap_last_small_page_frees_table(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(2), KiB(8), NPT_R), 0);
	assert_int_equal(f->npt.tables, 4);
	assert_int_equal(npt_unmap(&f->npt, MiB(2), KiB(4)), 0);
	assert_int_equal(f->npt.tables, 4);
	assert_int_equal(npt_unmap(&f->npt, MiB(2) + KiB(4), KiB(4)), 0);
	assert_int_equal(f->npt.tables, 3);
	assert_int_equal(raw_entry(&f->npt, MiB(2), 2), 0);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0x800, 0, KiB(4), NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, 0, 0x800, KiB(4), NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, 0, 0, 0x800, NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, NPT_GPA_LIMIT - KiB(4), 0, KiB(8), NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, 0, NPT_HPA_LIMIT, KiB(4), NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, ~0ull & ~0xfffull, 0, KiB(8), NPT_R), -1);
	assert_int_equal(npt_map(&f->npt, NPT_GPA_LIMIT - KiB(4), 0, KiB(4), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, 0, 0, 0, NPT_R), 0); /* nothing to do */
	assert_int_equal(f->npt.tables, 4);
}

static void test_alloc_failure(void **state)
{
	struct fixture *f = *state;

	f->mem.fail_after = f->mem.allocs + 2; /* PDPT and PD, but no page table */
	assert_int_equal(npt_map(&f->npt, 0, KiB(4), KiB(4), NPT_R), -1);
	assert_false(npt_lookup(&f->npt, 0, NULL, NULL, NULL));
	assert_int_equal(npt_map(&f->npt, 0, 0, MiB(2), NPT_R), 0); /* no new table needed */
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_RWX), -1); /* split needs one */
	assert_int_equal(npt_unmap(&f->npt, KiB(4), KiB(4)), -1);
	expect_map(&f->npt, KiB(4), KiB(4), NPT_R, NPT_PAGE_2M);
	assert_int_equal(f->npt.tables, (unsigned)f->mem.live);
}

static void test_destroy_frees_everything(void **state)
{
	struct fixture *f = *state;

	for (uint64_t g = 0; g < MiB(16); g += MiB(2))
		assert_int_equal(npt_map(&f->npt, g, g + KiB(4), MiB(2), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, MiB(1024) * 512, 0, MiB(2), NPT_R), 0);
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_RWX), 0);
	assert_int_equal(f->npt.tables, (unsigned)f->mem.live);
	assert_true(f->mem.live > 10);
	/* teardown checks that destroy leaves nothing live */
}

/* ---- npt_walk ---- */

#define WALK_LEAVES_MAX 2048u

struct walk_leaf {
	uint64_t gpa, hpa, size;
	uint32_t prot;
};

/* What one walk reported, in order. */
struct walk_log {
	struct walk_leaf leaf[WALK_LEAVES_MAX];
	unsigned leaves;
	uint64_t table[FAKE_TABLES_MAX];
	unsigned tables;
};

static void log_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	struct walk_log *w = ctx;

	assert_true(w->leaves < WALK_LEAVES_MAX);
	w->leaf[w->leaves++] = (struct walk_leaf){ gpa, hpa, size, prot };
}

static void log_table(void *ctx, uint64_t table_pa)
{
	struct walk_log *w = ctx;

	assert_true(w->tables < FAKE_TABLES_MAX);
	w->table[w->tables++] = table_pa;
}

static struct walk_log *walk_all(const struct npt *n)
{
	static struct walk_log w;
	const struct npt_visitor vis = { .leaf = log_leaf, .table = log_table, .ctx = &w };

	memset(&w, 0, sizeof(w));
	npt_walk(n, &vis);
	return &w;
}

/*
 * Every table reported once, the root first, each one the allocator handed
 * out and has not taken back, and as many as the NPT counts.
 */
static void expect_tables(const struct fixture *f, const struct walk_log *w)
{
	assert_int_equal(w->tables, f->npt.tables);
	assert_int_equal(w->tables, (unsigned)f->mem.live);
	assert_int_equal(w->table[0], f->npt.root_pa);
	for (unsigned i = 0; i < w->tables; i++) {
		assert_true(fake_find(&f->mem, fake_p2v(NULL, w->table[i])) >= 0);
		for (unsigned j = 0; j < i; j++)
			assert_true(w->table[j] != w->table[i]);
	}
}

/* Leaves from *next on are the `count` pages of one run: gpa, hpa step by size together. */
static void expect_run(const struct walk_log *w, unsigned *next, uint64_t gpa, uint64_t hpa,
		       uint64_t size, unsigned count, uint32_t prot)
{
	for (unsigned k = 0; k < count; k++, (*next)++) {
		const struct walk_leaf *l = &w->leaf[*next];

		assert_true(*next < w->leaves);
		assert_int_equal(l->gpa, gpa + k * size);
		assert_int_equal(l->hpa, hpa + k * size);
		assert_int_equal(l->size, size);
		assert_int_equal(l->prot, prot);
	}
}

static void test_walk_empty(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w = walk_all(&f->npt);

	assert_int_equal(w->leaves, 0);
	assert_int_equal(w->tables, 1);
	expect_tables(f, w);
}

static void test_walk_after_map_split_access_unmap(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w;
	unsigned next = 0;

	/* Two 2 MiB leaves, and two 4 KiB leaves under another PDPT entry. */
	assert_int_equal(npt_map(&f->npt, 0, MiB(64), MiB(4), NPT_RWX), 0);
	assert_int_equal(npt_map(&f->npt, MiB(1024), MiB(128) + KiB(4), KiB(8), NPT_R), 0);
	w = walk_all(&f->npt);
	expect_run(w, &next, 0, MiB(64), NPT_PAGE_2M, 2, NPT_RWX);
	expect_run(w, &next, MiB(1024), MiB(128) + KiB(4), NPT_PAGE_4K, 2, NPT_R);
	assert_int_equal(next, w->leaves);
	assert_int_equal(f->npt.tables, 5); /* PML4, PDPT, a PD for each GiB, one PT */
	expect_tables(f, w);

	/* Split the second 2 MiB leaf by taking one page away (kept, not present). */
	assert_int_equal(npt_set_access(&f->npt, MiB(2) + KiB(20), 0), 0);
	/* Unmap the first 2 MiB leaf and the first small page at 1 GiB. */
	assert_int_equal(npt_unmap(&f->npt, 0, MiB(2)), 0);
	assert_int_equal(npt_unmap(&f->npt, MiB(1024), KiB(4)), 0);
	w = walk_all(&f->npt);
	next = 0;
	expect_run(w, &next, MiB(2), MiB(66), NPT_PAGE_4K, 5, NPT_RWX);
	expect_run(w, &next, MiB(2) + KiB(20), MiB(66) + KiB(20), NPT_PAGE_4K, 1, 0);
	expect_run(w, &next, MiB(2) + KiB(24), MiB(66) + KiB(24), NPT_PAGE_4K, 512 - 6, NPT_RWX);
	expect_run(w, &next, MiB(1024) + KiB(4), MiB(128) + KiB(8), NPT_PAGE_4K, 1, NPT_R);
	assert_int_equal(next, w->leaves);
	assert_int_equal(f->npt.tables, 6);
	expect_tables(f, w);

	/* The last page at 1 GiB: its page table goes, and the walk sees one table less. */
	assert_int_equal(npt_unmap(&f->npt, MiB(1024) + KiB(4), KiB(4)), 0);
	w = walk_all(&f->npt);
	assert_int_equal(w->leaves, 512);
	assert_int_equal(f->npt.tables, 5);
	expect_tables(f, w);
}

static void test_walk_not_present_2m_leaf(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w;
	unsigned next = 0;

	assert_int_equal(npt_map(&f->npt, MiB(4), MiB(8), MiB(2), 0), 0); /* remembered, not present */
	assert_int_equal(npt_map(&f->npt, MiB(6), MiB(10), MiB(2), NPT_R | NPT_W), 0);
	w = walk_all(&f->npt);
	expect_run(w, &next, MiB(4), MiB(8), NPT_PAGE_2M, 1, 0);
	expect_run(w, &next, MiB(6), MiB(10), NPT_PAGE_2M, 1, NPT_R | NPT_W);
	assert_int_equal(next, w->leaves);
	expect_tables(f, w);
}

/* Ascending gpa across PML4 entries, and up to the last page of the 48-bit space. */
static void test_walk_order_and_top_of_space(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w;
	unsigned next = 0;

	assert_int_equal(npt_map(&f->npt, NPT_GPA_LIMIT - KiB(4), MiB(2), KiB(4), NPT_X | NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, MiB(1024) * 512, MiB(4), MiB(2), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, KiB(4), MiB(6), KiB(4), NPT_RWX), 0);
	w = walk_all(&f->npt);
	expect_run(w, &next, KiB(4), MiB(6), NPT_PAGE_4K, 1, NPT_RWX);
	expect_run(w, &next, MiB(1024) * 512, MiB(4), NPT_PAGE_2M, 1, NPT_R);
	expect_run(w, &next, NPT_GPA_LIMIT - KiB(4), MiB(2), NPT_PAGE_4K, 1, NPT_R | NPT_X);
	assert_int_equal(next, w->leaves);
	assert_int_equal(w->tables, 1 + 3 + 2 + 3); /* root; PDPT, PD (and PT for 4 KiB) each */
	expect_tables(f, w);
}

/* The entry at level on gpa's walk, whose tables must exist down to level. */
static uint64_t *raw_slot(const struct npt *n, uint64_t gpa, unsigned level)
{
	uint64_t *t = n->root;

	for (unsigned l = 4; l > level; l--) {
		uint64_t e = t[(gpa >> (12 + 9 * (l - 1))) & 511];

		assert_true((e & NPT_E_P) && !(e & NPT_E_PS));
		t = fake_p2v(NULL, e & NPT_E_ADDR_MASK);
	}
	return &t[(gpa >> (12 + 9 * (level - 1))) & 511];
}

/*
 * Entries this module never writes (no AVL leaf mark) still reach host
 * memory for the CPU; the walk reports them as the CPU would use them,
 * which is what a reachability proof needs.
 */
static void test_walk_reports_foreign_entries_as_the_cpu_sees_them(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w;
	unsigned next = 0;

	assert_int_equal(npt_map(&f->npt, 0, MiB(6), KiB(4), NPT_R), 0);
	*raw_slot(&f->npt, KiB(4), 1) = 0xdead000ull | NPT_E_P | NPT_E_US;
	*raw_slot(&f->npt, MiB(2), 2) = MiB(512) | NPT_E_P | NPT_E_RW | NPT_E_US | NPT_E_PS;
	assert_false(npt_lookup(&f->npt, KiB(4), NULL, NULL, NULL)); /* the module's own view */
	w = walk_all(&f->npt);
	expect_run(w, &next, 0, MiB(6), NPT_PAGE_4K, 1, NPT_R);
	expect_run(w, &next, KiB(4), 0xdead000ull, NPT_PAGE_4K, 1, NPT_RWX & ~NPT_W);
	expect_run(w, &next, MiB(2), MiB(512), NPT_PAGE_2M, 1, NPT_RWX);
	assert_int_equal(next, w->leaves);
	*raw_slot(&f->npt, KiB(4), 1) = 0;
	*raw_slot(&f->npt, MiB(2), 2) = 0;
}

static unsigned counted;

static void count_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	(void)ctx, (void)gpa, (void)hpa, (void)size, (void)prot;
	counted++;
}

static void count_table(void *ctx, uint64_t table_pa)
{
	(void)ctx, (void)table_pa;
	counted += 1000;
}

static void test_walk_null_callbacks(void **state)
{
	struct fixture *f = *state;
	struct npt none = { 0 };
	const struct npt_visitor leaves_only = { .leaf = count_leaf };
	const struct npt_visitor tables_only = { .table = count_table };
	const struct npt_visitor neither = { 0 };

	assert_int_equal(npt_map(&f->npt, 0, 0, MiB(2) + KiB(8), NPT_R), 0);
	counted = 0;
	npt_walk(&f->npt, &leaves_only);
	assert_int_equal(counted, 3);
	counted = 0;
	npt_walk(&f->npt, &tables_only);
	assert_int_equal(counted, 4000); /* PML4, PDPT, PD, PT */
	npt_walk(&f->npt, &neither);
	npt_walk(&f->npt, NULL);
	counted = 0;
	npt_walk(&none, &leaves_only); /* no root: nothing */
	npt_walk(&none, &tables_only);
	assert_int_equal(counted, 0);
}

#define NPT_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_incomplete_ops),
		NPT_TEST(test_map_2m_leaves),
		NPT_TEST(test_map_4k_when_unaligned),
		NPT_TEST(test_map_mixed_sizes),
		NPT_TEST(test_raw_entry_bits),
		NPT_TEST(test_set_access_splits_and_keeps_neighbours),
		NPT_TEST(test_set_access_same_rights_does_not_split),
		NPT_TEST(test_set_access_unmapped_fails),
		NPT_TEST(test_remap_replaces),
		NPT_TEST(test_unmap),
		NPT_TEST(test_unmap_last_small_page_frees_table),
		NPT_TEST(test_bad_arguments),
		NPT_TEST(test_alloc_failure),
		NPT_TEST(test_destroy_frees_everything),
		NPT_TEST(test_walk_empty),
		NPT_TEST(test_walk_after_map_split_access_unmap),
		NPT_TEST(test_walk_not_present_2m_leaf),
		NPT_TEST(test_walk_order_and_top_of_space),
		NPT_TEST(test_walk_reports_foreign_entries_as_the_cpu_sees_them),
		NPT_TEST(test_walk_null_callbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
