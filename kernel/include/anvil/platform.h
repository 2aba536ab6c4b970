/* SPDX-License-Identifier: MIT */
/* What the kernel learnt about the machine at boot, for tests and reports. */
#ifndef ANVIL_PLATFORM_H
#define ANVIL_PLATFORM_H

#include <stdbool.h>

#include <anvil/acpi.h>
#include <anvil/boot_info.h>
#include <anvil/cmdline.h>

struct serial_port;

struct platform {
	struct boot_info *boot;
	struct anvil_options options;
	struct serial_port *serial; /* the serial console (arch_serial_console()), NULL: none */
	bool acpi_ok;
	struct acpi_power acpi;
	char acpi_error[120];
	bool fb_ok;
	char fb_error[96];
	bool mmu_ok;
	bool timer_ok;
};

extern struct platform platform;

/* Find the FADT and the S5/reset registers through the boot RSDP. */
int platform_acpi_init(struct platform *p);

#endif
