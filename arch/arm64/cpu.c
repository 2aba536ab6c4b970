/* SPDX-License-Identifier: MIT */
/*
 * EL2 as the host runs it (nVHE): the vector table, HCR_EL2 routing every
 * physical interrupt and abort to EL2 (IMO, FMO, AMO) with no guest
 * translation (VM = 0), the counter readable and the EL1 physical timer
 * trapped for guests. FP/SIMD is not trapped: the hypervisor is built
 * -mgeneral-regs-only and never changes an FP register; the only FP
 * instructions in it are newlib's variadic prologues (snprintf and the
 * like), which store q0-q7 into their va_list save area as AAPCS64 has
 * them do and never load them back. So a guest's FP state stays in the
 * registers across exits, untouched.
 */
#include <stdio.h>

#include <anvil/boot_info.h>
#include <anvil/boot_map.h>
#include <anvil/dt.h>
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

/*
 * The device tree, read once: the Image front end has parsed it already to
 * build the memory map; after UEFI it comes from the configuration table.
 */
static void platform_from(struct boot_info *bi)
{
	static struct dt_platform dt;
	char err[DT_ERR_MAX];
	if (arm64_platform.dt_ok || !bi)
		return;
	if (!bi->dtb_phys) {
		boot_info_error(bi, "no device tree from the firmware: UART, GIC and timer unknown (ACPI-only "
				    "machines are not supported yet)");
		return;
	}
	if (arm64_platform_init((const void *)(uintptr_t)bi->dtb_phys, &dt, err, sizeof(err)))
		boot_info_error(bi, "%s", err);
}

void arch_early_init(struct boot_info *bi)
{
	if (arm64_current_el() != 2) {
		platform_from(bi); /* for the UART and PSCI conduit only */
		arm64_el1_stop();
	}
	write_sysreg(vbar_el2, (uint64_t)(uintptr_t)arm64_vectors);
	/* Leave VHE if firmware entered us with it (UEFI runs with E2H/TGE set on some boards). */
	write_sysreg(hcr_el2, HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO);
	write_sysreg(cptr_el2, CPTR_EL2_RES1);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vttbr_el2, 0);
	write_sysreg(mdcr_el2, MDCR_EL2_HPMN_ALL);
	isb();
	platform_from(bi);
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
