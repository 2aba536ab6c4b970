// SPDX-License-Identifier: MIT
/* Host tests for lib/efi_boot.c: UEFI memory map and load options to boot_info. */
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
#include <anvil/efi_boot.h>

#define PG 0x1000ull
#define OVMF_STRIDE 48u /* OVMF's descriptor stride: 40 bytes plus padding */

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

/* Descriptors at a given stride, as firmware lays them out. */
struct fake_map {
	uint8_t buf[64 * OVMF_STRIDE];
	size_t stride, size;
};

static void add_desc(struct fake_map *m, uint32_t type, uint64_t start, uint64_t pages)
{
	struct efi_mem_desc d = { .type = type, .phys_start = start, .pages = pages };
	assert_true(m->size + m->stride <= sizeof(m->buf));
	memset(m->buf + m->size, 0xa5, m->stride); /* padding the code must ignore */
	memcpy(m->buf + m->size, &d, sizeof(d));
	m->size += m->stride;
}

static const struct boot_mem_region *region_at(uint64_t addr)
{
	for (uint32_t i = 0; i < bi->region_count; i++)
		if (addr >= bi->regions[i].base && addr < bi->regions[i].base + bi->regions[i].length)
			return &bi->regions[i];
	return NULL;
}

static void test_memory_types(void **state)
{
	(void)state;
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_CONVENTIONAL), BOOT_MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_BOOT_SERVICES_CODE), BOOT_MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_BOOT_SERVICES_DATA), BOOT_MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_LOADER_CODE), BOOT_MEM_BOOTLOADER);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_LOADER_DATA), BOOT_MEM_BOOTLOADER);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_ACPI_RECLAIM), BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_ACPI_NVS), BOOT_MEM_ACPI_NVS);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_UNUSABLE), BOOT_MEM_BAD);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_RUNTIME_SERVICES_DATA), BOOT_MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_MMIO), BOOT_MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MEM_PERSISTENT), BOOT_MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(0x80000000u), BOOT_MEM_RESERVED); /* OEM range */
	assert_string_equal(efi_mem_type_name(EFI_MEM_ACPI_NVS), "ACPIMemoryNVS");
	assert_string_equal(efi_mem_type_name(EFI_MEM_UNACCEPTED), "Unaccepted");
	assert_string_equal(efi_mem_type_name(0x70000000u), "OEM/OS-defined");
}

static void test_convert_sorts_merges_and_reserves_kernel(void **state)
{
	(void)state;
	struct fake_map m = { .stride = OVMF_STRIDE };
	/* Out of order, with the kernel's LoaderData in the middle of RAM. */
	add_desc(&m, EFI_MEM_CONVENTIONAL, 0x300000, 0x100);
	add_desc(&m, EFI_MEM_BOOT_SERVICES_DATA, 0x100000, 0x100);
	add_desc(&m, EFI_MEM_LOADER_DATA, 0x200000, 0x100);
	add_desc(&m, EFI_MEM_ACPI_NVS, 0x800000, 8);
	add_desc(&m, EFI_MEM_CONVENTIONAL, 0x808000, 0x10);
	efi_map_convert(bi, m.buf, m.size, m.stride, 0x200000, 0x280000);

	assert_int_equal(bi->error_count, 0);
	for (uint32_t i = 1; i < bi->region_count; i++)
		assert_true(bi->regions[i].base >= bi->regions[i - 1].base + bi->regions[i - 1].length);
	assert_int_equal(region_at(0x100000)->type, BOOT_MEM_USABLE);
	assert_int_equal(region_at(0x200000)->type, BOOT_MEM_KERNEL);
	assert_int_equal(region_at(0x27f000)->type, BOOT_MEM_KERNEL);
	assert_int_equal(region_at(0x280000)->type, BOOT_MEM_BOOTLOADER);
	assert_int_equal(region_at(0x300000)->type, BOOT_MEM_USABLE);
	assert_int_equal(region_at(0x800000)->type, BOOT_MEM_ACPI_NVS);
	assert_int_equal(region_at(0x808000)->type, BOOT_MEM_USABLE);
	assert_null(region_at(0x900000)); /* a hole stays a hole */
	/* The input itself ends up sorted. */
	assert_int_equal(efi_map_desc(m.buf, m.stride, 0).phys_start, 0x100000);
	assert_int_equal(efi_map_desc(m.buf, m.stride, 4).phys_start, 0x808000);
}

static void test_convert_merges_adjacent_usable(void **state)
{
	(void)state;
	struct fake_map m = { .stride = sizeof(struct efi_mem_desc) };
	add_desc(&m, EFI_MEM_CONVENTIONAL, 0x100000, 0x10);
	add_desc(&m, EFI_MEM_BOOT_SERVICES_CODE, 0x110000, 0x10);
	add_desc(&m, EFI_MEM_BOOT_SERVICES_DATA, 0x120000, 0x10);
	efi_map_convert(bi, m.buf, m.size, m.stride, 0x900000, 0x901000);
	const struct boot_mem_region *r = region_at(0x100000);
	assert_non_null(r);
	assert_int_equal(r->base, 0x100000);
	assert_int_equal(r->length, 0x30 * PG);
}

