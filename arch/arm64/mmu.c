/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own address space: EL2 stage-1 translation (Arm ARM
 * D8, VMSAv8-64; 4 KiB granule, 48-bit VA, four levels from TTBR0_EL2):
 * an identity map of every region in the boot memory map (Normal
 * write-back), device registers as Device-nGnRE, the kernel image by 4 KiB
 * pages at its section permissions (text RX, rodata R, data RW + XN,
 * SCTLR_EL2.WXN on), and a separate area of guarded stacks. As on x86,
 * mapping never overwrites: the image is mapped first and the identity map
 * fills around it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <anvil/boot_info.h>
#include <anvil/pmm.h>
#include <arch/mmu.h>

#include "arm64.h"

/* Descriptor bits (D8.3, "Translation table descriptor formats"). */
#define DESC_VALID (1ull << 0)
#define DESC_TABLE (1ull << 1)      /* levels 0-2: table; level 3: page */
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_AP_RES1 (1ull << 6)    /* AP[1]: RES1 in a one-privilege regime (EL2 without VHE) */
#define DESC_AP_RO (1ull << 7)      /* AP[2] */
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_XN (1ull << 54)
#define DESC_ADDR 0x0000fffffffff000ull

/* MAIR_EL2 attribute indices. */
#define ATTR_NORMAL 0u  /* 0xff: Normal, inner/outer write-back, read/write allocate */
#define ATTR_DEVICE 1u  /* 0x04: Device-nGnRE */
#define MAIR_VALUE (0xffull << (8 * ATTR_NORMAL) | 0x04ull << (8 * ATTR_DEVICE))

/* TCR_EL2 (D19.2.131), SCTLR_EL2 (D19.2.118) without VHE. */
#define TCR_T0SZ_48 16ull
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_PS_SHIFT 16
#define TCR_RES1 ((1ull << 23) | (1ull << 31))
#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_SA (1ull << 3)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)
#define SCTLR_EL2_RES1 0x30c50830ull
#define PARANGE_MASK 0xfull
#define PARANGE_48 5ull

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull
#define PAGE_1G 0x40000000ull
#define ENTRIES 512

#define LEAF_RW (DESC_AF | DESC_SH_INNER | DESC_AP_RES1 | DESC_ATTRIDX(ATTR_NORMAL))
#define FLAGS_RX (LEAF_RW | DESC_AP_RO)
#define FLAGS_R (LEAF_RW | DESC_AP_RO | DESC_XN)
#define FLAGS_RW (LEAF_RW | DESC_XN)
#define FLAGS_DEVICE (DESC_AF | DESC_AP_RES1 | DESC_ATTRIDX(ATTR_DEVICE) | DESC_XN)

/* Guarded stacks: 1 TiB high in the 48-bit space, far from any RAM. */
#define STACK_AREA_BASE 0xff0000000000ull
#define STACK_AREA_SIZE (1ull << 39)

#define POOL_PAGES 96

static uint64_t pool[POOL_PAGES][ENTRIES] __attribute__((aligned(4096), section(".bss.pagetables")));
static unsigned pool_used;
static struct pmm *mmu_pmm;
static bool mmu_switched;
static uint64_t *root;
static uint64_t next_stack = STACK_AREA_BASE;

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static uint64_t *table_alloc(void)
{
	uint64_t *t = NULL;
	if (!mmu_switched) {
		if (pool_used < POOL_PAGES)
			t = pool[pool_used++];
	} else if (mmu_pmm) {
		t = (uint64_t *)(uintptr_t)pmm_alloc(mmu_pmm); /* identity mapped */
	}
	if (t)
		memset(t, 0, PAGE_4K);
	return t;
}

static unsigned idx(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * (3 - level))) & 0x1ff;
}

static bool is_table(uint64_t e, unsigned level)
{
	return (e & DESC_VALID) && (e & DESC_TABLE) && level < 3;
}

static uint64_t *next_table(uint64_t *e, unsigned level)
{
	if (*e & DESC_VALID)
		return is_table(*e, level) ? (uint64_t *)(uintptr_t)(*e & DESC_ADDR) : NULL;
	uint64_t *t = table_alloc();
	if (!t)
		return NULL;
	dsb(ishst);
	*e = (uint64_t)(uintptr_t)t | DESC_VALID | DESC_TABLE; /* leaves restrict */
	return t;
}

static unsigned leaf_level_of(uint64_t size)
{
	return size == PAGE_1G ? 1 : size == PAGE_2M ? 2 : 3;
}

static int map_one(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t *t = root;
	unsigned leaf = leaf_level_of(size);
	for (unsigned level = 0; level < leaf; level++) {
		t = next_table(&t[idx(va, level)], level);
		if (!t)
			return -1;
	}
	uint64_t *e = &t[idx(va, leaf)];
	if (*e & DESC_VALID)
		return 0; /* never overwrite: an earlier, more specific mapping wins */
	*e = pa | flags | DESC_VALID | (leaf == 3 ? DESC_TABLE : 0);
	return 0;
}

