/* SPDX-License-Identifier: MIT */
/*
 * TSC calibration against PIT channel 2 (8254; gate and output via port
 * 0x61, the classic PC speaker wiring). Works the same on QEMU, Bochs and
 * real PCs; the run is short so the boot stays fast.
 */
#include <stdint.h>

#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/timer.h>

#define PIT_HZ         1193182u
#define PIT_CH2_DATA   0x42
#define PIT_CMD        0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0 /* channel 2, lobyte/hibyte, mode 0 */
#define PORT_B         0x61
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2    0x20
#define CAL_MS         10u
#define CAL_ROUNDS     3u

static uint64_t tsc_hz;

static uint64_t measure_once(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * CAL_MS / 1000u);
	uint8_t b = arch_inb(PORT_B);
	arch_outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) & ~PORT_B_GATE2));
	arch_outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
	arch_outb(PIT_CH2_DATA, count & 0xff);
	arch_outb(PIT_CH2_DATA, count >> 8);
	arch_outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2)); /* start counting */
	uint64_t t0 = arch_cycles();
	uint64_t guard = 0;
	while (!(arch_inb(PORT_B) & PORT_B_OUT2)) {
		if (++guard > 100000000ull)
			return 0; /* no PIT: OUT2 never rose */
	}
	uint64_t t1 = arch_cycles();
	arch_outb(PORT_B, b);
	return (t1 - t0) * 1000u / CAL_MS;
}

int arch_clock_calibrate(void)
{
	uint64_t best = 0;
	for (unsigned i = 0; i < CAL_ROUNDS; i++) {
		uint64_t hz = measure_once();
		/* Interference only makes a round look slower: keep the smallest. */
		if (hz && (!best || hz < best))
			best = hz;
	}
	tsc_hz = best;
	return best ? 0 : -1;
}

uint64_t arch_cycles_hz(void)
{
	return tsc_hz;
}

const char *arch_clock_source(void)
{
	return "TSC calibrated against PIT channel 2";
}
