/* SPDX-License-Identifier: MIT */
/*
 * What the arch-neutral VM core needs from an arch: its backends (probed at
 * run time, in order of preference), how to lay out a payload's guest memory,
 * and the handlers for exit kinds only this arch has (CPUID, MSR, port I/O).
 */
#ifndef ARCH_VMM_H
#define ARCH_VMM_H

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

/* Exit kinds that exist only on this arch. 0: resume the guest; -1: stop. */
int arch_exit_cpuid(struct vcpu *v, struct vm_exit *e);
int arch_exit_msr(struct vcpu *v, struct vm_exit *e);
int arch_exit_io(struct vcpu *v, struct vm_exit *e);

#endif
