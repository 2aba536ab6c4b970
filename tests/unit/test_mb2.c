// SPDX-License-Identifier: MIT
/*
 * Host tests for lib/mb2.c. Every multiboot2 information structure here is
 * built byte by byte, well-formed or deliberately broken.
 */
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
#include <anvil/mb2.h>

#define MBI_PHYS 0x10000ull /* where the tests pretend the MBI lives */
#define MBI_BYTES 16384

/* ---- a byte-level MBI builder ---- */

static uint64_t mbi_store[MBI_BYTES / 8];
static uint8_t *const mbi = (uint8_t *)mbi_store;
static uint32_t mbi_len;
static struct boot_info *bi;

static void put32(uint32_t off, uint32_t v)
{
	memcpy(mbi + off, &v, 4);
}

static void mbi_begin(void)
{
	memset(mbi_store, 0xcc, sizeof(mbi_store)); /* garbage past the end */
	put32(4, 0);
	mbi_len = 8;
}

/* Tag with a payload; returns its offset. Pads to 8 bytes. */
static uint32_t tag(uint32_t type, const void *payload, uint32_t len)
{
	uint32_t off = mbi_len;

	assert_true(off + 8 + len + 8 < MBI_BYTES);
	put32(off, type);
	put32(off + 4, 8 + len);
	if (len)
		memcpy(mbi + off + 8, payload, len);
	mbi_len = (off + 8 + len + 7) & ~7u;
	memset(mbi + off + 8 + len, 0, mbi_len - (off + 8 + len));
	return off;
}

static uint32_t tag_str(uint32_t type, const char *s)
{
	return tag(type, s, (uint32_t)strlen(s) + 1);
}

struct mmap_entry {
	uint64_t base, len;
	uint32_t type, zero;
};

static uint32_t tag_mmap(const struct mmap_entry *e, uint32_t n)
{
	uint8_t buf[8 + 64 * 24];
	uint32_t hdr[2] = { 24, 0 };

	memcpy(buf, hdr, 8);
	memcpy(buf + 8, e, n * 24);
	return tag(MB2_TAG_MMAP, buf, 8 + n * 24);
}

/* A plain PC-like map: 0-640K usable, BIOS area reserved, 1M-128M usable. */
static uint32_t tag_std_mmap(void)
{
	static const struct mmap_entry e[] = {
		{ 0x0, 0x9fc00, MB2_MMAP_AVAILABLE, 0 },
		{ 0x9fc00, 0x400, MB2_MMAP_RESERVED, 0 },
		{ 0xf0000, 0x10000, MB2_MMAP_RESERVED, 0 },
		{ 0x100000, 0x7f00000, MB2_MMAP_AVAILABLE, 0 },
	};

	return tag_mmap(e, 4);
}

static void mbi_end(void)
{
	tag(MB2_TAG_END, NULL, 0);
	put32(0, mbi_len);
}

static int parse(void)
{
	return mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, MBI_PHYS, bi);
}

static int setup(void **state)
{
	(void)state;
	bi = malloc(sizeof(*bi));
	assert_non_null(bi);
	memset(bi, 0x5a, sizeof(*bi)); /* mb2_parse must zero it */
	mbi_begin();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bi);
	return 0;
}

static void expect_errors(int got, int n)
{
	assert_int_equal(got, n);
	assert_int_equal(bi->error_count, n < (int)BOOT_MAX_ERRORS ? n : (int)BOOT_MAX_ERRORS);
}

static void expect_error(uint32_t i, const char *text)
{
	assert_true(i < bi->error_count);
	assert_string_equal(bi->errors[i].text, text);
}

static uint32_t type_at(uint64_t a)
{
	for (uint32_t i = 0; i < bi->region_count; i++)
		if (a >= bi->regions[i].base &&
		    a - bi->regions[i].base < bi->regions[i].length)
			return bi->regions[i].type;
	return 0;
}

static void assert_header(void)
{
	assert_int_equal(bi->magic, BOOT_INFO_MAGIC);
	assert_int_equal(bi->version, BOOT_INFO_VERSION);
}

