/* SPDX-License-Identifier: MIT */
/*
 * vgic_timer: the guest's virtual timer (CNTV_*_EL0) reaches it as a
 * level-sensitive PPI of the vGIC (docs/vgic.md, "The virtual timer"), the
 * INTID the hypervisor names in ARM64_TEST_VGIC_INFO (27 on QEMU virt).
 *
 *   fires_once          three deadlines 1 ms ahead: each delivered exactly
 *                       once, not before its deadline, with ISTATUS set in
 *                       the handler, which turns the timer off, and nothing
 *                       more comes; the firing brings the guest out through
 *                       the timer's physical PPI (ARM64_TEST_VTIMER_FIRES).
 *   level_until_masked  the handler ends the interrupt twice without
 *                       touching the timer (the output stays high, so it
 *                       must come straight back) and sets IMASK the third
 *                       time: exactly three deliveries.
 *   with_spi_stream     a periodic timer (every 2 ms, re-armed by its
 *                       handler, more urgent than the SPIs) while bursts of
 *                       4x the LR count of edge SPIs keep the LRs
 *                       overflowing: every period delivered, at most
 *                       LATE_MAX SPIs acknowledged once the hypervisor
 *                       has seen the timer's edge (ARM64_TEST_VTIMER_FIRES,
 *                       asked in each SPI handler) and before the timer,
 *                       and every SPI exactly once.
 *   model_errors_zero   the model refused no transition.
 */
#include <guest/gic.h>
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "vgic_timer", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 20000);

#define SPI_FIRST 32u
#define MAX_SPIS 64u
#define PMR_OPEN 0xffu
#define PRIO_TIMER 0x20u
#define PRIO_SPI 0x80u
#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)
#define CNTV_CTL_ISTATUS (1u << 2)
#define PERIODS 20u
#define SPI_WORK_SPINS 200u
#define LATE_MAX 2u /* the SPI being handled when the edge was seen, and one in flight */

enum timer_mode { MODE_OFF_IN_HANDLER, MODE_LEVEL_THEN_MASK, MODE_PERIODIC };

static unsigned vtimer;
static uint64_t hz;

static struct {
	enum timer_mode mode;
	unsigned timer_count, spi_count, spurious, bad_istatus;
	uint64_t first_at, deadline, period;
	unsigned spis_since_due, worst_spis_late; /* SPIs taken while a seen timer edge waited */
	uint64_t fires_at_start;                  /* ARM64_TEST_VTIMER_FIRES when the case began */
	unsigned per_spi[SPI_FIRST + MAX_SPIS];
	bool other;                                /* an INTID that is neither */
} seen;

static uint64_t now(void) { return guest_cycles(); }

static void cntv_ctl(uint64_t v) { __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(v) : "memory"); }
static uint64_t cntv_ctl_get(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntv_ctl_el0" : "=r"(v));
	return v;
}
static void cntv_cval(uint64_t v) { __asm__ volatile("msr cntv_cval_el0, %0; isb" : : "r"(v) : "memory"); }

static void on_timer(void)
{
	uint64_t t = now();

	if (!(cntv_ctl_get() & CNTV_CTL_ISTATUS))
		seen.bad_istatus++;
	if (seen.timer_count++ == 0)
		seen.first_at = t;
	switch (seen.mode) {
	case MODE_OFF_IN_HANDLER:
		cntv_ctl(0);
		break;
	case MODE_LEVEL_THEN_MASK:
		if (seen.timer_count == 3)
			cntv_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
		break;
	case MODE_PERIODIC:
		if (seen.spis_since_due > seen.worst_spis_late)
			seen.worst_spis_late = seen.spis_since_due;
		seen.spis_since_due = 0;
		if (seen.timer_count < PERIODS) {
			seen.deadline += seen.period;
			cntv_cval(seen.deadline);
		} else {
			cntv_ctl(0);
		}
		break;
	}
}

static void on_irq(struct guest_frame *f)
{
	(void)f;
	uint32_t iar = gic_ack();
	unsigned id = gic_intid(iar);

	if (id >= GUEST_GIC_SPURIOUS) {
		seen.spurious++;
		return;
	}
	if (id == vtimer) {
		on_timer();
	} else if (id >= SPI_FIRST && id < SPI_FIRST + MAX_SPIS) {
		seen.spi_count++;
		seen.per_spi[id]++;
		/*
		 * Taken while the hypervisor had seen a timer edge the guest has
		 * not taken yet: the more urgent timer must come next, whatever
		 * the SPIs in the overflow queue (a count of exits, not of time:
		 * how late the host's timer interrupt is depends on the machine).
		 */
		if (seen.mode == MODE_PERIODIC && seen.timer_count < PERIODS &&
		    arch_test(ANVIL_ARM64_TEST_VTIMER_FIRES, 0, 0, 0) - seen.fires_at_start > seen.timer_count)
			seen.spis_since_due++;
		for (unsigned i = 0; i < SPI_WORK_SPINS; i++)
			__asm__ volatile("isb");
	} else {
		seen.other = true;
	}
	gic_eoi(iar);
}

