/* SPDX-License-Identifier: MIT */
/* PL011 UART (register map: Arm PrimeCell UART (PL011) TRM, DDI 0183, section 3.2). */
#include <stdio.h>

#include <arch/io.h>
#include <drivers/pl011.h>

enum pl011_reg {
	UART_DR = 0x000,
	UART_FR = 0x018,
	UART_LCR_H = 0x02c,
	UART_CR = 0x030,
	UART_IMSC = 0x038,
	UART_ICR = 0x044,
	UART_PERIPHID0 = 0xfe0,
};
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_TXFE (1u << 7)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_LBE (1u << 7)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define ICR_ALL 0x7ffu
#define PERIPHID0_PL011 0x11u
#define SPIN_LIMIT 1000000u
#define LOOPBACK_BYTES 4u

static uint32_t rd(const struct pl011 *u, enum pl011_reg r) { return arch_mmio_read32(u->base + r); }
static void wr(const struct pl011 *u, enum pl011_reg r, uint32_t v) { arch_mmio_write32(u->base + r, v); }

int pl011_init(struct pl011 *u, uintptr_t base)
{
	u->base = base;
	u->present = base && (rd(u, UART_PERIPHID0) & 0xffu) == PERIPHID0_PL011;
	if (!u->present)
		return -1;
	wr(u, UART_IMSC, 0); /* polled: no interrupts */
	wr(u, UART_ICR, ICR_ALL);
	wr(u, UART_LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	wr(u, UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
	return 0;
}

static void put(const struct pl011 *u, char c)
{
	for (unsigned i = 0; (rd(u, UART_FR) & FR_TXFF) && i < SPIN_LIMIT; i++)
		;
	wr(u, UART_DR, (uint8_t)c);
}

void pl011_write(void *ctx, const char *s, size_t n)
{
	const struct pl011 *u = ctx;
	if (!u->present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put(u, '\r');
		put(u, s[i]);
	}
}

void pl011_flush(void *ctx)
{
	const struct pl011 *u = ctx;
	for (unsigned i = 0; u->present && (rd(u, UART_FR) & FR_BUSY) && i < SPIN_LIMIT; i++)
		;
}

int pl011_loopback_test(struct pl011 *u, char *err, size_t err_len)
{
	static const uint8_t pattern[LOOPBACK_BYTES] = { 0x55, 0xaa, 0x00, 0xff };
	pl011_flush(u);
	uint32_t cr = rd(u, UART_CR);
	wr(u, UART_CR, cr | CR_LBE);
	while (!(rd(u, UART_FR) & FR_RXFE))
		(void)rd(u, UART_DR); /* drain */
	int rc = 0;
	for (unsigned i = 0; i < LOOPBACK_BYTES && !rc; i++) {
		wr(u, UART_DR, pattern[i]);
		unsigned spin = 0;
		while ((rd(u, UART_FR) & FR_RXFE) && spin++ < SPIN_LIMIT)
			;
		uint32_t got = (rd(u, UART_FR) & FR_RXFE) ? ~0u : rd(u, UART_DR) & 0xffu;
		if (got != pattern[i]) {
			snprintf(err, err_len, "wrote 0x%02x, read %s0x%02x", pattern[i], got == ~0u ? "nothing " : "",
				 got & 0xffu);
			rc = -1;
		}
	}
	wr(u, UART_CR, cr);
	return rc;
}
