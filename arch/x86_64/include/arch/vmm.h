/* SPDX-License-Identifier: MIT */
/*
 * What the arch-neutral VM core needs from an arch: its backends (probed at
 * run time, in order of preference), how to lay out a payload's guest memory,
 * and the handlers for exit kinds only this arch has (CPUID, MSR, port I/O).
 */
#ifndef ARCH_VMM_H
#define ARCH_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/elf64.h>

struct vmm_backend;
struct vcpu;
struct vcpu_entry;
struct vm_exit;

#define ARCH_GUEST_ELF_MACHINE ELF64_MACHINE_X86_64
#define ARCH_GUEST_ARCH_NAME "x86_64"

extern const struct vmm_backend *const arch_vmm_backends[];
extern const unsigned arch_vmm_backend_count;

/*
 * Write the arch's boot structures into guest memory (mem: host pointer to
 * the guest's RAM at GPA 0, mem_size bytes): page tables, GDT. Fills e->sp,
 * e->page_table_root; the caller sets ip and arg0.
 */
int arch_guest_prepare(void *mem, uint64_t mem_size, struct vcpu_entry *e, char *err, size_t n);

/*
 * Exit kinds the core does not handle itself: here CPUID, MSR, port I/O and
 * ANVIL_EXIT_PRIV_INSN (INVD, WBINVD, XSETBV, MONITOR, MWAIT, RDPRU).
 * 0: resume the guest; -1: the payload ended (vm_end() said why).
 */
int arch_exit(struct vcpu *v, struct vm_exit *e);

/*
 * CPU state a payload can change that the hardware does not switch on guest
 * entry and exit, and the host never depends on while a payload runs:
 * DR0-DR3 and DR6 (host breakpoints are always off: DR7 = 0x400), XCR0 (the
 * host uses no XSAVE state), IA32_TSC_AUX (the host never reads it). Each
 * payload gets the documented entry values before it starts
 * (arch_payload_state_enter) and the host's come back after it
 * (arch_host_state_restore): exact, at no cost per exit (docs/svm.md).
 */
struct arch_host_state {
	uint64_t dr[4], dr6, dr7;
	uint64_t xcr0;
	uint64_t tsc_aux;
	uint64_t kernel_gs_base;  /* SWAPGS reaches it; VMX does not switch it (SVM's VMLOAD does) */
	bool has_xcr0, has_tsc_aux;
};
void arch_host_state_save(struct arch_host_state *s);
void arch_payload_state_enter(void);
void arch_host_state_restore(const struct arch_host_state *s);
/* false if equal; else true with the first difference described in buf. */
bool arch_host_state_differs(const struct arch_host_state *was, const struct arch_host_state *now,
			     char *buf, size_t n);

#endif
