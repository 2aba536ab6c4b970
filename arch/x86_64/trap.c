/* SPDX-License-Identifier: MIT */
/* Trap dispatch: exceptions to the fault catcher or panic, IRQs to drivers. */
#include <stdint.h>
#include <string.h>

#include <anvil/catch.h>
#include <anvil/clock.h>
#include <anvil/console.h>
#include <anvil/panic.h>
#include <arch/trap.h>

#include "x86.h"

#define VEC_DE 0
#define VEC_NMI 2
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_EXCEPTIONS 32

static const char *const fault_names[VEC_EXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization exception",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security exception", "reserved 31",
};

const char *arch_fault_name(uint32_t vector)
{
	return vector < VEC_EXCEPTIONS ? fault_names[vector] : "interrupt";
}

static uint32_t fault_kind(uint32_t vector)
{
	switch (vector) {
	case VEC_UD: return FAULT_INVALID_OPCODE;
	case VEC_PF: return FAULT_PAGE;
	case VEC_GP: return FAULT_GENERAL_PROTECTION;
	case VEC_DE: return FAULT_DIVIDE;
	case VEC_DF: return FAULT_DOUBLE;
	default: return FAULT_OTHER;
	}
}

static bool has_error_code(uint32_t v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

void arch_frame_fault_info(const struct arch_frame *f, struct fault_info *out)
{
	memset(out, 0, sizeof(*out));
	out->vector = (uint32_t)f->vector;
	out->kind = fault_kind(out->vector);
	out->error_code = f->error_code;
	out->has_error_code = has_error_code(out->vector);
	/* #DF from a stack overflow leaves the guard-page address in CR2. */
	if (out->vector == VEC_PF || out->vector == VEC_DF)
		out->addr = x86_read_cr2();
	if (out->vector == VEC_PF) {
		out->present = (f->error_code & PF_ERR_PRESENT) != 0;
		out->access = (f->error_code & PF_ERR_FETCH) ? FAULT_ACCESS_EXEC
			      : (f->error_code & PF_ERR_WRITE) ? FAULT_ACCESS_WRITE
							       : FAULT_ACCESS_READ;
	}
	out->ip = f->rip;
	out->sp = f->rsp;
}

void arch_frame_redirect(struct arch_frame *f, uintptr_t ip, uintptr_t sp)
{
	f->rip = ip;
	f->rsp = sp;
	f->cs = GDT_KCODE;
	f->ss = GDT_KDATA;
	f->rflags &= ~RFLAGS_IF;
	f->rflags |= 0x2; /* reserved bit 1 is always set */
}

uintptr_t arch_frame_fp(const struct arch_frame *f)
{
	return f->rbp;
}

void arch_frame_dump(const struct arch_frame *f)
{
	kprintf("# vector %lu (%s) error code 0x%lx cr2 0x%016lx\n", (unsigned long)f->vector,
		arch_fault_name((uint32_t)f->vector), (unsigned long)f->error_code,
		(unsigned long)x86_read_cr2());
	kprintf("# rip %016lx cs %04lx rflags %016lx rsp %016lx ss %04lx\n", (unsigned long)f->rip,
		(unsigned long)f->cs, (unsigned long)f->rflags, (unsigned long)f->rsp, (unsigned long)f->ss);
	kprintf("# rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", (unsigned long)f->rax,
		(unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
	kprintf("# rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", (unsigned long)f->rsi,
		(unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->r8);
	kprintf("# r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", (unsigned long)f->r9,
		(unsigned long)f->r10, (unsigned long)f->r11, (unsigned long)f->r12);
	kprintf("# r13 %016lx r14 %016lx r15 %016lx\n", (unsigned long)f->r13, (unsigned long)f->r14,
		(unsigned long)f->r15);
	kprintf("# cr0 %016lx cr3 %016lx cr4 %016lx\n", (unsigned long)x86_read_cr0(),
		(unsigned long)x86_read_cr3(), (unsigned long)x86_read_cr4());
}

static void exception(struct arch_frame *f)
{
	struct fault_info fi;
	arch_frame_fault_info(f, &fi);
	if (f->vector == VEC_NMI && !catch_active()) {
		kprintf("# NMI at rip %016lx (ignored)\n", (unsigned long)f->rip);
		return;
	}
	if (catch_fault(f, &fi))
		return;
	kprintf("# unexpected %s in the hypervisor\n", arch_fault_name((uint32_t)f->vector));
	arch_frame_dump(f);
	backtrace_from(f->rip, f->rbp);
	panic("unexpected %s at rip 0x%lx", arch_fault_name((uint32_t)f->vector), (unsigned long)f->rip);
}

void x86_trap(struct arch_frame *f)
{
	if (f->vector < VEC_EXCEPTIONS) {
		exception(f);
		return;
	}
	if (f->vector == ARCH_VEC_SPURIOUS)
		return;
	if (f->vector == ARCH_VEC_TIMER) {
		x86_lapic_eoi();
		clock_tick(f);
		return;
	}
	/* A masked PIC can still raise its spurious IRQ 7/15; anything else
	 * is unexpected but harmless to acknowledge. */
	kprintf("# unexpected interrupt vector %lu\n", (unsigned long)f->vector);
	x86_lapic_eoi();
}
