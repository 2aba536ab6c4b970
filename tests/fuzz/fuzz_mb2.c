/* SPDX-License-Identifier: MIT */
/*
 * lib/mb2.c: the multiboot2 information structure, as GRUB hands it over.
 *
 * Input: the structure itself. Its total_size field is what the loader
 * promises, so a value above the input's length is lowered to it, and the
 * parser gets a heap copy of exactly total_size bytes (ASan then sees any
 * read past it). The reserved field (bytes 4..7) doubles as the physical
 * address the structure pretends to live at, so unaligned addresses and
 * reservations anywhere in the low 4 GiB come up.
 *
 * Invariants: the boot_info checks of boot_check.h; the map against a
 * model built here from the memory map tags, the modules and the structure
 * itself (nothing USABLE the loader did not call available and nothing
 * outranks; exactly the more restrictive type everywhere when nothing was
 * dropped); the number returned matches the error list (and is zero only
 * with no errors); the loader name starts with "multiboot2"; module names
 * are printable; the structure itself is never USABLE, nor any module while
 * nothing was dropped; a framebuffer is either absent (all zero) or RGB with
 * a sane geometry; an RSDP copy is 20 or 36 bytes, signed "RSD PTR ",
 * zero-padded.
 */
#include <anvil/boot_map.h>
#include <anvil/mb2.h>

#include "boot_check.h"
#include "fuzz.h"

#define MB2_HEADER 8u

static struct boot_info bi;
static struct fz_model model;


static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Multiboot2 3.6.8: 1 available, 3 ACPI, 4 NVS, 5 bad, anything else reserved. */
static uint32_t mmap_type(uint32_t t)
{
	return t == 1 ? BOOT_MEM_USABLE : t == 3 ? BOOT_MEM_ACPI_RECLAIM : t == 4 ? BOOT_MEM_ACPI_NVS :
	       t == 5 ? BOOT_MEM_BAD : BOOT_MEM_RESERVED;
}

/*
 * The map the structure describes, walked here on its own (spec 3.6): every
 * memory map entry, every module and the structure itself as BOOTLOADER.
 * The walk stops where the parser must: a tag under 8 bytes, one running
 * past total_size, the end tag.
 */
static void build_model(const uint8_t *mbi, uint32_t total, uint64_t phys)
{
	uint32_t off = MB2_HEADER;

	model.n = 0;
	model.overflowed = false;
	while (total - off >= 8) {
		uint32_t type = rd32(mbi + off), size = rd32(mbi + off + 4);

		if (size < 8 || size > total - off || type == 0)
			break;
		if (type == MB2_TAG_MMAP && size >= 16 && rd32(mbi + off + 8) >= 24) {
			uint32_t esize = rd32(mbi + off + 8);

			for (uint32_t e = off + 16; size - (e - off) >= esize; e += esize)
				fz_model_add(&model, rd64(mbi + e), rd64(mbi + e + 8),
					     mmap_type(rd32(mbi + e + 16)));
		}
		if (type == MB2_TAG_MODULE && size >= 16 && rd32(mbi + off + 12) >= rd32(mbi + off + 8))
			fz_model_add(&model, rd32(mbi + off + 8),
				     rd32(mbi + off + 12) - rd32(mbi + off + 8), BOOT_MEM_BOOTLOADER);
		off += (size + 7) & ~7u;
		if (off > total)
			off = total;
	}
	fz_model_add(&model, phys, total, BOOT_MEM_BOOTLOADER);
}

static void check_strings(void)
{
	FUZZ_CHECK(strncmp(bi.loader, "multiboot2", 10) == 0, "loader \"%s\"", bi.loader);
	for (uint32_t i = 0; i < bi.module_count; i++)
		for (const char *s = bi.modules[i].name; *s; s++)
			FUZZ_CHECK(*s >= ' ' && *s <= '~', "module %u name has byte 0x%02x", i,
				   (unsigned char)*s);
	for (const char *s = bi.loader; *s; s++)
		FUZZ_CHECK(*s >= ' ' && *s <= '~', "loader name has byte 0x%02x", (unsigned char)*s);
}

static void check_framebuffer(void)
{
	static const struct boot_framebuffer none;
	const struct boot_framebuffer *fb = &bi.fb;

	if (fb->format == BOOT_FB_NONE) {
		FUZZ_CHECK(memcmp(fb, &none, sizeof(none)) == 0, "no framebuffer, but fields set");
		return;
	}
	FUZZ_CHECK(fb->base && fb->width && fb->height && fb->bpp, "RGB framebuffer with a zero field");
	FUZZ_CHECK((uint64_t)fb->pitch * 8 >= (uint64_t)fb->width * fb->bpp,
		   "pitch %u too small for %u pixels of %u bits", fb->pitch, fb->width, fb->bpp);
}

static void check_rsdp(void)
{
	FUZZ_CHECK(bi.rsdp_length == 0 || bi.rsdp_length == 20 || bi.rsdp_length == 36,
		   "rsdp_length %u", bi.rsdp_length);
	if (bi.rsdp_length)
		FUZZ_CHECK(memcmp(bi.rsdp, "RSD PTR ", 8) == 0, "RSDP copy without its signature");
	for (uint32_t i = bi.rsdp_length; i < BOOT_RSDP_MAX; i++)
		FUZZ_CHECK(bi.rsdp[i] == 0, "RSDP copy byte %u past its length is 0x%02x", i,
			   bi.rsdp[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t head[MB2_HEADER] = { 0 };
	uint32_t total;
	uint64_t phys;
	uint8_t *mbi;
	int rc;

	memcpy(head, data, size < MB2_HEADER ? size : MB2_HEADER);
	total = rd32(head);
	if (total > size)
		total = (uint32_t)size;
	phys = rd32(head + 4);
	/* Below 8 bytes only total_size is read; the header is the loader's minimum. */
	mbi = fz_copy_in(data, total < MB2_HEADER ? 0 : total, total < MB2_HEADER ? MB2_HEADER : total);
	if (total < MB2_HEADER)
		memcpy(mbi, head, MB2_HEADER);
	memcpy(mbi, &total, sizeof(total));

	memset(&bi, 0xa5, sizeof(bi)); /* mb2_parse must set every field */
	rc = mb2_parse(MB2_BOOTLOADER_MAGIC, mbi, phys, &bi);

	FUZZ_CHECK(rc >= 0 && (uint32_t)rc >= bi.error_count, "returned %d with %u errors", rc,
		   bi.error_count);
	FUZZ_CHECK((rc == 0) == (bi.error_count == 0), "returned %d with %u errors", rc,
		   bi.error_count);
	fz_check_boot_info(&bi);
	check_strings();
	check_framebuffer();
	check_rsdp();
	if (total >= MB2_HEADER && total <= MB2_INFO_MAX_SIZE) {
		fz_check_not_usable(&bi, phys, total);
		/* Modules are reserved between map entries: partial pages may go (no page check). */
		build_model(mbi, total, phys);
		fz_check_model(&bi, &model, !fz_map_may_have_dropped(&bi), false);
	}
	if (!fz_map_may_have_dropped(&bi))
		for (uint32_t i = 0; i < bi.module_count; i++)
			fz_check_not_usable(&bi, bi.modules[i].base, bi.modules[i].length);
	free(mbi);
	return 0;
}
