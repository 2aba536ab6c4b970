/* SPDX-License-Identifier: MIT */
/*
 * Ending a run. Emulators are recognised so a test run can exit with a
 * status; real machines power off through ACPI or halt with the summary on
 * screen.
 *   QEMU  (fw_cfg signature "QEMU" at port 0x510/0x511): isa-debug-exit at
 *         port 0xf4; the process exits with (value << 1) | 1.
 *   Bochs (port 0xe9 reads back 0xe9 with port_e9_hack): the magic
 *         breakpoint `xchg %bx,%bx` (runner answers `quit`, rc 0) for a pass,
 *         the "Shutdown" string to port 0x8900 (rc 1) for a failure.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <anvil/acpi.h>
#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/power.h>

#include "x86.h"

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA     0x511
#define FW_CFG_SIGNATURE 0x0000
#define QEMU_DEBUG_EXIT 0xf4
#define QEMU_EXIT_PASS  0x00
#define QEMU_EXIT_FAIL  0x01
#define BOCHS_E9_PORT   0xe9
#define BOCHS_SHUTDOWN_PORT 0x8900
#define ACPI_SLP_EN     (1u << 13)
#define ACPI_SLP_TYP_SHIFT 10
#define KBC_CMD         0x64
#define KBC_PULSE_RESET 0xfe
#define PCI_RESET_PORT  0xcf9
#define PCI_RESET_FULL  0x0e
#define ACPI_GAS_SYSTEM_IO 1
#define ACPI_GAS_SYSTEM_MEMORY 0

static struct acpi_power acpi;
static bool acpi_valid;

void arch_power_set_acpi(const struct acpi_power *p)
{
	acpi = *p;
	acpi_valid = true;
}

static bool is_qemu(void)
{
	char sig[4];
	arch_outw(FW_CFG_SELECTOR, FW_CFG_SIGNATURE);
	for (unsigned i = 0; i < 4; i++)
		sig[i] = (char)arch_inb(FW_CFG_DATA);
	return memcmp(sig, "QEMU", 4) == 0;
}

static bool is_bochs(void)
{
	return arch_inb(BOCHS_E9_PORT) == BOCHS_E9_PORT;
}

/* CPUID 0x40000000: the hypervisor vendor leaf QEMU fills per accelerator. */
static bool hypervisor_vendor_is(const char sig[12])
{
	uint32_t r[4];
	x86_cpuid(1, 0, r);
	if (!(r[2] & (1u << 31))) /* CPUID.1:ECX.hypervisor */
		return false;
	x86_cpuid(0x40000000, 0, r);
	return memcmp(&r[1], sig, 4) == 0 && memcmp(&r[2], sig + 4, 4) == 0 && memcmp(&r[3], sig + 8, 4) == 0;
}

const char *arch_emulator_id(void)
{
	if (is_qemu()) {
		if (hypervisor_vendor_is("TCGTCGTCGTCG"))
			return "qemu-tcg";
		if (hypervisor_vendor_is("KVMKVMKVM\0\0\0"))
			return "qemu-kvm";
		return "qemu";
	}
	if (is_bochs())
		return "bochs";
	return "hardware";
}

const char *arch_platform_name(void)
{
	if (is_qemu())
		return "QEMU";
	if (is_bochs())
		return "Bochs";
	return "unknown (real hardware?)";
}

static void acpi_poweroff(void)
{
	if (!acpi_valid || !acpi.s5_valid || !acpi.pm1a_cnt)
		return;
	arch_outw((uint16_t)acpi.pm1a_cnt, (uint16_t)((acpi.slp_typa << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN));
	if (acpi.pm1b_cnt)
		arch_outw((uint16_t)acpi.pm1b_cnt, (uint16_t)((acpi.slp_typb << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN));
	for (volatile unsigned i = 0; i < 1000000; i++)
		;
}

static void reset_machine(void)
{
	if (acpi_valid && acpi.reset_valid) {
		if (acpi.reset_reg.space == ACPI_GAS_SYSTEM_IO)
			arch_outb((uint16_t)acpi.reset_reg.address, acpi.reset_value);
		else if (acpi.reset_reg.space == ACPI_GAS_SYSTEM_MEMORY)
			*(volatile uint8_t *)(uintptr_t)acpi.reset_reg.address = acpi.reset_value;
	}
	arch_outb(PCI_RESET_PORT, PCI_RESET_FULL);
	arch_outb(KBC_CMD, KBC_PULSE_RESET);
	/* Last resort: a triple fault. */
	struct { uint16_t l; uint64_t b; } __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" ::"m"(none));
}

static void emulator_exit(bool passed)
{
	if (is_qemu())
		arch_outb(QEMU_DEBUG_EXIT, passed ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	if (is_bochs()) {
		if (passed)
			__asm__ volatile("xchg %%bx, %%bx" ::: "memory");
		for (const char *s = "Shutdown"; *s; s++)
			arch_outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	}
}

void arch_finish(bool passed, int how)
{
	arch_irq_disable();
	switch (how) {
	case ON_FINISH_EXIT:
		emulator_exit(passed);
		acpi_poweroff();
		break;
	case ON_FINISH_POWEROFF:
		acpi_poweroff();
		kprintf("# power off did not take effect (no usable ACPI S5)\n");
		break;
	case ON_FINISH_REBOOT:
		reset_machine();
		break;
	default:
		break;
	}
	kprintf("# halted\n");
	arch_halt_forever();
}
