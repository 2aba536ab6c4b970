/* SPDX-License-Identifier: MIT */
/*
 * vgic_deact: deactivation that does not follow the acknowledge order
 * (docs/vgic.md, "EOImode 1 and trapped DIR"). Every case ends with a
 * second round of the same pulses: an interrupt left active in the model
 * cannot be delivered again, so a lost deactivation shows there too.
 *
 *   asym_middle        EOImode 1, three SPIs acknowledged (priority drop
 *                      only); DIR of the middle one first, then the first,
 *                      then the last: after each DIR exactly that one is
 *                      inactive (GICD_ISACTIVER), the others still active.
 *   asym_evicted       EOImode 1, 3x the LR count acknowledged and left
 *                      active (most evicted from the LRs); DIRs in a
 *                      scrambled order, each checked the same way, the
 *                      evicted ones through the trapped DIR.
 *   dir_not_active     EOImode 1: a DIR of an INTID that is not active
 *                      (pending, or idle) changes nothing: the pending one
 *                      is still delivered afterwards, the active one stays
 *                      active until its own DIR.
 *   eoimode0_nested    EOImode 0, preemption 2x the LR count deep: each
 *                      handler raises the next, more urgent SPI and opens
 *                      its IRQ window, so active interrupts overflow the
 *                      LRs and the EOIs of the outer ones (in no LR) must
 *                      deactivate them through EOIcount, innermost first.
 *   model_errors_zero  the model refused no transition.
 */
#include <guest/gic.h>
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "vgic_deact", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 20000);

#define WINDOW_SPINS 4000u
#define SPI_FIRST 32u
#define MAX_IRQS 48u
#define PMR_OPEN 0xffu
#define PRIO_STEP 8u

static struct {
	unsigned count, spurious, depth, max_depth;
	uint32_t log[MAX_IRQS * 2];
	unsigned per_intid[SPI_FIRST + MAX_IRQS];
	bool split;     /* EOImode 1: the handler only drops the priority */
	unsigned nest;  /* eoimode0_nested: raise the next of this many, then open the window */
} seen;

static uint8_t prio_of(unsigned i) { return (uint8_t)((i % 31u) * PRIO_STEP); }

static void on_irq(struct guest_frame *f)
{
	(void)f;
	uint32_t iar = gic_ack();
	unsigned id = gic_intid(iar);

	if (id >= GUEST_GIC_SPURIOUS) {
		seen.spurious++;
		return;
	}
	if (seen.count < sizeof(seen.log) / sizeof(seen.log[0]))
		seen.log[seen.count] = iar;
	seen.count++;
	if (id < SPI_FIRST + MAX_IRQS)
		seen.per_intid[id]++;
	if (seen.nest && id > SPI_FIRST && id < SPI_FIRST + seen.nest) {
		/* The next one is more urgent (lower INTID, lower priority value): it must preempt this one. */
		seen.depth++;
		if (seen.depth > seen.max_depth)
			seen.max_depth = seen.depth;
		gic_line_pulse(id - 1);
		gic_irq_window(WINDOW_SPINS);
		seen.depth--;
	}
	gic_eoi(iar); /* EOImode 1: priority drop only */
}

static void seen_reset(void)
{
	__builtin_memset(&seen, 0, sizeof(seen));
}

/* n edge SPIs from SPI_FIRST, SPI_FIRST + i at priority prio_of(i): the lowest INTID is the most urgent. */
static void setup(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned id = SPI_FIRST + i;

		gic_irq_enable(id, false);
		gic_irq_clear_pending(id);
		gic_irq_clear_active(id);
		gic_irq_group(id, gic_irq_group_default());
		gic_irq_priority(id, prio_of(i));
		gic_irq_edge(id, true);
		gic_irq_enable(id, true);
	}
}

static void teardown(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		gic_irq_enable(SPI_FIRST + i, false);
		gic_irq_clear_pending(SPI_FIRST + i);
		gic_irq_clear_active(SPI_FIRST + i);
	}
}

static uint32_t iar_of(unsigned id)
{
	for (unsigned k = 0; k < seen.count && k < sizeof(seen.log) / sizeof(seen.log[0]); k++)
		if (gic_intid(seen.log[k]) == id)
			return seen.log[k];
	return id;
}

