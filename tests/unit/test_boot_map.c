// SPDX-License-Identifier: MIT
/* Host tests for lib/boot_map.c: add, sanitize, reserve, find_free, errors. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/boot_map.h>

#define PG 0x1000ull

static struct boot_info *bi;

static int setup(void **state)
{
	(void)state;
	bi = calloc(1, sizeof(*bi));
	assert_non_null(bi);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bi);
	return 0;
}

static void add(uint64_t base, uint64_t len, uint32_t type)
{
	assert_int_equal(boot_map_add(bi, base, len, type), 0);
}

static void expect_region(uint32_t i, uint64_t base, uint64_t len, uint32_t type)
{
	assert_true(i < bi->region_count);
	assert_int_equal(bi->regions[i].base, base);
	assert_int_equal(bi->regions[i].length, len);
	assert_int_equal(bi->regions[i].type, type);
}

/* Every invariant a sanitized map promises. */
static void assert_sanitized(const struct boot_info *b)
{
	assert_true(b->region_count <= BOOT_MAX_REGIONS);
	for (uint32_t i = 0; i < b->region_count; i++) {
		const struct boot_mem_region *r = &b->regions[i];

		assert_true(r->length > 0);
		assert_true(r->base + r->length > r->base);
		if (r->type == BOOT_MEM_USABLE) {
			assert_int_equal(r->base % PG, 0);
			assert_int_equal(r->length % PG, 0);
		}
		if (i > 0) {
			const struct boot_mem_region *p = &b->regions[i - 1];

			assert_true(p->base + p->length <= r->base);
			assert_false(p->base + p->length == r->base &&
				     p->type == r->type);
		}
	}
}

/* ---- errors ---- */

static void test_error_append(void **state)
{
	(void)state;
	boot_info_error(bi, "first %d", 1);
	boot_info_error(bi, "second %s", "two");
	assert_int_equal(bi->error_count, 2);
	assert_string_equal(bi->errors[0].text, "first 1");
	assert_string_equal(bi->errors[1].text, "second two");
}

static void test_error_saturates(void **state)
{
	(void)state;
	for (int i = 0; i < (int)BOOT_MAX_ERRORS; i++)
		boot_info_error(bi, "e%d", i);
	assert_int_equal(bi->error_count, BOOT_MAX_ERRORS);
	assert_string_equal(bi->errors[BOOT_MAX_ERRORS - 1].text, "e7");
	boot_info_error(bi, "e8");
	boot_info_error(bi, "e9");
	assert_int_equal(bi->error_count, BOOT_MAX_ERRORS);
	assert_string_equal(bi->errors[0].text, "e0");
	assert_string_equal(bi->errors[BOOT_MAX_ERRORS - 2].text, "e6");
	assert_string_equal(bi->errors[BOOT_MAX_ERRORS - 1].text, "... more errors");
}

static void test_error_long_text_cut(void **state)
{
	char big[400];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	boot_info_error(bi, "%s", big);
	assert_int_equal(strlen(bi->errors[0].text), BOOT_ERROR_MAX - 1);
	assert_string_equal(bi->errors[0].text + BOOT_ERROR_MAX - 4, "...");
}

/* ---- add ---- */

static void test_add_and_full(void **state)
{
	(void)state;
	add(0, 0, BOOT_MEM_USABLE); /* empty: nothing added */
	assert_int_equal(bi->region_count, 0);
	for (uint32_t i = 0; i < BOOT_MAX_REGIONS; i++)
		add(i * 2 * PG, PG, BOOT_MEM_USABLE);
	assert_int_equal(bi->region_count, BOOT_MAX_REGIONS);
	assert_int_equal(bi->error_count, 0);
	assert_int_equal(boot_map_add(bi, 0x10000000, PG, BOOT_MEM_RESERVED), -1);
	assert_int_equal(bi->region_count, BOOT_MAX_REGIONS);
	assert_int_equal(bi->error_count, 1);
	assert_string_equal(bi->errors[0].text,
			    "memory map full: reserved range [0x10000000, 0x10001000) dropped");
}

