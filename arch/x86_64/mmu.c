/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's page tables (4-level paging, SDM Vol. 3A 4.5): an identity
 * map of every region in the boot memory map, with the kernel image mapped by
 * 4 KiB pages at its section permissions, and a separate area of guarded
 * stacks. Mapping never overwrites an existing entry, so the kernel image is
 * mapped first and the bulk identity map fills around it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <anvil/boot_info.h>
#include <anvil/pmm.h>
#include <arch/mmu.h>

#include "x86.h"

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PAGE_4K  0x1000ull
#define PAGE_2M  0x200000ull
#define PAGE_1G  0x40000000ull
#define ENTRIES  512

/* Guarded stacks live in PML4 slot 510, far from the identity map. */
#define STACK_AREA_BASE 0xffffff0000000000ull
#define STACK_AREA_SIZE (1ull << 39)

#define POOL_PAGES 160
#define LAPIC_MMIO_BASE 0xfee00000ull
#define IOAPIC_MMIO_BASE 0xfec00000ull

static uint64_t pool[POOL_PAGES][ENTRIES] __attribute__((aligned(4096), section(".bss.pagetables")));
static unsigned pool_used;
static struct pmm *mmu_pmm;
static bool mmu_switched;
static bool has_1g_pages;
static uint64_t *pml4;
static uint64_t next_stack = STACK_AREA_BASE;

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static uint64_t *table_alloc(void)
{
	uint64_t *t = NULL;
	if (!mmu_switched) {
		if (pool_used < POOL_PAGES)
			t = pool[pool_used++];
	} else if (mmu_pmm) {
		uint64_t pa = pmm_alloc(mmu_pmm);
		t = (uint64_t *)(uintptr_t)pa; /* identity mapped */
	}
	if (t)
		memset(t, 0, PAGE_4K);
	return t;
}

static unsigned idx(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * level)) & 0x1ff;
}

