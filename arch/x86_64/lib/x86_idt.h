/* SPDX-License-Identifier: MIT */
/*
 * The long-mode IDT gate and the LIDT operand (Intel SDM Vol. 3A §6.14.1,
 * AMD APM Vol. 2 §4.8.4), shared by the hypervisor (arch/x86_64/idt.c) and
 * the guest library (guests/lib/idt.c). Pure: layout and encoding only.
 */
#ifndef X86_IDT_H
#define X86_IDT_H

#include <stdint.h>

#define X86_IDT_VECTORS 256u
#define X86_GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */

struct x86_idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct x86_idt_gate) == 16, "a 64-bit IDT gate is 16 bytes");

struct x86_idt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct x86_idt_pointer) == 10, "the LIDT operand is 10 bytes");

/* An interrupt gate to handler through code selector cs, on IST slot ist (0: none). */
static inline struct x86_idt_gate x86_idt_interrupt_gate(uint64_t handler, uint16_t cs, uint8_t ist)
{
	return (struct x86_idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = cs,
		.ist = ist,
		.type_attr = X86_GATE_INTERRUPT,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

static inline void x86_lidt(const struct x86_idt_gate *idt, unsigned vectors)
{
	struct x86_idt_pointer p = { (uint16_t)(vectors * sizeof(*idt) - 1), (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" ::"m"(p) : "memory");
}

#endif
