// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/npt.c with a fake table allocator: tables
 * come from aligned_alloc and "physical" addresses are the host pointers
 * moved by a fixed offset, so a mix-up of virtual and physical addresses
 * crashes under ASan instead of passing by luck.
 *
 * The format-neutral tests run twice, once per entry format ("amd/...",
 * "ept/..."); the raw bits each format must produce are written down here
 * independently of npt.c (struct fmt_expect), from the APM and the SDM.
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

/* What one entry format must look like in memory. */
struct fmt_expect {
	const struct npt_format *fmt;
	uint64_t present;  /* the CPU uses an entry iff one of these is set */
	uint64_t large;    /* PDE: 2 MiB leaf */
	uint64_t table;    /* every non-address bit of a non-leaf entry */
};

/* APM Vol 2 section 5.3: P, RW, US on every level; PS bit 7. */
static const struct fmt_expect amd = {
	.fmt = &npt_format_amd, .present = 1ull << 0, .large = 1ull << 7,
	.table = (1ull << 0) | (1ull << 1) | (1ull << 2),
};

/* SDM Vol 3C Tables 29-1..29-6: present iff any of bits 2:0; bit 7 in a PDE; R|W|X above. */
static const struct fmt_expect ept = {
	.fmt = &npt_format_ept, .present = 7ull, .large = 1ull << 7, .table = 7ull,
};

struct fixture {
	struct fake_mem mem;
	struct npt_ops ops;
	struct npt npt;
	const struct fmt_expect *x;
};

static int setup_fmt(void **state, const struct fmt_expect *x)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem.fail_after = UNLIMITED;
	f->x = x;
	f->ops = (struct npt_ops){ .alloc_table = fake_alloc, .free_table = fake_free,
				   .virt_to_phys = fake_v2p, .phys_to_virt = fake_p2v,
				   .ctx = &f->mem };
	assert_int_equal(npt_init(&f->npt, &f->ops, x->fmt), 0);
	assert_int_equal(f->npt.tables, 1);
	assert_ptr_equal(f->npt.fmt, x->fmt);
	assert_int_equal(f->npt.root_pa, fake_v2p(NULL, f->npt.root));
	*state = f;
	return 0;
}

static int setup_amd(void **state)
{
	return setup_fmt(state, &amd);
}

