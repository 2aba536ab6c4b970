/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot information -> struct boot_info (the multiboot2 front end's
 * translation step). Pure: reads the information structure through a
 * pointer, never trusts a size it has not checked, and reports every problem
 * by tag type and offset in out->errors.
 *
 * Reference: The Multiboot2 Specification, version 1.0, section 3.6 (boot
 * information format) and GRUB's multiboot2.h for field layouts.
 */
#ifndef ANVIL_MB2_H
#define ANVIL_MB2_H

#include <stdint.h>

#include <anvil/boot_info.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u /* in EAX at kernel entry */
#define MB2_INFO_MAX_SIZE (16u << 20)    /* a larger total_size is absurd */

/* Tag types (spec 3.6.x) */
enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_VBE = 7,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ELF_SECTIONS = 9,
	MB2_TAG_APM = 10,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_SMBIOS = 13,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_NETWORK = 16,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	MB2_TAG_LOAD_BASE_ADDR = 21,
};

/* Memory map entry types (spec 3.6.8) */
enum mb2_mmap_type {
	MB2_MMAP_AVAILABLE = 1,
	MB2_MMAP_RESERVED = 2,
	MB2_MMAP_ACPI_RECLAIMABLE = 3,
	MB2_MMAP_NVS = 4,
	MB2_MMAP_BADRAM = 5,
};

/* Framebuffer types (spec 3.6.12) */
enum mb2_fb_type {
	MB2_FB_INDEXED = 0,
	MB2_FB_RGB = 1,
	MB2_FB_EGA_TEXT = 2,
};

/*
 * Zero *out, set magic/version/loader ("multiboot2", or "multiboot2 (NAME)"
 * from the boot loader name tag) and fill it from the information structure
 * at mbi (physical address mbi_phys). The MBI itself and every module are
 * reserved as BOOTLOADER in the map, which is sanitized at the end. A full
 * map never hands out a reservation: the entries that are not available
 * memory go in first, and if one of them finds no room, no available memory
 * is taken at all (recorded as an error). Returns
 * the number of problems found; each is also recorded in out->errors (where
 * the count saturates at BOOT_MAX_ERRORS).
 */
int mb2_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys,
	      struct boot_info *out);

#endif
