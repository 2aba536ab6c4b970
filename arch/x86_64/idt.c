/* SPDX-License-Identifier: MIT */
/* The IDT: every vector goes to its isr.S stub (SDM Vol. 3A 6.14.1). */
#include <stdint.h>

#include "x86.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

#define GATE_INTERRUPT 0x8e /* present, DPL0, 64-bit interrupt gate */
#define ISR_STUB_SIZE 16

static struct idt_gate idt[256] __attribute__((aligned(16)));

extern char isr_stubs[];
_Static_assert(sizeof(idt) / sizeof(idt[0]) == 256, "one gate per vector");

uintptr_t x86_isr_stub(unsigned vector)
{
	return (uintptr_t)isr_stubs + (uintptr_t)vector * ISR_STUB_SIZE;
}

static unsigned ist_for(unsigned vector)
{
	switch (vector) {
	case 2: return IST_NMI;
	case 8: return IST_DF;
	case 18: return IST_MC;
	default: return 0;
	}
}

void x86_idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t off = x86_isr_stub(v);
		idt[v] = (struct idt_gate){
			.offset_lo = off & 0xffff,
			.selector = GDT_KCODE,
			.ist = (uint8_t)ist_for(v),
			.type_attr = GATE_INTERRUPT,
			.offset_mid = (off >> 16) & 0xffff,
			.offset_hi = (uint32_t)(off >> 32),
		};
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" ::"m"(p));
}