static int setup_ept(void **state)
{
	return setup_fmt(state, &ept);
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
static uint64_t raw_entry_x(const struct npt *n, const struct fmt_expect *x, uint64_t gpa,
			    unsigned level)
{
	const uint64_t *t = n->root;

	for (unsigned l = 4; ; l--) {
		uint64_t e = t[(gpa >> (12 + 9 * (l - 1))) & 511];

		if (l == level)
			return e;
		if (!(e & x->present) || (e & x->large))
			return 0;
		t = fake_p2v(NULL, e & NPT_E_ADDR_MASK);
	}
}

static uint64_t raw_entry(const struct fixture *f, uint64_t gpa, unsigned level)
{
	return raw_entry_x(&f->npt, f->x, gpa, level);
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
	assert_int_equal(npt_init(&n, &ops, &npt_format_amd), -1);  /* no phys_to_virt */
	assert_int_equal(npt_init(&n, NULL, &npt_format_ept), -1);
	ops.phys_to_virt = fake_p2v;
	assert_int_equal(npt_init(&n, &ops, NULL), -1);  /* no format */
	assert_int_equal(mem.live, 0);
	mem.fail_after = 0;
	assert_int_equal(npt_init(&n, &ops, &npt_format_ept), -1);  /* no memory for the root */
	assert_int_equal(mem.live, 0);
	/* Nothing to walk, look up or point at after a failed init. */
	assert_false(npt_lookup(&n, 0, NULL, NULL, NULL));
	assert_int_equal(npt_ept_pointer(&n, false), 0);
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

static void test_raw_entry_bits_amd(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(npt_map(&f->npt, 0, MiB(2), MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(4), MiB(2), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, MiB(4), MiB(6) + KiB(4), KiB(4), NPT_R | NPT_X), 0);
	/* Non-leaf levels: present, writable, user, nothing else but the address. */
	for (unsigned l = 4; l >= 3; l--) {
		e = raw_entry(f, 0, l);
		assert_int_equal(e & ~NPT_E_ADDR_MASK, NPT_E_P | NPT_E_RW | NPT_E_US);
	}
	e = raw_entry(f, 0, 2);
	assert_int_equal(e & NPT_E_ADDR_MASK, MiB(2));
	assert_true(e & NPT_E_P && e & NPT_E_RW && e & NPT_E_US && e & NPT_E_PS);
	assert_false(e & NPT_E_NX);
	e = raw_entry(f, MiB(2), 2);
	assert_true(e & NPT_E_PS && e & NPT_E_US && e & NPT_E_NX);
	assert_false(e & NPT_E_RW);
	e = raw_entry(f, MiB(4), 2); /* a page table's PDE */
	assert_int_equal(e & ~NPT_E_ADDR_MASK, NPT_E_TABLE);
	e = raw_entry(f, MiB(4), 1);
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
	e = raw_entry(f, MiB(2) + KiB(20), 1);
	assert_false(e & f->x->present);
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
	assert_int_equal(raw_entry(f, MiB(2), 2), 0);
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
static uint64_t *raw_slot(const struct fixture *f, uint64_t gpa, unsigned level)
{
	uint64_t *t = f->npt.root;

	for (unsigned l = 4; l > level; l--) {
		uint64_t e = t[(gpa >> (12 + 9 * (l - 1))) & 511];

		assert_true((e & f->x->present) && !(e & f->x->large));
		t = fake_p2v(NULL, e & NPT_E_ADDR_MASK);
	}
	return &t[(gpa >> (12 + 9 * (level - 1))) & 511];
}

/*
 * Entries this module never writes (no leaf mark) still reach host memory
 * for the CPU; the walk reports them as the CPU would use them, which is
 * what a reachability proof needs. pte_rx: a 4 KiB leaf with R and X;
 * pde_rwx: a 2 MiB leaf with every right (both without the address).
 */
static void expect_foreign_entries_walked(struct fixture *f, uint64_t pte_rx, uint64_t pde_rwx)
{
	struct walk_log *w;
	unsigned next = 0;

	assert_int_equal(npt_map(&f->npt, 0, MiB(6), KiB(4), NPT_R), 0);
	*raw_slot(f, KiB(4), 1) = 0xdead000ull | pte_rx;
	*raw_slot(f, MiB(2), 2) = MiB(512) | pde_rwx;
	assert_false(npt_lookup(&f->npt, KiB(4), NULL, NULL, NULL)); /* the module's own view */
	w = walk_all(&f->npt);
	expect_run(w, &next, 0, MiB(6), NPT_PAGE_4K, 1, NPT_R);
	expect_run(w, &next, KiB(4), 0xdead000ull, NPT_PAGE_4K, 1, NPT_RWX & ~NPT_W);
	expect_run(w, &next, MiB(2), MiB(512), NPT_PAGE_2M, 1, NPT_RWX);
	assert_int_equal(next, w->leaves);
	*raw_slot(f, KiB(4), 1) = 0;
	*raw_slot(f, MiB(2), 2) = 0;
}

static void test_walk_reports_foreign_entries_amd(void **state)
{
	expect_foreign_entries_walked(*state, NPT_E_P | NPT_E_US,
				      NPT_E_P | NPT_E_RW | NPT_E_US | NPT_E_PS);
}

static void test_walk_reports_foreign_entries_ept(void **state)
{
	/* R|X, UC memory type (0); R|W|X with bit 7 */
	expect_foreign_entries_walked(*state, (1ull << 0) | (1ull << 2), 7ull | (1ull << 7));
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

/* ---- EPT entry bits, written down from SDM Vol 3C Tables 29-1..29-6 ---- */

#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_MT_WB (6ull << 3)  /* bits 5:3 = 6 */
#define EPT_IPAT (1ull << 6)
#define EPT_2M (1ull << 7)
#define EPT_MINE (1ull << 11)  /* ignored by the CPU, the module's leaf mark */
#define EPT_SPP (1ull << 61)

static void test_raw_entry_bits_ept(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(npt_map(&f->npt, 0, MiB(2), MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(4), MiB(2), NPT_R), 0);
	assert_int_equal(npt_map(&f->npt, MiB(4), MiB(6) + KiB(4), KiB(4), NPT_R | NPT_X), 0);
	/* Non-leaf levels: R|W|X and the address, nothing else (no memory type, no bit 7). */
	for (unsigned l = 4; l >= 3; l--)
		assert_int_equal(raw_entry(f, 0, l) & ~NPT_E_ADDR_MASK, EPT_R | EPT_W | EPT_X);
	e = raw_entry(f, 0, 2);
	assert_int_equal(e & NPT_E_ADDR_MASK, MiB(2));
	assert_int_equal(e & ~NPT_E_ADDR_MASK, EPT_R | EPT_W | EPT_X | EPT_MT_WB | EPT_2M | EPT_MINE);
	e = raw_entry(f, MiB(2), 2);
	assert_int_equal(e & ~NPT_E_ADDR_MASK, EPT_R | EPT_MT_WB | EPT_2M | EPT_MINE);
	assert_false(e & EPT_IPAT);
	e = raw_entry(f, MiB(4), 2); /* a page table's PDE */
	assert_int_equal(e & ~NPT_E_ADDR_MASK, EPT_R | EPT_W | EPT_X);
	e = raw_entry(f, MiB(4), 1);
	assert_int_equal(e & NPT_E_ADDR_MASK, MiB(6) + KiB(4));
	assert_int_equal(e & ~NPT_E_ADDR_MASK, EPT_R | EPT_X | EPT_MT_WB | EPT_MINE);
	/* The header's names are the SDM's bits. */
	assert_int_equal(NPT_EPT_R | NPT_EPT_W | NPT_EPT_X, EPT_R | EPT_W | EPT_X);
	assert_int_equal(NPT_EPT_MT_WB, EPT_MT_WB);
	assert_int_equal(NPT_EPT_LARGE, EPT_2M);
	assert_int_equal(NPT_EPT_LEAF, EPT_MINE);
	assert_int_equal(NPT_EPT_SPP, EPT_SPP);
}

static void test_amd_any_right_implies_read(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, MiB(2), KiB(4), NPT_W), 0);
	assert_int_equal(npt_map(&f->npt, KiB(4), MiB(2), KiB(4), NPT_X), 0);
	expect_map(&f->npt, 0, MiB(2), NPT_R | NPT_W, NPT_PAGE_4K);
	expect_map(&f->npt, KiB(4), MiB(2), NPT_R | NPT_X, NPT_PAGE_4K);
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_W | NPT_X), 0);
	expect_map(&f->npt, KiB(4), MiB(2), NPT_RWX, NPT_PAGE_4K);
}