/* Pulse n, take them all with priority drops only; true if all n came, each once, in INTID (= priority) order. */
static bool ack_all_split(struct checks *c, unsigned n, unsigned round)
{
	seen_reset();
	seen.split = true;
	for (unsigned i = 0; i < n; i++)
		gic_line_pulse(SPI_FIRST + i);
	gic_irq_window(WINDOW_SPINS);
	if (!check(c, seen.count == n && seen.spurious == 0, "round %u: %u of %u acknowledged (%u spurious)", round,
		   seen.count, n, seen.spurious))
		return false;
	for (unsigned k = 0; k < n; k++)
		if (!check(c, gic_intid(seen.log[k]) == SPI_FIRST + k, "round %u: acknowledge %u was INTID %u, want %u",
			   round, k, gic_intid(seen.log[k]), SPI_FIRST + k))
			return false;
	for (unsigned i = 0; i < n; i++)
		if (!check(c, gic_irq_active(SPI_FIRST + i), "round %u: INTID %u not active after its priority drop",
			   round, SPI_FIRST + i))
			return false;
	return true;
}

/* DIR the INTIDs in `order`; after each, exactly the ones deactivated so far are inactive. */
static bool dir_in_order(struct checks *c, unsigned n, const unsigned *order, unsigned round)
{
	bool done[MAX_IRQS] = { false };

	for (unsigned k = 0; k < n; k++) {
		gic_dir(iar_of(SPI_FIRST + order[k]));
		done[order[k]] = true;
		for (unsigned i = 0; i < n; i++)
			if (!check(c, gic_irq_active(SPI_FIRST + i) == !done[i],
				   "round %u: after DIR %u (INTID %u) INTID %u is %s", round, k, SPI_FIRST + order[k],
				   SPI_FIRST + i, done[i] ? "still active" : "no longer active"))
				return false;
	}
	return true;
}

static void run_asym(const char *name, unsigned n, const unsigned *order)
{
	struct checks c = { 0 };
	uint64_t traps0 = arch_test(ANVIL_ARM64_TEST_VGIC_DIR_TRAPS, 0, 0, 0);

	setup(n);
	gic_set_eoimode(true);
	for (unsigned round = 1; round <= 2; round++)
		if (!ack_all_split(&c, n, round) || !dir_in_order(&c, n, order, round))
			break;
	gic_set_eoimode(false);
	uint64_t traps = arch_test(ANVIL_ARM64_TEST_VGIC_DIR_TRAPS, 0, 0, 0) - traps0;
	unsigned evicted = n > guest_gic.nr_lrs ? n - guest_gic.nr_lrs : 0;
	check(&c, traps >= 2 * evicted, "%llu DIRs trapped, want at least the %u evicted ones (two rounds)",
	      (unsigned long long)traps, 2 * evicted);
	check_note(&c, "%u SPIs, %u LRs, %llu DIRs emulated", n, guest_gic.nr_lrs, (unsigned long long)traps);
	teardown(n);
	checks_report(&c, name);
}

static void case_asym_middle(void)
{
	static const unsigned order[] = { 1, 0, 2 };

	run_asym("asym_middle", 3, order);
}

static void case_asym_evicted(void)
{
	unsigned order[MAX_IRQS];
	unsigned n = 3 * guest_gic.nr_lrs;

	if (n > MAX_IRQS)
		n = MAX_IRQS;
	/* A fixed scramble: stride 5 (coprime with n unless n is a multiple of 5), then fill the gaps. */
	bool used[MAX_IRQS] = { false };
	unsigned k = 0;
	for (unsigned i = 0; k < n && i < n; i++) {
		unsigned x = (i * 5u + 2u) % n;
		if (!used[x]) {
			used[x] = true;
			order[k++] = x;
		}
	}
	for (unsigned x = 0; x < n; x++)
		if (!used[x])
			order[k++] = x;
	run_asym("asym_evicted", n, order);
}