/* ---- well-formed input ---- */

static void test_minimal(void **state)
{
	(void)state;
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 0);
	assert_header();
	assert_string_equal(bi->loader, "multiboot2");
	assert_string_equal(bi->cmdline, "");
	assert_int_equal(bi->module_count, 0);
	assert_int_equal(bi->rsdp_length, 0);
	assert_int_equal(bi->fb.format, BOOT_FB_NONE);
	/* usable, MBI (bootloader), usable, reserved x2 merged?, usable */
	assert_int_equal(type_at(0x1000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(MBI_PHYS), BOOT_MEM_BOOTLOADER);
	assert_int_equal(type_at(MBI_PHYS + mbi_len - 1), BOOT_MEM_BOOTLOADER);
	assert_int_equal(type_at(MBI_PHYS + 0x1000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x9f000), 0); /* partial page below 0x9fc00 dropped */
	assert_int_equal(type_at(0x9fc00), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0xf0000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x7ffffff), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x8000000), 0);
	assert_int_equal(boot_map_usable_bytes(bi),
			 0x9f000 - 0x1000 /* MBI page */ + 0x7f00000);
}

static void test_everything(void **state)
{
	uint8_t rsdp[36] = "RSD PTR ";
	uint8_t fb[30] = { 0 };
	uint8_t mod[8 + 6];
	uint32_t start = 0x200000, end = 0x203456;

	(void)state;
	rsdp[15] = 2; /* revision */
	tag_str(MB2_TAG_CMDLINE, "tests=pmm.* timeout=5");
	tag_str(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	memcpy(mod, &start, 4);
	memcpy(mod + 4, &end, 4);
	memcpy(mod + 8, "guest", 6);
	tag(MB2_TAG_MODULE, mod, sizeof(mod));
	tag_std_mmap();
	{
		uint64_t addr = 0xfd000000;
		uint32_t pitch = 4096, w = 1024, h = 768;

		memcpy(fb, &addr, 8);
		memcpy(fb + 8, &pitch, 4);
		memcpy(fb + 12, &w, 4);
		memcpy(fb + 16, &h, 4);
		fb[20] = 32;
		fb[21] = MB2_FB_RGB;
		fb[24] = 16; fb[25] = 8; /* red */
		fb[26] = 8;  fb[27] = 8; /* green */
		fb[28] = 0;  fb[29] = 8; /* blue */
	}
	tag(MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	tag(MB2_TAG_ACPI_NEW, rsdp, sizeof(rsdp));
	mbi_end();

	expect_errors(parse(), 0);
	assert_string_equal(bi->cmdline, "tests=pmm.* timeout=5");
	assert_string_equal(bi->loader, "multiboot2 (GRUB 2.06)");
	assert_int_equal(bi->module_count, 1);
	assert_int_equal(bi->modules[0].base, start);
	assert_int_equal(bi->modules[0].length, end - start);
	assert_string_equal(bi->modules[0].name, "guest");
	assert_int_equal(type_at(start), BOOT_MEM_BOOTLOADER);
	assert_int_equal(type_at(end - 1), BOOT_MEM_BOOTLOADER);
	assert_int_equal(type_at(0x204000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x203800), 0); /* partial page after the module */

	assert_int_equal(bi->fb.format, BOOT_FB_RGB);
	assert_int_equal(bi->fb.base, 0xfd000000);
	assert_int_equal(bi->fb.width, 1024);
	assert_int_equal(bi->fb.height, 768);
	assert_int_equal(bi->fb.pitch, 4096);
	assert_int_equal(bi->fb.bpp, 32);
	assert_int_equal(bi->fb.red_shift, 16);
	assert_int_equal(bi->fb.red_size, 8);
	assert_int_equal(bi->fb.green_shift, 8);
	assert_int_equal(bi->fb.blue_shift, 0);
	assert_int_equal(bi->fb.blue_size, 8);

	assert_int_equal(bi->rsdp_length, 36);
	assert_memory_equal(bi->rsdp, rsdp, 36);
	assert_int_equal(bi->rsdp_phys, 0);
}

static void test_known_unused_tags_are_silent(void **state)
{
	uint8_t junk[16] = { 1, 2, 3 };

	(void)state;
	tag_std_mmap();
	for (uint32_t t = 4; t <= 21; t++)
		if (t != 6 && t != 8 && t != 14 && t != 15)
			tag(t, junk, (t * 3) % 17); /* odd sizes exercise padding */
	mbi_end();
	expect_errors(parse(), 0);
}

static void test_mmap_types(void **state)
{
	static const struct mmap_entry e[] = {
		{ 0x100000, 0x1000, 1, 0 },
		{ 0x200000, 0x1000, 2, 0 },
		{ 0x300000, 0x1000, 3, 0 },
		{ 0x400000, 0x1000, 4, 0 },
		{ 0x500000, 0x1000, 5, 0 },
		{ 0x600000, 0x1000, 77, 0 },
		{ 0x700000, 0x1000, 0, 0 },
		{ 0x800000, 0, 1, 0 },
	};

	(void)state;
	tag_mmap(e, 8);
	mbi_end();
	expect_errors(parse(), 0);
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x200000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0x300000), BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(type_at(0x400000), BOOT_MEM_ACPI_NVS);
	assert_int_equal(type_at(0x500000), BOOT_MEM_BAD);
	assert_int_equal(type_at(0x600000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0x700000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0x800000), 0);
}

static void test_mmap_larger_entry_size(void **state)
{
	uint8_t buf[8 + 2 * 32] = { 0 };
	uint32_t hdr[2] = { 32, 0 };
	uint64_t b0 = 0x100000, l0 = 0x10000, b1 = 0x200000, l1 = 0x1000;
	uint32_t t1 = 1, t2 = 5;

	(void)state;
	memcpy(buf, hdr, 8);
	memcpy(buf + 8, &b0, 8);
	memcpy(buf + 16, &l0, 8);
	memcpy(buf + 24, &t1, 4);
	memcpy(buf + 40, &b1, 8);
	memcpy(buf + 48, &l1, 8);
	memcpy(buf + 56, &t2, 4);
	tag(MB2_TAG_MMAP, buf, sizeof(buf));
	mbi_end();
	expect_errors(parse(), 0);
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x200000), BOOT_MEM_BAD);
}