/* SDM 29.3.3.1: an entry with W = 1 and R = 0 is an EPT misconfiguration. */
static void test_ept_write_without_read_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, MiB(2), KiB(4), NPT_W), -1);
	assert_int_equal(npt_map(&f->npt, 0, MiB(2), MiB(2), NPT_W | NPT_X), -1);
	assert_false(npt_lookup(&f->npt, 0, NULL, NULL, NULL));
	assert_int_equal(f->npt.tables, 1); /* refused before any table was made */
	assert_int_equal(npt_map(&f->npt, 0, MiB(2), MiB(2), NPT_R), 0);
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_W), -1);
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_W | NPT_X), -1);
	expect_map(&f->npt, KiB(4), MiB(2) + KiB(4), NPT_R, NPT_PAGE_2M); /* untouched, not split */
	assert_int_equal(f->npt.tables, 3);
}

static void test_ept_execute_only(void **state)
{
	struct fixture *f = *state;
	struct walk_log *w;
	uint64_t e;

	assert_int_equal(npt_map(&f->npt, KiB(4), MiB(2), KiB(4), NPT_X), 0);
	e = raw_entry(f, KiB(4), 1);
	assert_int_equal(e, MiB(2) | EPT_X | EPT_MT_WB | EPT_MINE);
	expect_map(&f->npt, KiB(4), MiB(2), NPT_X, NPT_PAGE_4K);
	w = walk_all(&f->npt);
	assert_int_equal(w->leaves, 1);
	assert_int_equal(w->leaf[0].prot, NPT_X);
}

