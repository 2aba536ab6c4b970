/* SPDX-License-Identifier: MIT */
/* The kernel GDT and TSS (SDM Vol. 3A 3.4.5, 7.2.3). */
#include <stdint.h>
#include <string.h>

#include "x86.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes (SDM 7.7)");
_Static_assert(__builtin_offsetof(struct tss64, ist) == 0x24, "IST1 at 0x24");

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Code/data descriptor bits (SDM 3.4.5). */
#define SEG_ACCESSED (1ull << 40)
#define SEG_RW       (1ull << 41)
#define SEG_CODE     (1ull << 43)
#define SEG_S        (1ull << 44)
#define SEG_P        (1ull << 47)
#define SEG_L        (1ull << 53)
#define SEG_DB       (1ull << 54)
#define SEG_G        (1ull << 55)
#define SEG_LIMIT_MAX (0xffffull | (0xfull << 48))
#define SYS_TSS_AVAIL (0x9ull << 40)

static struct tss64 tss __attribute__((aligned(16)));
static uint64_t gdt[5] __attribute__((aligned(16)));
_Static_assert(GDT_TSS / 8 + 2 == sizeof(gdt) / sizeof(gdt[0]), "TSS takes the last two slots");

/* Static IST stacks until arch_late_init() installs guarded ones. */
static uint8_t ist_boot_stacks[3][8192] __attribute__((aligned(16)));

uint64_t x86_tss_base(void)
{
	return (uint64_t)(uintptr_t)&tss;
}

uint64_t x86_gdt_base(void)
{
	return (uint64_t)(uintptr_t)gdt;
}

void x86_tss_set_ist(unsigned ist, uint64_t stack_top)
{
	tss.ist[ist - 1] = stack_top;
}

static uint64_t tss_desc_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffffull) | ((base & 0xffffffull) << 16) | SYS_TSS_AVAIL | SEG_P |
	       ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
}

void x86_gdt_init(void)
{
	memset(&tss, 0, sizeof(tss));
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */
	for (unsigned i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)(uintptr_t)&ist_boot_stacks[i][sizeof(ist_boot_stacks[i])];

	gdt[0] = 0;
	gdt[GDT_KCODE / 8] = SEG_LIMIT_MAX | SEG_ACCESSED | SEG_RW | SEG_CODE | SEG_S | SEG_P | SEG_L | SEG_G;
	gdt[GDT_KDATA / 8] = SEG_LIMIT_MAX | SEG_ACCESSED | SEG_RW | SEG_S | SEG_P | SEG_DB | SEG_G;
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	gdt[GDT_TSS / 8] = tss_desc_low(base, sizeof(tss) - 1);
	gdt[GDT_TSS / 8 + 1] = base >> 32;

	struct gdt_ptr p = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"mov %2, %%ds\n\t"
		"mov %2, %%es\n\t"
		"mov %2, %%ss\n\t"
		"mov %3, %%fs\n\t"
		"mov %3, %%gs\n\t"
		"ltr %4\n\t"
		:
		: "m"(p), "i"((uint64_t)GDT_KCODE), "r"((uint16_t)GDT_KDATA), "r"((uint16_t)0),
		  "r"((uint16_t)GDT_TSS)
		: "rax", "memory");
}
