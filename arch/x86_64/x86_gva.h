/* SPDX-License-Identifier: MIT */
/*
 * Guest-virtual to guest-physical for an access the hypervisor makes on the
 * guest's behalf, with the rights a CPL 0 access of the guest needs: shared
 * by every x86 backend (docs/guest-abi.md, "Memory the hypervisor touches").
 */
#ifndef X86_GVA_H
#define X86_GVA_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* #PF error code bits (SDM Vol 3A §4.7, APM Vol 2 §8.4.2). */
#define X86_PF_P (1u << 0)
#define X86_PF_W (1u << 1)
#define X86_PF_RSVD (1u << 3)
#define X86_PF_I (1u << 4)
/* Not an error code bit: the address was not canonical (#GP, not #PF). */
#define X86_PF_NONCANONICAL (1u << 31)

/*
 * access: one ANVIL_ACCESS_* bit. False if the guest's own page tables
 * refuse it: not present, reserved bits, a write to a read-only page with
 * CR0.WP=1, a fetch from an NX page with EFER.NXE=1, or a non-canonical
 * address; *pf_error then says how, as the CPU would.
 */
bool x86_gva_translate(struct vm *vm, uint64_t cr0, uint64_t cr3, uint64_t efer, uint64_t gva, uint32_t access,
		       uint64_t *gpa, uint32_t *pf_error);

#endif