static void test_ept_not_present_leaf_remembers_address(void **state)
{
	struct fixture *f = *state;
	uint64_t e;

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(8), MiB(2), 0), 0);
	e = raw_entry(f, MiB(2), 2);
	assert_int_equal(e, MiB(8) | EPT_MT_WB | EPT_2M | EPT_MINE); /* bits 2:0 clear: not present */
	expect_map(&f->npt, MiB(3), MiB(9), 0, NPT_PAGE_2M);
	/* Bring one page back: the split leaves keep the address, rights 0. */
	assert_int_equal(npt_set_access(&f->npt, MiB(3), NPT_R | NPT_W), 0);
	expect_map(&f->npt, MiB(3), MiB(9), NPT_R | NPT_W, NPT_PAGE_4K);
	expect_map(&f->npt, MiB(3) + KiB(4), MiB(9) + KiB(4), 0, NPT_PAGE_4K);
	assert_int_equal(raw_entry(f, MiB(3) + KiB(4), 1), (MiB(9) + KiB(4)) | EPT_MT_WB | EPT_MINE);
}

/* ---- Leaf flags (EPT sub-page write permissions, SDM 29.3.4) ---- */

static uint64_t flags_of(const struct npt *n, uint64_t gpa)
{
	uint64_t flags = 0xbad;

	assert_true(npt_leaf_flags(n, gpa, &flags));
	return flags;
}

static void test_amd_has_no_leaf_flags(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, 0, MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_E_LEAF, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), 0, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, false), -1);
	assert_int_equal(f->npt.tables, 3); /* nothing split */
	assert_int_equal(flags_of(&f->npt, KiB(4)), 0);
	assert_false(npt_leaf_flags(&f->npt, MiB(2), NULL));
}

static void test_spp_flag_splits_and_marks_one_page(void **state)
{
	struct fixture *f = *state;
	const uint64_t page = MiB(2) + KiB(8);

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(64), MiB(2), NPT_R | NPT_X), 0);
	assert_int_equal(flags_of(&f->npt, page), 0); /* a 2 MiB leaf has none */
	assert_int_equal(npt_set_leaf_flags(&f->npt, page + 0x123, NPT_EPT_SPP, true), 0);
	assert_int_equal(f->npt.tables, 4);
	assert_int_equal(raw_entry(f, page, 1),
			 (MiB(64) + KiB(8)) | EPT_R | EPT_X | EPT_MT_WB | EPT_MINE | EPT_SPP);
	assert_int_equal(flags_of(&f->npt, page), NPT_EPT_SPP);
	assert_int_equal(flags_of(&f->npt, page + KiB(4) - 1), NPT_EPT_SPP);
	assert_int_equal(flags_of(&f->npt, page - KiB(4)), 0);
	assert_int_equal(flags_of(&f->npt, page + KiB(4)), 0);
	assert_false(raw_entry(f, page + KiB(4), 1) & EPT_SPP);
	expect_map(&f->npt, page, MiB(64) + KiB(8), NPT_R | NPT_X, NPT_PAGE_4K);
	/* Again: nothing changes. */
	assert_int_equal(npt_set_leaf_flags(&f->npt, page, NPT_EPT_SPP, true), 0);
	assert_int_equal(f->npt.tables, 4);
	assert_int_equal(flags_of(&f->npt, page), NPT_EPT_SPP);
	assert_true(npt_leaf_flags(&f->npt, page, NULL));
}

static void test_spp_flag_rejects_other_flags_and_unmapped(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, 0, KiB(4), NPT_R), 0);
	assert_int_equal(npt_set_leaf_flags(&f->npt, 0, 0, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, 0, 1ull << 60, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, 0, NPT_EPT_SPP | (1ull << 62), true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, 0, EPT_MINE, false), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, 0, EPT_W, true), -1);
	assert_int_equal(flags_of(&f->npt, 0), 0);
	assert_int_equal(raw_entry(f, 0, 1), EPT_R | EPT_MT_WB | EPT_MINE);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, MiB(2), NPT_EPT_SPP, true), -1);
	assert_int_equal(npt_set_leaf_flags(&f->npt, NPT_GPA_LIMIT, NPT_EPT_SPP, true), -1);
	assert_false(npt_leaf_flags(&f->npt, KiB(4), NULL));
	assert_false(npt_leaf_flags(&f->npt, NPT_GPA_LIMIT, NULL));
	assert_int_equal(f->npt.tables, 4);
}