static void test_add_wrapping_is_clipped(void **state)
{
	(void)state;
	add(0xfffffffffffff000ull, 0x2000, BOOT_MEM_RESERVED);
	assert_int_equal(bi->error_count, 1);
	expect_region(0, 0xfffffffffffff000ull, 0xfff, BOOT_MEM_RESERVED);
}

/* ---- sanitize ---- */

static void test_sanitize_sorts_and_merges(void **state)
{
	(void)state;
	add(0x200000, 0x100000, BOOT_MEM_USABLE);
	add(0x100000, 0x100000, BOOT_MEM_USABLE);
	add(0, 0x9f000, BOOT_MEM_USABLE);
	add(0x9f000, 0x1000, BOOT_MEM_RESERVED);
	add(0xf0000, 0x10000, BOOT_MEM_RESERVED);
	add(0x500000, 0, BOOT_MEM_USABLE);
	boot_map_sanitize(bi);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 4);
	expect_region(0, 0, 0x9f000, BOOT_MEM_USABLE);
	expect_region(1, 0x9f000, 0x1000, BOOT_MEM_RESERVED);
	expect_region(2, 0xf0000, 0x10000, BOOT_MEM_RESERVED);
	expect_region(3, 0x100000, 0x200000, BOOT_MEM_USABLE);
}

static void test_sanitize_reserved_inside_usable_splits(void **state)
{
	(void)state;
	add(0x100000, 0x100000, BOOT_MEM_USABLE);
	add(0x140000, 0x10000, BOOT_MEM_ACPI_NVS);
	boot_map_sanitize(bi);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 3);
	expect_region(0, 0x100000, 0x40000, BOOT_MEM_USABLE);
	expect_region(1, 0x140000, 0x10000, BOOT_MEM_ACPI_NVS);
	expect_region(2, 0x150000, 0xb0000, BOOT_MEM_USABLE);
}

static void test_sanitize_usable_inside_reserved_vanishes(void **state)
{
	(void)state;
	add(0x100000, 0x100000, BOOT_MEM_RESERVED);
	add(0x140000, 0x10000, BOOT_MEM_USABLE);
	boot_map_sanitize(bi);
	assert_int_equal(bi->region_count, 1);
	expect_region(0, 0x100000, 0x100000, BOOT_MEM_RESERVED);
}

static void test_sanitize_partial_overlaps(void **state)
{
	(void)state;
	/* usable [0x1000,0x5000) overlapped at both ends */
	add(0x1000, 0x4000, BOOT_MEM_USABLE);
	add(0x0, 0x2000, BOOT_MEM_BAD);
	add(0x4000, 0x3000, BOOT_MEM_ACPI_RECLAIM);
	boot_map_sanitize(bi);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 3);
	expect_region(0, 0, 0x2000, BOOT_MEM_BAD);
	expect_region(1, 0x2000, 0x2000, BOOT_MEM_USABLE);
	expect_region(2, 0x4000, 0x3000, BOOT_MEM_ACPI_RECLAIM);
}

static void test_sanitize_rank_order(void **state)
{
	(void)state;
	/* Same range given as every type: the most restrictive (BAD) wins. */
	for (uint32_t t = BOOT_MEM_USABLE; t <= BOOT_MEM_KERNEL; t++)
		add(0x10000, 0x1000, t);
	boot_map_sanitize(bi);
	assert_int_equal(bi->region_count, 1);
	expect_region(0, 0x10000, 0x1000, BOOT_MEM_BAD);

	bi->region_count = 0;
	add(0x10000, 0x3000, BOOT_MEM_BOOTLOADER);
	add(0x11000, 0x1000, BOOT_MEM_KERNEL);
	boot_map_sanitize(bi);
	assert_int_equal(bi->region_count, 3);
	expect_region(1, 0x11000, 0x1000, BOOT_MEM_KERNEL);

	bi->region_count = 0;
	add(0x10000, 0x3000, BOOT_MEM_ACPI_NVS);
	add(0x11000, 0x1000, BOOT_MEM_ACPI_RECLAIM);
	add(0x11000, 0x1000, BOOT_MEM_KERNEL);
	boot_map_sanitize(bi);
	assert_int_equal(bi->region_count, 1);
	expect_region(0, 0x10000, 0x3000, BOOT_MEM_ACPI_NVS);
}