static void test_convert_again_starts_afresh(void **state)
{
	(void)state;
	struct fake_map m = { .stride = OVMF_STRIDE };
	add_desc(&m, EFI_MEM_CONVENTIONAL, 0x100000, 0x100);
	efi_map_convert(bi, m.buf, m.size, m.stride, 0x180000, 0x181000);
	uint32_t first = bi->region_count;
	efi_map_convert(bi, m.buf, m.size, m.stride, 0x180000, 0x181000);
	assert_int_equal(bi->region_count, first);
}

static void test_convert_full_map_is_an_error(void **state)
{
	(void)state;
	static uint8_t big[(BOOT_MAX_REGIONS + 40) * sizeof(struct efi_mem_desc)];
	size_t stride = sizeof(struct efi_mem_desc), size = 0;
	for (unsigned i = 0; i < BOOT_MAX_REGIONS + 40; i++) {
		/* Alternating types so nothing merges. */
		struct efi_mem_desc d = { .type = (i & 1) ? EFI_MEM_ACPI_NVS : EFI_MEM_CONVENTIONAL,
					  .phys_start = 0x100000 + (uint64_t)i * PG, .pages = 1 };
		memcpy(big + size, &d, sizeof(d));
		size += stride;
	}
	efi_map_convert(bi, big, size, stride, 0x100000, 0x101000);
	assert_true(bi->error_count > 0);
	assert_true(bi->region_count <= BOOT_MAX_REGIONS);
}

static void test_convert_rejects_short_descriptors(void **state)
{
	(void)state;
	uint8_t buf[64] = { 0 };
	efi_map_convert(bi, buf, sizeof(buf), 16, 0, 0x1000);
	assert_int_equal(bi->region_count, 0);
	assert_int_equal(bi->error_count, 1);
	assert_non_null(strstr(bi->errors[0].text, "16 bytes"));
}

static void test_ucs2_to_ascii(void **state)
{
	(void)state;
	const uint16_t src[] = { 'a', '=', '1', 0x00e9, ' ', 'b', 0 };
	char out[16];
	assert_int_equal(efi_cmdline_ucs2_to_ascii(out, sizeof(out), src, 16), 6);
	assert_string_equal(out, "a=1? b");
	char small[4];
	assert_int_equal(efi_cmdline_ucs2_to_ascii(small, sizeof(small), src, 16), 6);
	assert_string_equal(small, "a=1"); /* cut, still terminated, full length returned */
	assert_int_equal(efi_cmdline_ucs2_to_ascii(out, sizeof(out), src, 2), 2);
	assert_string_equal(out, "a=");
}

static void test_strip_self(void **state)
{
	(void)state;
	char a[] = "\\EFI\\BOOT\\BOOTX64.EFI tests=cpu/* on_finish=exit";
	efi_cmdline_strip_self(a, "BOOTX64.EFI");
	efi_cmdline_tidy(a);
	assert_string_equal(a, "tests=cpu/* on_finish=exit");
	char b[] = "fs0:\\anvil.efi loglevel=debug";
	efi_cmdline_strip_self(b, "something-else.efi"); /* any *.efi path goes */
	efi_cmdline_tidy(b);
	assert_string_equal(b, "loglevel=debug");
	char c[] = "anvil loglevel=debug";
	efi_cmdline_strip_self(c, "ANVIL"); /* same name, case-insensitive */
	efi_cmdline_tidy(c);
	assert_string_equal(c, "loglevel=debug");
	char d[] = "tests=mem/* timeout=5";
	efi_cmdline_strip_self(d, "BOOTX64.EFI"); /* plain options are kept */
	assert_string_equal(d, "tests=mem/* timeout=5");
	char e[] = "";
	efi_cmdline_strip_self(e, "x.efi");
	assert_string_equal(e, "");
}

static void test_tidy(void **state)
{
	(void)state;
	char a[] = "  on_finish=exit\r\ntests=cpu/*\n\t";
	efi_cmdline_tidy(a);
	assert_string_equal(a, "on_finish=exit  tests=cpu/*");
	char b[] = "\n\n";
	efi_cmdline_tidy(b);
	assert_string_equal(b, "");
}

static void test_store_and_truncation(void **state)
{
	(void)state;
	efi_cmdline_store(bi, "a=1", 3, "load options");
	assert_string_equal(bi->cmdline, "a=1");
	assert_int_equal(bi->error_count, 0);

	char *longer = malloc(BOOT_CMDLINE_MAX + 100);
	assert_non_null(longer);
	memset(longer, 'x', BOOT_CMDLINE_MAX + 99);
	longer[BOOT_CMDLINE_MAX + 99] = '\0';
	efi_cmdline_store(bi, longer, BOOT_CMDLINE_MAX + 99, "anvil\\cmdline.txt");
	assert_int_equal(strlen(bi->cmdline), BOOT_CMDLINE_MAX - 1);
	assert_int_equal(bi->error_count, 1);
	assert_non_null(strstr(bi->errors[0].text, "anvil\\cmdline.txt"));
	assert_non_null(strstr(bi->errors[0].text, "truncated"));
	free(longer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_memory_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_sorts_merges_and_reserves_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_merges_adjacent_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_again_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_full_map_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_rejects_short_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ucs2_to_ascii, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strip_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tidy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_and_truncation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