static void case_dir_not_active(void)
{
	struct checks c = { 0 };

	setup(3);
	gic_set_eoimode(true);
	seen_reset();
	seen.split = true;
	gic_line_pulse(SPI_FIRST);         /* taken: active */
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 1 && gic_irq_active(SPI_FIRST), "%u acknowledged, INTID %u active %d", seen.count,
	      SPI_FIRST, gic_irq_active(SPI_FIRST));
	gic_irq_enable(SPI_FIRST + 1, false);
	gic_line_pulse(SPI_FIRST + 1);     /* pending, not deliverable */
	gic_dir(SPI_FIRST + 1);            /* neither active ... */
	gic_dir(SPI_FIRST + 2);            /* ... nor pending */
	check(&c, gic_irq_active(SPI_FIRST), "INTID %u no longer active after DIRs of other INTIDs", SPI_FIRST);
	check(&c, gic_irq_pending(SPI_FIRST + 1) && !gic_irq_active(SPI_FIRST + 1),
	      "INTID %u: pending %d active %d after a DIR of it while pending, want pending only", SPI_FIRST + 1,
	      gic_irq_pending(SPI_FIRST + 1), gic_irq_active(SPI_FIRST + 1));
	check(&c, !gic_irq_active(SPI_FIRST + 2) && !gic_irq_pending(SPI_FIRST + 2), "INTID %u changed by a DIR of it",
	      SPI_FIRST + 2);
	gic_dir(iar_of(SPI_FIRST));
	check(&c, !gic_irq_active(SPI_FIRST), "INTID %u still active after its own DIR", SPI_FIRST);
	gic_irq_enable(SPI_FIRST + 1, true);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 2 && gic_intid(seen.log[1]) == SPI_FIRST + 1,
	      "the pending INTID %u was not delivered after its enable (%u acknowledged)", SPI_FIRST + 1, seen.count);
	gic_dir(iar_of(SPI_FIRST + 1));
	gic_set_eoimode(false);
	teardown(3);
	checks_report(&c, "dir_not_active");
}

static void case_eoimode0_nested(void)
{
	struct checks c = { 0 };
	unsigned n = 2 * guest_gic.nr_lrs;

	if (n > MAX_IRQS)
		n = MAX_IRQS;
	setup(n);
	for (unsigned round = 1; round <= 2; round++) {
		seen_reset();
		seen.nest = n;
		gic_line_pulse(SPI_FIRST + n - 1); /* the least urgent: the outermost */
		gic_irq_window(WINDOW_SPINS);
		if (!check(&c, seen.count == n && seen.spurious == 0, "round %u: %u of %u delivered (%u spurious)", round,
			   seen.count, n, seen.spurious))
			break;
		bool ok = true;
		for (unsigned k = 0; k < n && ok; k++)
			ok = check(&c, gic_intid(seen.log[k]) == SPI_FIRST + n - 1 - k,
				   "round %u: delivery %u was INTID %u, want %u (each preempting the one before)", round, k,
				   gic_intid(seen.log[k]), SPI_FIRST + n - 1 - k);
		if (!ok)
			break;
		check(&c, seen.max_depth == n - 1, "round %u: nesting depth %u, want %u", round, seen.max_depth, n - 1);
		for (unsigned i = 0; i < n; i++)
			if (!check(&c, !gic_irq_active(SPI_FIRST + i) && !gic_irq_pending(SPI_FIRST + i),
				   "round %u: INTID %u left active %d / pending %d after its EOI", round, SPI_FIRST + i,
				   gic_irq_active(SPI_FIRST + i), gic_irq_pending(SPI_FIRST + i)))
				break;
	}
	check_note(&c, "%u nested SPIs through %u LRs (EOImode 0)", n, guest_gic.nr_lrs);
	teardown(n);
	checks_report(&c, "eoimode0_nested");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "asym_middle", "asym_evicted", "dir_not_active", "eoimode0_nested",
					     "model_errors_zero" };
	(void)info;
	if (!gic_probe_or_skip(cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	guest_set_irq_handler(on_irq);
	gic_init(PMR_OPEN);
	case_asym_middle();
	case_asym_evicted();
	case_dir_not_active();
	case_eoimode0_nested();
	uint64_t errors = arch_test(ANVIL_ARM64_TEST_VGIC_ERRORS, 0, 0, 0);
	reportf(errors == 0, "model_errors_zero", "%llu refused transitions or unencodable list registers",
		(unsigned long long)errors);
	return 0;
}
