// SPDX-License-Identifier: MIT
/*
 * Memory-map maintenance on struct boot_info: append, sanitize (sort,
 * resolve overlaps, merge, page-align USABLE), reserve ranges, find free
 * space. Works in place in the fixed-size region array: no allocation, and
 * stack use independent of the map size.
 */
#include <anvil/boot_map.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define BOOT_PAGE_MASK ((uint64_t)BOOT_PAGE_SIZE - 1u)
#define BOOT_MORE_ERRORS "... more errors"
#define BOOT_ERROR_CUT "..."
#define BOOT_ERROR_CUT_LEN 3u

/* ---- errors ------------------------------------------------------------ */

void boot_info_verror(struct boot_info *bi, const char *fmt, va_list ap)
{
	uint32_t n = bi->error_count;
	char *text;
	int len;

	if (n >= BOOT_MAX_ERRORS) {
		/* Saturated: the last slot stands for everything after it. */
		bi->error_count = BOOT_MAX_ERRORS;
		snprintf(bi->errors[BOOT_MAX_ERRORS - 1].text, BOOT_ERROR_MAX,
			 "%s", BOOT_MORE_ERRORS);
		return;
	}
	text = bi->errors[n].text;
	len = vsnprintf(text, BOOT_ERROR_MAX, fmt, ap);
	if (len < 0)
		snprintf(text, BOOT_ERROR_MAX, "(unformattable error)");
	else if ((size_t)len >= BOOT_ERROR_MAX)
		memcpy(text + BOOT_ERROR_MAX - 1 - BOOT_ERROR_CUT_LEN,
		       BOOT_ERROR_CUT, BOOT_ERROR_CUT_LEN);
	bi->error_count = n + 1;
}

void boot_info_error(struct boot_info *bi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	boot_info_verror(bi, fmt, ap);
	va_end(ap);
}

/* ---- region helpers ---------------------------------------------------- */

const char *boot_mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return "usable";
	case BOOT_MEM_RESERVED: return "reserved";
	case BOOT_MEM_ACPI_RECLAIM: return "acpi-reclaim";
	case BOOT_MEM_ACPI_NVS: return "acpi-nvs";
	case BOOT_MEM_BAD: return "bad";
	case BOOT_MEM_BOOTLOADER: return "bootloader";
	case BOOT_MEM_KERNEL: return "kernel";
	default: return "unknown";
	}
}

/*
 * How restrictive a type is; on overlap the higher rank wins. Anything beats
 * USABLE; loader data can be given back later, the kernel image cannot;
 * firmware memory outranks both, and bad RAM outranks everything. Unknown
 * types are treated like RESERVED.
 */
static unsigned map_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return 0;
	case BOOT_MEM_BOOTLOADER: return 1;
	case BOOT_MEM_KERNEL: return 2;
	case BOOT_MEM_ACPI_RECLAIM: return 3;
	case BOOT_MEM_ACPI_NVS: return 4;
	case BOOT_MEM_BAD: return 6;
	default: return 5;
	}
}

/* Exclusive end, saturating at 2^64 - 1 for regions written unchecked. */
static uint64_t map_end(const struct boot_mem_region *r)
{
	uint64_t end = r->base + r->length;

	return end < r->base ? UINT64_MAX : end;
}

static void map_set_end(struct boot_mem_region *r, uint64_t end)
{
	r->length = end - r->base;
}

static void map_remove(struct boot_info *bi, uint32_t i)
{
	memmove(&bi->regions[i], &bi->regions[i + 1],
		(bi->region_count - i - 1) * sizeof(bi->regions[0]));
	bi->region_count--;
}

/* Insert r at its place by base within [from, count). -1 if full. */
static int map_insert_sorted(struct boot_info *bi, uint32_t from,
			     const struct boot_mem_region *r)
{
	uint32_t i = from;

	if (bi->region_count >= BOOT_MAX_REGIONS)
		return -1;
	while (i < bi->region_count && bi->regions[i].base <= r->base)
		i++;
	memmove(&bi->regions[i + 1], &bi->regions[i],
		(bi->region_count - i) * sizeof(bi->regions[0]));
	bi->regions[i] = *r;
	bi->region_count++;
	return 0;
}

