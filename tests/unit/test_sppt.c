// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/sppt.c: the leaf encoding (SDM Vol 3C
 * section 29.3.4.2: bit 2i for sub-page i, odd bits reserved), the 4-level
 * table with a fake allocator ("physical" = host pointer + offset, as in
 * test_npt.c), the sorted record of requests, and filling the table lazily
 * from the record on an SPPT miss.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sppt.h>

#define FAKE_PA_OFFSET 0x20000000000ull /* 2 TiB: fake pa = va + offset */
#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define PAGE 4096u
#define UNLIMITED (-1)
#define FAKE_TABLES_MAX 64

struct fake_mem {
	int live;
	int allocs;
	int fail_after; /* allocations that succeed before NULL; UNLIMITED */
	void *table[FAKE_TABLES_MAX];
};

static void *fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	void *p;

	if (m->fail_after != UNLIMITED && m->allocs >= m->fail_after)
		return NULL;
	assert_true(m->live < FAKE_TABLES_MAX);
	p = aligned_alloc(PAGE, PAGE);
	assert_non_null(p);
	memset(p, 0x5a, PAGE); /* garbage: the module must zero what it gets */
	m->allocs++;
	m->table[m->live++] = p;
	return p;
}

static void fake_free(void *ctx, void *table)
{
	struct fake_mem *m = ctx;

	for (int i = 0; i < m->live; i++) {
		if (m->table[i] == table) {
			m->table[i] = m->table[--m->live];
			free(table);
			return;
		}
	}
	fail_msg("freeing a table that is not live");
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
	struct sppt t;
	struct spp_records rec;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem.fail_after = UNLIMITED;
	f->ops = (struct npt_ops){ .alloc_table = fake_alloc, .free_table = fake_free,
				   .virt_to_phys = fake_v2p, .phys_to_virt = fake_p2v,
				   .ctx = &f->mem };
	assert_int_equal(sppt_init(&f->t, &f->ops), 0);
	assert_int_equal(f->t.tables, 1);
	spp_records_init(&f->rec);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sppt_destroy(&f->t);
	assert_int_equal(f->t.tables, 0);
	assert_null(f->t.root);
	assert_int_equal(sppt_root_pa(&f->t), 0);
	assert_int_equal(f->mem.live, 0);
	free(f);
	return 0;
}

/* The raw entry at level (4 = root .. 1 = leaf) on gpa's walk; 0 if the walk stops. */
static uint64_t raw_entry(const struct sppt *t, uint64_t gpa, unsigned level)
{
	const uint64_t *p = t->root;

	for (unsigned l = 4; ; l--) {
		uint64_t e = p[(gpa >> (12 + 9 * (l - 1))) & 511];

		if (l == level)
			return e;
		if (!(e & 1))
			return 0;
		p = fake_p2v(NULL, e & 0x000ffffffffff000ull);
	}
}

static uint32_t mask_of(const struct sppt *t, uint64_t gpa)
{
	uint32_t mask = 0xdeadbeef;

	assert_true(sppt_lookup(t, gpa, &mask));
	return mask;
}

/* ---- Encoding ---- */

static void test_leaf_encode_uses_even_bits_only(void **state)
{
	uint32_t m = 12345;

	(void)state;
	assert_int_equal(sppt_leaf_encode(0), 0);
	assert_int_equal(sppt_leaf_encode(1), 1);
	assert_int_equal(sppt_leaf_encode(2), 4);
	assert_int_equal(sppt_leaf_encode(3), 5);
	assert_int_equal(sppt_leaf_encode(0x80000000u), 1ull << 62);
	assert_int_equal(sppt_leaf_encode(0xffffffffu), 0x5555555555555555ull);
	assert_int_equal(sppt_leaf_encode(0xaaaaaaaau), 0x4444444444444444ull);
	assert_int_equal(sppt_leaf_encode(0x0000ffffu), 0x0000000055555555ull);
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(sppt_leaf_encode(1u << i), 1ull << (2 * i));
	for (unsigned k = 0; k < 1000; k++) {
		m = m * 1103515245u + 12345u;
		assert_int_equal(sppt_leaf_encode(m) & 0xaaaaaaaaaaaaaaaaull, 0); /* reserved: 0 */
		assert_int_equal(sppt_leaf_decode(sppt_leaf_encode(m)), m);
	}
	assert_int_equal(SPPT_LEAF_WRITE(5), 1ull << 10);
	assert_int_equal(SPPT_LEAF_RSVD_MASK, 0xaaaaaaaaaaaaaaaaull);
}

