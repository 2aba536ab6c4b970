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

#include "x86.h"

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
/* ~1 s even at 4 GHz: far longer than 10 ms on any plausible TSC. */
#define PIT_GIVE_UP_CYCLES (1ull << 32)

#define CPUID_TSC_LEAF  0x15 /* TSC/crystal ratio and crystal Hz (SDM Vol. 2A CPUID) */
#define CPUID_FREQ_LEAF 0x16 /* processor base frequency in MHz */
#define HZ_PER_MHZ      1000000ull

static uint64_t tsc_hz;
static const char *tsc_source = "none";

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
	while (!(arch_inb(PORT_B) & PORT_B_OUT2)) {
		if (arch_cycles() - t0 > PIT_GIVE_UP_CYCLES)
			return 0; /* no PIT: OUT2 never rose */
	}
	uint64_t t1 = arch_cycles();
	arch_outb(PORT_B, b);
	return (t1 - t0) * 1000u / CAL_MS;
}

/*
 * Machines without an 8254 (some recent platforms gate it off) still tell
 * the TSC rate through CPUID: leaf 0x15 (crystal * ratio), else leaf 0x16
 * (base frequency). Either is only as good as the firmware's numbers.
 */
static uint64_t cpuid_tsc_hz(const char **source)
{
	uint32_t r[4];
	x86_cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	if (max_leaf >= CPUID_TSC_LEAF) {
		x86_cpuid(CPUID_TSC_LEAF, 0, r);
		if (r[0] && r[1] && r[2]) {
			*source = "TSC rate from CPUID leaf 0x15";
			return (uint64_t)r[2] * r[1] / r[0];
		}
	}
	if (max_leaf >= CPUID_FREQ_LEAF) {
		x86_cpuid(CPUID_FREQ_LEAF, 0, r);
		if (r[0] & 0xffff) {
			*source = "TSC rate from CPUID leaf 0x16 base frequency";
			return (uint64_t)(r[0] & 0xffff) * HZ_PER_MHZ;
		}
	}
	return 0;
}

int arch_clock_calibrate(void)
{
	uint64_t best = 0;
	for (unsigned i = 0; i < CAL_ROUNDS; i++) {
		uint64_t hz = measure_once();
		if (!hz)
			break; /* no PIT: do not wait for it twice more */
		/* Interference only makes a round look slower: keep the smallest. */
		if (hz && (!best || hz < best))
			best = hz;
	}
	if (best)
		tsc_source = "TSC calibrated against PIT channel 2";
	else
		best = cpuid_tsc_hz(&tsc_source);
	tsc_hz = best;
	return best ? 0 : -1;
}

uint64_t arch_cycles_hz(void)
{
	return tsc_hz;
}

const char *arch_clock_source(void)
{
	return tsc_source;
}
