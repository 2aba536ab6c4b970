/* SPDX-License-Identifier: MIT */
/*
 * Time: the cycle counter is calibrated and the periodic tick fires at the
 * rate it was programmed for. Emulators run with virtual time, so only
 * plausibility is checked; the measured values are reported.
 */
#include <anvil/clock.h>
#include <anvil/ktest.h>
#include <anvil/platform.h>
#include <arch/cpu.h>
#include <arch/timer.h>

#define MIN_PLAUSIBLE_HZ 10000000ull      /* 10 MHz */
#define MAX_PLAUSIBLE_HZ 20000000000ull   /* 20 GHz */
#define MEASURE_MS 300u

KTEST(timer, cycles_calibrated)
{
	uint64_t hz = arch_cycles_hz();
	ktest_diag(t, "cycle counter: %lu kHz (%s)", (unsigned long)(hz / 1000), arch_clock_source());
	check(t, hz >= MIN_PLAUSIBLE_HZ && hz <= MAX_PLAUSIBLE_HZ, "the calibrated rate %lu Hz is plausible",
	      (unsigned long)hz);
	uint64_t a = arch_cycles(), b = arch_cycles();
	check(t, b > a, "the cycle counter moves forward");
}

KTEST(timer, tick_rate)
{
	if (!platform.timer_ok) {
		ktest_fail(t, "the periodic timer did not start");
		return;
	}
	uint32_t hz = arch_timer_hz();
	uint64_t c0 = arch_cycles(), k0 = clock_ticks();
	clock_delay_us(MEASURE_MS * 1000u);
	uint64_t k1 = clock_ticks(), c1 = arch_cycles();
	uint64_t us = clock_cycles_to_us(c1 - c0);
	uint64_t measured_mhz = us ? (k1 - k0) * 1000000000ull / us : 0; /* milli-Hz */
	ktest_diag(t, "%s: %lu ticks in %lu us = %lu.%03lu Hz (programmed %u Hz)", arch_timer_describe(),
		   (unsigned long)(k1 - k0), (unsigned long)us, (unsigned long)(measured_mhz / 1000),
		   (unsigned long)(measured_mhz % 1000), hz);
	check(t, k1 > k0, "the tick fires while interrupts are enabled");
	check(t, measured_mhz >= (uint64_t)hz * 500 && measured_mhz <= (uint64_t)hz * 2000,
	      "the measured rate is within a factor of two of %u Hz", hz);
}