static void test_sanitize_same_type_overlap_merges(void **state)
{
	(void)state;
	add(0x1000, 0x3000, BOOT_MEM_RESERVED);
	add(0x2000, 0x1000, BOOT_MEM_RESERVED);
	add(0x3000, 0x3000, BOOT_MEM_RESERVED);
	boot_map_sanitize(bi);
	assert_int_equal(bi->region_count, 1);
	expect_region(0, 0x1000, 0x5000, BOOT_MEM_RESERVED);
}

static void test_sanitize_usable_page_aligned(void **state)
{
	(void)state;
	add(0x1234, 0x3000, BOOT_MEM_USABLE);   /* -> [0x2000, 0x4000) */
	add(0x10800, 0x900, BOOT_MEM_USABLE);   /* no whole page: dropped */
	add(0x20800, 0x100, BOOT_MEM_RESERVED); /* non-usable kept as is */
	boot_map_sanitize(bi);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 2);
	expect_region(0, 0x2000, 0x2000, BOOT_MEM_USABLE);
	expect_region(1, 0x20800, 0x100, BOOT_MEM_RESERVED);
}

static void test_sanitize_adjacent_usable_merge_before_align(void **state)
{
	(void)state;
	/* Two halves of one page only form a whole page once merged. */
	add(0x1000, 0x800, BOOT_MEM_USABLE);
	add(0x1800, 0x800, BOOT_MEM_USABLE);
	boot_map_sanitize(bi);
	assert_int_equal(bi->region_count, 1);
	expect_region(0, 0x1000, 0x1000, BOOT_MEM_USABLE);
}

static void test_sanitize_unchecked_wrapping_region(void **state)
{
	(void)state;
	bi->regions[0] = (struct boot_mem_region){ 0xfffffffffff00000ull,
						   0x200000, BOOT_MEM_USABLE, 0 };
	bi->region_count = 1;
	boot_map_sanitize(bi);
	assert_sanitized(bi);
	expect_region(0, 0xfffffffffff00000ull, 0xff000, BOOT_MEM_USABLE);
}

static void test_sanitize_bogus_count_clamped(void **state)
{
	(void)state;
	bi->region_count = BOOT_MAX_REGIONS + 50;
	boot_map_sanitize(bi); /* all-zero regions: every one empty */
	assert_int_equal(bi->region_count, 0);
}

static void test_sanitize_overflowing_splits_drop_usable(void **state)
{
	(void)state;
	/* One huge usable region, then 255 reserved holes punched into it:
	 * the split needs 511 regions; the usable pieces that do not fit are
	 * dropped, the reserved ones all stay. */
	add(0, 0x10000000, BOOT_MEM_USABLE);
	for (uint32_t i = 1; i < BOOT_MAX_REGIONS; i++)
		add(i * 0x100000, PG, BOOT_MEM_RESERVED);
	assert_true(boot_map_sanitize_count(bi) > 0);
	assert_true(bi->error_count > 0);
	assert_sanitized(bi);
	unsigned reserved = 0;
	for (uint32_t i = 0; i < bi->region_count; i++)
		reserved += bi->regions[i].type == BOOT_MEM_RESERVED;
	assert_int_equal(reserved, BOOT_MAX_REGIONS - 1);
	assert_int_equal(bi->region_count, BOOT_MAX_REGIONS);
}

