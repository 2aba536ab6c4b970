/* SPDX-License-Identifier: MIT */
/*
 * The arm64 serial console: the PL011 the device tree names (/chosen
 * stdout-path). Without a usable device tree the only address there is to
 * try is QEMU virt's UART, at 0x09000000.
 */
#include <stddef.h>

#include <arch/console.h>
#include <drivers/pl011.h>
#include <drivers/serial.h>

#include "arm64.h"

#define QEMU_VIRT_UART 0x09000000ull

static struct pl011 uart;

static int loopback(void *ctx, char *err, size_t n)
{
	return pl011_loopback_test(ctx, err, n);
}

static struct serial_port uart_port = {
	.name = "PL011", .write = pl011_write, .flush = pl011_flush, .loopback_test = loopback, .ctx = &uart,
};

struct serial_port *arch_serial_console(const struct boot_info *bi)
{
	(void)bi;
	if (!arm64_platform.uart_base)
		arm64_platform.uart_base = QEMU_VIRT_UART; /* a guess: the MMU maps it as the UART from now on */
	uart_port.present = pl011_init(&uart, (uintptr_t)arm64_platform.uart_base) == 0;
	return &uart_port;
}