static void seen_reset(enum timer_mode mode)
{
	__builtin_memset(&seen, 0, sizeof(seen));
	seen.mode = mode;
}

static void irqs_on(void) { __asm__ volatile("msr daifclr, #2; isb" ::: "memory"); }
static void irqs_off(void) { __asm__ volatile("msr daifset, #2; isb" ::: "memory"); }

/* IRQs open until cond() or `ticks` of the counter have passed. */
static void wait_open(uint64_t ticks, bool (*cond)(void))
{
	uint64_t end = now() + ticks;

	irqs_on();
	while (now() < end && !(cond && cond()))
		__asm__ volatile("isb");
	irqs_off();
}

static void timer_setup(void)
{
	gic_irq_enable(vtimer, false);
	gic_irq_clear_pending(vtimer);
	gic_irq_group(vtimer, gic_irq_group_default());
	gic_irq_priority(vtimer, PRIO_TIMER);
	gic_irq_edge(vtimer, false);
	gic_irq_enable(vtimer, true);
}

static uint64_t fires(void) { return arch_test(ANVIL_ARM64_TEST_VTIMER_FIRES, 0, 0, 0); }
static uint64_t physical(void) { return arch_test(ANVIL_ARM64_TEST_VTIMER_FIRES, 1, 0, 0); }

#define SHOTS 3u

/*
 * SHOTS single deadlines 1 ms ahead, each: delivered exactly once, not
 * before it, ISTATUS set in the handler, nothing more after the handler
 * turned the timer off. And the firing itself must bring the guest out
 * (the physical PPI armed while the guest runs), not the next unrelated
 * exit that happens to sample the timer: at least SHOTS - 1 of the edges
 * came with a physical PPI exit (one may race a tick).
 */
static void case_fires_once(void)
{
	struct checks c = { 0 };
	uint64_t f0 = fires(), p0 = physical(), worst = 0;

	for (unsigned shot = 0; shot < SHOTS; shot++) {
		seen_reset(MODE_OFF_IN_HANDLER);
		uint64_t deadline = now() + hz / 1000;
		cntv_cval(deadline);
		cntv_ctl(CNTV_CTL_ENABLE);
		wait_open(hz / 50, NULL); /* 20 ms: the timer, then room for a wrong second delivery */
		cntv_ctl(0);
		if (!check(&c, seen.timer_count == 1, "shot %u: %u deliveries of the virtual timer, want 1", shot,
			   seen.timer_count))
			break;
		check(&c, seen.first_at >= deadline, "shot %u: delivered %llu ticks before its deadline", shot,
		      (unsigned long long)(deadline - seen.first_at));
		if (seen.first_at - deadline > worst)
			worst = seen.first_at - deadline;
	}
	check(&c, seen.bad_istatus == 0, "CNTV_CTL_EL0.ISTATUS clear in the handler");
	check(&c, !seen.other && seen.spurious == 0, "another INTID or a spurious acknowledge (%u)", seen.spurious);
	check(&c, !gic_irq_pending(vtimer) && !gic_irq_active(vtimer), "the timer's PPI still pending %d / active %d",
	      gic_irq_pending(vtimer), gic_irq_active(vtimer));
	uint64_t f = fires() - f0, p = physical() - p0;
	check(&c, f == SHOTS, "the hypervisor saw %llu rising edges, want %u", (unsigned long long)f, SHOTS);
	check(&c, p + 1 >= SHOTS, "%llu of %u firings brought the guest out through the physical PPI",
	      (unsigned long long)p, SHOTS);
	check_note(&c, "worst delivery %llu ticks (%llu us) after the deadline, %llu physical PPI exits",
		   (unsigned long long)worst, (unsigned long long)(worst * 1000000u / hz), (unsigned long long)p);
	checks_report(&c, "fires_once");
}