/* ---- randomized comparison against a per-granule model ---- */

#define GRAN 0x400ull
#define SPACE_PAGES 48u
#define GRANULES (SPACE_PAGES * PG / GRAN)

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int model_rank(uint32_t t)
{
	static const int rank[] = { 0, 0, 5, 3, 4, 6, 1, 2 };

	return t < 8 ? rank[t] : 5;
}

static uint32_t type_at(const struct boot_info *b, uint64_t a)
{
	for (uint32_t i = 0; i < b->region_count; i++)
		if (a >= b->regions[i].base &&
		    a < b->regions[i].base + b->regions[i].length)
			return b->regions[i].type;
	return 0;
}

static void test_sanitize_random_against_model(void **state)
{
	static const uint32_t types[] = { 1, 1, 1, 2, 3, 4, 5, 6, 7, 9 };
	static int want[GRANULES];

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 500; round++) {
		uint32_t n = 1 + (uint32_t)(rng() % 24);

		memset(bi, 0, sizeof(*bi));
		for (size_t g = 0; g < GRANULES; g++)
			want[g] = -1;
		for (uint32_t k = 0; k < n; k++) {
			uint64_t g0 = rng() % GRANULES;
			uint64_t glen = rng() % (GRANULES / 3);
			uint32_t t = types[rng() % 10];

			if (g0 + glen > GRANULES)
				glen = GRANULES - g0;
			add(g0 * GRAN, glen * GRAN, t);
			for (uint64_t g = g0; g < g0 + glen; g++)
				if (want[g] < 0 || model_rank(t) > model_rank((uint32_t)want[g]))
					want[g] = (int)t;
		}
		boot_map_sanitize(bi);
		assert_sanitized(bi);
		assert_int_equal(bi->error_count, 0);
		for (uint64_t g = 0; g < GRANULES; g++) {
			uint32_t got = type_at(bi, g * GRAN);
			int w = want[g];

			if (w == (int)BOOT_MEM_USABLE) {
				/* Usable only if its whole page was. */
				uint64_t first = g / (PG / GRAN) * (PG / GRAN);
				bool whole = true;

				for (uint64_t k = first; k < first + PG / GRAN; k++)
					whole = whole && want[k] == (int)BOOT_MEM_USABLE;
				assert_int_equal(got, whole ? BOOT_MEM_USABLE : 0);
			} else if (w < 0) {
				assert_int_equal(got, 0);
			} else if (model_rank((uint32_t)w) == 5) {
				/* RESERVED and unknown tie: either may win. */
				assert_int_equal(model_rank(got), 5);
				assert_true(got != 0);
			} else {
				assert_int_equal(got, (uint32_t)w);
			}
		}
	}
}

/* ---- reserve ---- */

static void test_reserve_splits_usable(void **state)
{
	(void)state;
	add(0x100000, 0x400000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x200000, 0x100000, BOOT_MEM_KERNEL), 0);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 3);
	expect_region(0, 0x100000, 0x100000, BOOT_MEM_USABLE);
	expect_region(1, 0x200000, 0x100000, BOOT_MEM_KERNEL);
	expect_region(2, 0x300000, 0x200000, BOOT_MEM_USABLE);
}

static void test_reserve_unaligned_loses_touching_pages(void **state)
{
	(void)state;
	add(0, 0x10000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x1800, 0x100, BOOT_MEM_BOOTLOADER), 0);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 3);
	expect_region(0, 0, 0x1000, BOOT_MEM_USABLE);
	expect_region(1, 0x1800, 0x100, BOOT_MEM_BOOTLOADER);
	expect_region(2, 0x2000, 0xe000, BOOT_MEM_USABLE);
}

