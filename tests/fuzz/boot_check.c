/* SPDX-License-Identifier: MIT */
/* Independent checks of struct boot_info (see boot_check.h). */
#include "boot_check.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define PAGE 4096ull
#define NO_RANK (-1)

unsigned fz_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return 0;
	case BOOT_MEM_BOOTLOADER: return 1;
	case BOOT_MEM_KERNEL: return 2;
	case BOOT_MEM_ACPI_RECLAIM: return 3;
	case BOOT_MEM_ACPI_NVS: return 4;
	case BOOT_MEM_BAD: return 6;
	default: return 5; /* RESERVED and anything unknown */
	}
}

void fz_model_add(struct fz_model *m, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t end = base + len < base ? UINT64_MAX : base + len;

	if (len == 0 || end == base)
		return;
	if (m->n == FZ_MODEL_MAX) {
		m->overflowed = true;
		return;
	}
	m->r[m->n++] = (struct fz_region){ base, end, type };
}

void fz_check_errors(const struct boot_info *bi)
{
	FUZZ_CHECK(bi->error_count <= BOOT_MAX_ERRORS, "error_count %u", bi->error_count);
	for (uint32_t i = 0; i < bi->error_count; i++)
		FUZZ_CHECK(fz_message(bi->errors[i].text, BOOT_ERROR_MAX),
			   "error %u not a NUL-terminated, non-empty text", i);
}

void fz_check_sanitized(const struct boot_info *bi)
{
	FUZZ_CHECK(bi->region_count <= BOOT_MAX_REGIONS, "region_count %u", bi->region_count);
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		FUZZ_CHECK(r->length > 0, "region %u is empty", i);
		FUZZ_CHECK(r->base + r->length > r->base, "region %u [0x%llx, +0x%llx) wraps", i,
			   (unsigned long long)r->base, (unsigned long long)r->length);
		if (r->type == BOOT_MEM_USABLE)
			FUZZ_CHECK(r->base % PAGE == 0 && r->length % PAGE == 0,
				   "USABLE region %u [0x%llx, +0x%llx) not on page bounds", i,
				   (unsigned long long)r->base, (unsigned long long)r->length);
		if (i == 0)
			continue;
		const struct boot_mem_region *p = &bi->regions[i - 1];
		uint64_t p_end = p->base + p->length;

		FUZZ_CHECK(p_end <= r->base, "regions %u and %u overlap or are unsorted", i - 1, i);
		FUZZ_CHECK(!(p_end == r->base && p->type == r->type),
			   "regions %u and %u touch with the same type %u", i - 1, i, r->type);
	}
}

void fz_check_boot_info(const struct boot_info *bi)
{
	FUZZ_CHECK(bi->magic == BOOT_INFO_MAGIC, "magic 0x%x", bi->magic);
	FUZZ_CHECK(bi->version == BOOT_INFO_VERSION, "version %u", bi->version);
	FUZZ_CHECK(fz_message(bi->loader, sizeof(bi->loader)), "loader name not terminated");
	FUZZ_CHECK(fz_terminated(bi->cmdline, BOOT_CMDLINE_MAX), "cmdline not terminated");
	FUZZ_CHECK(bi->module_count <= BOOT_MAX_MODULES, "module_count %u", bi->module_count);
	for (uint32_t i = 0; i < bi->module_count; i++)
		FUZZ_CHECK(fz_terminated(bi->modules[i].name, BOOT_MODNAME_MAX),
			   "module %u name not terminated", i);
	FUZZ_CHECK(bi->rsdp_length <= BOOT_RSDP_MAX, "rsdp_length %u", bi->rsdp_length);
	FUZZ_CHECK(bi->fb.format == BOOT_FB_NONE || bi->fb.format == BOOT_FB_RGB,
		   "framebuffer format %u", bi->fb.format);
	fz_check_errors(bi);
	fz_check_sanitized(bi);
}

bool fz_map_may_have_dropped(const struct boot_info *bi)
{
	if (bi->error_count >= BOOT_MAX_ERRORS)
		return true; /* later messages are lost */
	for (uint32_t i = 0; i < bi->error_count; i++)
		if (strstr(bi->errors[i].text, "memory map full"))
			return true;
	return false;
}

