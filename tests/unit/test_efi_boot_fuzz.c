// SPDX-License-Identifier: MIT
/*
 * Host tests for lib/efi_boot.c: inputs the efi_map fuzz harness
 * (tests/fuzz/fuzz_efi_map.c) found, each reduced to the smallest map that
 * shows the problem.
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
#include <anvil/efi_boot.h>

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

static uint32_t type_at(uint64_t addr)
{
	for (uint32_t i = 0; i < bi->region_count; i++)
		if (addr >= bi->regions[i].base && addr - bi->regions[i].base < bi->regions[i].length)
			return bi->regions[i].type;
	return 0;
}

/*
 * Two touching descriptors of one type are merged; when the second runs to
 * the top of the address space the merged length passed 2^64 and wrapped to
 * a short (here empty) region, so the firmware's reservation vanished and
 * the conventional memory inside it became USABLE.
 */
static void test_merge_does_not_wrap_past_2_64(void **state)
{
	const struct efi_mem_desc descs[] = {
		{ .type = EFI_MEM_RESERVED, .phys_start = 0, .pages = 1 },
		{ .type = EFI_MEM_RESERVED, .phys_start = PG, .pages = UINT64_MAX / PG },
		{ .type = EFI_MEM_CONVENTIONAL, .phys_start = 0x100000, .pages = 16 },
	};
	struct efi_mem_desc map[3];

	(void)state;
	memcpy(map, descs, sizeof(map));
	efi_map_convert(bi, map, sizeof(map), sizeof(map[0]), 0x200000, 0x201000);
	assert_int_equal(type_at(0x100000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0xfffffffffff00000ull), BOOT_MEM_RESERVED);
	assert_int_equal(boot_map_usable_bytes(bi), 0);
}

/*
 * More descriptors than the map holds: a large conventional range, and
 * inside it reservations, each followed by a conventional page (found as
 * its mb2 twin, tests/unit/test_mb2_fuzz.c). Those after the map filled
 * were dropped; sanitizing merged each conventional page into the large
 * range, which freed the slot to split it at the next reservation, so it ran
 * on over the dropped reservations: they became USABLE. A full map must lose
 * USABLE memory, never a reservation.
 */
#define FULL_N (BOOT_MAX_REGIONS / 2 + 20)

static uint64_t res_at(unsigned i)
{
	return 0x200000ull + i * 0x20000ull;
}

static void test_full_map_never_hands_out_a_reservation(void **state)
{
	static struct efi_mem_desc map[3 + 2 * FULL_N];
	size_t n = 0;

	(void)state;
	map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_CONVENTIONAL, .phys_start = 0, .pages = 8 };
	map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_CONVENTIONAL, .phys_start = PG, .pages = 8 };
	map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_CONVENTIONAL, .phys_start = 0x100000,
					  .pages = 0x100000 };
	for (unsigned i = 0; i < FULL_N; i++) {
		map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_RESERVED, .phys_start = res_at(i),
						  .pages = 1 };
		map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_CONVENTIONAL,
						  .phys_start = res_at(i) + PG, .pages = 1 };
	}
	efi_map_convert(bi, map, n * sizeof(map[0]), sizeof(map[0]), 0x40000, 0x41000);
	for (unsigned i = 0; i < FULL_N; i++)
		assert_int_not_equal(type_at(res_at(i)), BOOT_MEM_USABLE);
	assert_int_not_equal(type_at(0x40000), BOOT_MEM_USABLE); /* the kernel */
	assert_true(bi->error_count > 0);
}

/* With room for everything: each reservation kept, USABLE around it. */
static void test_map_with_room_keeps_usable_between(void **state)
{
	static struct efi_mem_desc map[1 + 100];
	size_t n = 0;

	(void)state;
	map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_CONVENTIONAL, .phys_start = 0x100000,
					  .pages = 0x100000 };
	for (unsigned i = 0; i < 100; i++)
		map[n++] = (struct efi_mem_desc){ .type = EFI_MEM_RESERVED, .phys_start = res_at(i),
						  .pages = 1 };
	efi_map_convert(bi, map, n * sizeof(map[0]), sizeof(map[0]), 0x40000, 0x41000);
	assert_int_equal(bi->error_count, 0);
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(type_at(res_at(i)), BOOT_MEM_RESERVED);
		assert_int_equal(type_at(res_at(i) + PG), BOOT_MEM_USABLE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_does_not_wrap_past_2_64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_map_never_hands_out_a_reservation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_with_room_keeps_usable_between, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("efi_boot_fuzz", tests, NULL, NULL);
}
