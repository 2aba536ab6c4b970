// SPDX-License-Identifier: MIT
/*
 * Bitmap physical page allocator. Single-threaded by design: the kernel
 * wraps it in its own lock if it ever needs one.
 */
#include <anvil/pmm.h>

#include <stdio.h>
#include <string.h>

#define PMM_PAGE_MASK ((uint64_t)PMM_PAGE_SIZE - 1u)
#define PMM_BITS_PER_BYTE 8u
#define PMM_BYTE_ALL_USED 0xffu
#define PMM_NONE UINT64_MAX

/* Exclusive end, saturating instead of wrapping. */
static uint64_t pmm_region_end(const struct boot_mem_region *r)
{
	uint64_t end = r->base + r->length;

	return end < r->base ? UINT64_MAX : end;
}

/* Pages wholly inside r: [*first, *last). Empty if *first >= *last. */
static void pmm_region_pages(const struct boot_mem_region *r, uint64_t *first,
			     uint64_t *last)
{
	uint64_t end = pmm_region_end(r);
	uint64_t up = (r->base + PMM_PAGE_MASK) & ~PMM_PAGE_MASK;

	*first = up < r->base ? PMM_NONE : up >> PMM_PAGE_SHIFT;
	*last = end >> PMM_PAGE_SHIFT;
}

static bool pmm_test(const struct pmm *p, uint64_t page)
{
	return p->bitmap[page / PMM_BITS_PER_BYTE] &
	       (1u << (page % PMM_BITS_PER_BYTE));
}

static void pmm_set(struct pmm *p, uint64_t page)
{
	p->bitmap[page / PMM_BITS_PER_BYTE] |=
		(uint8_t)(1u << (page % PMM_BITS_PER_BYTE));
}

static void pmm_clear(struct pmm *p, uint64_t page)
{
	p->bitmap[page / PMM_BITS_PER_BYTE] &=
		(uint8_t)~(1u << (page % PMM_BITS_PER_BYTE));
}

static void pmm_put(struct pmm *p, uint64_t page, bool used)
{
	if (used)
		pmm_set(p, page);
	else
		pmm_clear(p, page);
}

/* Set (used) or clear (free) the bits of pages [first, last), bytewise in
 * the middle so large regions cost little. */
static void pmm_fill(struct pmm *p, uint64_t first, uint64_t last, bool used)
{
	uint64_t pg = first;
	uint64_t whole;

	while (pg < last && pg % PMM_BITS_PER_BYTE)
		pmm_put(p, pg++, used);
	whole = pg < last ? (last - pg) / PMM_BITS_PER_BYTE : 0;
	memset(p->bitmap + pg / PMM_BITS_PER_BYTE, used ? PMM_BYTE_ALL_USED : 0,
	       (size_t)whole);
	pg += whole * PMM_BITS_PER_BYTE;
	while (pg < last)
		pmm_put(p, pg++, used);
}

/* Whole page inside one USABLE region and touching no other type. */
static bool pmm_page_managed(const struct pmm *p, uint64_t page)
{
	uint64_t start = page << PMM_PAGE_SHIFT;
	uint64_t end = start + PMM_PAGE_SIZE;
	bool inside = false;

	for (size_t i = 0; i < p->nregions; i++) {
		const struct boot_mem_region *r = &p->regions[i];
		uint64_t r_end = pmm_region_end(r);

		if (r->type == BOOT_MEM_USABLE)
			inside = inside || (r->base <= start && r_end >= end);
		else if (r->length && r->base < end && r_end > start)
			return false;
	}
	return inside;
}

size_t pmm_bitmap_bytes(const struct boot_mem_region *r, size_t n)
{
	uint64_t npages = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t first, last;

		if (r[i].type != BOOT_MEM_USABLE)
			continue;
		pmm_region_pages(&r[i], &first, &last);
		if (first < last && last > npages)
			npages = last;
	}
	return (size_t)((npages + PMM_BITS_PER_BYTE - 1) / PMM_BITS_PER_BYTE);
}

/* Mark every page that r touches, at least partly, as used. */
static void pmm_mark_touched(struct pmm *p, const struct boot_mem_region *r)
{
	uint64_t first = r->base >> PMM_PAGE_SHIFT;
	uint64_t end = pmm_region_end(r);
	uint64_t last = (end >> PMM_PAGE_SHIFT) + ((end & PMM_PAGE_MASK) != 0);

	if (last > p->npages)
		last = p->npages;
	if (first < last)
		pmm_fill(p, first, last, true);
}

int pmm_init(struct pmm *p, const struct boot_mem_region *r, size_t n,
	     void *bitmap, size_t bitmap_bytes)
{
	size_t need = pmm_bitmap_bytes(r, n);

	memset(p, 0, sizeof(*p));
	if (bitmap_bytes < need || (need && !bitmap))
		return -1;
	p->bitmap = bitmap;
	p->regions = r;
	p->nregions = n;
	p->npages = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t first, last;

		if (r[i].type != BOOT_MEM_USABLE)
			continue;
		pmm_region_pages(&r[i], &first, &last);
		if (first < last && last > p->npages)
			p->npages = last;
	}
	if (need)
		memset(p->bitmap, PMM_BYTE_ALL_USED, need);

	for (size_t i = 0; i < n; i++) {
		uint64_t first, last;

		if (r[i].type != BOOT_MEM_USABLE)
			continue;
		pmm_region_pages(&r[i], &first, &last);
		if (first < last)
			pmm_fill(p, first, last, false);
	}
	/* Other types win over USABLE wherever they overlap (unsanitized maps). */
	for (size_t i = 0; i < n; i++)
		if (r[i].type != BOOT_MEM_USABLE && r[i].length)
			pmm_mark_touched(p, &r[i]);
	if (p->npages)
		pmm_set(p, 0); /* 0 means "no page" */

	/* Bits past npages in the last byte stay set, so whole bytes count. */
	for (size_t b = 0; b < need; b++)
		p->free_pages += PMM_BITS_PER_BYTE -
				 (uint64_t)__builtin_popcount(p->bitmap[b]);
	p->total_pages = p->free_pages;
	p->hint = 0;
	return 0;
}

