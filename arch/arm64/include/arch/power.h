/* SPDX-License-Identifier: MIT */
/* Ending a run: exit the emulator with a status, or halt/power off (PSCI). */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

#include <stdbool.h>

struct acpi_power;

/* What the device tree says the machine is ("QEMU virt", the DT model). */
const char *arch_platform_name(void);
/* A stable id of the emulator (or "hardware") for quirk matching: "qemu-tcg", "hardware". */
const char *arch_emulator_id(void);
/* ACPI power control is not used on arm64 (PSCI is): kept for the neutral interface. */
void arch_power_set_acpi(const struct acpi_power *p);
/* how: enum anvil_on_finish (lib/include/anvil/cmdline.h). */
__attribute__((noreturn)) void arch_finish(bool passed, int how);

#endif
