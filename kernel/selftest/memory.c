/* SPDX-License-Identifier: MIT */
/* The page allocator and the heap, on the real memory map. */
#include <stdlib.h>
#include <string.h>

#include <anvil/ktest.h>
#include <anvil/memory.h>
#include <anvil/platform.h>
#include <arch/cpu.h>

static bool page_in_region_type(const struct boot_info *bi, uint64_t pa, uint32_t type)
{
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->type == type && pa >= r->base && pa + ARCH_PAGE_SIZE <= r->base + r->length)
			return true;
	}
	return false;
}

static bool overlaps_non_usable(const struct boot_info *bi, uint64_t pa)
{
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->type != BOOT_MEM_USABLE && pa < r->base + r->length && r->base < pa + ARCH_PAGE_SIZE)
			return true;
	}
	return false;
}

/*
 * Take every free page, check each against the memory map and against a
 * bitmap of pages already seen, then give them all back.
 */
KTEST_TIMEOUT(mem, pmm_whole_memory, 60000)
{
	struct pmm *p = &kernel_pmm;
	const struct boot_info *bi = platform.boot;
	uint64_t free_before = p->free_pages;
	size_t seen_bytes = (size_t)(p->npages + 7) / 8;
	uint8_t *seen = calloc(1, seen_bytes);
	if (!check(t, seen != NULL, "the heap can hold a bitmap of %lu pages", (unsigned long)p->npages))
		return;
	/* The allocated pages themselves form the list (identity mapped). */
	uint64_t list = 0;
	uint64_t n = 0, dup = 0, bad_region = 0, misaligned = 0, kernel_hits = 0;
	uint64_t ks = kernel_image_start(), ke = kernel_image_end();
	for (uint64_t pa; (pa = pmm_alloc(p)) != 0;) {
		uint64_t pfn = pa / ARCH_PAGE_SIZE;
		if (pa % ARCH_PAGE_SIZE)
			misaligned++;
		if (pfn < p->npages && (seen[pfn / 8] >> (pfn % 8) & 1))
			dup++;
		else if (pfn < p->npages)
			seen[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		if (!page_in_region_type(bi, pa, BOOT_MEM_USABLE) || overlaps_non_usable(bi, pa))
			bad_region++;
		if (pa < ke && ks < pa + ARCH_PAGE_SIZE)
			kernel_hits++;
		*(volatile uint64_t *)(uintptr_t)pa = list;
		list = pa;
		n++;
	}
	ktest_diag(t, "allocated every free page: %lu pages (%lu MiB)", (unsigned long)n,
		   (unsigned long)(n * ARCH_PAGE_SIZE >> 20));
	check(t, n == free_before, "exactly the %lu free pages are handed out (got %lu)",
	      (unsigned long)free_before, (unsigned long)n);
	check(t, dup == 0, "no page is handed out twice (%lu duplicates)", (unsigned long)dup);
	check(t, misaligned == 0, "every page is 4 KiB aligned (%lu not)", (unsigned long)misaligned);
	check(t, bad_region == 0, "no page comes from outside the usable regions (%lu did)",
	      (unsigned long)bad_region);
	check(t, kernel_hits == 0, "no page overlaps the hypervisor image (%lu did)", (unsigned long)kernel_hits);
	check(t, pmm_alloc(p) == 0 && p->free_pages == 0, "an exhausted allocator returns 0");
	uint64_t freed_bad = 0, last = 0;
	while (list) {
		uint64_t next = *(volatile uint64_t *)(uintptr_t)list;
		if (pmm_free(p, list))
			freed_bad++;
		last = list;
		list = next;
	}
	check(t, freed_bad == 0, "every page can be given back (%lu refused)", (unsigned long)freed_bad);
	check(t, p->free_pages == free_before, "the free count is restored (%lu of %lu)",
	      (unsigned long)p->free_pages, (unsigned long)free_before);
	if (last)
		check(t, pmm_free(p, last) != 0, "a double free is refused");
	free(seen);
}

KTEST(mem, pmm_reserved_regions)
{
	const struct boot_info *bi = platform.boot;
	unsigned checked = 0, wrong = 0;
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->type == BOOT_MEM_USABLE)
			continue;
		for (uint64_t pa = r->base & ~(uint64_t)(ARCH_PAGE_SIZE - 1); pa < r->base + r->length;
		     pa += ARCH_PAGE_SIZE) {
			checked++;
			if (pmm_is_free(&kernel_pmm, pa) || pmm_in_usable_region(&kernel_pmm, pa))
				wrong++;
			if (checked > 200000)
				break;
		}
	}
	ktest_diag(t, "checked %u pages of reserved, ACPI, loader and kernel regions", checked);
	check(t, checked > 0, "the memory map has non-usable regions to check");
	check(t, wrong == 0, "no page of a non-usable region is free or managed (%u were)", wrong);
	check(t, !pmm_is_free(&kernel_pmm, 0), "page 0 is never free");
}

KTEST(mem, pmm_contiguous)
{
	uint64_t pa = pmm_alloc_contig(&kernel_pmm, 16, 512);
	if (!check(t, pa != 0, "16 contiguous pages aligned to 2 MiB are available"))
		return;
	check(t, pa % (512 * ARCH_PAGE_SIZE) == 0, "the run is 2 MiB aligned (0x%lx)", (unsigned long)pa);
	for (unsigned i = 0; i < 16; i++)
		check(t, !pmm_is_free(&kernel_pmm, pa + i * ARCH_PAGE_SIZE), "page %u of the run is allocated", i);
	check(t, pmm_free_contig(&kernel_pmm, pa, 16) == 0, "the run can be freed");
	check(t, pmm_is_free(&kernel_pmm, pa), "its first page is free again");
}

KTEST(mem, heap)
{
	enum { N = 64 };
	void *blocks[N];
	bool ok = true;
	for (unsigned i = 0; i < N; i++) {
		size_t sz = 16u + i * 97u;
		blocks[i] = malloc(sz);
		if (!blocks[i] || ((uintptr_t)blocks[i] & 7)) {
			ok = false;
			break;
		}
		memset(blocks[i], (int)i, sz);
	}
	check(t, ok, "64 blocks of growing size are allocated, 8-byte aligned");
	bool intact = ok;
	for (unsigned i = 0; ok && i < N; i++) {
		const uint8_t *b = blocks[i];
		for (size_t j = 0; j < 16u + i * 97u; j++)
			if (b[j] != (uint8_t)i)
				intact = false;
	}
	check(t, intact, "no block overlaps another (contents intact)");
	for (unsigned i = 0; ok && i < N; i += 2)
		free(blocks[i]);
	void *big = malloc(1u << 20);
	check(t, big != NULL, "a 1 MiB block fits after freeing half");
	uintptr_t hs, he;
	heap_bounds(&hs, &he);
	check(t, big && (uintptr_t)big >= hs && (uintptr_t)big + (1u << 20) <= he, "it lies inside the heap");
	free(big);
	for (unsigned i = 1; ok && i < N; i += 2)
		free(blocks[i]);
	check(t, malloc((size_t)1 << 40) == NULL, "an impossible request returns NULL");
}
