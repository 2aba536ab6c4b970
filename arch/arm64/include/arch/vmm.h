/* SPDX-License-Identifier: MIT */
/*
 * What the arch-neutral VM core needs from arm64: its backends (the EL2
 * one), how to lay out a payload's guest memory, the exit kinds only arm64
 * has (trapped system registers, SMC), and the host state a guest at EL1
 * could reach that the world switch does not save.
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

#define ARCH_GUEST_ELF_MACHINE ELF64_MACHINE_AARCH64
#define ARCH_GUEST_ARCH_NAME "arm64"

extern const struct vmm_backend *const arch_vmm_backends[];
extern const unsigned arch_vmm_backend_count;

/* Write the guest's boot structures (its stage-1 tables) into guest memory; fills e->sp, e->page_table_root. */
int arch_guest_prepare(void *mem, uint64_t mem_size, struct vcpu_entry *e, char *err, size_t n);

/* ANVIL_EXIT_SYSREG and ANVIL_EXIT_SMC. 0: resume the guest; -1: the payload ended. */
int arch_exit(struct vcpu *v, struct vm_exit *e);

/*
 * Host state a payload could reach that the world switch does not switch:
 * none beyond what the EL2 backend saves and restores itself (the EL1
 * system registers are the guest's own and EL2's are not reachable from
 * EL1), so the set is empty and "differs" never finds anything.
 */
struct arch_host_state {
	uint64_t none;
};
void arch_host_state_save(struct arch_host_state *s);
void arch_payload_state_enter(void);
void arch_host_state_restore(const struct arch_host_state *s);
bool arch_host_state_differs(const struct arch_host_state *was, const struct arch_host_state *now,
			     char *buf, size_t n);

#endif