static void test_old_and_new_rsdp(void **state)
{
	uint8_t v1[20] = "RSD PTR ";
	uint8_t v2[36] = "RSD PTR ";

	(void)state;
	v1[8] = 0x11;
	v2[8] = 0x22;
	tag_std_mmap();
	tag(MB2_TAG_ACPI_NEW, v2, sizeof(v2));
	tag(MB2_TAG_ACPI_OLD, v1, sizeof(v1)); /* must not replace the new one */
	mbi_end();
	expect_errors(parse(), 0);
	assert_int_equal(bi->rsdp_length, 36);
	assert_int_equal(bi->rsdp[8], 0x22);

	mbi_begin();
	tag_std_mmap();
	tag(MB2_TAG_ACPI_OLD, v1, sizeof(v1));
	mbi_end();
	expect_errors(parse(), 0);
	assert_int_equal(bi->rsdp_length, 20);
	assert_int_equal(bi->rsdp[8], 0x11);
	assert_int_equal(bi->rsdp[20], 0);
}

static void test_cmdline_max_fits(void **state)
{
	char line[BOOT_CMDLINE_MAX];

	(void)state;
	memset(line, 'c', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	tag_str(MB2_TAG_CMDLINE, line);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 0);
	assert_string_equal(bi->cmdline, line);
}

static void test_loader_name_cut_to_fit(void **state)
{
	(void)state;
	tag_str(MB2_TAG_LOADER_NAME, "GRUB 2.12-1~bpo12+1 with a long tail");
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 0);
	assert_int_equal(strlen(bi->loader), sizeof(bi->loader) - 1);
	assert_string_equal(bi->loader, "multiboot2 (GRUB 2.12-1~bpo12+)");
}