static void test_leaf_decode_ignores_odd_bits(void **state)
{
	(void)state;
	assert_int_equal(sppt_leaf_decode(0xaaaaaaaaaaaaaaaaull), 0);
	assert_int_equal(sppt_leaf_decode(~0ull), 0xffffffffu);
	assert_int_equal(sppt_leaf_decode(1ull << 62), 0x80000000u);
	assert_int_equal(sppt_leaf_decode(1ull << 63), 0);
	assert_int_equal(sppt_leaf_decode(0x3), 1);
	assert_int_equal(sppt_leaf_decode(0x14), 0x6); /* bits 2 and 4: sub-pages 1 and 2 */
}

static void test_subpage_index(void **state)
{
	(void)state;
	assert_int_equal(spp_subpage_index(0), 0);
	assert_int_equal(spp_subpage_index(0x7f), 0);
	assert_int_equal(spp_subpage_index(0x80), 1);
	assert_int_equal(spp_subpage_index(0x380), 7);
	assert_int_equal(spp_subpage_index(0xfff), 31);
	assert_int_equal(spp_subpage_index(0x1000), 0);
	assert_int_equal(spp_subpage_index(0x12345f80), 31);
	assert_int_equal(spp_subpage_index(~0ull), 31);
}

/* ---- Table ---- */

static void test_init_rejects_incomplete_ops(void **state)
{
	struct fake_mem mem = { .fail_after = UNLIMITED };
	struct npt_ops ops = { .alloc_table = fake_alloc, .free_table = fake_free,
			       .phys_to_virt = fake_p2v, .ctx = &mem };
	struct sppt t;

	(void)state;
	assert_int_equal(sppt_init(&t, &ops), -1); /* no virt_to_phys */
	assert_int_equal(sppt_init(&t, NULL), -1);
	ops.virt_to_phys = fake_v2p;
	mem.fail_after = 0;
	assert_int_equal(sppt_init(&t, &ops), -1); /* no memory for the root */
	assert_int_equal(mem.live, 0);
	assert_int_equal(sppt_root_pa(&t), 0);
	assert_false(sppt_lookup(&t, 0, NULL));
	assert_int_equal(sppt_set(&t, 0, 1), -1);
}

static void test_root_pa(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sppt_root_pa(&f->t), fake_v2p(NULL, f->t.root));
	assert_int_equal(sppt_root_pa(&f->t) & 0xfff, 0); /* SPPTP must be 4 KiB aligned */
}

static void test_set_builds_path_with_valid_entries(void **state)
{
	struct fixture *f = *state;
	const uint64_t gpa = GiB(3) + MiB(6) + KiB(20);
	uint64_t e;

	assert_int_equal(sppt_set(&f->t, gpa + 0x345, 0x0000f00fu), 0);
	assert_int_equal(f->t.tables, 4); /* root, level 3, level 2, leaf table */
	for (unsigned l = 4; l >= 2; l--) {
		e = raw_entry(&f->t, gpa, l);
		assert_int_equal(e & 0xfff, 1); /* valid, bits 11:1 reserved 0 */
		assert_int_not_equal(e & ~0xfffull, 0);
	}
	assert_int_equal(raw_entry(&f->t, gpa, 1), 0x55000055ull);
	assert_int_equal(mask_of(&f->t, gpa), 0x0000f00fu);
	assert_int_equal(mask_of(&f->t, gpa + 0xfff), 0x0000f00fu);
}

static void test_paths_allocated_once_and_reused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sppt_set(&f->t, KiB(4), 1), 0);
	assert_int_equal(f->t.tables, 4);
	assert_int_equal(sppt_set(&f->t, KiB(8), 2), 0);          /* same leaf table */
	assert_int_equal(sppt_set(&f->t, KiB(4), 3), 0);          /* rewrite */
	assert_int_equal(f->t.tables, 4);
	assert_int_equal(sppt_set(&f->t, MiB(2), 4), 0);          /* new leaf table */
	assert_int_equal(f->t.tables, 5);
	assert_int_equal(sppt_set(&f->t, GiB(1), 5), 0);          /* new level 2 + leaf */
	assert_int_equal(f->t.tables, 7);
	assert_int_equal(sppt_set(&f->t, GiB(512), 6), 0);        /* new level 3, 2, leaf */
	assert_int_equal(f->t.tables, 10);
	assert_int_equal(sppt_set(&f->t, SPPT_GPA_LIMIT - PAGE, 7), 0);
	assert_int_equal(f->t.tables, 13);
	assert_int_equal(f->t.tables, (unsigned)f->mem.live);
	assert_int_equal(mask_of(&f->t, KiB(4)), 3);
	assert_int_equal(mask_of(&f->t, KiB(8)), 2);
	assert_int_equal(mask_of(&f->t, MiB(2)), 4);
	assert_int_equal(mask_of(&f->t, GiB(1)), 5);
	assert_int_equal(mask_of(&f->t, GiB(512)), 6);
	assert_int_equal(mask_of(&f->t, SPPT_GPA_LIMIT - 1), 7);
}

