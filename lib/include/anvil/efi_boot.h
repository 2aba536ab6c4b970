/* SPDX-License-Identifier: MIT */
/*
 * The pure part of the UEFI front end: turning the firmware's memory map and
 * load options into struct boot_info. No firmware headers or calls, so it is
 * unit-tested on the host and can run after ExitBootServices.
 */
#ifndef ANVIL_EFI_BOOT_H
#define ANVIL_EFI_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include <anvil/boot_info.h>

/* EFI_MEMORY_TYPE values (UEFI 2.10, 7.2.1). */
enum efi_memory_type {
	EFI_MEM_RESERVED = 0,
	EFI_MEM_LOADER_CODE = 1,
	EFI_MEM_LOADER_DATA = 2,
	EFI_MEM_BOOT_SERVICES_CODE = 3,
	EFI_MEM_BOOT_SERVICES_DATA = 4,
	EFI_MEM_RUNTIME_SERVICES_CODE = 5,
	EFI_MEM_RUNTIME_SERVICES_DATA = 6,
	EFI_MEM_CONVENTIONAL = 7,
	EFI_MEM_UNUSABLE = 8,
	EFI_MEM_ACPI_RECLAIM = 9,
	EFI_MEM_ACPI_NVS = 10,
	EFI_MEM_MMIO = 11,
	EFI_MEM_MMIO_PORT_SPACE = 12,
	EFI_MEM_PAL_CODE = 13,
	EFI_MEM_PERSISTENT = 14,
	EFI_MEM_UNACCEPTED = 15,
};

/* EFI_MEMORY_DESCRIPTOR (UEFI 2.10, 7.2.3). Firmware may use a larger stride. */
struct efi_mem_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t pages;
	uint64_t attribute;
};
_Static_assert(sizeof(struct efi_mem_desc) == 40, "EFI_MEMORY_DESCRIPTOR is 40 bytes");
_Static_assert(__builtin_offsetof(struct efi_mem_desc, phys_start) == 8, "PhysicalStart at 8");
_Static_assert(__builtin_offsetof(struct efi_mem_desc, pages) == 24, "NumberOfPages at 24");

#define EFI_MAP_PAGE_SIZE 4096u
#define EFI_DESC_STRIDE_MAX 128u /* largest stride sorted in place */

uint32_t efi_mem_type_to_boot(uint32_t efi_type); /* enum boot_mem_type */
const char *efi_mem_type_name(uint32_t efi_type);

/* Descriptor i of a map with the given stride (copied: maps may be unaligned). */
struct efi_mem_desc efi_map_desc(const void *descs, size_t stride, size_t i);
/* Sort the descriptors by physical start, in place. */
void efi_map_sort(void *descs, size_t size, size_t stride);
/*
 * Replace bi's regions by the map in descs (size bytes, stride desc_size; the
 * descriptors are sorted in place), sanitized, with [kernel_base,
 * kernel_end) reserved as BOOT_MEM_KERNEL. As in mb2_parse, a full map never
 * hands out a reservation: conventional memory goes in last, and not at all
 * (an error recorded) if a reservation found no room.
 */
void efi_map_convert(struct boot_info *bi, void *descs, size_t size, size_t desc_size,
		     uint64_t kernel_base, uint64_t kernel_end);

/* UCS-2 → ASCII ('?' beyond 0x7f); returns the full source length. */
size_t efi_cmdline_ucs2_to_ascii(char *dst, size_t cap, const uint16_t *src, size_t n);
/* Drop a leading word naming this image (self_name, any directory) or any *.efi path. */
void efi_cmdline_strip_self(char *s, const char *self_name);
/* Control characters become spaces; both ends trimmed. */
void efi_cmdline_tidy(char *s);
/* Copy into bi->cmdline; a source longer than fits (total) is recorded as an error. */
void efi_cmdline_store(struct boot_info *bi, const char *s, size_t total, const char *source);

#endif