static void test_loader_name_control_chars(void **state)
{
	(void)state;
	tag_str(MB2_TAG_LOADER_NAME, "a\nb");
	tag_str(MB2_TAG_LOADER_NAME, ""); /* empty: keeps the previous */
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 0);
	assert_string_equal(bi->loader, "multiboot2 (a?b)");
}

static void test_modules_many(void **state)
{
	uint8_t mod[8 + 4];

	(void)state;
	tag_std_mmap();
	for (uint32_t i = 0; i < BOOT_MAX_MODULES + 2; i++) {
		uint32_t s = 0x1000000 + i * 0x10000, e = s + 0x8000;

		memcpy(mod, &s, 4);
		memcpy(mod + 4, &e, 4);
		snprintf((char *)mod + 8, 4, "m%u", i);
		tag(MB2_TAG_MODULE, mod, sizeof(mod));
	}
	mbi_end();
	expect_errors(parse(), 2);
	assert_int_equal(bi->module_count, BOOT_MAX_MODULES);
	assert_string_equal(bi->modules[15].name, "m15");
	assert_non_null(strstr(bi->errors[0].text, "more than 16 modules"));
	/* Unlisted modules are still reserved. */
	assert_int_equal(type_at(0x1000000 + 17 * 0x10000), BOOT_MEM_BOOTLOADER);
	assert_int_equal(type_at(0x1000000 + 17 * 0x10000 + 0x8000), BOOT_MEM_USABLE);
}

static void test_module_long_name_and_empty(void **state)
{
	uint8_t mod[8 + 100];
	uint32_t s = 0x300000, e = 0x300000;

	(void)state;
	memcpy(mod, &s, 4);
	memcpy(mod + 4, &e, 4);
	memset(mod + 8, 'n', 99);
	mod[107] = '\0';
	tag(MB2_TAG_MODULE, mod, sizeof(mod));
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 0);
	assert_int_equal(bi->module_count, 1);
	assert_int_equal(bi->modules[0].length, 0);
	assert_int_equal(strlen(bi->modules[0].name), BOOT_MODNAME_MAX - 1);
	assert_int_equal(type_at(0x300000), BOOT_MEM_USABLE);
}

static void test_tags_after_end_ignored(void **state)
{
	(void)state;
	tag_std_mmap();
	tag(MB2_TAG_END, NULL, 0);
	tag_str(MB2_TAG_CMDLINE, "after end");
	put32(0, mbi_len);
	expect_errors(parse(), 0);
	assert_string_equal(bi->cmdline, "");
}

/* ---- malformed input ---- */

static void test_bad_magic(void **state)
{
	(void)state;
	expect_errors(mb2_parse(0x2badb002, NULL, 0, bi), 1);
	assert_header();
	assert_string_equal(bi->loader, "multiboot2");
	expect_error(0, "bad multiboot2 magic 0x2badb002 (expected 0x36d76289)");
	assert_int_equal(bi->region_count, 0);
}

static void test_null_pointer(void **state)
{
	(void)state;
	expect_errors(mb2_parse(MB2_BOOTLOADER_MAGIC, NULL, 0, bi), 1);
	expect_error(0, "no multiboot2 information (NULL pointer)");
}

static void test_total_size_too_small(void **state)
{
	(void)state;
	put32(0, 7);
	expect_errors(parse(), 1);
	expect_error(0, "total_size 7 is smaller than 8");
	assert_int_equal(bi->region_count, 0);
}

static void test_total_size_absurd(void **state)
{
	(void)state;
	put32(0, MB2_INFO_MAX_SIZE + 8);
	expect_errors(parse(), 1);
	expect_error(0, "total_size 0x1000008 is absurdly large (> 16 MiB)");
}

static void test_empty_mbi(void **state)
{
	(void)state;
	put32(0, 8);
	expect_errors(parse(), 2);
	expect_error(0, "no end tag before total_size 0x8");
	expect_error(1, "no memory map tag");
	assert_int_equal(type_at(MBI_PHYS), BOOT_MEM_BOOTLOADER);
}

