/* SPDX-License-Identifier: MIT */
/*
 * The x86_64 side of the guest library: what the neutral headers need from
 * an arch (its name for the manifest, the hypercall instruction), and the
 * x86 helpers and trap frame payloads use directly.
 */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include <guest/trap.h>
#include <guest/x86.h>

#define GUEST_ARCH_NAME "x86_64"

/* VMCALL (VMX) rather than VMMCALL (SVM): set once at start from info->backend. */
extern bool guest_use_vmcall;

/*
 * The hypercall: rax = call number, rdi/rsi/rdx/rcx = a0..a3, result in rax,
 * every other register preserved. "memory": calls read and write guest
 * memory (strings, fault records, page permissions and mappings).
 */
static inline uint64_t arch_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t ret;

	if (guest_use_vmcall)
		__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "c"(a3) : "memory", "cc");
	else
		__asm__ volatile("vmmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "c"(a3) : "memory", "cc");
	return ret;
}

/* The bare instruction with rax = 0 and nothing else: the minimal exit path's unit. */
static inline void arch_hypercall_minimal(void)
{
	if (guest_use_vmcall)
		__asm__ volatile("vmcall" : : "a"(0ull) : "memory");
	else
		__asm__ volatile("vmmcall" : : "a"(0ull) : "memory");
}

/* The guest's time source for benchmarks: the TSC between fences. */
#define GUEST_CYCLES_UNIT "tsc_cycles"
#define GUEST_CYCLES_PAIR "tsc.pair" /* bench_vmexit: the timing's own cost */
static inline uint64_t guest_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* Aliases this far apart need nested tables of their own: one PML4 entry (new PDPT, PD, PT). */
#define GUEST_TABLE_SPREAD_SHIFT 39

/* A function body that returns (RET), for execute-permission tests. */
#define GUEST_RET_INSN_SIZE 1u
static const uint8_t guest_ret_insn[GUEST_RET_INSN_SIZE] __attribute__((unused)) = { 0xc3 };

/* Code was written at p: x86 keeps instruction fetches coherent with stores, nothing to do. */
static inline void guest_sync_icache(const void *p, uint64_t len)
{
	(void)p;
	(void)len;
}

/* Stop forever with interrupts off (a hung payload, for the watchdog). */
__attribute__((noreturn)) static inline void guest_hang(void)
{
	__asm__ volatile("cli\n1:\tjmp 1b" : : : "memory");
	__builtin_unreachable();
}

/*
 * A hypercall from assembly, for tests that need to know exactly what the
 * guest's state was around the instruction (hypercall.S): DF set first when
 * set_df, RFLAGS captured right before the instruction, the address right
 * after it, and rsp at it. DF is cleared again afterwards.
 */
struct hc_probe {
	uint64_t nr, a[4];     /* in */
	uint64_t set_df;       /* in: nonzero sets DF before the call */
	uint64_t ret;          /* out: rax */
	uint64_t rflags_before, ip_after, rsp_at;
	uint64_t ip_at;        /* out: the hypercall instruction's address */
};
_Static_assert(sizeof(struct hc_probe) == 11 * 8, "hypercall.S layout");
void guest_hypercall_probe(struct hc_probe *p);

/*
 * The register file around one exiting instruction (hypercall.S): every
 * general register is loaded from *in, the instruction runs, every register
 * is stored to *out (rax, rbx, rcx, rdx, rsi, rdi, rbp, r8..r15).
 */
struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(sizeof(struct guest_regs) == 15 * 8, "hypercall.S stores 15 registers");
void guest_regs_hypercall(const struct guest_regs *in, struct guest_regs *out);
void guest_regs_cpuid(const struct guest_regs *in, struct guest_regs *out);

#endif