static bool slot_empty(uint64_t va, uint64_t size)
{
	uint64_t *t = root;
	unsigned leaf = leaf_level_of(size);
	for (unsigned level = 0; level < leaf; level++) {
		uint64_t e = t[idx(va, level)];
		if (!(e & DESC_VALID))
			return true;
		if (!is_table(e, level))
			return false;
		t = (uint64_t *)(uintptr_t)(e & DESC_ADDR);
	}
	return !(t[idx(va, leaf)] & DESC_VALID);
}

static int map_range(uint64_t base, uint64_t end, uint64_t flags)
{
	uint64_t a = base & ~(PAGE_4K - 1);
	end = (end + PAGE_4K - 1) & ~(PAGE_4K - 1);
	while (a < end) {
		uint64_t size = PAGE_4K;
		if (!(a & (PAGE_1G - 1)) && end - a >= PAGE_1G && slot_empty(a, PAGE_1G))
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
		uint64_t flags = a < te ? FLAGS_RX : a < re ? FLAGS_R : FLAGS_RW;
		if (map_one(a, a, PAGE_4K, flags))
			return -1;
	}
	return 0;
}

static int map_devices(void)
{
	const struct arm64_platform *p = &arm64_platform;
	const uint64_t ranges[][2] = {
		{ p->uart_base, p->uart_base ? PAGE_4K : 0 },
		{ p->gicd_base, p->gicd_size }, { p->gicr_base, p->gicr_size },
		{ p->gicc_base, p->gicc_size }, { p->gich_base, p->gich_size },
	};
	for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (ranges[i][1] && map_range(ranges[i][0], ranges[i][0] + ranges[i][1], FLAGS_DEVICE))
			return -1;
	return 0;
}

static void switch_on(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & PARANGE_MASK;
	if (parange > PARANGE_48)
		parange = PARANGE_48; /* 48-bit output addresses are all the descriptors above hold */
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, TCR_RES1 | TCR_T0SZ_48 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
				      (parange << TCR_PS_SHIFT));
	write_sysreg(ttbr0_el2, (uint64_t)(uintptr_t)root);
	dsb(ish);
	isb();
	__asm__ volatile("tlbi alle2; dsb ish; ic iallu; dsb ish; isb" ::: "memory");
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN);
	isb();
}

int arch_mmu_init(const struct boot_info *bi, struct pmm *pmm)
{
	mmu_pmm = pmm;
	root = table_alloc();
	if (!root || map_kernel_image() || map_devices())
		return -1;
	/* Page 0 stays unmapped so a NULL dereference faults. */
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *m = &bi->regions[i];
		uint64_t base = m->base < PAGE_4K ? PAGE_4K : m->base;
		uint64_t end = m->base + m->length;
		if (end > base && map_range(base, end, FLAGS_RW))
			return -1;
	}
	if (bi->fb.format != BOOT_FB_NONE &&
	    map_range(bi->fb.base, bi->fb.base + (uint64_t)bi->fb.pitch * bi->fb.height, FLAGS_DEVICE))
		return -1;
	switch_on();
	mmu_switched = true;
	return 0;
}

int arch_mmu_map_mmio(uint64_t pa, uint64_t len)
{
	return map_range(pa, pa + len, FLAGS_DEVICE);
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
		if (!pa || map_one(base + i * PAGE_4K, pa, PAGE_4K, FLAGS_RW))
			return NULL;
	}
	next_stack += span;
	dsb(ishst);
	isb();
	return (void *)(uintptr_t)(base + pages * PAGE_4K);
}

bool arch_mmu_lookup(uintptr_t va, uint64_t *pa, uint32_t *prot)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)(read_sysreg(ttbr0_el2) & DESC_ADDR);
	if (!mmu_switched || (va >> 48))
		return false;
	for (unsigned level = 0; level <= 3; level++) {
		uint64_t e = t[idx(va, level)];
		if (!(e & DESC_VALID) || (level == 0 && !(e & DESC_TABLE)))
			return false;
		if (level == 3 || !(e & DESC_TABLE)) {
			uint64_t span = 1ull << (12 + 9 * (3 - level));
			if (pa)
				*pa = (e & DESC_ADDR & ~(span - 1)) | (va & (span - 1));
			if (prot)
				*prot = MMU_R | ((e & DESC_AP_RO) ? 0 : MMU_W) | ((e & DESC_XN) ? 0 : MMU_X);
			return true;
		}
		t = (const uint64_t *)(uintptr_t)(e & DESC_ADDR);
	}
	return false;
}
