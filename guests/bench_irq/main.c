/* SPDX-License-Identifier: MIT */
/*
 * bench_irq: virtual interrupt delivery under list-register overflow
 * (docs/vgic.md, "Cost"). Each round makes 64 edge SPIs pending at once
 * (ARM64_TEST_IRQ_PULSE_RANGE: one exit), then opens the guest's IRQs until
 * all 64 are taken (EOImode 0, mixed priorities). With 4 LRs the
 * hypervisor must refill 16 times; every refill it does not need costs
 * an exit. Per round: the counter ticks from the pulse to the last
 * acknowledge, and the exits in between (ARM64_TEST_VGIC_ENTRIES before
 * and after, less the two hypercalls of the measurement itself).
 *
 * BENCH lines (min and median over the rounds; the target for the issue
 * is at most 0.3 exits per delivered interrupt, 300 per 1000):
 *   bench_irq.gicv<N>.round.{min,median}          cntvct_ticks for 64 IRQs
 *   bench_irq.gicv<N>.irqs_per_s.median           from the median round
 *   bench_irq.gicv<N>.exits_per_1000_irqs.{min,median}
 * Cases: calibration (a round without pulses sees no exit), delivered
 * (every round every SPI exactly once), measured.
 */
#include <stdio.h>
#include <stdlib.h>

#include <guest/gic.h>
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "bench_irq", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 30000,
	       .flags = ANVIL_MANIFEST_BENCH);

#define SPI_FIRST 32u
#define NR_IRQS 64u
#define ROUNDS 101u
#define PMR_OPEN 0xffu
#define WAIT_SPINS 2000000u

static struct {
	unsigned count, spurious;
	unsigned per[SPI_FIRST + NR_IRQS];
	uint64_t last_at;
} seen;

static void on_irq(struct guest_frame *f)
{
	(void)f;
	uint32_t iar = gic_ack();
	unsigned id = gic_intid(iar);

	if (id >= GUEST_GIC_SPURIOUS) {
		seen.spurious++;
		return;
	}
	if (id >= SPI_FIRST && id < SPI_FIRST + NR_IRQS)
		seen.per[id]++;
	seen.count++;
	seen.last_at = guest_cycles();
	gic_eoi(iar);
}

static uint64_t entries(void) { return arch_test(ANVIL_ARM64_TEST_VGIC_ENTRIES, 0, 0, 0); }

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void summarise(uint64_t *v, unsigned n, uint64_t *min, uint64_t *median)
{
	qsort(v, n, sizeof(v[0]), cmp_u64);
	*min = v[0];
	*median = v[n / 2];
}

/* One round: false if an SPI was lost or duplicated. */
static bool round_once(uint64_t *ticks, uint64_t *exits)
{
	__builtin_memset(&seen, 0, sizeof(seen));
	uint64_t e0 = entries();
	uint64_t t0 = guest_cycles();
	arch_test(ANVIL_ARM64_TEST_IRQ_PULSE_RANGE, SPI_FIRST, NR_IRQS, 0);
	__asm__ volatile("msr daifclr, #2; isb" ::: "memory");
	for (unsigned i = 0; i < WAIT_SPINS && seen.count < NR_IRQS; i++)
		__asm__ volatile("isb");
	__asm__ volatile("msr daifset, #2; isb" ::: "memory");
	uint64_t e1 = entries();
	*ticks = seen.last_at - t0;
	*exits = e1 - e0 - 2; /* the pulse and this read */
	for (unsigned i = 0; i < NR_IRQS; i++)
		if (seen.per[SPI_FIRST + i] != 1)
			return false;
	return seen.count == NR_IRQS && seen.spurious == 0;
}

int guest_main(const struct anvil_guest_info *info)
{
	static uint64_t ticks[ROUNDS], exits[ROUNDS];
	char name[64];
	(void)info;
	static const char *const cases[] = { "calibration", "delivered", "measured" };
	if (!gic_probe_or_skip(cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	guest_set_irq_handler(on_irq);
	gic_init(PMR_OPEN);
	if (guest_gic.nr_spis < NR_IRQS) {
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			report_skip(cases[i], "%u SPIs, %u needed", guest_gic.nr_spis, NR_IRQS);
		return 0;
	}
	for (unsigned i = 0; i < NR_IRQS; i++) {
		unsigned id = SPI_FIRST + i;
		gic_irq_enable(id, false);
		gic_irq_clear_pending(id);
		gic_irq_group(id, gic_irq_group_default());
		gic_irq_priority(id, (uint8_t)(((i * 7u) % 31u) * 8u));
		gic_irq_edge(id, true);
		gic_irq_enable(id, true);
	}
	/* Calibration: two reads back to back are one exit apart (the second read's own), at least once. */
	uint64_t best = ~0ull;
	for (unsigned i = 0; i < 16; i++) {
		uint64_t a = entries(), b = entries();
		if (b - a < best)
			best = b - a;
	}
	reportf(best == 1, "calibration", "two ARM64_TEST_VGIC_ENTRIES reads are %llu exits apart, want 1",
		(unsigned long long)best);
	unsigned bad = 0;
	for (unsigned r = 0; r < ROUNDS; r++)
		bad += !round_once(&ticks[r], &exits[r]);
	reportf(bad == 0, "delivered", "%u of %u rounds lost or duplicated an SPI", bad, ROUNDS);
	uint64_t tmin, tmed, emin, emed, hz;
	summarise(ticks, ROUNDS, &tmin, &tmed);
	summarise(exits, ROUNDS, &emin, &emed);
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	hz &= 0xffffffffu;
	unsigned v = guest_gic.version;
	snprintf(name, sizeof(name), "bench_irq.gicv%u.round.min", v);
	bench(name, tmin, GUEST_CYCLES_UNIT);
	snprintf(name, sizeof(name), "bench_irq.gicv%u.round.median", v);
	bench(name, tmed, GUEST_CYCLES_UNIT);
	snprintf(name, sizeof(name), "bench_irq.gicv%u.irqs_per_s.median", v);
	bench(name, tmed ? NR_IRQS * hz / tmed : 0, "irqs_per_s");
	snprintf(name, sizeof(name), "bench_irq.gicv%u.exits_per_1000_irqs.min", v);
	bench(name, emin * 1000 / NR_IRQS, "exits_per_1000_irqs");
	snprintf(name, sizeof(name), "bench_irq.gicv%u.exits_per_1000_irqs.median", v);
	bench(name, emed * 1000 / NR_IRQS, "exits_per_1000_irqs");
	reportf(tmed > 0, "measured",
		"%u rounds of %u SPIs through %u LRs: median %llu ticks, %llu exits per round (min %llu)", ROUNDS, NR_IRQS,
		guest_gic.nr_lrs, (unsigned long long)tmed, (unsigned long long)emed, (unsigned long long)emin);
	return 0;
}
