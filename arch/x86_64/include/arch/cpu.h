/* SPDX-License-Identifier: MIT */
/* CPU control: the arch-neutral kernel's view of the processor. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define ARCH_NAME "x86_64"
#define ARCH_PAGE_SIZE 4096u
/* A function body that just returns (x86 RET), for execute-permission tests. */
#define ARCH_RETURN_INSN { 0xc3 }
/* A function is entered with sp % 16 == 16 - this (x86: the call pushed the return address). */
#define ARCH_SP_AT_CALL_OFFSET 8u

/* GDT, TSS (IST stacks from .bss), IDT, PIC masked, CR0.WP, EFER.NXE. */
struct boot_info;
void arch_early_init(struct boot_info *bi); /* bi may be NULL (unusable boot information) */
/* Move the IST stacks to guarded stacks from the MMU (after arch_mmu_init). */
int arch_late_init(void);

static inline void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
/* Take the interrupts that are pending, then go on with them masked (STI's shadow covers the NOP). */
static inline void arch_irq_window(void) { __asm__ volatile("sti; nop; cli" ::: "memory"); }
static inline bool arch_irq_enabled(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return (f >> 9) & 1;
}
static inline void arch_cpu_relax(void) { __asm__ volatile("pause"); }
static inline void arch_wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uintptr_t arch_frame_pointer(void) { return (uintptr_t)__builtin_frame_address(0); }

__attribute__((noreturn)) void arch_halt_forever(void);

/* Run fn(arg) on another stack and come back. */
void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top);
/* Continue in fn on another stack; the current stack is abandoned. */
__attribute__((noreturn)) void arch_switch_stack(void (*fn)(void), void *stack_top);

/* A one-line description of the CPU (vendor, family/model, brand). */
void arch_cpu_describe(char *buf, unsigned len);

#endif
