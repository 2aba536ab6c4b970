/* SPDX-License-Identifier: MIT */
/*
 * An x86 payload's boot structures, written into its memory before the first
 * entry (layout: guests/include/anvil/guest_abi.h): page tables identity-
 * mapping the first 4 GiB with 2 MiB pages, so that an access outside guest
 * RAM gets past the guest's own translation and faults in the nested tables;
 * and a flat GDT (null, 64-bit code, data).
 */
#include <stdio.h>
#include <string.h>

#include <anvil/guest_abi.h>
#include <anvil/vm.h>
#include <arch/cpu.h>
#include <arch/vmm.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PS (1ull << 7)
#define LARGE_PAGE (2ull << 20)
#define ENTRIES 512u
#define MAPPED_GIB 4u

#define PML4_GPA ANVIL_GUEST_PT_BASE
#define PDPT_GPA (ANVIL_GUEST_PT_BASE + ARCH_PAGE_SIZE)
#define PD0_GPA (ANVIL_GUEST_PT_BASE + 2 * ARCH_PAGE_SIZE)
_Static_assert(PD0_GPA + MAPPED_GIB * ARCH_PAGE_SIZE <= ANVIL_GUEST_GDT, "guest page tables fit below the GDT");

/* Descriptor bits, Intel SDM Vol 3 §3.4.5 / AMD APM Vol 2 §4.7. */
#define GDT_CODE64 0x00af9b000000ffffull /* P, DPL0, code exec/read accessed, L, G */
#define GDT_DATA 0x00cf93000000ffffull   /* P, DPL0, data read/write accessed, D/B, G */

static uint64_t *table_at(uint8_t *mem, uint64_t gpa) { return (uint64_t *)(mem + gpa); }

int arch_guest_prepare(void *memp, uint64_t mem_size, struct vcpu_entry *e, char *err, size_t n)
{
	uint8_t *mem = memp;
	if (mem_size < ANVIL_GUEST_LOAD + 4 * ARCH_PAGE_SIZE) {
		snprintf(err, n, "guest memory of %lu bytes is too small for the x86 layout", (unsigned long)mem_size);
		return -1;
	}
	uint64_t *pml4 = table_at(mem, PML4_GPA), *pdpt = table_at(mem, PDPT_GPA);
	memset(pml4, 0, ARCH_PAGE_SIZE * (2 + MAPPED_GIB));
	pml4[0] = PDPT_GPA | PTE_P | PTE_W;
	for (unsigned g = 0; g < MAPPED_GIB; g++) {
		uint64_t *pd = table_at(mem, PD0_GPA + g * ARCH_PAGE_SIZE);
		pdpt[g] = (PD0_GPA + g * ARCH_PAGE_SIZE) | PTE_P | PTE_W;
		for (unsigned i = 0; i < ENTRIES; i++)
			pd[i] = ((uint64_t)g << 30) + (uint64_t)i * LARGE_PAGE | PTE_P | PTE_W | PTE_PS;
	}
	uint64_t *gdt = table_at(mem, ANVIL_GUEST_GDT);
	gdt[0] = 0;
	gdt[ANVIL_GUEST_CS / 8] = GDT_CODE64;
	gdt[ANVIL_GUEST_DS / 8] = GDT_DATA;
	e->page_table_root = PML4_GPA;
	e->sp = mem_size;
	return 0;
}