static void map_drop_error(struct boot_info *bi, const struct boot_mem_region *r)
{
	boot_info_error(bi,
			"memory map full: %s range [0x%llx, 0x%llx) dropped",
			boot_mem_type_name(r->type),
			(unsigned long long)r->base,
			(unsigned long long)map_end(r));
}

int boot_map_add(struct boot_info *bi, uint64_t base, uint64_t len,
		 uint32_t type)
{
	struct boot_mem_region r = { base, len, type, 0 };

	if (len == 0)
		return 0;
	if (base + len < base) {
		boot_info_error(bi, "region at 0x%llx (length 0x%llx) runs past 2^64; clipped",
				(unsigned long long)base, (unsigned long long)len);
		r.length = UINT64_MAX - base;
		if (r.length == 0)
			return 0;
	}
	if (bi->region_count >= BOOT_MAX_REGIONS) {
		map_drop_error(bi, &r);
		return -1;
	}
	bi->regions[bi->region_count++] = r;
	return 0;
}

/* ---- sanitize ---------------------------------------------------------- */

/* Drop empty regions, clip wrapping ones, insertion-sort by base. */
static void map_sort(struct boot_info *bi)
{
	uint32_t i = 0;

	if (bi->region_count > BOOT_MAX_REGIONS)
		bi->region_count = BOOT_MAX_REGIONS;
	while (i < bi->region_count) {
		struct boot_mem_region *r = &bi->regions[i];

		map_set_end(r, map_end(r));
		if (r->length == 0)
			map_remove(bi, i);
		else
			i++;
	}
	for (i = 1; i < bi->region_count; i++) {
		struct boot_mem_region r = bi->regions[i];
		uint32_t j = i;

		while (j > 0 && bi->regions[j - 1].base > r.base) {
			bi->regions[j] = bi->regions[j - 1];
			j--;
		}
		bi->regions[j] = r;
	}
}

/*
 * Resolve the overlap of a = regions[i] and b = regions[i + 1] (sorted,
 * b->base < end(a)). Returns whether index i is now settled (move on), and
 * the number of errors recorded via *errors.
 */
static bool map_resolve_pair(struct boot_info *bi, uint32_t i, int *errors)
{
	struct boot_mem_region *a = &bi->regions[i];
	struct boot_mem_region *b = &bi->regions[i + 1];
	uint64_t a_end = map_end(a), b_end = map_end(b);
	struct boot_mem_region tail;

	if (a->type == b->type) {
		if (b_end > a_end)
			map_set_end(a, b_end);
		map_remove(bi, i + 1);
		return false;
	}
	if (map_rank(a->type) >= map_rank(b->type)) {
		/* b loses the part under a; what sticks out moves behind a. */
		if (b_end > a_end) {
			tail = *b;
			tail.base = a_end;
			map_set_end(&tail, b_end);
		}
		map_remove(bi, i + 1);
		if (b_end > a_end)
			map_insert_sorted(bi, i + 1, &tail); /* a slot was freed */
		return false;
	}
	/* b wins: a keeps [a.base, b.base) and [b_end, a_end). */
	tail = *a;
	tail.base = b_end;
	if (a_end > b_end)
		map_set_end(&tail, a_end);
	else
		tail.length = 0;
	map_set_end(a, b->base);
	if (tail.length && map_insert_sorted(bi, i + 2, &tail) != 0) {
		map_drop_error(bi, &tail);
		(*errors)++;
	}
	if (a->length == 0) {
		map_remove(bi, i);
		return false;
	}
	return true;
}

static int map_resolve_overlaps(struct boot_info *bi)
{
	uint32_t i = 0;
	int errors = 0;

	while (i + 1 < bi->region_count) {
		const struct boot_mem_region *a = &bi->regions[i];

		if (bi->regions[i + 1].base >= map_end(a) ||
		    map_resolve_pair(bi, i, &errors))
			i++;
	}
	return errors;
}

static void map_merge_adjacent(struct boot_info *bi)
{
	uint32_t i = 0;

	while (i + 1 < bi->region_count) {
		struct boot_mem_region *a = &bi->regions[i];
		const struct boot_mem_region *b = &bi->regions[i + 1];

		if (a->type == b->type && map_end(a) == b->base) {
			map_set_end(a, map_end(b));
			map_remove(bi, i + 1);
		} else {
			i++;
		}
	}
}