/* A page whose path is missing is an SPPT miss; one next to a set page has a 0 leaf. */
static void test_lookup_unset_pages(void **state)
{
	struct fixture *f = *state;

	assert_false(sppt_lookup(&f->t, 0, NULL));
	assert_false(sppt_lookup(&f->t, SPPT_GPA_LIMIT, NULL));
	assert_int_equal(sppt_set(&f->t, MiB(4), SPP_MASK_ALL), 0);
	assert_int_equal(mask_of(&f->t, MiB(4) + KiB(4)), 0);     /* same leaf table: no miss */
	assert_int_equal(mask_of(&f->t, MiB(6) - 1), 0);
	assert_false(sppt_lookup(&f->t, MiB(6), NULL));           /* next 2 MiB: miss */
	assert_false(sppt_lookup(&f->t, MiB(4) - 1, NULL));
	assert_false(sppt_lookup(&f->t, GiB(1) + MiB(4), NULL));
	assert_int_equal(mask_of(&f->t, MiB(4)), SPP_MASK_ALL);
}

static void test_clear(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sppt_set(&f->t, KiB(12), 0x12345678u), 0);
	assert_int_equal(sppt_clear(&f->t, KiB(12) + 0x800), 0);
	assert_int_equal(raw_entry(&f->t, KiB(12), 1), 0);
	assert_int_equal(mask_of(&f->t, KiB(12)), 0); /* write-protected, not a miss */
	assert_int_equal(f->t.tables, 4);             /* nothing freed */
	assert_int_equal(sppt_clear(&f->t, KiB(16)), 0); /* already 0 */
	assert_int_equal(sppt_clear(&f->t, MiB(2)), -1); /* no path: already a miss */
	assert_false(sppt_lookup(&f->t, MiB(2), NULL));
	assert_int_equal(sppt_clear(&f->t, SPPT_GPA_LIMIT), -1);
	assert_int_equal(f->t.tables, 4);
}

static void test_bad_gpa_and_alloc_failure(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sppt_set(&f->t, SPPT_GPA_LIMIT, 1), -1);
	assert_int_equal(sppt_set(&f->t, ~0ull, 1), -1);
	assert_int_equal(f->t.tables, 1);
	f->mem.fail_after = f->mem.allocs + 1; /* level 3 only */
	assert_int_equal(sppt_set(&f->t, KiB(4), 1), -1);
	assert_false(sppt_lookup(&f->t, KiB(4), NULL));
	assert_int_equal(f->t.tables, 2); /* what was made stays, and is reused */
	f->mem.fail_after = UNLIMITED;
	assert_int_equal(sppt_set(&f->t, KiB(4), 1), 0);
	assert_int_equal(f->t.tables, 4);
}

/* ---- Records ---- */

static void test_records_set_find_replace(void **state)
{
	struct fixture *f = *state;
	uint32_t mask;

	assert_false(spp_record_find(&f->rec, KiB(4), NULL));
	assert_int_equal(spp_record_set(&f->rec, KiB(4) + 0x234, 0xf0u), 0);
	assert_int_equal(f->rec.count, 1);
	assert_int_equal(f->rec.rec[0].gpa, KiB(4)); /* the page, not the byte */
	assert_true(spp_record_find(&f->rec, KiB(8) - 1, &mask));
	assert_int_equal(mask, 0xf0u);
	assert_true(spp_record_find(&f->rec, KiB(4), NULL));
	assert_int_equal(spp_record_set(&f->rec, KiB(4), 0x0fu), 0); /* replace */
	assert_int_equal(f->rec.count, 1);
	assert_true(spp_record_find(&f->rec, KiB(4), &mask));
	assert_int_equal(mask, 0x0fu);
	assert_false(spp_record_find(&f->rec, KiB(8), NULL));
	assert_false(spp_record_find(&f->rec, 0, NULL));
	assert_int_equal(spp_record_set(&f->rec, SPPT_GPA_LIMIT, 1), -1);
	assert_int_equal(f->rec.count, 1);
}

