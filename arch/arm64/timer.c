/* SPDX-License-Identifier: MIT */
/*
 * Time on arm64: the system counter (CNTPCT_EL0 at CNTFRQ_EL0 Hz) is the
 * cycle counter, and the EL2 physical timer (CNTHP, its PPI from the device
 * tree, 26 on QEMU virt) the periodic tick. Guests have their own EL1
 * timers, so the tick never touches their state (Arm ARM D11.2).
 */
#include <stdio.h>

#include <anvil/clock.h>
#include <anvil/console.h>
#include <arch/cpu.h>
#include <arch/timer.h>

#include "arm64.h"

#define CNTHP_CTL_ENABLE (1ull << 0)
#define CNTHP_CTL_IMASK (1ull << 1)
#define TIMER_HYP_PPI_DEFAULT 26u

static uint64_t counter_hz;
static uint32_t tick_hz;
static uint32_t timer_irq;
static char description[96];

int arch_clock_calibrate(void)
{
	counter_hz = read_sysreg(cntfrq_el0) & 0xffffffffull;
	return counter_hz ? 0 : -1;
}

uint64_t arch_cycles_hz(void)
{
	return counter_hz;
}

const char *arch_clock_source(void)
{
	return "CNTFRQ_EL0 (the system counter's frequency, set by firmware)";
}

static void arm_next_tick(void)
{
	write_sysreg(cnthp_tval_el2, counter_hz / tick_hz);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

int arch_timer_start(uint32_t hz)
{
	char err[96];
	if (!counter_hz || !hz)
		return -1;
	if (arm64_gic_init(err, sizeof(err))) {
		snprintf(description, sizeof(description), "no tick: %s", err);
		return -1;
	}
	timer_irq = arm64_platform.timer_hyp_irq ? arm64_platform.timer_hyp_irq : TIMER_HYP_PPI_DEFAULT;
	tick_hz = hz;
	if (arm64_gic_enable_ppi(timer_irq))
		return -1;
	arm_next_tick();
	snprintf(description, sizeof(description), "EL2 physical timer (CNTHP), PPI %u, %s", timer_irq,
		 arm64_gic_describe());
	return 0;
}

uint32_t arch_timer_hz(void)
{
	return tick_hz;
}

const char *arch_timer_describe(void)
{
	return description;
}

/* IRQs at EL2: the tick, or a spurious/unknown interrupt (acknowledged and ended). */
void arm64_irq(struct arch_frame *f)
{
	uint32_t iar = arm64_gic_ack();
	if (iar == ~0u)
		return;
	uint32_t intid = iar & 0xffffffu;
	if (intid == timer_irq && tick_hz) {
		arm_next_tick();
		arm64_gic_eoi(iar);
		clock_tick(f);
		return;
	}
	if (arm64_gic_guest_ppi_taken(intid)) {
		arm64_gic_eoi(iar); /* masked first: the line is still high */
		return;             /* the next guest entry samples the guest's timer */
	}
	arm64_gic_eoi(iar);
	if (arm64_gic_is_maintenance(intid))
		return; /* the vGIC's exit already handled its cause */
	klog(LOG_WARN, "unexpected interrupt %u at EL2", intid);
}
