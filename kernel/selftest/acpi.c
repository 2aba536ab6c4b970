/* SPDX-License-Identifier: MIT */
/* ACPI: the tables the finish path relies on are found and valid. */
#include <anvil/ktest.h>
#include <anvil/platform.h>

KTEST(acpi, fadt_power)
{
	const struct platform *p = &platform;
	if (!p->boot->rsdp_length) {
		ktest_skip(t, "the boot loader passed no ACPI RSDP");
		return;
	}
	if (!check(t, p->acpi_ok, "the FADT is found and parses: %s", p->acpi_ok ? "yes" : p->acpi_error))
		return;
	ktest_diag(t, "PM1a_CNT 0x%x, S5 %s (SLP_TYP %u/%u), reset register %s", (unsigned)p->acpi.pm1a_cnt,
		   p->acpi.s5_valid ? "found" : "missing", p->acpi.slp_typa, p->acpi.slp_typb,
		   p->acpi.reset_valid ? "present" : "absent");
	check(t, p->acpi.pm1a_cnt != 0, "the FADT names a PM1a control block");
	check(t, p->acpi.s5_valid, "the DSDT defines \\_S5 so the machine can power off");
}