static void test_spp_flag_survives_set_access_and_remap(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, KiB(4), MiB(2), KiB(4), NPT_R | NPT_W), 0);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, true), 0);
	/* Write-protect it, the way sub-page permissions are used. */
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_R), 0);
	assert_int_equal(raw_entry(f, KiB(4), 1), MiB(2) | EPT_R | EPT_MT_WB | EPT_MINE | EPT_SPP);
	/* Not present still remembers both the address and the flag. */
	assert_int_equal(npt_set_access(&f->npt, KiB(4), 0), 0);
	assert_int_equal(raw_entry(f, KiB(4), 1), MiB(2) | EPT_MT_WB | EPT_MINE | EPT_SPP);
	assert_int_equal(flags_of(&f->npt, KiB(4)), NPT_EPT_SPP);
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_RWX), 0);
	assert_int_equal(flags_of(&f->npt, KiB(4)), NPT_EPT_SPP);
	/* Another host page behind the same guest page: the flag is the guest page's. */
	assert_int_equal(npt_map(&f->npt, KiB(4), MiB(10), KiB(4), NPT_R), 0);
	expect_map(&f->npt, KiB(4), MiB(10), NPT_R, NPT_PAGE_4K);
	assert_int_equal(flags_of(&f->npt, KiB(4)), NPT_EPT_SPP);
	assert_int_equal(npt_map(&f->npt, KiB(4), MiB(12), KiB(4), 0), 0);
	assert_int_equal(raw_entry(f, KiB(4), 1), MiB(12) | EPT_MT_WB | EPT_MINE | EPT_SPP);
	/* A refused rights change leaves everything as it was. */
	assert_int_equal(npt_set_access(&f->npt, KiB(4), NPT_W), -1);
	assert_int_equal(raw_entry(f, KiB(4), 1), MiB(12) | EPT_MT_WB | EPT_MINE | EPT_SPP);
}

/* A 2 MiB leaf cannot carry the flag, so a 2 MiB remap over a flagged page stays small. */
static void test_spp_flag_keeps_2m_remap_small(void **state)
{
	struct fixture *f = *state;
	const uint64_t page = MiB(2) + KiB(4);

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(64), MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_set_leaf_flags(&f->npt, page, NPT_EPT_SPP, true), 0);
	assert_int_equal(f->npt.tables, 4);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(128), MiB(4), NPT_R), 0);
	assert_int_equal(f->npt.tables, 4); /* the page table stays */
	for (uint64_t off = 0; off < MiB(2); off += KiB(4)) {
		expect_map(&f->npt, MiB(2) + off, MiB(128) + off, NPT_R, NPT_PAGE_4K);
		assert_int_equal(flags_of(&f->npt, MiB(2) + off), off == KiB(4) ? NPT_EPT_SPP : 0);
	}
	expect_map(&f->npt, MiB(4), MiB(130), NPT_R, NPT_PAGE_2M); /* no flagged page there */
	/* Without the flag, a 2 MiB leaf again, and the page table goes. */
	assert_int_equal(npt_set_leaf_flags(&f->npt, page, NPT_EPT_SPP, false), 0);
	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(128), MiB(2), NPT_R), 0);
	expect_map(&f->npt, page, MiB(128) + KiB(4), NPT_R, NPT_PAGE_2M);
	assert_int_equal(f->npt.tables, 3);
}

static void test_spp_flag_goes_with_unmap(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, MiB(64), MiB(2), NPT_R), 0);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(8), NPT_EPT_SPP, true), 0);
	assert_int_equal(npt_unmap(&f->npt, KiB(8), KiB(4)), 0);
	assert_false(npt_leaf_flags(&f->npt, KiB(8), NULL));
	assert_int_equal(npt_map(&f->npt, KiB(8), MiB(64) + KiB(8), KiB(4), NPT_R), 0);
	assert_int_equal(flags_of(&f->npt, KiB(8)), 0);
	/* A flagged page inside a whole unmapped 2 MiB range: the table goes with it. */
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(12), NPT_EPT_SPP, true), 0);
	assert_int_equal(npt_unmap(&f->npt, 0, MiB(2)), 0);
	assert_int_equal(f->npt.tables, 3);
	assert_false(npt_leaf_flags(&f->npt, KiB(12), NULL));
}

