// SPDX-License-Identifier: MIT
/* Host tests for lib/pmm.c over synthetic memory maps. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/pmm.h>

#define PG 0x1000ull
#define R(b, l, t) { (b), (l), (t), 0 }
#define U BOOT_MEM_USABLE
#define RSV BOOT_MEM_RESERVED

static struct pmm pmm;
static uint8_t *bitmap;
static uint8_t *seen; /* per page: handed out and not yet freed */
static uint64_t seen_pages;

static void init_map(const struct boot_mem_region *r, size_t n)
{
	size_t bytes = pmm_bitmap_bytes(r, n);

	free(bitmap);
	free(seen);
	bitmap = malloc(bytes ? bytes : 1);
	assert_non_null(bitmap);
	assert_int_equal(pmm_init(&pmm, r, n, bitmap, bytes), 0);
	seen_pages = pmm.npages;
	seen = calloc(seen_pages ? seen_pages : 1, 1);
	assert_non_null(seen);
}

static int teardown(void **state)
{
	(void)state;
	free(bitmap);
	free(seen);
	bitmap = NULL;
	seen = NULL;
	return 0;
}

/* Independent model: the page is inside one USABLE region and touches no
 * region of another type, and is not page 0. */
static bool model_free_able(const struct boot_mem_region *r, size_t n, uint64_t pa)
{
	bool in = false;

	if (pa == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].length;

		if (r[i].type == U && r[i].base <= pa && end >= pa + PG)
			in = true;
		if (r[i].type != U && r[i].length && r[i].base < pa + PG && end > pa)
			return false;
	}
	return in;
}

static uint64_t model_count(const struct boot_mem_region *r, size_t n, uint64_t npages)
{
	uint64_t c = 0;

	for (uint64_t pg = 0; pg < npages; pg++)
		c += model_free_able(r, n, pg * PG);
	return c;
}

/* Allocate one page and check it is new, aligned and managed. */
static uint64_t alloc_checked(const struct boot_mem_region *r, size_t n)
{
	uint64_t pa = pmm_alloc(&pmm);

	if (pa == 0)
		return 0;
	assert_int_equal(pa % PG, 0);
	assert_true(pa / PG < seen_pages);
	assert_false(seen[pa / PG]);
	assert_true(model_free_able(r, n, pa));
	assert_true(pmm_in_usable_region(&pmm, pa));
	assert_false(pmm_is_free(&pmm, pa));
	seen[pa / PG] = 1;
	return pa;
}

/* Drain the allocator; every page exactly once, none outside USABLE. */
static uint64_t drain(const struct boot_mem_region *r, size_t n)
{
	uint64_t count = 0;

	while (alloc_checked(r, n))
		count++;
	assert_int_equal(pmm.free_pages, 0);
	assert_int_equal(pmm_alloc(&pmm), 0);
	return count;
}

static void test_bitmap_bytes(void **state)
{
	static const struct boot_mem_region a[] = {
		R(0x0, 0x9f000, U), R(0x100000, 0x700000, U), R(0xfee00000, 0x1000, RSV),
	};
	static const struct boot_mem_region b[] = { R(0x0, 0x1000, RSV) };
	static const struct boot_mem_region c[] = { R(0x1800, 0x1000, U) };

	(void)state;
	assert_int_equal(pmm_bitmap_bytes(a, 3), 0x800000 / PG / 8);
	assert_int_equal(pmm_bitmap_bytes(b, 1), 0);
	assert_int_equal(pmm_bitmap_bytes(a, 0), 0);
	/* [0x1800, 0x2800) holds no whole page. */
	assert_int_equal(pmm_bitmap_bytes(c, 1), 0);
}

static void test_bitmap_too_small(void **state)
{
	static const struct boot_mem_region r[] = { R(0x0, 0x100000, U) };
	uint8_t bm[31];

	(void)state;
	assert_int_equal(pmm_bitmap_bytes(r, 1), 32);
	assert_int_equal(pmm_init(&pmm, r, 1, bm, sizeof(bm)), -1);
	assert_int_equal(pmm_init(&pmm, r, 1, NULL, 32), -1);
}

static void test_empty_map(void **state)
{
	(void)state;
	assert_int_equal(pmm_init(&pmm, NULL, 0, NULL, 0), 0);
	assert_int_equal(pmm.total_pages, 0);
	assert_int_equal(pmm_alloc(&pmm), 0);
	assert_int_equal(pmm_alloc_contig(&pmm, 1, 1), 0);
	assert_int_equal(pmm_free(&pmm, 0x1000), -1);
	assert_false(pmm_is_free(&pmm, 0x1000));
}

