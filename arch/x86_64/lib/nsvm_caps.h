/* SPDX-License-Identifier: MIT */
/*
 * What the virtual CPU L0 shows L1 implements, for the VMRUN consistency
 * checks (nsvm_check.h, struct nsvm_caps), derived from the CPUID values
 * L1 is given: the CR4 and EFER bits that exist, long mode, the physical
 * address width. A bit whose feature CPUID does not announce is MBZ
 * (APM Vol 2 3.1.3 CR4, 3.1.7 EFER; the feature flags: Vol 3 Appendix E).
 * Pure.
 */
#ifndef X86_NSVM_CAPS_H
#define X86_NSVM_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "nsvm_check.h"

/* The CPUID registers the derivation reads, as L1 sees them. */
struct nsvm_cpuid_view {
	uint32_t l1_ecx, l1_edx;          /* Fn0000_0001 */
	uint32_t l7_ebx, l7_ecx;          /* Fn0000_0007, subleaf 0 */
	uint32_t e1_ecx, e1_edx;          /* Fn8000_0001 */
	uint32_t e8_eax;                  /* Fn8000_0008: 7:0 physical address bits */
	uint32_t svm_edx;                 /* Fn8000_000A: EDX[0] NP */
};

void nsvm_caps_from_cpuid(const struct nsvm_cpuid_view *c, struct nsvm_caps *caps);

#endif