const struct boot_mem_region *fz_region_at(const struct boot_info *bi, uint64_t a)
{
	uint32_t lo = 0, hi = bi->region_count;

	/* Sorted and disjoint (checked first): binary search for the last base <= a. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (bi->regions[mid].base <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct boot_mem_region *r = &bi->regions[lo - 1];

	return a - r->base < r->length ? r : NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define MAX_POINTS (2 * (FZ_MODEL_MAX + BOOT_MAX_REGIONS) + 1)
#define RANKS 7

/*
 * Every boundary of the model and of the map, sorted: both are constant from
 * one to the next. rank_from[i] is the model's rank on [points[i],
 * points[i + 1]), found with one coverage count per rank.
 */
static uint64_t points[MAX_POINTS];
static int rank_from[MAX_POINTS];
static int32_t cover[RANKS][MAX_POINTS + 1];

static size_t point_index(size_t n, uint64_t a) /* the last point <= a */
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (points[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1; /* points[0] is 0 */
}

static size_t collect_points(const struct boot_info *bi, const struct fz_model *m)
{
	size_t n = 0, out = 0;

	points[n++] = 0;
	for (unsigned i = 0; i < m->n; i++) {
		points[n++] = m->r[i].base;
		points[n++] = m->r[i].end;
	}
	for (uint32_t i = 0; i < bi->region_count; i++) {
		points[n++] = bi->regions[i].base;
		points[n++] = bi->regions[i].base + bi->regions[i].length;
	}
	qsort(points, n, sizeof(points[0]), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || points[out - 1] != points[i])
			points[out++] = points[i];

	for (int r = 0; r < RANKS; r++)
		memset(cover[r], 0, (out + 1) * sizeof(cover[r][0]));
	for (unsigned i = 0; i < m->n; i++) {
		unsigned r = fz_rank(m->r[i].type);

		cover[r][point_index(out, m->r[i].base)]++;
		cover[r][point_index(out, m->r[i].end)]--;
	}
	for (size_t i = 0; i < out; i++) {
		rank_from[i] = NO_RANK;
		for (int r = 0; r < RANKS; r++) {
			if (i)
				cover[r][i] += cover[r][i - 1];
			if (cover[r][i] > 0)
				rank_from[i] = r;
		}
	}
	return out;
}

/* Whether the model calls all of the page holding a USABLE. */
static bool model_page_usable(size_t npoints, uint64_t a)
{
	uint64_t page = a & ~(PAGE - 1);

	if (page > UINT64_MAX - PAGE)
		return false; /* its last byte, 2^64 - 1, is never covered */
	for (size_t i = point_index(npoints, page); i < npoints && points[i] < page + PAGE; i++)
		if (rank_from[i] != 0)
			return false;
	return true;
}

void fz_check_model(const struct boot_info *bi, const struct fz_model *m, bool strict, bool pages)
{
	size_t n;

	if (m->overflowed)
		return;
	n = collect_points(bi, m);
	for (size_t i = 0; i < n; i++) {
		uint64_t a = points[i];
		const struct boot_mem_region *r = fz_region_at(bi, a);
		uint32_t type = r ? r->type : 0;
		int want = rank_from[i];
		int got = r ? (int)fz_rank(type) : NO_RANK;

		FUZZ_CHECK(!r || type != BOOT_MEM_USABLE || want == 0,
			   "0x%llx is USABLE, but the regions given make it rank %d",
			   (unsigned long long)a, want);
		FUZZ_CHECK(got <= want, "0x%llx has type %u (rank %d), more restrictive than "
			   "the regions given (rank %d)", (unsigned long long)a, type, got, want);
		if (!strict)
			continue;
		if (want > 0)
			FUZZ_CHECK(got == want, "0x%llx: type %u (rank %d), want rank %d",
				   (unsigned long long)a, type, got, want);
		if (pages && want == 0 && !r)
			FUZZ_CHECK(!model_page_usable(n, a),
				   "0x%llx: a whole USABLE page was lost", (unsigned long long)a);
	}
}

void fz_check_not_usable(const struct boot_info *bi, uint64_t base, uint64_t len)
{
	uint64_t end = base + len < base ? UINT64_MAX : base + len;

	if (len == 0)
		return;
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		if (r->type != BOOT_MEM_USABLE)
			continue;
		FUZZ_CHECK(r->base >= end || r->base + r->length <= base,
			   "USABLE region [0x%llx, +0x%llx) overlaps [0x%llx, 0x%llx), which "
			   "must not be handed out", (unsigned long long)r->base,
			   (unsigned long long)r->length, (unsigned long long)base,
			   (unsigned long long)end);
	}
}
