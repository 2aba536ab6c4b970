/* SPDX-License-Identifier: MIT */
/* The hypervisor's own address space. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct boot_info;
struct pmm;

#define MMU_R 1u
#define MMU_W 2u
#define MMU_X 4u

/*
 * Build the kernel's page tables from the boot memory map (identity map of
 * every region, page 0 left out; kernel text RX, rodata R, data RW+NX) and
 * switch to them. Table pages come from a pool inside the kernel image until
 * the switch, because the firmware's live tables sit in memory the page
 * allocator considers free.
 */
int arch_mmu_init(const struct boot_info *bi, struct pmm *pmm);
/* Map an MMIO range (uncached) into the identity map. */
int arch_mmu_map_mmio(uint64_t pa, uint64_t len);
/* A stack of `pages` pages with an unmapped guard page below; returns its top. */
void *arch_stack_alloc(size_t pages);
/* What va maps to; false if not mapped. prot gets MMU_R/W/X. */
bool arch_mmu_lookup(uintptr_t va, uint64_t *pa, uint32_t *prot);

#endif