static void test_no_mmap(void **state)
{
	(void)state;
	tag_str(MB2_TAG_CMDLINE, "x");
	mbi_end();
	expect_errors(parse(), 1);
	expect_error(0, "no memory map tag");
	assert_string_equal(bi->cmdline, "x");
}

static void test_missing_end_tag(void **state)
{
	(void)state;
	tag_std_mmap();
	tag_str(MB2_TAG_CMDLINE, "abc");
	put32(0, mbi_len);
	expect_errors(parse(), 1);
	assert_string_equal(bi->errors[0].text, "no end tag before total_size 0x88");
	/* What was there is still used. */
	assert_string_equal(bi->cmdline, "abc");
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
}

static void test_end_tag_header_cut(void **state)
{
	(void)state;
	tag_std_mmap();
	put32(0, mbi_len + 4); /* half a tag header left */
	expect_errors(parse(), 1);
	assert_non_null(strstr(bi->errors[0].text, "no end tag before total_size"));
}

static void test_truncated_tag(void **state)
{
	uint32_t off;

	(void)state;
	tag(MB2_TAG_LOAD_BASE_ADDR, "\0\0\0\0", 4);
	tag(MB2_TAG_LOAD_BASE_ADDR, "\0\0\0\0", 4);
	tag(MB2_TAG_LOAD_BASE_ADDR, "\0\0\0\0", 4);
	tag(MB2_TAG_LOAD_BASE_ADDR, "\0\0\0\0", 4);
	off = tag_std_mmap();
	assert_int_equal(off, 0x48);
	put32(off + 4, 0x200);
	put32(0, 0x100);
	expect_errors(parse(), 2);
	expect_error(0, "truncated tag type 6 at offset 0x48: size 0x200 runs past total_size 0x100");
	expect_error(1, "no memory map tag");
	assert_int_equal(boot_map_usable_bytes(bi), 0);
}

static void test_tag_size_too_small(void **state)
{
	uint32_t off;

	(void)state;
	off = tag_str(MB2_TAG_CMDLINE, "abc");
	put32(off + 4, 4);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 2);
	expect_error(0, "tag type 1 at offset 0x8: size 4 < 8 (parsing stopped)");
	expect_error(1, "no memory map tag");
}

static void test_tag_size_zero_does_not_loop(void **state)
{
	(void)state;
	put32(8, MB2_TAG_CMDLINE);
	put32(12, 0);
	put32(0, 64);
	expect_errors(parse(), 2);
	expect_error(0, "tag type 1 at offset 0x8: size 0 < 8 (parsing stopped)");
}

static void test_end_tag_bad_size(void **state)
{
	(void)state;
	tag_std_mmap();
	tag(MB2_TAG_END, "\0\0\0\0\0\0\0\0", 8);
	put32(0, mbi_len);
	expect_errors(parse(), 1);
	assert_non_null(strstr(bi->errors[0].text, "end tag at offset"));
	assert_non_null(strstr(bi->errors[0].text, "has size 16 (expected 8)"));
}

static void test_unknown_tag(void **state)
{
	(void)state;
	tag(22, "abcd", 4);
	tag(0x7fffffff, NULL, 0);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 2);
	expect_error(0, "unknown tag type 22 at offset 0x8 (skipped)");
	expect_error(1, "unknown tag type 2147483647 at offset 0x18 (skipped)");
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
}

static void test_cmdline_too_long(void **state)
{
	static char line[3000];

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	tag_str(MB2_TAG_CMDLINE, line);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 1);
	expect_error(0, "command line is 2999 bytes, truncated to 1023");
	assert_int_equal(strlen(bi->cmdline), BOOT_CMDLINE_MAX - 1);
}

static void test_cmdline_not_terminated(void **state)
{
	(void)state;
	tag(MB2_TAG_CMDLINE, "abcdefgh", 8);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 1);
	expect_error(0, "command line tag at offset 0x8: string not NUL-terminated");
	assert_string_equal(bi->cmdline, "abcdefgh");
}

