/* SPDX-License-Identifier: MIT */
/*
 * Entered at EL1: the firmware or boot loader kept EL2 for itself (QEMU
 * virt without virtualization=on, a board whose firmware runs a
 * hypervisor). This kernel's exception vectors, page tables, tick and
 * backend are EL2's, so it cannot run even its self-tests here yet. It
 * says so where the results would have gone (the device tree's UART, or
 * QEMU virt's), as a TAP stream that plans no test and skips with the
 * reason, and powers off through PSCI (the conduit the device tree names).
 * Nothing here touches an EL2 register.
 */
#include <stdio.h>
#include <string.h>

#include <drivers/pl011.h>

#include "arm64.h"
#include "smccc.h"

#define QEMU_VIRT_UART 0x09000000ull

__attribute__((noreturn)) void arm64_el1_stop(void)
{
	static struct pl011 uart;
	char msg[256];
	uint64_t base = arm64_platform.uart_base ? arm64_platform.uart_base : QEMU_VIRT_UART;
	int n = snprintf(msg, sizeof(msg),
			 "anvil: entered at EL1, not EL2 (the CPU has no EL2 or the firmware kept it): no virtualization; "
			 "this kernel runs only at EL2 (EL1 operation is not supported yet)\n"
			 "TAP version 13\n1..0 # SKIP entered at EL1: Anvil needs EL2\n0 passed, 0 failed, 0 skipped\n");
	if (pl011_init(&uart, (uintptr_t)base) == 0 && n > 0)
		pl011_write(&uart, msg, strlen(msg));
	if (arm64_platform.psci_ok)
		arm64_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