static void test_spp_flag_clear(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, MiB(64), MiB(4), NPT_R | NPT_X), 0);
	/* Clearing inside a 2 MiB leaf: nothing to clear, nothing split. */
	assert_int_equal(npt_set_leaf_flags(&f->npt, MiB(2), NPT_EPT_SPP, false), 0);
	assert_int_equal(f->npt.tables, 3);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, true), 0);
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(8), NPT_EPT_SPP, false), 0); /* had none */
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, false), 0);
	assert_int_equal(flags_of(&f->npt, KiB(4)), 0);
	assert_int_equal(raw_entry(f, KiB(4), 1),
			 (MiB(64) + KiB(4)) | EPT_R | EPT_X | EPT_MT_WB | EPT_MINE);
	assert_int_equal(f->npt.tables, 4); /* the split stays */
}

static void test_spp_flag_split_alloc_failure(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_map(&f->npt, 0, 0, MiB(2), NPT_R), 0);
	f->mem.fail_after = f->mem.allocs;
	assert_int_equal(npt_set_leaf_flags(&f->npt, KiB(4), NPT_EPT_SPP, true), -1);
	expect_map(&f->npt, KiB(4), KiB(4), NPT_R, NPT_PAGE_2M);
	assert_int_equal(flags_of(&f->npt, KiB(4)), 0);
	assert_int_equal(f->npt.tables, (unsigned)f->mem.live);
}

/* ---- EPT pointer (SDM 25.6.11) ---- */

static void test_ept_pointer_amd_is_zero(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(npt_ept_pointer(&f->npt, false), 0);
	assert_int_equal(npt_ept_pointer(&f->npt, true), 0);
}

static void test_ept_pointer(void **state)
{
	struct fixture *f = *state;
	struct npt gone;

	assert_int_equal(f->npt.root_pa & 0xfff, 0);
	/* WB (6) in 2:0, walk length 4 - 1 = 3 in 5:3: 0x1e; A/D bit 6: 0x40. */
	assert_int_equal(npt_ept_pointer(&f->npt, false), f->npt.root_pa | 0x1e);
	assert_int_equal(npt_ept_pointer(&f->npt, true), f->npt.root_pa | 0x5e);
	gone = f->npt;
	gone.root = NULL;
	assert_int_equal(npt_ept_pointer(&gone, true), 0);
}

#define EPT_ACCESSED (1ull << 8)
#define EPT_DIRTY (1ull << 9)

/* A test's EPT misconfiguration (W without R) on one page of a 2 MiB leaf, then undone. */
static void test_leaf_update_split_misconfigures_one_page(void **state)
{
	struct fixture *f = *state;
	const uint64_t page = MiB(2) + KiB(12);
	uint64_t old = 0, again = 0;

	assert_int_equal(npt_map(&f->npt, MiB(2), MiB(64), MiB(2), NPT_RWX), 0);
	assert_int_equal(npt_leaf_update(&f->npt, page + 5, EPT_R | EPT_X, 0, true, &old), 0);
	assert_int_equal(old, (MiB(64) + KiB(12)) | EPT_R | EPT_W | EPT_X | EPT_MT_WB | EPT_MINE);
	assert_int_equal(raw_entry(f, page, 1), (MiB(64) + KiB(12)) | EPT_W | EPT_MT_WB | EPT_MINE);
	assert_int_equal(raw_entry(f, page + KiB(4), 1) & 7, 7); /* the neighbours keep R|W|X */
	assert_int_equal(npt_leaf_update(&f->npt, page, ~0ull & 7, old & 7, true, &again), 0);
	assert_int_equal(again & 7, EPT_W);
	expect_map(&f->npt, page, MiB(64) + KiB(12), NPT_RWX, NPT_PAGE_4K);
}

