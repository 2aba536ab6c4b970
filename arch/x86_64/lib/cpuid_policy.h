/* SPDX-License-Identifier: MIT */
/*
 * What a guest sees for CPUID: the host's values, edited by policy. Pure.
 *  - leaf 1: ECX[31] (hypervisor present) set; ECX[5] (VMX) cleared.
 *  - leaf 0x80000001: ECX[2] (SVM) cleared (no nested virtualization yet).
 *  - leaf 0x8000000A (SVM features): all zero.
 *  - 0x40000000: eax = ANVIL_CPUID_INFO, ebx:ecx:edx = the Anvil signature;
 *    0x40000001: eax = ANVIL_ABI_VERSION; other 0x400000xx leaves: zero.
 *  - everything else: as the host reports it.
 */
#ifndef X86_CPUID_POLICY_H
#define X86_CPUID_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

/* host: what CPUID(leaf, subleaf) returned on the host; *out: what the guest gets. */
void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *host,
			struct cpuid_regs *out);
/* true if the policy answers the leaf without asking the host (0x400000xx). */
bool cpuid_policy_synthetic(uint32_t leaf);

#endif