static void test_cmdline_empty_payload(void **state)
{
	(void)state;
	tag(MB2_TAG_CMDLINE, NULL, 0);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 1);
	assert_string_equal(bi->cmdline, "");
}

static void test_module_broken(void **state)
{
	uint32_t bad[2] = { 0x400000, 0x300000 };

	(void)state;
	tag(MB2_TAG_MODULE, bad, 4); /* too short for start/end */
	tag(MB2_TAG_MODULE, bad, 8); /* end < start; no name at all */
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 2);
	expect_error(0, "module tag at offset 0x8: size 12 < 16 (skipped)");
	expect_error(1, "module tag at offset 0x18: mod_end 0x300000 < mod_start 0x400000 (skipped)");
	assert_int_equal(bi->module_count, 0);
}

static void test_module_without_name(void **state)
{
	uint32_t m[2] = { 0x400000, 0x401000 };

	(void)state;
	tag(MB2_TAG_MODULE, m, 8);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 1);
	expect_error(0, "module tag at offset 0x8: string not NUL-terminated");
	assert_int_equal(bi->module_count, 1);
	assert_string_equal(bi->modules[0].name, "");
	assert_int_equal(type_at(0x400000), BOOT_MEM_BOOTLOADER);
}

static void test_mmap_bad_headers(void **state)
{
	uint32_t hdr_small[2] = { 16, 0 };
	uint8_t odd[8 + 28 + 5] = { 0 };
	uint32_t hdr_odd[2] = { 28, 3 };
	uint64_t base = 0x100000, len = 0x100000;
	uint32_t type = 1;

	(void)state;
	tag(MB2_TAG_MMAP, hdr_small, 4);  /* no room for entry_size */
	tag(MB2_TAG_MMAP, hdr_small, 8);  /* entry_size 16 < 24 */
	memcpy(odd, hdr_odd, 8);          /* entry_size 28, version 3, 5 extra */
	memcpy(odd + 8, &base, 8);
	memcpy(odd + 16, &len, 8);
	memcpy(odd + 24, &type, 4);
	tag(MB2_TAG_MMAP, odd, sizeof(odd));
	mbi_end();
	expect_errors(parse(), 5);
	expect_error(0, "memory map tag at offset 0x8: size 12 < 16 (skipped)");
	expect_error(1, "memory map tag at offset 0x18: entry_size 16 < 24 (skipped)");
	expect_error(2, "memory map tag at offset 0x28: entry_size 28 is not a multiple of 8");
	expect_error(3, "memory map tag at offset 0x28: entry_version 3 (read as version 0)");
	expect_error(4, "memory map tag at offset 0x28: 5 trailing bytes after 1 entries (ignored)");
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
}

static void test_mmap_too_many_entries(void **state)
{
	static struct mmap_entry e[64];
	int n;

	(void)state;
	for (uint32_t k = 0; k < 5; k++) {
		for (uint32_t i = 0; i < 64; i++)
			e[i] = (struct mmap_entry){ (k * 64 + i) * 0x10000ull,
						    0x8000, 1 + i % 2, 0 };
		tag_mmap(e, 64);
	}
	mbi_end();
	n = parse();
	assert_true(n >= 1);
	assert_non_null(strstr(bi->errors[0].text, "memory map full"));
	assert_true(bi->region_count <= BOOT_MAX_REGIONS);
}

static void test_mmap_wrapping_entry(void **state)
{
	static const struct mmap_entry e[] = {
		{ 0x100000, 0x100000, 1, 0 },
		{ 0xfffffffffff00000ull, 0x200000, 2, 0 },
	};

	(void)state;
	tag_mmap(e, 2);
	mbi_end();
	expect_errors(parse(), 1);
	assert_non_null(strstr(bi->errors[0].text, "runs past 2^64"));
	assert_int_equal(type_at(UINT64_MAX - 1), BOOT_MEM_RESERVED);
}