/* The table below entry *e, created if absent; NULL if *e is a large page. */
static uint64_t *next_table(uint64_t *e)
{
	if (*e & PTE_P)
		return (*e & PTE_PS) ? NULL : (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	uint64_t *t = table_alloc();
	if (!t)
		return NULL;
	*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_W; /* leaf entries restrict */
	return t;
}

static int map_one(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t *t = pml4;
	unsigned leaf_level = size == PAGE_1G ? 2 : size == PAGE_2M ? 1 : 0;
	for (unsigned level = 3; level > leaf_level; level--) {
		t = next_table(&t[idx(va, level)]);
		if (!t)
			return -1;
	}
	uint64_t *e = &t[idx(va, leaf_level)];
	if (*e & PTE_P)
		return 0; /* never overwrite: an earlier, more specific mapping wins */
	*e = pa | flags | PTE_P | (leaf_level ? PTE_PS : 0);
	return 0;
}

/* Is [va, va+size) free of any mapping at the given granularity? */
static bool slot_empty(uint64_t va, uint64_t size)
{
	uint64_t *t = pml4;
	unsigned leaf_level = size == PAGE_1G ? 2 : size == PAGE_2M ? 1 : 0;
	for (unsigned level = 3; level > leaf_level; level--) {
		uint64_t e = t[idx(va, level)];
		if (!(e & PTE_P))
			return true;
		if (e & PTE_PS)
			return false;
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return !(t[idx(va, leaf_level)] & PTE_P);
}

static int map_range(uint64_t base, uint64_t end, uint64_t flags)
{
	uint64_t a = base & ~(PAGE_4K - 1);
	end = (end + PAGE_4K - 1) & ~(PAGE_4K - 1);
	while (a < end) {
		uint64_t size = PAGE_4K;
		if (has_1g_pages && !(a & (PAGE_1G - 1)) && end - a >= PAGE_1G && slot_empty(a, PAGE_1G))
			size = PAGE_1G;
		else if (!(a & (PAGE_2M - 1)) && end - a >= PAGE_2M && slot_empty(a, PAGE_2M))
			size = PAGE_2M;
		if (map_one(a, a, size, flags))
			return -1;
		a += size;
	}
	return 0;
}

static int map_kernel_image(void)
{
	uint64_t ks = (uintptr_t)__kernel_start, te = (uintptr_t)__text_end;
	uint64_t re = (uintptr_t)__rodata_end, ke = (uintptr_t)__kernel_end;
	for (uint64_t a = ks; a < ke; a += PAGE_4K) {
		uint64_t flags = a < te ? 0 : a < re ? PTE_NX : (PTE_W | PTE_NX);
		if (map_one(a, a, PAGE_4K, flags))
			return -1;
	}
	return 0;
}

int arch_mmu_init(const struct boot_info *bi, struct pmm *pmm)
{
	uint32_t r[4];
	x86_cpuid(0x80000001, 0, r);
	has_1g_pages = (r[3] >> 26) & 1;
	mmu_pmm = pmm;
	pml4 = table_alloc();
	if (!pml4 || map_kernel_image())
		return -1;
	/* Page 0 stays unmapped so a NULL dereference faults. */
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *m = &bi->regions[i];
		uint64_t base = m->base < PAGE_4K ? PAGE_4K : m->base;
		uint64_t end = m->base + m->length;
		if (end > base && map_range(base, end, PTE_W | PTE_NX))
			return -1;
	}
	if (bi->fb.format != BOOT_FB_NONE &&
	    map_range(bi->fb.base, bi->fb.base + (uint64_t)bi->fb.pitch * bi->fb.height, PTE_W | PTE_NX))
		return -1;
	if (map_range(LAPIC_MMIO_BASE, LAPIC_MMIO_BASE + PAGE_4K, PTE_W | PTE_NX | PTE_PCD | PTE_PWT) ||
	    map_range(IOAPIC_MMIO_BASE, IOAPIC_MMIO_BASE + PAGE_4K, PTE_W | PTE_NX | PTE_PCD | PTE_PWT))
		return -1;
	x86_write_cr3((uint64_t)(uintptr_t)pml4);
	mmu_switched = true;
	return 0;
}

int arch_mmu_map_mmio(uint64_t pa, uint64_t len)
{
	return map_range(pa, pa + len, PTE_W | PTE_NX | PTE_PCD | PTE_PWT);
}

void *arch_stack_alloc(size_t pages)
{
	if (!mmu_switched || !mmu_pmm || pages == 0)
		return NULL;
	uint64_t span = (pages + 1) * PAGE_4K; /* + the guard page below */
	if (next_stack + span > STACK_AREA_BASE + STACK_AREA_SIZE)
		return NULL;
	uint64_t base = next_stack + PAGE_4K;
	for (size_t i = 0; i < pages; i++) {
		uint64_t pa = pmm_alloc(mmu_pmm);
		if (!pa || map_one(base + i * PAGE_4K, pa, PAGE_4K, PTE_W | PTE_NX))
			return NULL;
	}
	next_stack += span;
	return (void *)(uintptr_t)(base + pages * PAGE_4K);
}

bool arch_mmu_lookup(uintptr_t va, uint64_t *pa, uint32_t *prot)
{
	uint64_t *t = (uint64_t *)(uintptr_t)(x86_read_cr3() & PTE_ADDR);
	bool writable = true, exec = true;
	for (int level = 3; level >= 0; level--) {
		uint64_t e = t[idx(va, (unsigned)level)];
		if (!(e & PTE_P))
			return false;
		writable = writable && (e & PTE_W);
		exec = exec && !(e & PTE_NX);
		if (level == 0 || (e & PTE_PS)) {
			uint64_t span = 1ull << (12 + 9 * level);
			if (pa)
				*pa = (e & PTE_ADDR & ~(span - 1)) | (va & (span - 1));
			if (prot)
				*prot = MMU_R | (writable ? MMU_W : 0) | (exec ? MMU_X : 0);
			return true;
		}
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return false;
}
