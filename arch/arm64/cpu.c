/* SPDX-License-Identifier: MIT */
/*
 * EL2 as the host runs it (nVHE): the vector table, HCR_EL2 routing every
 * physical interrupt and abort to EL2 (IMO, FMO, AMO) with no guest
 * translation (VM = 0), FP/SIMD trapped (the hypervisor owns no FP state),
 * the counter readable and the EL1 physical timer trapped for guests.
 */
#include <stdio.h>

#include <arch/cpu.h>

#include "arm64.h"

#define CNTHCTL_EL1PCTEN (1ull << 0) /* EL1 may read CNTPCT_EL0 */
#define MDCR_EL2_HPMN_ALL 0x0ull
#define MIDR_IMPL_SHIFT 24
#define MIDR_PART_SHIFT 4
#define MIDR_PART_MASK 0xfffu
#define MIDR_REV_MASK 0xfu
#define MIDR_VAR_SHIFT 20
#define MIDR_VAR_MASK 0xfu

void arch_early_init(void)
{
	write_sysreg(vbar_el2, (uint64_t)(uintptr_t)arm64_vectors);
	/* Leave VHE if firmware entered us with it (UEFI runs with E2H/TGE set on some boards). */
	write_sysreg(hcr_el2, HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO);
	write_sysreg(cptr_el2, CPTR_EL2_RES1 | CPTR_EL2_TFP);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vttbr_el2, 0);
	write_sysreg(mdcr_el2, MDCR_EL2_HPMN_ALL);
	isb();
}

int arch_late_init(void)
{
	return 0;
}

static const char *implementer(unsigned id)
{
	switch (id) {
	case 0x41: return "Arm";
	case 0x42: return "Broadcom";
	case 0x43: return "Cavium";
	case 0x46: return "Fujitsu";
	case 0x48: return "HiSilicon";
	case 0x4e: return "NVIDIA";
	case 0x51: return "Qualcomm";
	case 0x61: return "Apple";
	case 0xc0: return "Ampere";
	default: return "implementer";
	}
}

void arch_cpu_describe(char *buf, unsigned len)
{
	uint64_t midr = read_sysreg(midr_el1);
	unsigned impl = (unsigned)(midr >> MIDR_IMPL_SHIFT) & 0xffu;
	snprintf(buf, len, "%s (0x%02x) part 0x%03x r%up%u, EL%u", implementer(impl), impl,
		 (unsigned)(midr >> MIDR_PART_SHIFT) & MIDR_PART_MASK, (unsigned)(midr >> MIDR_VAR_SHIFT) & MIDR_VAR_MASK,
		 (unsigned)midr & MIDR_REV_MASK, arm64_current_el());
}