static void test_reserve_at_edges(void **state)
{
	(void)state;
	add(0x10000, 0x10000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x10000, 0x1000, BOOT_MEM_BOOTLOADER), 0);
	assert_int_equal(boot_map_reserve(bi, 0x1f000, 0x1000, BOOT_MEM_BOOTLOADER), 0);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 3);
	expect_region(0, 0x10000, 0x1000, BOOT_MEM_BOOTLOADER);
	expect_region(1, 0x11000, 0xe000, BOOT_MEM_USABLE);
	expect_region(2, 0x1f000, 0x1000, BOOT_MEM_BOOTLOADER);
}

static void test_reserve_spanning_regions_and_holes(void **state)
{
	(void)state;
	add(0x0, 0x4000, BOOT_MEM_USABLE);
	add(0x4000, 0x1000, BOOT_MEM_ACPI_NVS);
	add(0x8000, 0x4000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x2000, 0x8000, BOOT_MEM_BOOTLOADER), 0);
	assert_sanitized(bi);
	assert_int_equal(bi->region_count, 5);
	expect_region(0, 0x0, 0x2000, BOOT_MEM_USABLE);
	expect_region(1, 0x2000, 0x2000, BOOT_MEM_BOOTLOADER);
	expect_region(2, 0x4000, 0x1000, BOOT_MEM_ACPI_NVS); /* kept */
	expect_region(3, 0x5000, 0x5000, BOOT_MEM_BOOTLOADER);
	expect_region(4, 0xa000, 0x2000, BOOT_MEM_USABLE);
}

static void test_reserve_adjacent_same_type_merges(void **state)
{
	(void)state;
	add(0x0, 0x10000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x2000, 0x1000, BOOT_MEM_BOOTLOADER), 0);
	assert_int_equal(boot_map_reserve(bi, 0x3000, 0x1000, BOOT_MEM_BOOTLOADER), 0);
	assert_int_equal(bi->region_count, 3);
	expect_region(1, 0x2000, 0x2000, BOOT_MEM_BOOTLOADER);
}

static void test_reserve_bad_arguments(void **state)
{
	(void)state;
	add(0, 0x10000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x1000, 0, BOOT_MEM_KERNEL), 0);
	assert_int_equal(bi->error_count, 0);
	assert_int_equal(boot_map_reserve(bi, 0x1000, 0x1000, BOOT_MEM_USABLE), -1);
	assert_int_equal(boot_map_reserve(bi, UINT64_MAX - 10, 0x1000, BOOT_MEM_KERNEL), -1);
	assert_int_equal(bi->error_count, 2);
	assert_int_equal(bi->region_count, 1);
	expect_region(0, 0, 0x10000, BOOT_MEM_USABLE);
}

static void test_reserve_in_full_map_still_carves(void **state)
{
	uint64_t out;

	(void)state;
	/* 128 usable + 128 reserved regions alternating: map full, nothing to
	 * merge. Reserving inside a usable region needs 2 more slots. */
	for (uint32_t i = 0; i < BOOT_MAX_REGIONS; i++)
		add(i * 0x10000, 0x10000, i % 2 ? BOOT_MEM_RESERVED : BOOT_MEM_USABLE);
	assert_int_equal(boot_map_reserve(bi, 0x4000, 0x1000, BOOT_MEM_KERNEL), -1);
	assert_true(bi->error_count > 0);
	assert_sanitized(bi);
	/* Whatever had to be dropped, the range is no longer usable. */
	assert_int_not_equal(type_at(bi, 0x4000), BOOT_MEM_USABLE);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 0x1000, 0x4000, &out), 0);
	assert_true(out >= 0x5000);
}

/* ---- find_free ---- */

