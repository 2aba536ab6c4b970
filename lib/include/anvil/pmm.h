/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator (4 KiB pages) over the USABLE regions of a boot
 * memory map. One bit per page from address 0 up to the end of the highest
 * USABLE region; a set bit means "not available" (allocated, or not free
 * RAM at all). The allocator only ever touches its bitmap, never the memory
 * it hands out, so host tests can use synthetic maps at any address.
 *
 * A page is managed (can ever be free) iff it lies wholly inside a USABLE
 * region, overlaps no region of another type (maps need not be sanitized),
 * and is not page 0 (so 0 can mean "no page").
 */
#ifndef ANVIL_PMM_H
#define ANVIL_PMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/boot_info.h>

#define PMM_PAGE_SIZE 4096u
#define PMM_PAGE_SHIFT 12u

struct pmm {
	uint8_t *bitmap;       /* bit set: page not available */
	uint64_t npages;       /* pages covered from address 0 */
	uint64_t total_pages;  /* managed pages */
	uint64_t free_pages;
	uint64_t hint;         /* page index where the next search starts */
	const struct boot_mem_region *regions; /* kept for pmm_in_usable_region */
	size_t nregions;
};

/* Bitmap bytes needed to cover up to the end of the highest USABLE region. */
size_t pmm_bitmap_bytes(const struct boot_mem_region *r, size_t n);

/*
 * Set up p over regions r[0..n) (which must outlive p) with the caller's
 * bitmap. Every managed page starts free. Returns -1 if bitmap_bytes is
 * smaller than pmm_bitmap_bytes(r, n) or the bitmap is NULL while needed.
 */
int pmm_init(struct pmm *p, const struct boot_mem_region *r, size_t n,
	     void *bitmap, size_t bitmap_bytes);

/* One page; its physical address, or 0 when out of memory. */
uint64_t pmm_alloc(struct pmm *p);

/*
 * npages contiguous pages whose first page index is a multiple of
 * align_pages (a power of two; 0 means 1); the lowest such run. 0 when
 * impossible or npages is 0.
 */
uint64_t pmm_alloc_contig(struct pmm *p, size_t npages, size_t align_pages);

/* -1 if pa is not page-aligned, not managed, or already free. */
int pmm_free(struct pmm *p, uint64_t pa);

/* Free npages pages from pa; all or nothing (-1 if any one would fail). */
int pmm_free_contig(struct pmm *p, uint64_t pa, size_t npages);

/*
 * The allocator's invariants: free_pages equals the clear bits of the bitmap
 * and is at most total_pages, page 0 and every page outside the USABLE
 * regions are marked used. 0, or -1 with what is wrong in err. O(pages).
 */
int pmm_check(const struct pmm *p, char *err, size_t err_len);

/* The page containing pa is free. */
bool pmm_is_free(const struct pmm *p, uint64_t pa);

/* The page containing pa is managed (see above; page 0 included if usable). */
bool pmm_in_usable_region(const struct pmm *p, uint64_t pa);

#endif
