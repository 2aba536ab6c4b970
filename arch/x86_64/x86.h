/* SPDX-License-Identifier: MIT */
/* x86_64 internals shared by the files in arch/x86_64 (not an interface). */
#ifndef X86_INTERNAL_H
#define X86_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* Selectors of the kernel GDT (gdt.c). */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_TSS   0x18

/* Interrupt stack table slots (TSS.IST1..7, SDM Vol. 3A 6.14.5). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

#define MSR_APIC_BASE 0x1b
#define MSR_EFER      0xc0000080
#define EFER_NXE      (1ull << 11)

#define CR0_WP        (1ull << 16)
#define CR4_OSFXSR    (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

#define RFLAGS_IF     (1ull << 9)

/* Saved by isr.S; the order mirrors the pushes there. */
struct arch_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct arch_frame) == 22 * 8, "arch_frame must match isr.S");
_Static_assert(__builtin_offsetof(struct arch_frame, vector) == 15 * 8, "vector slot");
_Static_assert(__builtin_offsetof(struct arch_frame, rip) == 17 * 8, "iret frame");

static inline uint64_t x86_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t x86_read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t x86_read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t x86_read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t x86_read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void x86_write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
static inline void x86_write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void x86_write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

#define CR4_OSXSAVE   (1ull << 18)
#define MSR_TSC_AUX   0xc0000103u

static inline uint64_t x86_read_dr(unsigned n)
{
	uint64_t v = 0;
	switch (n) {
	case 0: __asm__ volatile("mov %%dr0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%dr1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%dr2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%dr3, %0" : "=r"(v)); break;
	case 6: __asm__ volatile("mov %%dr6, %0" : "=r"(v)); break;
	case 7: __asm__ volatile("mov %%dr7, %0" : "=r"(v)); break;
	default: break;
	}
	return v;
}
static inline void x86_write_dr(unsigned n, uint64_t v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%dr0" ::"r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%dr1" ::"r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%dr2" ::"r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%dr3" ::"r"(v)); break;
	case 6: __asm__ volatile("mov %0, %%dr6" ::"r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%dr7" ::"r"(v)); break;
	default: break;
	}
}
/* XGETBV/XSETBV need CR4.OSXSAVE; the callers set it around them. */
static inline uint64_t x86_xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void x86_xsetbv(uint32_t xcr, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* host_state.c: XCR0 (CR4.OSXSAVE is set just around the access). */
bool x86_has_xsave(void);
uint64_t x86_xcr0_read(void);
void x86_xcr0_write(uint64_t v);

/* msr_safe.c: false if the access raised #GP. */
bool x86_rdmsr_safe(uint32_t msr, uint64_t *value);
bool x86_wrmsr_safe(uint32_t msr, uint64_t value);

void x86_gdt_init(void);
void x86_tss_set_ist(unsigned ist, uint64_t stack_top);
/* Where the kernel's TSS and GDT live (a VMCS's host state needs them). */
uint64_t x86_tss_base(void);
uint64_t x86_gdt_base(void);
void x86_idt_init(void);
void x86_pic_disable(void);
void x86_trap(struct arch_frame *f);
void x86_lapic_eoi(void);
uintptr_t x86_isr_stub(unsigned vector);

#endif