/* Only whole pages are usable: move USABLE bounds inward. */
static void map_page_align_usable(struct boot_info *bi)
{
	uint32_t i = 0;

	while (i < bi->region_count) {
		struct boot_mem_region *r = &bi->regions[i];
		uint64_t end = map_end(r) & ~BOOT_PAGE_MASK;
		uint64_t base = r->base + ((BOOT_PAGE_SIZE - (r->base & BOOT_PAGE_MASK)) &
					   BOOT_PAGE_MASK);

		if (r->type != BOOT_MEM_USABLE) {
			i++;
		} else if (base < r->base || base >= end) {
			map_remove(bi, i);
		} else {
			r->base = base;
			map_set_end(r, end);
			i++;
		}
	}
}

int boot_map_sanitize_count(struct boot_info *bi)
{
	int errors;

	map_sort(bi);
	errors = map_resolve_overlaps(bi);
	map_merge_adjacent(bi);
	map_page_align_usable(bi);
	return errors;
}

void boot_map_sanitize(struct boot_info *bi)
{
	(void)boot_map_sanitize_count(bi);
}

/* ---- reserve / find ---------------------------------------------------- */

/* Cut [base, end) out of every USABLE region, splitting where needed. */
static int map_carve_usable(struct boot_info *bi, uint64_t base, uint64_t end)
{
	int errors = 0;
	uint32_t i = 0;

	while (i < bi->region_count) {
		struct boot_mem_region *r = &bi->regions[i];
		uint64_t r_end = map_end(r);
		struct boot_mem_region tail = *r;

		if (r->type != BOOT_MEM_USABLE || r_end <= base || r->base >= end) {
			i++;
			continue;
		}
		tail.base = end;
		tail.length = r_end > end ? r_end - end : 0;
		if (r->base < base) {
			map_set_end(r, base);
			i++;
		} else {
			map_remove(bi, i);
		}
		if (tail.length && map_insert_sorted(bi, i, &tail) != 0) {
			map_drop_error(bi, &tail);
			errors++;
		}
	}
	return errors;
}

int boot_map_reserve(struct boot_info *bi, uint64_t base, uint64_t len,
		     uint32_t type)
{
	uint64_t end = base + len;
	int errors;

	if (len == 0)
		return 0;
	if (type == BOOT_MEM_USABLE || end < base) {
		boot_info_error(bi, "cannot reserve [0x%llx, +0x%llx) as %s",
				(unsigned long long)base, (unsigned long long)len,
				boot_mem_type_name(type));
		return -1;
	}
	errors = boot_map_sanitize_count(bi);
	/* Carving first guarantees the range stops being USABLE even if the
	 * map has no room left to record it. */
	errors += map_carve_usable(bi, base, end);
	if (boot_map_add(bi, base, len, type) != 0)
		errors++;
	errors += boot_map_sanitize_count(bi);
	return errors ? -1 : 0;
}

int boot_map_find_free(const struct boot_info *bi, uint64_t size,
		       uint64_t align, uint64_t min_addr, uint64_t *out)
{
	bool found = false;
	uint64_t best = 0;

	if (align == 0)
		align = 1;
	if (size == 0 || (align & (align - 1)) != 0)
		return -1;
	for (uint32_t i = 0; i < bi->region_count && i < BOOT_MAX_REGIONS; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		uint64_t end = map_end(r);
		uint64_t start = r->base > min_addr ? r->base : min_addr;
		uint64_t aligned = (start + align - 1) & ~(align - 1);

		if (r->type != BOOT_MEM_USABLE || aligned < start || aligned >= end)
			continue;
		if (end - aligned < size)
			continue;
		if (!found || aligned < best) {
			best = aligned;
			found = true;
		}
	}
	if (!found)
		return -1;
	*out = best;
	return 0;
}

uint64_t boot_map_usable_bytes(const struct boot_info *bi)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < bi->region_count && i < BOOT_MAX_REGIONS; i++)
		if (bi->regions[i].type == BOOT_MEM_USABLE)
			total += bi->regions[i].length;
	return total;
}