static void test_simple_pc_map(void **state)
{
	static const struct boot_mem_region r[] = {
		R(0x0, 0x9fc00, U), R(0x9fc00, 0x400, RSV), R(0xf0000, 0x10000, RSV),
		R(0x100000, 0x1f00000, U),
	};

	(void)state;
	init_map(r, 4);
	/* page 0 excluded, 0x9f000 page partly reserved */
	assert_int_equal(pmm.total_pages, (0x9f000 / PG - 1) + 0x1f00000 / PG);
	assert_int_equal(pmm.total_pages, model_count(r, 4, pmm.npages));
	assert_int_equal(pmm.free_pages, pmm.total_pages);
	assert_false(pmm_is_free(&pmm, 0));
	assert_false(pmm_is_free(&pmm, 0x9f000));
	assert_true(pmm_is_free(&pmm, 0x9e000));
	assert_true(pmm_in_usable_region(&pmm, 0x0)); /* usable, just never free */
	assert_false(pmm_in_usable_region(&pmm, 0x9f000));
	assert_false(pmm_in_usable_region(&pmm, 0xa0000));
	assert_true(pmm_in_usable_region(&pmm, 0x1ffffff));
	assert_false(pmm_in_usable_region(&pmm, 0x2000000));
	assert_false(pmm_in_usable_region(&pmm, UINT64_MAX));
	assert_int_equal(drain(r, 4), pmm.total_pages);
}

static void test_holes_overlaps_and_reserved(void **state)
{
	/* Unsanitized: unsorted, overlapping usable, reserved inside usable,
	 * unaligned edges, a usable region overlapping a bad one. */
	static const struct boot_mem_region r[] = {
		R(0x400000, 0x100000, U),
		R(0x10800, 0x8000, U),           /* unaligned both ends */
		R(0x200000, 0x80000, U),
		R(0x240000, 0x80000, U),         /* overlaps the previous */
		R(0x250000, 0x3000, RSV),        /* inside usable */
		R(0x420123, 0x10, BOOT_MEM_BAD), /* a few bytes spoil one page */
		R(0x480000, 0x200000, BOOT_MEM_ACPI_NVS), /* overlaps end of usable */
		R(0x600000, 0x0, RSV),           /* empty: ignored */
		R(0x1000, 0x1000, U),
	};
	const size_t n = sizeof(r) / sizeof(r[0]);

	(void)state;
	init_map(r, n);
	assert_int_equal(pmm.total_pages, model_count(r, n, pmm.npages));
	assert_false(pmm_is_free(&pmm, 0x250000));
	assert_false(pmm_is_free(&pmm, 0x252000));
	assert_true(pmm_is_free(&pmm, 0x253000));
	assert_false(pmm_is_free(&pmm, 0x420000));
	assert_true(pmm_is_free(&pmm, 0x421000));
	assert_false(pmm_is_free(&pmm, 0x10000));
	assert_true(pmm_is_free(&pmm, 0x11000));
	assert_false(pmm_is_free(&pmm, 0x18000));
	assert_true(pmm_is_free(&pmm, 0x47f000));
	assert_false(pmm_is_free(&pmm, 0x480000));
	assert_true(pmm_is_free(&pmm, 0x1000));
	assert_int_equal(drain(r, n), pmm.total_pages);
}

static void test_high_addresses(void **state)
{
	static const struct boot_mem_region r[] = {
		R(0x100000000ull, 0x200000, U),
		R(0x100100000ull, 0x1000, RSV),
	};

	(void)state;
	init_map(r, 2);
	assert_int_equal(pmm.npages, (0x100000000ull + 0x200000) / PG);
	assert_int_equal(pmm.total_pages, 0x200000 / PG - 1);
	assert_int_equal(drain(r, 2), 0x200000 / PG - 1);
}

static void test_free_errors(void **state)
{
	static const struct boot_mem_region r[] = {
		R(0x0, 0x100000, U), R(0x80000, 0x1000, RSV), R(0x200000, 0x100000, U),
	};
	uint64_t pa;

	(void)state;
	init_map(r, 3);
	pa = pmm_alloc(&pmm);
	assert_int_not_equal(pa, 0);
	assert_int_equal(pmm_free(&pmm, pa + 1), -1);       /* not aligned */
	assert_int_equal(pmm_free(&pmm, pa + 0x800), -1);
	assert_int_equal(pmm_free(&pmm, 0), -1);            /* page 0 */
	assert_int_equal(pmm_free(&pmm, 0x80000), -1);      /* reserved */
	assert_int_equal(pmm_free(&pmm, 0x150000), -1);     /* hole */
	assert_int_equal(pmm_free(&pmm, 0x300000), -1);     /* past the end */
	assert_int_equal(pmm_free(&pmm, UINT64_MAX & ~0xfffull), -1);
	assert_int_equal(pmm_free(&pmm, pa + PG), -1);      /* never allocated */
	assert_int_equal(pmm.free_pages, pmm.total_pages - 1);
	assert_int_equal(pmm_free(&pmm, pa), 0);
	assert_int_equal(pmm_free(&pmm, pa), -1);           /* double free */
	assert_int_equal(pmm.free_pages, pmm.total_pages);
}

