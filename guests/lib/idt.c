/* SPDX-License-Identifier: MIT */
/* The IDT: 256 interrupt gates, gate i pointing at trap stub i. */
#include <stddef.h>
#include <stdint.h>

#include <anvil/guest_abi.h>

#include "lib_internal.h"

#define IDT_VECTORS 256
#define IDT_GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */

/* AMD APM Vol 2, 4.8.4 "Interrupt-gate and trap-gate descriptors" (long mode). */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "long-mode gate is 16 bytes");

struct idt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_pointer) == 10, "lidt operand is 10 bytes");

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

void guest_idt_init(void)
{
	for (size_t i = 0; i < IDT_VECTORS; i++) {
		uint64_t stub = (uint64_t)(uintptr_t)guest_trap_stubs + i * GUEST_TRAP_STUB_SIZE;

		idt[i] = (struct idt_gate){
			.offset_lo = (uint16_t)stub,
			.selector = ANVIL_GUEST_CS,
			.type_attr = IDT_GATE_INTERRUPT,
			.offset_mid = (uint16_t)(stub >> 16),
			.offset_hi = (uint32_t)(stub >> 32),
		};
	}
	struct idt_pointer ptr = { .limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}
