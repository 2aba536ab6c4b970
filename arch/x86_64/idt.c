/* SPDX-License-Identifier: MIT */
/* The IDT: every vector goes to its isr.S stub (SDM Vol. 3A 6.14.1). */
#include <stdint.h>

#include "x86.h"
#include "x86_idt.h"

#define ISR_STUB_SIZE 16

static struct x86_idt_gate idt[X86_IDT_VECTORS] __attribute__((aligned(16)));

extern char isr_stubs[];

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
	for (unsigned v = 0; v < X86_IDT_VECTORS; v++)
		idt[v] = x86_idt_interrupt_gate(x86_isr_stub(v), GDT_KCODE, (uint8_t)ist_for(v));
	x86_lidt(idt, X86_IDT_VECTORS);
}
