/* SPDX-License-Identifier: MIT */
/*
 * A serial console as the kernel core sees it, whatever the UART (16550 on
 * x86, PL011 on arm64): the arch brings up the platform's one
 * (arch_serial_console(), arch/console.h) and the core writes to it and
 * self-tests it through these operations.
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

struct serial_port {
	const char *name;  /* "COM1", "PL011" */
	bool present;
	void (*write)(void *ctx, const char *s, size_t n);
	void (*flush)(void *ctx);
	/* Bytes written in loopback mode come back; the line is restored after. 0 or -1 with err. */
	int (*loopback_test)(void *ctx, char *err, size_t err_len);
	void *ctx;
};

#endif
