/* SPDX-License-Identifier: MIT */
/*
 * Ending a run on arm64. An emulator started with semihosting exits with a
 * status: SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and the code
 * (Arm "Semihosting for AArch32 and AArch64", §5.5; HLT #0xF000 from
 * AArch64). Without semihosting that HLT is an undefined instruction, which
 * is caught, and PSCI SYSTEM_OFF (through the conduit the device tree names,
 * Arm DEN 0022) powers the machine off instead. Real machines halt with the
 * summary on screen, or power off / reset through PSCI when asked.
 */
#include <stdbool.h>
#include <stdint.h>

#include <anvil/catch.h>
#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <arch/cpu.h>
#include <arch/power.h>

#include "arm64.h"
#include "smccc.h"

#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026ull
#define EXIT_PASS 0u
#define EXIT_FAIL 1u

void arch_power_set_acpi(const struct acpi_power *p)
{
	(void)p; /* PSCI, not ACPI, powers arm64 machines off */
}

const char *arch_emulator_id(void)
{
	/* QEMU's fw_cfg device; at EL2 it is TCG (KVM gives a guest EL1 without nested virtualization). */
	if (arm64_platform.fw_cfg)
		return arm64_current_el() == 2 ? "qemu-tcg" : "qemu";
	return "hardware";
}

const char *arch_platform_name(void)
{
	return arm64_platform.model[0] ? arm64_platform.model : "unknown (no device-tree model)";
}

uint64_t arm64_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	if (arm64_platform.psci_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

struct semihosting_exit {
	uint64_t reason, code;
};

static void semihosting_exit(void *arg)
{
	struct semihosting_exit *b = arg;
	register uint64_t x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT_EXTENDED;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)b;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

static void psci_off(bool reset)
{
	if (arm64_platform.psci_ok)
		arm64_psci_call(reset ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF, 0, 0, 0);
}

void arch_finish(bool passed, int how)
{
	arch_irq_disable();
	console_flush();
	if (how == ON_FINISH_EXIT) {
		struct semihosting_exit b = { ADP_STOPPED_APPLICATION_EXIT, passed ? EXIT_PASS : EXIT_FAIL };
		struct catch_frame cf;
		if (catch_run(&cf, false, semihosting_exit, &b) == CATCH_FAULT)
			klog(LOG_INFO, "no semihosting (HLT #0xF000 was undefined): powering off through PSCI");
		console_flush();
		psci_off(false);
	} else if (how == ON_FINISH_POWEROFF) {
		psci_off(false);
	} else if (how == ON_FINISH_REBOOT) {
		psci_off(true);
	}
	arch_halt_forever();
}
