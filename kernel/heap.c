/* SPDX-License-Identifier: MIT */
/* The kernel heap: one contiguous run of pages that newlib's malloc grows
 * into through _sbrk. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/memory.h>
#include <arch/cpu.h>

static uintptr_t heap_start, heap_brk, heap_end;

int heap_init(size_t bytes)
{
	size_t pages = (bytes + ARCH_PAGE_SIZE - 1) / ARCH_PAGE_SIZE;
	uint64_t pa = pmm_alloc_contig(&kernel_pmm, pages, 1);
	if (!pa)
		return -1;
	heap_start = heap_brk = (uintptr_t)pa;
	heap_end = heap_start + pages * ARCH_PAGE_SIZE;
	return 0;
}

void heap_bounds(uintptr_t *start, uintptr_t *end)
{
	*start = heap_start;
	*end = heap_end;
}

void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
	if (!heap_start || (incr > 0 && (uintptr_t)incr > heap_end - heap_brk) ||
	    (incr < 0 && (uintptr_t)-incr > heap_brk - heap_start)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	uintptr_t old = heap_brk;
	heap_brk += incr;
	return (void *)old;
}
