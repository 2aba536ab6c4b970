/* SPDX-License-Identifier: MIT */
#ifndef ANVIL_MEMORY_H
#define ANVIL_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include <anvil/boot_info.h>
#include <anvil/pmm.h>

extern struct pmm kernel_pmm;

/* Reserve the kernel image, carve the allocator bitmap, start the allocator. */
int memory_init(struct boot_info *bi);
/* The heap newlib's malloc grows into (through _sbrk). */
int heap_init(size_t bytes);
void heap_bounds(uintptr_t *start, uintptr_t *end);

uintptr_t kernel_image_start(void);
uintptr_t kernel_image_end(void);

#endif
