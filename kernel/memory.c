/* SPDX-License-Identifier: MIT */
/* Physical memory: the page allocator over the boot memory map. */
#include <stdint.h>
#include <string.h>

#include <anvil/boot_map.h>
#include <anvil/console.h>
#include <anvil/memory.h>
#include <arch/cpu.h>

#define LOW_MEMORY_LIMIT 0x100000ull /* keep real-mode memory for later use */

struct pmm kernel_pmm;

extern char __kernel_start[], __kernel_end[];

uintptr_t kernel_image_start(void)
{
	return (uintptr_t)__kernel_start;
}

uintptr_t kernel_image_end(void)
{
	return (uintptr_t)__kernel_end;
}

int memory_init(struct boot_info *bi)
{
	boot_map_reserve(bi, kernel_image_start(), kernel_image_end() - kernel_image_start(), BOOT_MEM_KERNEL);
	size_t bytes = pmm_bitmap_bytes(bi->regions, bi->region_count);
	if (!bytes) {
		klog(LOG_ERROR, "memory: the boot memory map has no usable RAM");
		return -1;
	}
	uint64_t at;
	if (boot_map_find_free(bi, bytes, ARCH_PAGE_SIZE, LOW_MEMORY_LIMIT, &at)) {
		klog(LOG_ERROR, "memory: no room for the %lu-byte page bitmap", (unsigned long)bytes);
		return -1;
	}
	boot_map_reserve(bi, at, (bytes + ARCH_PAGE_SIZE - 1) & ~(uint64_t)(ARCH_PAGE_SIZE - 1), BOOT_MEM_KERNEL);
	/* Identity mapped by every front end at this point. */
	if (pmm_init(&kernel_pmm, bi->regions, bi->region_count, (void *)(uintptr_t)at, bytes)) {
		klog(LOG_ERROR, "memory: page allocator rejected the memory map");
		return -1;
	}
	return 0;
}
