/* SPDX-License-Identifier: MIT */
/* CPU control: the arch-neutral kernel's view of the processor (AArch64 at EL2). */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define ARCH_NAME "arm64"
#define ARCH_PAGE_SIZE 4096u
/* A function body that just returns (RET, 0xd65f03c0), for execute-permission tests. */
#define ARCH_RETURN_INSN { 0xc0, 0x03, 0x5f, 0xd6 }
/* A function is entered with sp % 16 == 0 (AAPCS64: BL leaves sp alone). */
#define ARCH_SP_AT_CALL_OFFSET 0u

/* Exception vectors, EL2 system registers for the host, FP/SIMD trapped. */
struct boot_info;
void arch_early_init(struct boot_info *bi); /* bi may be NULL (unusable boot information) */
/* Move the exception stack to a guarded one from the MMU (after arch_mmu_init). */
int arch_late_init(void);

/* PSTATE.I masks IRQs (DAIF bit 7, Arm ARM D1.7 "Process state"). */
static inline void arch_irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
/* Take the interrupts that are pending, then go on with them masked. */
static inline void arch_irq_window(void) { __asm__ volatile("msr daifclr, #2; isb; msr daifset, #2" ::: "memory"); }
static inline bool arch_irq_enabled(void)
{
	uint64_t daif;
	__asm__ volatile("mrs %0, daif" : "=r"(daif));
	return !(daif & (1u << 7));
}
static inline void arch_cpu_relax(void) { __asm__ volatile("yield"); }
/* WFI wakes on a pending interrupt even while it is masked; it is then taken in the window. */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy; wfi; msr daifclr, #2; isb; msr daifset, #2" ::: "memory");
}
/* The physical counter (CNTPCT_EL0), at CNTFRQ_EL0 Hz; ISB keeps it from being read early. */
static inline uint64_t arch_cycles(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}
static inline uintptr_t arch_frame_pointer(void) { return (uintptr_t)__builtin_frame_address(0); }

__attribute__((noreturn)) void arch_halt_forever(void);

/* Run fn(arg) on another stack and come back. */
void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top);
/* Continue in fn on another stack; the current stack is abandoned. */
__attribute__((noreturn)) void arch_switch_stack(void (*fn)(void), void *stack_top);

/* A one-line description of the CPU (MIDR implementer, part, revision; EL). */
void arch_cpu_describe(char *buf, unsigned len);

#endif
