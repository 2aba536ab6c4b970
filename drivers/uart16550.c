/* SPDX-License-Identifier: MIT */
/* 16550A UART (register map per the TI/National PC16550D data sheet). */
#include <stdio.h>

#include <arch/io.h>
#include <drivers/uart16550.h>

enum uart_reg {
	UART_THR = 0, /* transmit holding (write), receive buffer (read) */
	UART_RBR = 0,
	UART_DLL = 0, /* divisor latch low, with LCR.DLAB */
	UART_IER = 1,
	UART_DLM = 1,
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
};
#define LCR_8N1    0x03
#define LCR_DLAB   0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK 0x10
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define LSR_TX_IDLE    0x40 /* FIFO and shift register empty */
#define DIVISOR_115200 1
#define SPIN_LIMIT 100000u

static uint8_t rd(const struct uart16550 *u, enum uart_reg r)
{
	return arch_reg_read8(u->base, r, u->is_port);
}

static void wr(const struct uart16550 *u, enum uart_reg r, uint8_t v)
{
	arch_reg_write8(u->base, r, u->is_port, v);
}

int uart16550_init(struct uart16550 *u, uintptr_t base, bool is_port)
{
	u->base = base;
	u->is_port = is_port;
	/* The scratch register holds what we write if a UART is there. */
	wr(u, UART_SCR, 0x5a);
	u->present = rd(u, UART_SCR) == 0x5a;
	if (!u->present)
		return -1;
	wr(u, UART_IER, 0);
	wr(u, UART_LCR, LCR_DLAB);
	wr(u, UART_DLL, DIVISOR_115200);
	wr(u, UART_DLM, 0);
	wr(u, UART_LCR, LCR_8N1);
	wr(u, UART_FCR, FCR_ENABLE_CLEAR);
	wr(u, UART_MCR, MCR_DTR_RTS_OUT2);
	return 0;
}

static void put(const struct uart16550 *u, char c)
{
	for (unsigned i = 0; i < SPIN_LIMIT && !(rd(u, UART_LSR) & LSR_THR_EMPTY); i++)
		;
	wr(u, UART_THR, (uint8_t)c);
}

void uart16550_write(void *ctx, const char *s, size_t n)
{
	const struct uart16550 *u = ctx;
	if (!u->present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put(u, '\r');
		put(u, s[i]);
	}
}

void uart16550_flush(void *ctx)
{
	const struct uart16550 *u = ctx;
	for (unsigned i = 0; u->present && i < SPIN_LIMIT && !(rd(u, UART_LSR) & LSR_TX_IDLE); i++)
		;
}

int uart16550_loopback_test(struct uart16550 *u, char *err, size_t err_len)
{
	static const uint8_t pattern[] = { 0x55, 0xaa, 0x00, 0xff, 'A' };
	int rc = 0;
	/*
	 * Everything written before must be on the line, the shift register
	 * included (TEMT), or the switch to loopback catches a byte mid-flight
	 * (Bochs then loops none of the test bytes back).
	 */
	uart16550_flush(u);
	uint8_t mcr = rd(u, UART_MCR);
	wr(u, UART_MCR, mcr | MCR_LOOPBACK);
	while (rd(u, UART_LSR) & LSR_DATA_READY)
		(void)rd(u, UART_RBR);
	for (unsigned i = 0; i < sizeof(pattern) && rc == 0; i++) {
		wr(u, UART_THR, pattern[i]);
		unsigned spin = 0;
		while (!(rd(u, UART_LSR) & LSR_DATA_READY) && spin < SPIN_LIMIT)
			spin++;
		if (spin == SPIN_LIMIT) {
			snprintf(err, err_len, "byte %u (0x%02x) never came back (LSR 0x%02x)", i, pattern[i],
				 rd(u, UART_LSR));
			rc = -1;
			break;
		}
		uint8_t got = rd(u, UART_RBR);
		if (got != pattern[i]) {
			snprintf(err, err_len, "byte %u: sent 0x%02x, received 0x%02x", i, pattern[i], got);
			rc = -1;
		}
	}
	wr(u, UART_MCR, mcr);
	return rc;
}