static void expect_sorted(const struct spp_records *r)
{
	for (unsigned i = 1; i < r->count; i++)
		assert_true(r->rec[i - 1].gpa < r->rec[i].gpa);
}

static void test_records_capacity_and_order(void **state)
{
	struct fixture *f = *state;
	uint32_t mask;

	/* 613 is odd, so i * 613 mod 1024 visits every page number once, scrambled. */
	for (unsigned i = 0; i < SPP_RECORDS_MAX; i++) {
		uint64_t page = (i * 613u) % SPP_RECORDS_MAX;

		assert_int_equal(spp_record_set(&f->rec, page * PAGE, (uint32_t)page), 0);
	}
	assert_int_equal(f->rec.count, SPP_RECORDS_MAX);
	expect_sorted(&f->rec);
	for (unsigned i = 0; i < SPP_RECORDS_MAX; i++) {
		assert_int_equal(f->rec.rec[i].gpa, (uint64_t)i * PAGE);
		assert_true(spp_record_find(&f->rec, (uint64_t)i * PAGE, &mask));
		assert_int_equal(mask, i);
	}
	/* Full: a new page is refused, an old one can still change. */
	assert_int_equal(spp_record_set(&f->rec, (uint64_t)SPP_RECORDS_MAX * PAGE, 1), -1);
	assert_int_equal(spp_record_set(&f->rec, 5 * PAGE, 0xffu), 0);
	assert_true(spp_record_find(&f->rec, 5 * PAGE, &mask));
	assert_int_equal(mask, 0xffu);
	assert_int_equal(f->rec.count, SPP_RECORDS_MAX);
	/* Clear the first, the last and one in the middle; then there is room. */
	assert_int_equal(spp_record_clear(&f->rec, 0), 0);
	assert_int_equal(spp_record_clear(&f->rec, (uint64_t)(SPP_RECORDS_MAX - 1) * PAGE), 0);
	assert_int_equal(spp_record_clear(&f->rec, 500 * PAGE + 0x10), 0);
	assert_int_equal(spp_record_clear(&f->rec, 500 * PAGE), -1);
	assert_int_equal(f->rec.count, SPP_RECORDS_MAX - 3);
	expect_sorted(&f->rec);
	assert_false(spp_record_find(&f->rec, 500 * PAGE, NULL));
	assert_true(spp_record_find(&f->rec, 499 * PAGE, NULL));
	assert_true(spp_record_find(&f->rec, 501 * PAGE, NULL));
	assert_int_equal(spp_record_set(&f->rec, GiB(1), 1), 0);
	assert_int_equal(f->rec.rec[f->rec.count - 1].gpa, GiB(1));
	expect_sorted(&f->rec);
}

static void test_records_clear_absent(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(spp_record_clear(&f->rec, 0), -1);
	assert_int_equal(spp_record_set(&f->rec, KiB(8), 1), 0);
	assert_int_equal(spp_record_clear(&f->rec, KiB(4)), -1);
	assert_int_equal(spp_record_clear(&f->rec, KiB(12)), -1);
	assert_int_equal(spp_record_clear(&f->rec, KiB(8)), 0);
	assert_int_equal(f->rec.count, 0);
	spp_records_init(&f->rec);
	assert_int_equal(f->rec.count, 0);
}

/* ---- Lazy fill ---- */

static void test_fill_from_records_on_miss(void **state)
{
	struct fixture *f = *state;
	const uint64_t a = MiB(2) + KiB(4), b = MiB(4) - PAGE, c = GiB(1) + KiB(20);

	assert_int_equal(spp_record_set(&f->rec, a, 0x0000000fu), 0);
	assert_int_equal(spp_record_set(&f->rec, b, 0x000000f0u), 0);
	assert_int_equal(spp_record_set(&f->rec, c, 0xf0000000u), 0);
	assert_int_equal(spp_record_set(&f->rec, MiB(4), 0x1u), 0); /* next 2 MiB */
	assert_int_equal(f->t.tables, 1); /* recording touches no table */
	/* The miss at a fills a and b (same leaf table), nothing else. */
	assert_int_equal(sppt_fill(&f->t, &f->rec, a + 0x80), 0);
	assert_int_equal(f->t.tables, 4);
	assert_int_equal(mask_of(&f->t, a), 0x0000000fu);
	assert_int_equal(mask_of(&f->t, b), 0x000000f0u);
	assert_int_equal(mask_of(&f->t, a + PAGE), 0); /* not recorded: write-protected */
	assert_false(sppt_lookup(&f->t, MiB(4), NULL));
	assert_false(sppt_lookup(&f->t, c, NULL));
	/* The miss at c. */
	assert_int_equal(sppt_fill(&f->t, &f->rec, c), 0);
	assert_int_equal(f->t.tables, 6);
	assert_int_equal(mask_of(&f->t, c), 0xf0000000u);
	/* A miss on a page nobody asked about is not filled. */
	assert_int_equal(sppt_fill(&f->t, &f->rec, MiB(8)), -1);
	assert_false(sppt_lookup(&f->t, MiB(8), NULL));
	assert_int_equal(f->t.tables, 6);
	/* Table write failure. */
	f->mem.fail_after = f->mem.allocs;
	assert_int_equal(sppt_fill(&f->t, &f->rec, MiB(4)), -1);
	assert_false(sppt_lookup(&f->t, MiB(4), NULL));
}