static void test_framebuffer_not_rgb(void **state)
{
	uint8_t fb[24 + 8] = { 0 };

	(void)state;
	tag_std_mmap();
	fb[21] = MB2_FB_EGA_TEXT;
	tag(MB2_TAG_FRAMEBUFFER, fb, 24);
	fb[21] = MB2_FB_INDEXED;
	tag(MB2_TAG_FRAMEBUFFER, fb, 30);
	fb[21] = 9;
	tag(MB2_TAG_FRAMEBUFFER, fb, 24);
	mbi_end();
	expect_errors(parse(), 3);
	assert_non_null(strstr(bi->errors[0].text, "type 2 (EGA text) not supported"));
	assert_non_null(strstr(bi->errors[1].text, "type 0 (indexed colour) not supported"));
	assert_non_null(strstr(bi->errors[2].text, "type 9 (unknown) not supported"));
	assert_int_equal(bi->fb.format, BOOT_FB_NONE);
	assert_int_equal(bi->fb.base, 0);
}

static void test_framebuffer_short_or_bad(void **state)
{
	uint8_t fb[30] = { 0 };
	uint64_t addr = 0xe0000000;
	uint32_t pitch = 100, w = 1024, h = 768;

	(void)state;
	tag_std_mmap();
	tag(MB2_TAG_FRAMEBUFFER, fb, 20);    /* shorter than the common part */
	fb[21] = MB2_FB_RGB;
	tag(MB2_TAG_FRAMEBUFFER, fb, 24);    /* RGB without colour info */
	memcpy(fb, &addr, 8);
	memcpy(fb + 8, &pitch, 4);
	memcpy(fb + 12, &w, 4);
	memcpy(fb + 16, &h, 4);
	fb[20] = 32;
	tag(MB2_TAG_FRAMEBUFFER, fb, 30);    /* pitch < width * 4 */
	mbi_end();
	expect_errors(parse(), 3);
	expect_error(0, "framebuffer tag at offset 0x78: size 28 < 32 (skipped)");
	expect_error(1, "framebuffer tag at offset 0x98: size 32 too small for RGB colour info (skipped)");
	expect_error(2, "framebuffer tag at offset 0xb8: bad geometry 1024x768 bpp 32 pitch 100, no framebuffer");
	assert_int_equal(bi->fb.format, BOOT_FB_NONE);
	assert_int_equal(bi->fb.width, 0);
}

static void test_acpi_bad(void **state)
{
	uint8_t v1[20] = "RSD PTR ";
	uint8_t bad[36] = "RSD PTX ";

	(void)state;
	tag_std_mmap();
	tag(MB2_TAG_ACPI_OLD, v1, 19);
	tag(MB2_TAG_ACPI_NEW, v1, 20);
	tag(MB2_TAG_ACPI_NEW, bad, 36);
	mbi_end();
	expect_errors(parse(), 3);
	expect_error(0, "ACPI old RSDP tag at offset 0x78: 19 bytes, need 20 (skipped)");
	expect_error(1, "ACPI new RSDP tag at offset 0x98: 20 bytes, need 36 (skipped)");
	expect_error(2, "ACPI new RSDP tag at offset 0xb8: no \"RSD PTR \" signature (skipped)");
	assert_int_equal(bi->rsdp_length, 0);
}

static void test_misaligned_mbi(void **state)
{
	(void)state;
	tag_std_mmap();
	mbi_end();
	expect_errors(mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, MBI_PHYS + 4, bi), 1);
	expect_error(0, "multiboot2 information at 0x10004 is not 8-byte aligned");
}

static void test_many_errors_saturate_but_count(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 12; i++)
		tag(100 + i, NULL, 0);
	tag_std_mmap();
	mbi_end();
	expect_errors(parse(), 12);
	expect_error(0, "unknown tag type 100 at offset 0x8 (skipped)");
	expect_error(BOOT_MAX_ERRORS - 1, "... more errors");
}

/* Every prefix of a valid MBI, claimed as the whole: never a crash or a read
 * past total_size (ASan checks the heap copy's bounds). */