static void test_exhaust_free_reuse(void **state)
{
	static const struct boot_mem_region r[] = { R(0x1000, 0x10000, U) };
	uint64_t pages[17];
	int n = 0;

	(void)state;
	init_map(r, 1);
	assert_int_equal(pmm.total_pages, 16);
	while ((pages[n] = pmm_alloc(&pmm)) != 0)
		n++;
	assert_int_equal(n, 16);
	assert_int_equal(pmm_alloc(&pmm), 0);
	assert_int_equal(pmm_free(&pmm, pages[7]), 0);
	assert_int_equal(pmm_alloc(&pmm), pages[7]);
	assert_int_equal(pmm_alloc(&pmm), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(pmm_free(&pmm, pages[i]), 0);
	assert_int_equal(pmm.free_pages, 16);
	assert_int_equal(pmm_alloc_contig(&pmm, 16, 1), 0x1000);
	assert_int_equal(pmm.free_pages, 0);
	assert_int_equal(pmm_free_contig(&pmm, 0x1000, 16), 0);
}

static void test_contig_alignment(void **state)
{
	static const struct boot_mem_region r[] = { R(0x0, 0x1000000, U) };
	uint64_t a, b, c;

	(void)state;
	init_map(r, 1);
	a = pmm_alloc_contig(&pmm, 1, 1);
	assert_int_equal(a, 0x1000); /* lowest, page 0 excluded */
	b = pmm_alloc_contig(&pmm, 4, 4);
	assert_int_equal(b, 0x4000);
	c = pmm_alloc_contig(&pmm, 512, 512); /* 2 MiB aligned */
	assert_int_equal(c, 0x200000);
	for (uint64_t pa = c; pa < c + 512 * PG; pa += PG)
		assert_false(pmm_is_free(&pmm, pa));
	assert_int_equal(pmm_alloc_contig(&pmm, 3, 0), 0x8000); /* gap too small */
	assert_int_equal(pmm_alloc_contig(&pmm, 2, 0), 0x2000); /* fills the gap */
	assert_int_equal(pmm_alloc_contig(&pmm, 1, 3), 0);      /* not a power of 2 */
	assert_int_equal(pmm_alloc_contig(&pmm, 0, 1), 0);
	assert_int_equal(pmm_alloc_contig(&pmm, 4096, 1), 0);   /* more than free */
	assert_int_equal(pmm_free_contig(&pmm, c, 512), 0);
	assert_int_equal(pmm_free_contig(&pmm, c, 512), -1);
	assert_int_equal(pmm_alloc_contig(&pmm, 1, 1ull << 40), 0); /* no such alignment */
}

static void test_contig_across_reserved(void **state)
{
	static const struct boot_mem_region r[] = {
		R(0x0, 0x100000, U), R(0x8000, 0x1000, RSV), R(0x100000, 0x100000, U),
	};

	(void)state;
	init_map(r, 3);
	/* Pages 1..7 free, 8 reserved, 9..511 free (two adjacent regions). */
	assert_int_equal(pmm.total_pages, 7 + 503);
	assert_int_equal(pmm_alloc_contig(&pmm, 8, 1), 0x9000);
	assert_int_equal(pmm_alloc_contig(&pmm, 7, 1), 0x1000);
	assert_int_equal(pmm_alloc_contig(&pmm, 256, 256), 0x100000);
	assert_int_equal(pmm_alloc_contig(&pmm, 240, 1), 0); /* only 239 left */
	assert_int_equal(pmm_alloc_contig(&pmm, 239, 1), 0x11000);
	assert_int_equal(pmm.free_pages, 0);
	assert_int_equal(pmm_alloc_contig(&pmm, 1, 1), 0);

	/* A run may span the boundary of two adjacent usable regions. */
	init_map(r, 3);
	assert_int_equal(pmm_alloc_contig(&pmm, 300, 1), 0x9000);
	assert_false(pmm_is_free(&pmm, 0x100000));
	assert_int_equal(pmm_free_contig(&pmm, 0x9000, 300), 0);
	assert_int_equal(pmm.free_pages, pmm.total_pages);
}

static void test_free_contig_all_or_nothing(void **state)
{
	static const struct boot_mem_region r[] = { R(0x0, 0x100000, U) };
	uint64_t a;

	(void)state;
	init_map(r, 1);
	a = pmm_alloc_contig(&pmm, 8, 1);
	assert_int_equal(a, 0x1000);
	assert_int_equal(pmm_free(&pmm, a + 3 * PG), 0);
	/* one page in the run is already free: nothing is freed */
	assert_int_equal(pmm_free_contig(&pmm, a, 8), -1);
	assert_false(pmm_is_free(&pmm, a));
	assert_int_equal(pmm_free_contig(&pmm, a, 3), 0);
	assert_int_equal(pmm_free_contig(&pmm, a + 4 * PG, 4), 0);
	assert_int_equal(pmm.free_pages, pmm.total_pages);
	assert_int_equal(pmm_free_contig(&pmm, a + 1, 1), -1);
	assert_int_equal(pmm_free_contig(&pmm, a, 0), -1);
	assert_int_equal(pmm_free_contig(&pmm, 0xff000, 2), -1); /* past the end */
	assert_int_equal(pmm_free_contig(&pmm, 0, 1), -1);
}

static void test_random_against_model(void **state)
{
	static const struct boot_mem_region r[] = {
		R(0x0, 0x9f000, U), R(0x100000, 0x80000, U), R(0x120000, 0x5000, RSV),
		R(0x150800, 0x2000, BOOT_MEM_KERNEL), R(0x200000, 0x40000, U),
	};
	const size_t n = sizeof(r) / sizeof(r[0]);
	uint64_t live[1024];
	size_t nlive = 0;
	uint64_t x = 0xdeadbeefcafef00dull;

	(void)state;
	init_map(r, n);
	for (int step = 0; step < 20000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x % 3 != 0 && nlive + 8 <= 1024) {
			uint64_t pa;

			if (x % 7 == 0) {
				size_t np = 1 + (size_t)(x >> 8) % 8;
				size_t al = (size_t)1 << ((x >> 16) % 4);

				pa = pmm_alloc_contig(&pmm, np, al);
				if (!pa)
					continue;
				assert_int_equal((pa / PG) % al, 0);
				for (size_t k = 0; k < np; k++) {
					uint64_t q = pa + k * PG;

					assert_false(seen[q / PG]);
					assert_true(model_free_able(r, n, q));
					seen[q / PG] = 1;
					live[nlive++] = q;
				}
				continue;
			}
			pa = alloc_checked(r, n);
			if (pa)
				live[nlive++] = pa;
		} else if (nlive) {
			size_t k = (size_t)(x >> 5) % nlive;

			assert_int_equal(pmm_free(&pmm, live[k]), 0);
			assert_int_equal(pmm_free(&pmm, live[k]), -1);
			seen[live[k] / PG] = 0;
			live[k] = live[--nlive];
		}
		assert_int_equal(pmm.free_pages + nlive, pmm.total_pages);
	}
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

/* pmm_check() holds through allocation and freeing, and finds a corrupted count or bitmap. */
static void test_check(void **state)
{
	(void)state;
	const struct boot_mem_region r[] = { R(0, 64 * PG, U), R(64 * PG, 8 * PG, RSV), R(72 * PG, 56 * PG, U) };
	char err[160];

	init_map(r, 3);
	assert_int_equal(pmm_check(&pmm, err, sizeof(err)), 0);
	uint64_t a = pmm_alloc(&pmm), b = pmm_alloc_contig(&pmm, 8, 8);
	assert_true(a && b);
	assert_int_equal(pmm_check(&pmm, err, sizeof(err)), 0);
	pmm.free_pages++; /* a leak's bookkeeping: count and bitmap disagree */
	assert_int_equal(pmm_check(&pmm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "free_pages says"));
	pmm.free_pages--;
	bitmap[64 / 8] &= (uint8_t)~1u; /* page 64 is reserved: must never look free */
	assert_int_equal(pmm_check(&pmm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "page 0x40000 is free but not managed"));
	bitmap[64 / 8] |= 1u;
	assert_int_equal(pmm_free(&pmm, a), 0);
	assert_int_equal(pmm_free_contig(&pmm, b, 8), 0);
	assert_int_equal(pmm_check(&pmm, err, sizeof(err)), 0);
	assert_int_equal(pmm.free_pages, pmm.total_pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_check, teardown),
		T(test_bitmap_bytes),
		T(test_bitmap_too_small),
		T(test_empty_map),
		T(test_simple_pc_map),
		T(test_holes_overlaps_and_reserved),
		T(test_high_addresses),
		T(test_free_errors),
		T(test_exhaust_free_reuse),
		T(test_contig_alignment),
		T(test_contig_across_reserved),
		T(test_free_contig_all_or_nothing),
		T(test_random_against_model),
	};

	return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
