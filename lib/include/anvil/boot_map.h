/* SPDX-License-Identifier: MIT */
/*
 * Maintenance of the memory map and error list inside a struct boot_info,
 * shared by the boot front ends (UEFI, multiboot2) and the kernel. Pure: it
 * only edits the structure, never the memory the map describes.
 *
 * A sanitized map is sorted by base, has no overlapping or empty regions,
 * no two adjacent regions of the same type, and every USABLE region starts
 * and ends on a 4 KiB page boundary.
 */
#ifndef ANVIL_BOOT_MAP_H
#define ANVIL_BOOT_MAP_H

#include <stdarg.h>
#include <stdint.h>

#include <anvil/boot_info.h>

#define BOOT_PAGE_SIZE 4096u

/*
 * Append a region as given (call boot_map_sanitize() afterwards). A zero
 * length adds nothing and succeeds. A region running past 2^64 is clipped and
 * an error recorded. Returns -1 (and records an error) if the map is full.
 */
int boot_map_add(struct boot_info *bi, uint64_t base, uint64_t len,
		 uint32_t type);

/*
 * Sort, resolve overlaps (the more restrictive type wins: USABLE <
 * BOOTLOADER < KERNEL < ACPI_RECLAIM < ACPI_NVS < RESERVED/unknown < BAD),
 * merge adjacent same-type regions, drop empty ones, shrink USABLE regions
 * inward to page boundaries. If splitting would need more than
 * BOOT_MAX_REGIONS regions, pieces of the less restrictive type are dropped
 * (never handed out) and an error is recorded.
 */
void boot_map_sanitize(struct boot_info *bi);

/* boot_map_sanitize(), returning the number of errors it recorded. */
int boot_map_sanitize_count(struct boot_info *bi);

/*
 * Mark [base, base+len) as `type` (which must not be USABLE): the part that
 * lies in USABLE regions is carved out of them, splitting regions as needed
 * (a partly covered page stops being USABLE). Parts already of a more
 * restrictive type keep it; parts in holes become `type`. The map is left
 * sanitized. Returns 0, or -1 after recording an error (bad arguments, full
 * map).
 */
int boot_map_reserve(struct boot_info *bi, uint64_t base, uint64_t len,
		     uint32_t type);

/*
 * Lowest address A >= min_addr, aligned to align (a power of two; 0 means 1),
 * such that [A, A+size) lies inside one USABLE region. Returns 0 and sets
 * *out, or -1 if there is none (or size is 0).
 */
int boot_map_find_free(const struct boot_info *bi, uint64_t size,
		       uint64_t align, uint64_t min_addr, uint64_t *out);

/* Total bytes in USABLE regions. */
uint64_t boot_map_usable_bytes(const struct boot_info *bi);

/* Name of a region type ("usable", "reserved", ...; "unknown" otherwise). */
const char *boot_mem_type_name(uint32_t type);

/*
 * Append a formatted text (cut to BOOT_ERROR_MAX - 1 characters) to
 * bi->errors. error_count saturates at BOOT_MAX_ERRORS; once more errors
 * arrive than fit, the last slot reads "... more errors".
 */
void boot_info_error(struct boot_info *bi, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void boot_info_verror(struct boot_info *bi, const char *fmt, va_list ap);

#endif
