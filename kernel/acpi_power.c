/* SPDX-License-Identifier: MIT */
/* ACPI power-off and reset registers, read through the boot RSDP. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <anvil/acpi.h>
#include <anvil/platform.h>
#include <arch/power.h>

/* Physical memory is identity mapped. */
static const void *identity_map(void *ctx, uint64_t pa, size_t len)
{
	(void)ctx;
	(void)len;
	return pa ? (const void *)(uintptr_t)pa : NULL;
}

int platform_acpi_init(struct platform *p)
{
	const struct boot_info *bi = p->boot;
	struct acpi_view view = { identity_map, NULL };
	uint64_t fadt;
	if (!bi->rsdp_length) {
		snprintf(p->acpi_error, sizeof(p->acpi_error), "the boot loader passed no ACPI RSDP");
		return -1;
	}
	if (acpi_find_table(&view, bi->rsdp, bi->rsdp_length, "FACP", &fadt, p->acpi_error,
			    sizeof(p->acpi_error)))
		return -1;
	if (acpi_parse_fadt(&view, fadt, &p->acpi, p->acpi_error, sizeof(p->acpi_error)))
		return -1;
	p->acpi_ok = true;
	arch_power_set_acpi(&p->acpi);
	return 0;
}
