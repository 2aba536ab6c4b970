/* SPDX-License-Identifier: MIT */
/* The IDT: 256 interrupt gates, gate i pointing at trap stub i. */
#include <stddef.h>
#include <stdint.h>

#include <anvil/guest_abi.h>

#include "x86_internal.h"
#include "x86_idt.h"

/* 256 gates of 16 bytes: exactly one page, alone on it, so a payload can change its rights. */
static struct x86_idt_gate idt[X86_IDT_VECTORS] __attribute__((aligned(4096)));
_Static_assert(sizeof(idt) == 4096, "the IDT fills one page");

const void *guest_idt(void)
{
	return idt;
}

void guest_idt_init(void)
{
	for (size_t i = 0; i < X86_IDT_VECTORS; i++)
		idt[i] = x86_idt_interrupt_gate((uint64_t)(uintptr_t)guest_trap_stubs + i * GUEST_TRAP_STUB_SIZE,
						ANVIL_GUEST_CS, 0);
	x86_lidt(idt, X86_IDT_VECTORS);
}
