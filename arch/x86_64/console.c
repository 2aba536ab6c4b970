/* SPDX-License-Identifier: MIT */
/* The x86 serial console: the 16550 at COM1 (I/O port 0x3f8). */
#include <stddef.h>

#include <arch/console.h>
#include <drivers/serial.h>
#include <drivers/uart16550.h>

#define COM1_PORT 0x3f8

static struct uart16550 com1;

static int loopback(void *ctx, char *err, size_t n)
{
	return uart16550_loopback_test(ctx, err, n);
}

static struct serial_port com1_port = {
	.name = "COM1", .write = uart16550_write, .flush = uart16550_flush, .loopback_test = loopback, .ctx = &com1,
};

struct serial_port *arch_serial_console(const struct boot_info *bi)
{
	(void)bi;
	com1_port.present = uart16550_init(&com1, COM1_PORT, true) == 0;
	return &com1_port;
}