static void test_request_writes_table_only_when_it_reaches_the_page(void **state)
{
	struct fixture *f = *state;
	uint32_t mask;

	assert_int_equal(spp_request(&f->t, &f->rec, KiB(4), 0x3u), 0);
	assert_false(sppt_lookup(&f->t, KiB(4), NULL)); /* stays a miss: filled lazily */
	assert_true(spp_record_find(&f->rec, KiB(4), &mask));
	assert_int_equal(mask, 0x3u);
	assert_int_equal(sppt_fill(&f->t, &f->rec, KiB(4)), 0);
	/* Now the leaf table exists: a request in its 2 MiB cannot wait for a miss. */
	assert_int_equal(spp_request(&f->t, &f->rec, KiB(8), 0xcu), 0);
	assert_int_equal(mask_of(&f->t, KiB(8)), 0xcu);
	assert_int_equal(spp_request(&f->t, &f->rec, KiB(4), 0x30u), 0);
	assert_int_equal(mask_of(&f->t, KiB(4)), 0x30u);
	assert_int_equal(spp_request(&f->t, &f->rec, MiB(2), 0x1u), 0);
	assert_false(sppt_lookup(&f->t, MiB(2), NULL));
	assert_int_equal(f->rec.count, 3);
	assert_int_equal(spp_request(&f->t, &f->rec, SPPT_GPA_LIMIT, 1), -1);
}

struct seen {
	struct fake_mem *mem;
	unsigned n;
	bool unknown;
	uint64_t first;
};

static void count_table(void *ctx, uint64_t pa)
{
	struct seen *s = ctx;
	bool known = false;

	if (!s->n)
		s->first = pa;
	for (int i = 0; i < s->mem->live; i++)
		known |= (uint64_t)(uintptr_t)s->mem->table[i] + FAKE_PA_OFFSET == pa;
	s->unknown |= !known;
	s->n++;
}

/* Every table page is visited once (the root first), and nothing else. */
static void test_walk_tables_visits_every_table(void **state)
{
	struct fixture *f = *state;
	struct seen s = { .mem = &f->mem };

	assert_int_equal(sppt_set(&f->t, KiB(4), 1), 0);
	assert_int_equal(sppt_set(&f->t, MiB(2), 2), 0);
	assert_int_equal(sppt_set(&f->t, GiB(512), 3), 0);
	sppt_walk_tables(&f->t, count_table, &s);
	assert_int_equal(s.n, f->t.tables);
	assert_int_equal(s.n, 8); /* root; L3, L2, 2 leaf tables; L3, L2, leaf table */
	assert_false(s.unknown);
	assert_int_equal(s.first, sppt_root_pa(&f->t));
}

#define SPPT_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_encode_uses_even_bits_only),
		cmocka_unit_test(test_leaf_decode_ignores_odd_bits),
		cmocka_unit_test(test_subpage_index),
		cmocka_unit_test(test_init_rejects_incomplete_ops),
		SPPT_TEST(test_root_pa),
		SPPT_TEST(test_set_builds_path_with_valid_entries),
		SPPT_TEST(test_paths_allocated_once_and_reused),
		SPPT_TEST(test_lookup_unset_pages),
		SPPT_TEST(test_clear),
		SPPT_TEST(test_bad_gpa_and_alloc_failure),
		SPPT_TEST(test_records_set_find_replace),
		SPPT_TEST(test_records_capacity_and_order),
		SPPT_TEST(test_records_clear_absent),
		SPPT_TEST(test_fill_from_records_on_miss),
		SPPT_TEST(test_request_writes_table_only_when_it_reaches_the_page),
		SPPT_TEST(test_walk_tables_visits_every_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