/* The CPU's accessed/dirty bits read and cleared where the leaf is, a 2 MiB one unsplit. */
static void test_leaf_update_in_place_and_refusals(void **state)
{
	struct fixture *f = *state;
	uint64_t *pde, old;

	assert_int_equal(npt_map(&f->npt, 0, MiB(64), MiB(2), NPT_RWX), 0);
	pde = fake_p2v(NULL, raw_entry(f, 0, 3) & NPT_E_ADDR_MASK);
	*pde |= EPT_ACCESSED | EPT_DIRTY; /* as the CPU would */
	assert_int_equal(npt_leaf_update(&f->npt, KiB(100), EPT_ACCESSED | EPT_DIRTY, 0, false, &old), 0);
	assert_int_equal(old & (EPT_ACCESSED | EPT_DIRTY), EPT_ACCESSED | EPT_DIRTY);
	assert_int_equal(*pde & (EPT_ACCESSED | EPT_DIRTY), 0);
	assert_int_equal(f->npt.tables, 3); /* not split */
	expect_map(&f->npt, KiB(100), MiB(64) + KiB(100), NPT_RWX, NPT_PAGE_2M);
	/* Never the address, the mark or the page size; never where nothing is mapped. */
	assert_int_equal(npt_leaf_update(&f->npt, 0, KiB(4), 0, false, NULL), -1);
	assert_int_equal(npt_leaf_update(&f->npt, 0, EPT_MINE, 0, false, NULL), -1);
	assert_int_equal(npt_leaf_update(&f->npt, 0, 0, EPT_2M, true, NULL), -1);
	assert_int_equal(npt_leaf_update(&f->npt, MiB(2), 0, EPT_R, false, NULL), -1);
	assert_int_equal(npt_leaf_update(&f->npt, NPT_GPA_LIMIT, 0, EPT_R, false, NULL), -1);
	expect_map(&f->npt, 0, MiB(64), NPT_RWX, NPT_PAGE_2M);
}

/* One test on one format, named "amd/<test>" or "ept/<test>". */
#define AMD_TEST(t) { "amd/" #t, t, setup_amd, teardown, NULL }
#define EPT_TEST(t) { "ept/" #t, t, setup_ept, teardown, NULL }
#define BOTH(t) AMD_TEST(t), EPT_TEST(t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_incomplete_ops),
		BOTH(test_map_2m_leaves),
		BOTH(test_map_4k_when_unaligned),
		BOTH(test_map_mixed_sizes),
		AMD_TEST(test_raw_entry_bits_amd),
		EPT_TEST(test_raw_entry_bits_ept),
		AMD_TEST(test_amd_any_right_implies_read),
		EPT_TEST(test_ept_write_without_read_refused),
		EPT_TEST(test_ept_execute_only),
		EPT_TEST(test_ept_not_present_leaf_remembers_address),
		BOTH(test_set_access_splits_and_keeps_neighbours),
		BOTH(test_set_access_same_rights_does_not_split),
		BOTH(test_set_access_unmapped_fails),
		BOTH(test_remap_replaces),
		BOTH(test_unmap),
		BOTH(test_unmap_last_small_page_frees_table),
		BOTH(test_bad_arguments),
		BOTH(test_alloc_failure),
		BOTH(test_destroy_frees_everything),
		BOTH(test_walk_empty),
		BOTH(test_walk_after_map_split_access_unmap),
		BOTH(test_walk_not_present_2m_leaf),
		BOTH(test_walk_order_and_top_of_space),
		AMD_TEST(test_walk_reports_foreign_entries_amd),
		EPT_TEST(test_walk_reports_foreign_entries_ept),
		BOTH(test_walk_null_callbacks),
		AMD_TEST(test_amd_has_no_leaf_flags),
		EPT_TEST(test_spp_flag_splits_and_marks_one_page),
		EPT_TEST(test_spp_flag_rejects_other_flags_and_unmapped),
		EPT_TEST(test_spp_flag_survives_set_access_and_remap),
		EPT_TEST(test_spp_flag_keeps_2m_remap_small),
		EPT_TEST(test_spp_flag_goes_with_unmap),
		EPT_TEST(test_spp_flag_clear),
		EPT_TEST(test_spp_flag_split_alloc_failure),
		AMD_TEST(test_ept_pointer_amd_is_zero),
		EPT_TEST(test_ept_pointer),
		EPT_TEST(test_leaf_update_split_misconfigures_one_page),
		EPT_TEST(test_leaf_update_in_place_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
