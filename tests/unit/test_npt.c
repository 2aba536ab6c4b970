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

struct fake_mem {
	int live;        /* tables allocated and not freed */
	int allocs;
	int fail_after;  /* allocations that succeed before NULL; UNLIMITED */
};

static void *fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	void *p;

	if (m->fail_after != UNLIMITED && m->allocs >= m->fail_after)
		return NULL;
	p = aligned_alloc(NPT_PAGE_4K, NPT_PAGE_4K);
	assert_non_null(p);
	memset(p, 0, NPT_PAGE_4K);
	m->allocs++;
	m->live++;
	return p;
}

static void fake_free(void *ctx, void *table)
{
	struct fake_mem *m = ctx;

	assert_true(m->live > 0);
	m->live--;
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