static void test_every_truncation(void **state)
{
	uint8_t rsdp[36] = "RSD PTR ";
	uint32_t m[3] = { 0x400000, 0x401000, 0x41 };

	(void)state;
	tag_str(MB2_TAG_CMDLINE, "bench");
	tag_str(MB2_TAG_LOADER_NAME, "GRUB");
	tag(MB2_TAG_MODULE, m, 10);
	tag_std_mmap();
	tag(MB2_TAG_ACPI_NEW, rsdp, 36);
	mbi_end();
	for (uint32_t len = 8; len <= mbi_len; len++) {
		uint8_t *copy = malloc(len);
		int n;

		assert_non_null(copy);
		memcpy(copy, mbi, len);
		memcpy(copy, &len, 4);
		n = mb2_parse(MB2_BOOTLOADER_MAGIC, copy, MBI_PHYS, bi);
		assert_true(n >= (len == mbi_len ? 0 : 1));
		assert_true(bi->error_count >= 1 || len == mbi_len);
		free(copy);
	}
}

static uint64_t rng_state = 0x123456789abcdefull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* Random tag chains with random payloads: never a read out of bounds. */
static void test_random_garbage(void **state)
{
	(void)state;
	for (int round = 0; round < 3000; round++) {
		uint32_t len = 8 + rng() % 600;
		uint8_t *copy = malloc(len);
		uint32_t off = 8;

		assert_non_null(copy);
		for (uint32_t i = 0; i < len; i++)
			copy[i] = (uint8_t)rng();
		/* Mostly plausible headers so the tag handlers get exercised. */
		while (off + 8 <= len) {
			uint32_t type = rng() % 24, size = rng() % 96;

			if (rng() % 50 == 0)
				size = rng();
			memcpy(copy + off, &type, 4);
			memcpy(copy + off + 4, &size, 4);
			if (size < 8)
				break;
			off += (size + 7) & ~7u;
		}
		memcpy(copy, &len, 4);
		mb2_parse(MB2_BOOTLOADER_MAGIC, copy, MBI_PHYS, bi);
		assert_true(bi->error_count <= BOOT_MAX_ERRORS);
		assert_true(bi->region_count <= BOOT_MAX_REGIONS);
		assert_true(bi->module_count <= BOOT_MAX_MODULES);
		assert_true(bi->rsdp_length <= BOOT_RSDP_MAX);
		assert_true(strlen(bi->cmdline) < BOOT_CMDLINE_MAX);
		assert_true(strlen(bi->loader) < sizeof(bi->loader));
		free(copy);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_minimal),
		T(test_everything),
		T(test_known_unused_tags_are_silent),
		T(test_mmap_types),
		T(test_mmap_larger_entry_size),
		T(test_old_and_new_rsdp),
		T(test_cmdline_max_fits),
		T(test_loader_name_cut_to_fit),
		T(test_loader_name_control_chars),
		T(test_modules_many),
		T(test_module_long_name_and_empty),
		T(test_tags_after_end_ignored),
		T(test_bad_magic),
		T(test_null_pointer),
		T(test_total_size_too_small),
		T(test_total_size_absurd),
		T(test_empty_mbi),
		T(test_no_mmap),
		T(test_missing_end_tag),
		T(test_end_tag_header_cut),
		T(test_truncated_tag),
		T(test_tag_size_too_small),
		T(test_tag_size_zero_does_not_loop),
		T(test_end_tag_bad_size),
		T(test_unknown_tag),
		T(test_cmdline_too_long),
		T(test_cmdline_not_terminated),
		T(test_cmdline_empty_payload),
		T(test_module_broken),
		T(test_module_without_name),
		T(test_mmap_bad_headers),
		T(test_mmap_too_many_entries),
		T(test_mmap_wrapping_entry),
		T(test_framebuffer_not_rgb),
		T(test_framebuffer_short_or_bad),
		T(test_acpi_bad),
		T(test_misaligned_mbi),
		T(test_many_errors_saturate_but_count),
		T(test_every_truncation),
		T(test_random_garbage),
	};

	return cmocka_run_group_tests_name("mb2", tests, NULL, NULL);
}