/* First free page in [from, to), or PMM_NONE. Skips full bytes quickly. */
static uint64_t pmm_find_free(const struct pmm *p, uint64_t from, uint64_t to)
{
	uint64_t pg = from;

	while (pg < to) {
		if (pg % PMM_BITS_PER_BYTE == 0 &&
		    p->bitmap[pg / PMM_BITS_PER_BYTE] == PMM_BYTE_ALL_USED)
			pg += PMM_BITS_PER_BYTE;
		else if (!pmm_test(p, pg))
			return pg;
		else
			pg++;
	}
	return PMM_NONE;
}

uint64_t pmm_alloc(struct pmm *p)
{
	uint64_t pg;

	if (p->free_pages == 0)
		return 0;
	pg = pmm_find_free(p, p->hint, p->npages);
	if (pg == PMM_NONE)
		pg = pmm_find_free(p, 0, p->hint);
	if (pg == PMM_NONE)
		return 0; /* free_pages was wrong; never hand out a used page */
	pmm_set(p, pg);
	p->free_pages--;
	p->hint = pg + 1 < p->npages ? pg + 1 : 0;
	return pg << PMM_PAGE_SHIFT;
}

/* Smallest multiple of align that is >= v, or PMM_NONE on overflow. */
static uint64_t pmm_align_up(uint64_t v, uint64_t align)
{
	uint64_t up = (v + align - 1) & ~(align - 1);

	return up < v ? PMM_NONE : up;
}

uint64_t pmm_alloc_contig(struct pmm *p, size_t npages, size_t align_pages)
{
	uint64_t align = align_pages ? align_pages : 1;
	uint64_t cand = 0;

	if (npages == 0 || (align & (align - 1)) != 0 || npages > p->free_pages)
		return 0;
	while (cand != PMM_NONE && cand <= p->npages &&
	       p->npages - cand >= npages) {
		uint64_t used = PMM_NONE;

		for (uint64_t pg = cand; pg < cand + npages; pg++) {
			if (pmm_test(p, pg)) {
				used = pg;
				break;
			}
		}
		if (used == PMM_NONE) {
			for (uint64_t pg = cand; pg < cand + npages; pg++)
				pmm_set(p, pg);
			p->free_pages -= npages;
			return cand << PMM_PAGE_SHIFT;
		}
		cand = pmm_align_up(used + 1, align);
	}
	return 0;
}

/* pa is the start of a managed page that is currently allocated. */
static bool pmm_freeable(const struct pmm *p, uint64_t pa)
{
	uint64_t pg = pa >> PMM_PAGE_SHIFT;

	return (pa & PMM_PAGE_MASK) == 0 && pg != 0 && pg < p->npages &&
	       pmm_test(p, pg) && pmm_page_managed(p, pg);
}

int pmm_free(struct pmm *p, uint64_t pa)
{
	if (!pmm_freeable(p, pa))
		return -1;
	pmm_clear(p, pa >> PMM_PAGE_SHIFT);
	p->free_pages++;
	return 0;
}

int pmm_free_contig(struct pmm *p, uint64_t pa, size_t npages)
{
	uint64_t first = pa >> PMM_PAGE_SHIFT;

	if (npages == 0 || (pa & PMM_PAGE_MASK) || first >= p->npages ||
	    p->npages - first < npages)
		return -1;
	for (uint64_t pg = first; pg < first + npages; pg++)
		if (!pmm_freeable(p, pg << PMM_PAGE_SHIFT))
			return -1;
	for (uint64_t pg = first; pg < first + npages; pg++)
		pmm_clear(p, pg);
	p->free_pages += npages;
	return 0;
}

int pmm_check(const struct pmm *p, char *err, size_t err_len)
{
	uint64_t clear = 0;

	if (err && err_len)
		err[0] = '\0';
	for (uint64_t pg = 0; pg < p->npages; pg++) {
		if (pmm_test(p, pg))
			continue;
		clear++;
		if (pg == 0 || !pmm_page_managed(p, pg)) {
			if (err && err_len)
				snprintf(err, err_len, "pmm: page 0x%llx is free but not managed",
					 (unsigned long long)(pg << PMM_PAGE_SHIFT));
			return -1;
		}
	}
	if (clear != p->free_pages || p->free_pages > p->total_pages) {
		if (err && err_len)
			snprintf(err, err_len, "pmm: %llu pages free in the bitmap, free_pages says "
				 "%llu (of %llu managed)", (unsigned long long)clear,
				 (unsigned long long)p->free_pages, (unsigned long long)p->total_pages);
		return -1;
	}
	return 0;
}

bool pmm_is_free(const struct pmm *p, uint64_t pa)
{
	uint64_t pg = pa >> PMM_PAGE_SHIFT;

	return pg < p->npages && !pmm_test(p, pg);
}

bool pmm_in_usable_region(const struct pmm *p, uint64_t pa)
{
	uint64_t pg = pa >> PMM_PAGE_SHIFT;

	return pg <= (UINT64_MAX >> PMM_PAGE_SHIFT) - 1 && pmm_page_managed(p, pg);
}
