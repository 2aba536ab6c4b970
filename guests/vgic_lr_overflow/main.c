/* SPDX-License-Identifier: MIT */
/*
 * vgic_lr_overflow: more interrupts pending than the hardware has list
 * registers (QEMU has 4). Each case makes its interrupts pending with IRQs
 * masked, then opens one short IRQ window: everything must arrive inside
 * it, so refills have to come from the maintenance interrupts the
 * hypervisor asks for, not from some later exit.
 *
 *   edge_4x / edge_8x / edge_16x  4, 8 and 16 times the LR count of edge
 *       SPIs with mixed priorities: every one delivered exactly once, in
 *       priority order (EOImode 0);
 *   level_redelivered  level SPIs, twice the LR count, whose handler EOIs
 *       with the line still high twice and clears it the third time: each
 *       comes back at once after each EOI (it stays the highest pending),
 *       exactly three times;
 *   eoimode1_ack_order / eoimode1_reverse  EOImode 1 with twice the LR
 *       count: EOI only drops the priority, so every interrupt stays active
 *       and the active ones overflow the LRs; DIR afterwards in
 *       acknowledge order or reversed must deactivate each of them (the
 *       evicted ones through the trapped DIR), which a second round of
 *       pulses proves;
 *   model_errors_zero  the model refused no transition.
 */
#include <guest/gic.h>
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "vgic_lr_overflow", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 20000);

#define WINDOW_SPINS 4000u
#define SPI_FIRST 32u
#define MAX_IRQS 64u
#define MAX_LOG 256u
#define PRIO_LEVELS 31u      /* 5 priority bits, 0xf8 left out (not below PMR 0xf8) */
#define PRIO_STEP 8u
#define PMR_OPEN 0xffu
#define LEVEL_REPEATS 3u

static struct {
	unsigned count, spurious;
	uint32_t log[MAX_LOG];   /* IAR values in acknowledge order */
	unsigned per_intid[SPI_FIRST + MAX_IRQS];
	bool split;              /* EOImode 1: the handler only drops the priority */
	bool level;              /* level case: deassert on the LEVEL_REPEATS-th delivery */
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
	if (seen.count < MAX_LOG)
		seen.log[seen.count] = iar;
	seen.count++;
	if (id < SPI_FIRST + MAX_IRQS)
		seen.per_intid[id]++;
	if (seen.level && id < SPI_FIRST + MAX_IRQS && seen.per_intid[id] == LEVEL_REPEATS)
		gic_line_deassert(id);
	gic_eoi(iar); /* EOImode 1: priority drop only */
}

static void seen_reset(void)
{
	__builtin_memset(&seen, 0, sizeof(seen));
}

/* A mixed but distinct priority for interrupt i of a case (distinct for i < PRIO_LEVELS). */
static uint8_t prio_of(unsigned i)
{
	return (uint8_t)(((i * 11u) % PRIO_LEVELS) * PRIO_STEP);
}

static void setup(unsigned first, unsigned n, bool edge)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned id = first + i;

		gic_irq_enable(id, false);
		gic_irq_clear_pending(id);
		gic_irq_group(id, gic_irq_group_default());
		gic_irq_priority(id, prio_of(i));
		gic_irq_edge(id, edge);
		gic_irq_enable(id, true);
	}
}

static void teardown(unsigned first, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gic_irq_enable(first + i, false);
}

/* Every acknowledged priority is no higher than the previous one's (equal ones in any order). */
static bool in_priority_order(struct checks *c, unsigned first)
{
	unsigned n = seen.count < MAX_LOG ? seen.count : MAX_LOG;

	for (unsigned k = 1; k < n; k++) {
		unsigned a = gic_intid(seen.log[k - 1]) - first, b = gic_intid(seen.log[k]) - first;

		if (!check(c, prio_of(b) >= prio_of(a), "delivery %u: INTID %u (priority 0x%x) after INTID %u (0x%x)", k,
			   b + first, prio_of(b), a + first, prio_of(a)))
			return false;
	}
	return true;
}

static bool each_once(struct checks *c, unsigned first, unsigned n, unsigned times)
{
	for (unsigned i = 0; i < n; i++)
		if (!check(c, seen.per_intid[first + i] == times, "INTID %u delivered %u times, want %u", first + i,
			   seen.per_intid[first + i], times))
			return false;
	return true;
}

