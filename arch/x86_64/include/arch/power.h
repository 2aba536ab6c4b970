/* SPDX-License-Identifier: MIT */
/* Ending a run: exit the emulator with a status, or halt/reboot/power off. */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

#include <stdbool.h>

struct acpi_power;

/* Emulator detection for the exit path (QEMU fw_cfg, Bochs). */
const char *arch_platform_name(void);
/* A stable id of the emulator (or "hardware") for quirk matching:
 * "qemu-tcg", "qemu-kvm", "qemu", "bochs", "hardware". */
const char *arch_emulator_id(void);
void arch_power_set_acpi(const struct acpi_power *p);
/* how: enum anvil_on_finish (lib/include/anvil/cmdline.h). */
__attribute__((noreturn)) void arch_finish(bool passed, int how);

#endif
