// SPDX-License-Identifier: MIT
/*
 * Host tests for lib/mb2.c: inputs the mb2 fuzz harness (tests/fuzz/
 * fuzz_mb2.c) found, each rebuilt here as the smallest structure that shows
 * the problem.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/boot_map.h>
#include <anvil/mb2.h>

#define MBI_PHYS 0x10000ull
#define ENTRY 24u
#define MAX_ENTRIES 400u
#define MBI_BYTES (8u + 16u + MAX_ENTRIES * ENTRY + 8u)
#define SPACING 0x10000ull /* reservations this far apart never merge */

static uint8_t *mbi;
static uint32_t mbi_len;
static struct boot_info *bi;

static int setup(void **state)
{
	(void)state;
	bi = calloc(1, sizeof(*bi));
	mbi = aligned_alloc(8, MBI_BYTES);
	assert_non_null(bi);
	assert_non_null(mbi);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bi);
	free(mbi);
	return 0;
}

static void put32(uint32_t off, uint32_t v)
{
	memcpy(mbi + off, &v, sizeof(v));
}

static void put64(uint32_t off, uint64_t v)
{
	memcpy(mbi + off, &v, sizeof(v));
}

/* Reservation i of build(). */
static uint64_t res_at(unsigned i)
{
	return 0x100000ull + i * SPACING;
}

static uint32_t entry(uint32_t off, uint64_t base, uint64_t len, uint32_t type)
{
	put64(off, base);
	put64(off + 8, len);
	put32(off + 16, type);
	return off + ENTRY;
}

/*
 * One memory map tag: two overlapping available ranges at 0 (merging them
 * frees a slot in the map), an available range from 512 KiB to 4 GiB, then
 * n reservations of res_len bytes SPACING apart, each followed (if
 * usable_after) by an available range just behind it, inside the large one.
 */
static void build(unsigned n, uint64_t res_len, bool usable_after)
{
	uint32_t off = 8 + 16;

	assert_true(3 + (usable_after ? 2 : 1) * n <= MAX_ENTRIES);
	memset(mbi, 0, MBI_BYTES);
	off = entry(off, 0, 0x8000, MB2_MMAP_AVAILABLE);
	off = entry(off, 0x800, 0x8000, MB2_MMAP_AVAILABLE);
	off = entry(off, 0x80000, 0x100000000ull - 0x80000, MB2_MMAP_AVAILABLE);
	for (unsigned i = 0; i < n; i++) {
		off = entry(off, res_at(i), res_len, MB2_MMAP_RESERVED);
		if (usable_after)
			off = entry(off, res_at(i) + res_len, 0x1000, MB2_MMAP_AVAILABLE);
	}
	put32(8, MB2_TAG_MMAP);
	put32(12, off - 8);
	put32(16, ENTRY);
	put32(20, 0);
	put32(off, MB2_TAG_END);
	put32(off + 4, 8);
	mbi_len = off + 8;
	put32(0, mbi_len);
}

static uint32_t type_at(uint64_t addr)
{
	for (uint32_t i = 0; i < bi->region_count; i++)
		if (addr >= bi->regions[i].base && addr - bi->regions[i].base < bi->regions[i].length)
			return bi->regions[i].type;
	return 0;
}

static bool has_error(const char *what)
{
	for (uint32_t i = 0; i < bi->error_count; i++)
		if (strstr(bi->errors[i].text, what))
			return true;
	return false;
}

/*
 * More entries than the map holds, reservations and available ranges inside
 * one large available range listed first (found as five memory map tags of
 * 64 entries). The entries were added in order and the ones after the map
 * filled were dropped; sanitizing then merged each small available range
 * into the large one, which freed the slot to split it at the next
 * reservation, so it ran on over the dropped reservations: they became
 * USABLE. A full map must lose USABLE memory, never a reservation.
 */
static void test_full_map_never_hands_out_a_reservation(void **state)
{
	const unsigned n = BOOT_MAX_REGIONS / 2 + 20;
	int rc;

	(void)state;
	build(n, 0x8000, true);
	rc = mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, MBI_PHYS, bi);
	assert_true(rc > 0);
	assert_true(has_error("memory map full"));
	for (unsigned i = 0; i < n; i++)
		assert_int_not_equal(type_at(res_at(i)), BOOT_MEM_USABLE);
	assert_int_not_equal(type_at(MBI_PHYS), BOOT_MEM_USABLE);
}

/* The same with room for everything: each reservation kept, USABLE between them. */
static void test_map_with_room_keeps_usable_between(void **state)
{
	const unsigned n = BOOT_MAX_REGIONS / 2 - 4;

	(void)state;
	build(n, 0x8000, true);
	assert_int_equal(mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, MBI_PHYS, bi), 0);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(type_at(res_at(i)), BOOT_MEM_RESERVED);
		assert_int_equal(type_at(res_at(i) + 0x8000), BOOT_MEM_USABLE);
	}
	assert_int_equal(type_at(MBI_PHYS), BOOT_MEM_BOOTLOADER);
}

/*
 * More entries than the map holds that merge into few regions (touching
 * reservations): the parser compacts the map and loses nothing.
 */
static void test_full_map_compacts_touching_entries(void **state)
{
	const unsigned n = BOOT_MAX_REGIONS + 40;
	uint64_t top = res_at(n);

	(void)state;
	build(n, SPACING, false);
	assert_int_equal(mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, MBI_PHYS, bi), 0);
	assert_int_equal(type_at(res_at(0)), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(top - 1), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(top), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x80000), BOOT_MEM_USABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_map_never_hands_out_a_reservation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_with_room_keeps_usable_between, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_map_compacts_touching_entries, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("mb2_fuzz", tests, NULL, NULL);
}
