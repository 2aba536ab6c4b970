/* SPDX-License-Identifier: MIT */
/* Arm PrimeCell UART (PL011), the serial console of arm64 machines. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pl011 {
	uintptr_t base; /* MMIO */
	bool present;
};

/* 8N1 with FIFOs, transmitter and receiver on; the baud rate firmware set is kept. */
int pl011_init(struct pl011 *u, uintptr_t base);
void pl011_write(void *ctx, const char *s, size_t n);
/* Wait until the transmitter is idle (FIFO empty, nothing shifting). */
void pl011_flush(void *ctx);
/* Loopback self-test (UARTCR.LBE): bytes written come back; the line is restored after. */
int pl011_loopback_test(struct pl011 *u, char *err, size_t err_len);

#endif