static void check_edge(unsigned factor, const char *name)
{
	struct checks c = { 0 };
	unsigned n = factor * guest_gic.nr_lrs;

	if (n > guest_gic.nr_spis) {
		report_skip(name, "%u SPIs needed, the VM has %u", n, guest_gic.nr_spis);
		return;
	}
	seen_reset();
	setup(SPI_FIRST, n, true);
	uint64_t intr0 = exit_count(ANVIL_EXIT_INTR);
	for (unsigned i = 0; i < n; i++)
		gic_line_pulse(SPI_FIRST + i);
	gic_irq_window(WINDOW_SPINS);
	uint64_t intr = exit_count(ANVIL_EXIT_INTR) - intr0;
	check(&c, seen.count == n && seen.spurious == 0, "%u of %u SPIs delivered (%u spurious) in the window",
	      seen.count, n, seen.spurious);
	each_once(&c, SPI_FIRST, n, 1);
	in_priority_order(&c, SPI_FIRST);
	for (unsigned i = 0; i < n; i++)
		if (!check(&c, !gic_irq_pending(SPI_FIRST + i) && !gic_irq_active(SPI_FIRST + i),
			   "INTID %u still pending %d / active %d", SPI_FIRST + i, gic_irq_pending(SPI_FIRST + i),
			   gic_irq_active(SPI_FIRST + i)))
			break;
	check_note(&c, "%u SPIs through %u LRs, %llu interrupt exits", n, guest_gic.nr_lrs, (unsigned long long)intr);
	teardown(SPI_FIRST, n);
	checks_report(&c, name);
}

static void check_level(void)
{
	struct checks c = { 0 };
	unsigned n = 2 * guest_gic.nr_lrs, first = SPI_FIRST;

	seen_reset();
	seen.level = true;
	setup(first, n, false);
	for (unsigned i = 0; i < n; i++)
		gic_line_assert(first + i);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == LEVEL_REPEATS * n, "%u deliveries of %u level SPIs, want %u", seen.count, n,
	      LEVEL_REPEATS * n);
	each_once(&c, first, n, LEVEL_REPEATS);
	/* Still asserted after an EOI, an interrupt is the highest pending again: it comes straight back. */
	for (unsigned k = 0; k < seen.count && k < MAX_LOG; k++) {
		unsigned want = gic_intid(seen.log[k / LEVEL_REPEATS * LEVEL_REPEATS]);
		if (!check(&c, gic_intid(seen.log[k]) == want, "delivery %u was INTID %u, want INTID %u again", k,
			   gic_intid(seen.log[k]), want))
			break;
	}
	in_priority_order(&c, first);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == LEVEL_REPEATS * n, "%u more deliveries after every line went low",
	      seen.count - LEVEL_REPEATS * n);
	teardown(first, n);
	checks_report(&c, "level_redelivered");
}

static void eoimode1_round(struct checks *c, unsigned first, unsigned n, bool reverse, unsigned round)
{
	seen_reset();
	seen.split = true;
	for (unsigned i = 0; i < n; i++)
		gic_line_pulse(first + i);
	gic_irq_window(WINDOW_SPINS);
	if (!check(c, seen.count == n, "round %u: %u of %u acknowledged with every one left active", round,
		   seen.count, n))
		return;
	each_once(c, first, n, 1);
	in_priority_order(c, first);
	unsigned active = 0;
	for (unsigned i = 0; i < n; i++)
		active += gic_irq_active(first + i);
	check(c, active == n, "round %u: %u of %u active after the priority drops", round, active, n);
	for (unsigned k = 0; k < n; k++)
		gic_dir(seen.log[reverse ? n - 1 - k : k]);
	for (unsigned i = 0; i < n; i++)
		if (!check(c, !gic_irq_active(first + i), "round %u: INTID %u still active after its DIR", round, first + i))
			break;
}

static void check_eoimode1(bool reverse, const char *name)
{
	struct checks c = { 0 };
	unsigned n = 2 * guest_gic.nr_lrs, first = SPI_FIRST;
	uint64_t traps0 = arch_test(ANVIL_ARM64_TEST_VGIC_DIR_TRAPS, 0, 0, 0);

	setup(first, n, true);
	gic_set_eoimode(true);
	eoimode1_round(&c, first, n, reverse, 1);
	eoimode1_round(&c, first, n, reverse, 2); /* only deactivated ones can be delivered again */
	gic_set_eoimode(false);
	uint64_t traps = arch_test(ANVIL_ARM64_TEST_VGIC_DIR_TRAPS, 0, 0, 0) - traps0;
	check(&c, traps >= 2 * (n - guest_gic.nr_lrs), "%llu DIRs trapped, want at least the %u evicted ones",
	      (unsigned long long)traps, 2 * (n - guest_gic.nr_lrs));
	check_note(&c, "%u SPIs active at once through %u LRs, %llu DIRs emulated", n, guest_gic.nr_lrs,
		   (unsigned long long)traps);
	teardown(first, n);
	checks_report(&c, name);
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "edge_4x", "edge_8x", "edge_16x", "level_redelivered", "eoimode1_ack_order",
					     "eoimode1_reverse", "model_errors_zero" };
	(void)info;
	if (!gic_probe_or_skip(cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	guest_set_irq_handler(on_irq);
	gic_init(PMR_OPEN);
	check_edge(4, "edge_4x");
	check_edge(8, "edge_8x");
	check_edge(16, "edge_16x");
	check_level();
	check_eoimode1(false, "eoimode1_ack_order");
	check_eoimode1(true, "eoimode1_reverse");
	uint64_t errors = arch_test(ANVIL_ARM64_TEST_VGIC_ERRORS, 0, 0, 0);
	reportf(errors == 0, "model_errors_zero", "%llu refused transitions or unencodable list registers",
		(unsigned long long)errors);
	return 0;
}
