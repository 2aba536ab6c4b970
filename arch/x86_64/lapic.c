/* SPDX-License-Identifier: MIT */
/*
 * Local APIC timer in xAPIC (MMIO) or x2APIC (MSR) mode (SDM Vol. 3A 10.5.4,
 * 10.12). Periodic mode at a rate calibrated against the TSC.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <arch/cpu.h>
#include <arch/timer.h>
#include <arch/trap.h>

#include "x86.h"

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + off/16. */
enum lapic_reg {
	LAPIC_ID = 0x020,
	LAPIC_TPR = 0x080,
	LAPIC_EOI = 0x0b0,
	LAPIC_SVR = 0x0f0,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_TIMER_INIT = 0x380,
	LAPIC_TIMER_CUR = 0x390,
	LAPIC_TIMER_DIV = 0x3e0,
};
#define X2APIC_MSR_BASE 0x800
/* SDM Vol. 3A table 10-6: the x2APIC MSR of each register used here. */
_Static_assert(X2APIC_MSR_BASE + (LAPIC_EOI >> 4) == 0x80b, "x2APIC EOI is MSR 0x80b");
_Static_assert(X2APIC_MSR_BASE + (LAPIC_SVR >> 4) == 0x80f, "x2APIC SVR is MSR 0x80f");
_Static_assert(X2APIC_MSR_BASE + (LAPIC_LVT_TIMER >> 4) == 0x832, "x2APIC LVT timer is MSR 0x832");
_Static_assert(X2APIC_MSR_BASE + (LAPIC_TIMER_DIV >> 4) == 0x83e, "x2APIC divide config is MSR 0x83e");
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDR   0x000ffffffffff000ull
#define SVR_ENABLE       (1u << 8)
#define LVT_MASKED       (1u << 16)
#define LVT_PERIODIC     (1u << 17)
#define TIMER_DIV_16     0x3u
#define TIMER_DIVISOR    16u
#define CPUID1_ECX_X2APIC (1u << 21)
#define CAL_CYCLES_DIV   100u /* calibrate over 10 ms */

static bool x2apic;
static uintptr_t xapic_base;
static uint32_t timer_hz;
static uint64_t lapic_timer_hz; /* after the divider */
static char describe_buf[96];

static uint32_t lapic_read(enum lapic_reg r)
{
	if (x2apic)
		return (uint32_t)x86_rdmsr(X2APIC_MSR_BASE + (r >> 4));
	return *(volatile uint32_t *)(xapic_base + r);
}

static void lapic_write(enum lapic_reg r, uint32_t v)
{
	if (x2apic)
		x86_wrmsr(X2APIC_MSR_BASE + (r >> 4), v);
	else
		*(volatile uint32_t *)(xapic_base + r) = v;
}

void x86_lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void lapic_enable(void)
{
	uint32_t r[4];
	x86_cpuid(1, 0, r);
	uint64_t base = x86_rdmsr(MSR_APIC_BASE);
	x2apic = (r[2] & CPUID1_ECX_X2APIC) != 0;
	base |= APIC_BASE_ENABLE;
	if (x2apic)
		base |= APIC_BASE_X2APIC;
	x86_wrmsr(MSR_APIC_BASE, base);
	xapic_base = (uintptr_t)(base & APIC_BASE_ADDR);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | ARCH_VEC_SPURIOUS);
}

static uint64_t lapic_calibrate(void)
{
	uint64_t tsc_hz = arch_cycles_hz();
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | ARCH_VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	uint64_t t0 = arch_cycles();
	while (arch_cycles() - t0 < tsc_hz / CAL_CYCLES_DIV)
		arch_cpu_relax();
	uint32_t cur = lapic_read(LAPIC_TIMER_CUR);
	uint64_t t1 = arch_cycles();
	lapic_write(LAPIC_TIMER_INIT, 0);
	uint64_t ticks = 0xffffffffull - cur;
	return ticks * tsc_hz / (t1 - t0);
}

int arch_timer_start(uint32_t hz)
{
	if (!arch_cycles_hz() || !hz)
		return -1;
	lapic_enable();
	lapic_timer_hz = lapic_calibrate();
	if (lapic_timer_hz < hz)
		return -1;
	timer_hz = hz;
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | ARCH_VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_timer_hz / hz));
	snprintf(describe_buf, sizeof(describe_buf), "LAPIC timer (%s), %lu kHz bus clock, %u Hz tick",
		 x2apic ? "x2APIC" : "xAPIC", (unsigned long)(lapic_timer_hz * TIMER_DIVISOR / 1000u),
		 (unsigned)hz);
	return 0;
}

uint32_t arch_timer_hz(void)
{
	return timer_hz;
}

const char *arch_timer_describe(void)
{
	return describe_buf;
}
