/* SPDX-License-Identifier: MIT */
/* The periodic tick and the test watchdog. */
#include <stdbool.h>
#include <stdint.h>

#include <anvil/catch.h>
#include <anvil/clock.h>
#include <arch/cpu.h>
#include <arch/timer.h>

static volatile uint64_t ticks;
static volatile uint64_t deadline; /* tick number; 0 = none */
volatile bool clock_deadline_flag; /* the last deadline set has passed */

/*
 * A passed deadline unwinds to the innermost watchdog frame (kernel tests).
 * Without one (a payload run, which must never be unwound in the middle of
 * hypervisor code) it is only marked, for the run loop to act on.
 */
void clock_tick(struct arch_frame *f)
{
	ticks++;
	if (deadline && ticks >= deadline) {
		deadline = 0;
		clock_deadline_flag = true;
		catch_timeout(f);
	}
}


uint64_t clock_ticks(void)
{
	return ticks;
}

void clock_set_deadline_ms(uint64_t ms)
{
	uint64_t hz = arch_timer_hz();
	if (!hz)
		return; /* no tick: tests run without a watchdog */
	uint64_t n = ms * hz / 1000u;
	clock_deadline_flag = false;
	deadline = ticks + (n ? n : 1);
}

void clock_clear_deadline(void)
{
	deadline = 0;
	clock_deadline_flag = false;
}

uint64_t clock_cycles_to_us(uint64_t cycles)
{
	uint64_t hz = arch_cycles_hz();
	if (!hz)
		return 0;
	return cycles / hz * 1000000u + (cycles % hz) * 1000000u / hz;
}

void clock_delay_us(uint64_t us)
{
	uint64_t hz = arch_cycles_hz();
	uint64_t t0 = arch_cycles();
	uint64_t want = us * (hz / 1000000u);
	while (arch_cycles() - t0 < want)
		arch_cpu_relax();
}