static void test_find_free(void **state)
{
	uint64_t out = 0;

	(void)state;
	add(0x0, 0x9f000, BOOT_MEM_USABLE);
	add(0x100000, 0x100000, BOOT_MEM_USABLE);
	add(0x400000, 0x1000000, BOOT_MEM_USABLE);
	add(0x180000, 0x1000, BOOT_MEM_RESERVED);
	boot_map_sanitize(bi);

	assert_int_equal(boot_map_find_free(bi, 0x1000, 0x1000, 0, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 0x1000, 0x1001, &out), 0);
	assert_int_equal(out, 0x2000);
	assert_int_equal(boot_map_find_free(bi, 0xa0000, 0x1000, 0, &out), 0);
	assert_int_equal(out, 0x400000); /* 0x100000 region is split at 0x180000 */
	assert_int_equal(boot_map_find_free(bi, 0x80000, 0x1000, 0x98000, &out), 0);
	assert_int_equal(out, 0x100000);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 0x200000, 1, &out), 0);
	assert_int_equal(out, 0x400000);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 0x800000, 0x500000, &out), 0);
	assert_int_equal(out, 0x800000);
	assert_int_equal(boot_map_find_free(bi, 0x10, 0, 0x123, &out), 0);
	assert_int_equal(out, 0x123);
	/* Exactly fills the last region. */
	assert_int_equal(boot_map_find_free(bi, 0x1000000, 0x1000, 0, &out), 0);
	assert_int_equal(out, 0x400000);
	/* Impossible requests. */
	assert_int_equal(boot_map_find_free(bi, 0x1000001, 1, 0, &out), -1);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 1, 0x1400000, &out), -1);
	assert_int_equal(boot_map_find_free(bi, 0, 1, 0, &out), -1);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 0x3000, 0, &out), -1);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 1ull << 63, 1, &out), -1);
}

static void test_find_free_ignores_non_usable(void **state)
{
	uint64_t out;

	(void)state;
	add(0x0, 0x100000, BOOT_MEM_RESERVED);
	add(0x100000, 0x100000, BOOT_MEM_BOOTLOADER);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 1, 0, &out), -1);
	add(0x300000, 0x1000, BOOT_MEM_USABLE);
	assert_int_equal(boot_map_find_free(bi, 0x1000, 1, 0, &out), 0);
	assert_int_equal(out, 0x300000);
}

static void test_usable_bytes_and_names(void **state)
{
	(void)state;
	add(0x0, 0x9f000, BOOT_MEM_USABLE);
	add(0x100000, 0x100000, BOOT_MEM_USABLE);
	add(0x200000, 0x100000, BOOT_MEM_RESERVED);
	assert_int_equal(boot_map_usable_bytes(bi), 0x19f000);
	assert_string_equal(boot_mem_type_name(BOOT_MEM_ACPI_NVS), "acpi-nvs");
	assert_string_equal(boot_mem_type_name(BOOT_MEM_KERNEL), "kernel");
	assert_string_equal(boot_mem_type_name(99), "unknown");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_error_append),
		T(test_error_saturates),
		T(test_error_long_text_cut),
		T(test_add_and_full),
		T(test_add_wrapping_is_clipped),
		T(test_sanitize_sorts_and_merges),
		T(test_sanitize_reserved_inside_usable_splits),
		T(test_sanitize_usable_inside_reserved_vanishes),
		T(test_sanitize_partial_overlaps),
		T(test_sanitize_rank_order),
		T(test_sanitize_same_type_overlap_merges),
		T(test_sanitize_usable_page_aligned),
		T(test_sanitize_adjacent_usable_merge_before_align),
		T(test_sanitize_unchecked_wrapping_region),
		T(test_sanitize_bogus_count_clamped),
		T(test_sanitize_overflowing_splits_drop_usable),
		T(test_sanitize_random_against_model),
		T(test_reserve_splits_usable),
		T(test_reserve_unaligned_loses_touching_pages),
		T(test_reserve_at_edges),
		T(test_reserve_spanning_regions_and_holes),
		T(test_reserve_adjacent_same_type_merges),
		T(test_reserve_bad_arguments),
		T(test_reserve_in_full_map_still_carves),
		T(test_find_free),
		T(test_find_free_ignores_non_usable),
		T(test_usable_bytes_and_names),
	};

	return cmocka_run_group_tests_name("boot_map", tests, NULL, NULL);
}
