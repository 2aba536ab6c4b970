/* SPDX-License-Identifier: MIT */
/*
 * Can this CPU run guests here? Only when the kernel itself runs at EL2
 * (boot_info's boot EL; entered at EL1 the EL2 controls do not exist for
 * us). Stage 2 is sized from ID_AA64MMFR0_EL1.PARange, and VMIDs are 16
 * bits when ID_AA64MMFR1_EL1.VMIDBits says so (Arm ARM D24.2).
 */
#include <stdio.h>

#include <anvil/guest_abi.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"

#define MMFR0_PARANGE_MASK 0xfull
#define MMFR1_VMIDBITS_SHIFT 4
#define MMFR1_VMIDBITS_MASK 0xfull
#define MMFR1_VMIDBITS_16 2u
#define EL2_IPA_BITS_WANTED 40u /* 1 TiB: payloads place aliases up to 4 GiB */

struct el2_caps el2_caps;

uint64_t el2_probe(char *why, size_t n)
{
	if (arm64_current_el() != 2) {
		snprintf(why, n, "running at EL%u, not EL2: no virtualization (the firmware or boot loader "
				 "entered the kernel at EL1)", arm64_current_el());
		return 0;
	}
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1), mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	el2_caps.parange = (unsigned)(mmfr0 & MMFR0_PARANGE_MASK);
	el2_caps.vmid16 = ((mmfr1 >> MMFR1_VMIDBITS_SHIFT) & MMFR1_VMIDBITS_MASK) == MMFR1_VMIDBITS_16;
	if (s2pt_vtcr(el2_caps.parange, EL2_IPA_BITS_WANTED, el2_caps.vmid16, &el2_caps.vtcr)) {
		snprintf(why, n, "ID_AA64MMFR0_EL1.PARange %u is reserved", el2_caps.parange);
		return 0;
	}
	return ANVIL_FEAT_GENERIC;
}

int el2_enable(char *why, size_t n)
{
	(void)why;
	(void)n;
	write_sysreg(vtcr_el2, el2_caps.vtcr.value);
	isb();
	/* Nothing of an earlier owner's EL1&0 translations survives. */
	__asm__ volatile("tlbi alle1is; dsb ish; isb" ::: "memory");
	/* Without a virtual GIC guests still run, with none (el2_vgic_probe logs why). */
	char vgic_why[96];
	(void)el2_vgic_probe(vgic_why, sizeof(vgic_why));
	return 0;
}