static void case_level_until_masked(void)
{
	struct checks c = { 0 };

	seen_reset(MODE_LEVEL_THEN_MASK);
	cntv_cval(now() + hz / 1000);
	cntv_ctl(CNTV_CTL_ENABLE);
	wait_open(hz / 20, NULL);
	check(&c, seen.timer_count == 3, "%u deliveries, want 3 (twice ended with the output high, then masked)",
	      seen.timer_count);
	check(&c, (cntv_ctl_get() & (CNTV_CTL_ISTATUS | CNTV_CTL_IMASK)) == (CNTV_CTL_ISTATUS | CNTV_CTL_IMASK),
	      "CNTV_CTL_EL0 0x%llx: the timer should still be firing, masked", (unsigned long long)cntv_ctl_get());
	cntv_ctl(0);
	check(&c, !gic_irq_pending(vtimer) && !gic_irq_active(vtimer), "the PPI still pending %d / active %d",
	      gic_irq_pending(vtimer), gic_irq_active(vtimer));
	checks_report(&c, "level_until_masked");
}

static unsigned burst_target;
static bool burst_done(void) { return seen.spi_count >= burst_target; }

static void case_with_spi_stream(void)
{
	struct checks c = { 0 };
	unsigned n = 4 * guest_gic.nr_lrs, bursts = 0;

	if (n > MAX_SPIS)
		n = MAX_SPIS;
	for (unsigned i = 0; i < n; i++) {
		unsigned id = SPI_FIRST + i;
		gic_irq_enable(id, false);
		gic_irq_clear_pending(id);
		gic_irq_group(id, gic_irq_group_default());
		gic_irq_priority(id, (uint8_t)(PRIO_SPI + 8 * (i % 8)));
		gic_irq_edge(id, true);
		gic_irq_enable(id, true);
	}
	seen_reset(MODE_PERIODIC);
	seen.fires_at_start = fires();
	seen.period = hz / 500; /* 2 ms */
	seen.deadline = now() + seen.period;
	cntv_cval(seen.deadline);
	cntv_ctl(CNTV_CTL_ENABLE);
	uint64_t give_up = now() + hz * 5;
	while (seen.timer_count < PERIODS && now() < give_up) {
		for (unsigned i = 0; i < n; i++)
			gic_line_pulse(SPI_FIRST + i);
		burst_target = (bursts + 1) * n;
		wait_open(hz / 10, burst_done);
		bursts++;
		if (seen.spi_count < bursts * n)
			break; /* a lost SPI: checked below */
	}
	wait_open(hz / 100, NULL);
	cntv_ctl(0);
	check(&c, seen.timer_count == PERIODS, "%u of %u timer periods delivered (%u bursts of %u SPIs)", seen.timer_count,
	      PERIODS, bursts, n);
	check(&c, seen.worst_spis_late <= LATE_MAX,
	      "%u SPIs taken after the hypervisor had seen the more urgent timer's edge, want at most %u",
	      seen.worst_spis_late, LATE_MAX);
	for (unsigned i = 0; i < n; i++)
		if (!check(&c, seen.per_spi[SPI_FIRST + i] == bursts, "INTID %u delivered %u times in %u bursts", SPI_FIRST + i,
			   seen.per_spi[SPI_FIRST + i], bursts))
			break;
	check(&c, seen.bad_istatus == 0 && !seen.other && seen.spurious == 0,
	      "ISTATUS clear %u times, other INTID %d, %u spurious", seen.bad_istatus, seen.other, seen.spurious);
	check_note(&c, "%u periods, %u bursts of %u SPIs, at most %u SPIs after a seen timer edge", seen.timer_count,
		   bursts, n, seen.worst_spis_late);
	for (unsigned i = 0; i < n; i++)
		gic_irq_enable(SPI_FIRST + i, false);
	checks_report(&c, "with_spi_stream");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "fires_once", "level_until_masked", "with_spi_stream", "model_errors_zero" };
	(void)info;
	if (!gic_probe_or_skip(cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	vtimer = ANVIL_ARM64_VGIC_VTIMER(arch_test(ANVIL_ARM64_TEST_VGIC_INFO, 0, 0, 0));
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	hz &= 0xffffffffu;
	if (!vtimer || !hz) {
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			report_skip(cases[i], "the hypervisor gives guests no virtual timer interrupt (PPI %u, CNTFRQ %llu)",
				    vtimer, (unsigned long long)hz);
		return 0;
	}
	guest_set_irq_handler(on_irq);
	gic_init(PMR_OPEN);
	timer_setup();
	case_fires_once();
	case_level_until_masked();
	case_with_spi_stream();
	uint64_t errors = arch_test(ANVIL_ARM64_TEST_VGIC_ERRORS, 0, 0, 0);
	reportf(errors == 0, "model_errors_zero", "%llu refused transitions or unencodable list registers",
		(unsigned long long)errors);
	return 0;
}
