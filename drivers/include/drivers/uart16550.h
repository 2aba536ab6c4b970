/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uart16550 {
	uintptr_t base; /* I/O port (x86) or MMIO address */
	bool is_port;
	bool present;
};

/* 115200 8N1, FIFOs on. Returns -1 if no UART answers at base. */
int uart16550_init(struct uart16550 *u, uintptr_t base, bool is_port);
void uart16550_write(void *ctx, const char *s, size_t n);
/* Wait until the transmitter (FIFO and shift register) is empty. */
void uart16550_flush(void *ctx);
/* Loopback self-test: bytes written come back; the line is restored after. */
int uart16550_loopback_test(struct uart16550 *u, char *err, size_t err_len);

#endif
