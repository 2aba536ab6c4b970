/* SPDX-License-Identifier: MIT */
/*
 * vgic_groups: Group 0 and Group 1 enabled and disabled while interrupts
 * are pending (docs/vgic.md, "The payloads"). Group 1 is signalled as IRQ,
 * Group 0 as FIQ (GICv3: the virtual CPU interface with HCR_EL2.FMO;
 * GICv2: GICC_CTLR.FIQEn). Each case pulses 4x the LR count of edge SPIs of
 * one group with that group disabled, in the CPU interface
 * (ICC_IGRPEN<g>_EL1 / GICC_CTLR EnableGrp<g>: not trapped, the list
 * registers' VGrp<g>E maintenance interrupt is the hypervisor's only news)
 * or in the distributor (GICD_CTLR: a trapped write): nothing may be
 * delivered while the group is off, and after the enable every one
 * exactly once, in priority order, on its group's vector, inside one
 * window (no waiting for an unrelated exit). The last case fills the LRs
 * with pending Group 1 interrupts, Group 0 ones waiting outside, then
 * disables Group 1 in the CPU interface: the Group 0 ones must come at
 * once (VGrp1D maintenance, then a refill), the Group 1 ones after the
 * re-enable.
 */
#include <guest/gic.h>
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "vgic_groups", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 10000);

#define WINDOW_SPINS 4000u
#define SPI_FIRST 32u
#define MAX_LOG 128u
#define PRIO_STEP 8u
#define PMR_OPEN 0xffu
#define BATCH_MAX 32u

struct delivery {
	uint16_t intid;
	uint8_t vector;   /* GUEST_VEC_IRQ or GUEST_VEC_FIQ */
	uint8_t prio;
};

static struct {
	unsigned count, spurious;
	struct delivery log[MAX_LOG];
} seen;

static uint8_t prio_of[SPI_FIRST + 64];

static void take(unsigned group, unsigned vector)
{
	uint32_t iar = gic_ack_group(group);
	unsigned id = gic_intid(iar);

	if (id >= GUEST_GIC_SPURIOUS) {
		seen.spurious++;
		return;
	}
	if (seen.count < MAX_LOG)
		seen.log[seen.count] = (struct delivery){ (uint16_t)id, (uint8_t)vector,
							  id < sizeof(prio_of) ? prio_of[id] : 0 };
	seen.count++;
	gic_eoi_group(group, iar);
}

static void on_irq(struct guest_frame *f)
{
	(void)f;
	take(1, GUEST_VEC_IRQ);
}

static void on_fiq(struct guest_frame *f)
{
	(void)f;
	take(0, GUEST_VEC_FIQ);
}

static void seen_reset(void) { seen.count = seen.spurious = 0; }

static unsigned vector_of(unsigned group) { return group ? GUEST_VEC_IRQ : GUEST_VEC_FIQ; }

/* n edge SPIs from `first`, in `group`, priorities descending from the first (the last is the most urgent). */
static void setup_batch(unsigned first, unsigned n, unsigned group, uint8_t top)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned id = first + i;
		uint8_t p = (uint8_t)(top - PRIO_STEP * (i % (top / PRIO_STEP + 1)));

		gic_irq_enable(id, false);
		gic_irq_clear_pending(id);
		gic_irq_group(id, group);
		gic_irq_priority(id, p);
		prio_of[id] = gic_irq_priority_get(id);
		gic_irq_edge(id, true);
		gic_irq_enable(id, true);
	}
}

static void teardown(unsigned first, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		gic_irq_enable(first + i, false);
		gic_irq_clear_pending(first + i);
	}
}

static void pulse_batch(unsigned first, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gic_line_pulse(first + i);
}

/* Deliveries [from, count) are exactly the INTIDs first..first+n-1, once each, in priority order, on vector. */
static void check_batch(struct checks *c, unsigned from, unsigned first, unsigned n, unsigned vector, const char *what)
{
	bool once[BATCH_MAX] = { false };
	unsigned got = 0;

	for (unsigned i = from; i < seen.count && i < MAX_LOG; i++) {
		const struct delivery *d = &seen.log[i];

		if (d->intid < first || d->intid >= first + n) {
			check(c, false, "%s: INTID %u delivered (not of this batch)", what, d->intid);
			return;
		}
		if (!check(c, !once[d->intid - first], "%s: INTID %u delivered twice", what, d->intid))
			return;
		once[d->intid - first] = true;
		got++;
		if (!check(c, d->vector == vector, "%s: INTID %u came as %s, want %s", what, d->intid,
			   d->vector == GUEST_VEC_FIQ ? "FIQ" : "IRQ", vector == GUEST_VEC_FIQ ? "FIQ" : "IRQ"))
			return;
		if (i > from && !check(c, seen.log[i - 1].prio <= d->prio,
				       "%s: INTID %u (priority 0x%x) after INTID %u (0x%x): not in priority order", what,
				       d->intid, d->prio, seen.log[i - 1].intid, seen.log[i - 1].prio))
			return;
	}
	check(c, got == n && seen.spurious == 0, "%s: %u of %u delivered (%u spurious)", what, got, n, seen.spurious);
}

static void check_pending_all(struct checks *c, unsigned first, unsigned n, const char *what)
{
	for (unsigned i = 0; i < n; i++)
		if (!check(c, gic_irq_pending(first + i), "%s: INTID %u no longer pending", what, first + i))
			return;
}

/* One group off (in the CPU interface or the distributor) while 4x the LRs of its interrupts are pending. */
static void case_disabled(unsigned group, bool dist, const char *name)
{
	struct checks c = { 0 };
	unsigned n = 4 * guest_gic.nr_lrs;
	unsigned first = SPI_FIRST + (group ? 0 : BATCH_MAX);

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	seen_reset();
	setup_batch(first, n, group, 0xf0);
	if (dist)
		gic_dist_group_enable(group, false);
	else
		gic_cpu_group_enable(group, false);
	pulse_batch(first, n);
	gic_irq_fiq_window(WINDOW_SPINS);
	check(&c, seen.count == 0, "Group %u disabled in the %s: %u delivered (first INTID %u)", group,
	      dist ? "distributor" : "CPU interface", seen.count, seen.count ? seen.log[0].intid : 0u);
	check_pending_all(&c, first, n, "while disabled");
	seen_reset();
	if (dist)
		gic_dist_group_enable(group, true);
	else
		gic_cpu_group_enable(group, true);
	gic_irq_fiq_window(WINDOW_SPINS);
	check_batch(&c, 0, first, n, vector_of(group), "after the enable");
	teardown(first, n);
	checks_report(&c, name);
}

/* LRs full of pending Group 1, Group 0 waiting outside: disabling Group 1 must let Group 0 in at once. */
static void case_disable_frees_lrs(void)
{
	struct checks c = { 0 };
	/*
	 * Twice as many Group 0 ones as LRs: the refill at the disable lists
	 * the first LR count of them, and the refill at the acknowledge that
	 * empties the LRs must list the rpr-masked Group 0 ones ahead of the
	 * disabled Group 1 ones (docs/vgic.md, "What the payloads found"), or
	 * U never fires and they wait for an unrelated exit.
	 */
	unsigned n1 = guest_gic.nr_lrs, n0 = 2 * guest_gic.nr_lrs;
	unsigned first1 = SPI_FIRST, first0 = SPI_FIRST + BATCH_MAX;

	if (n0 > BATCH_MAX)
		n0 = BATCH_MAX;
	if (n1 > BATCH_MAX)
		n1 = BATCH_MAX;
	seen_reset();
	setup_batch(first1, n1, 1, 0x40);  /* more urgent: listed first */
	setup_batch(first0, n0, 0, 0xf0);
	pulse_batch(first0, n0);
	pulse_batch(first1, n1);           /* the entry after this lists the Group 1 ones */
	gic_cpu_group_enable(1, false);    /* no trap: VGrp1D maintenance */
	gic_irq_fiq_window(WINDOW_SPINS);
	check_batch(&c, 0, first0, n0, GUEST_VEC_FIQ, "Group 1 disabled");
	check_pending_all(&c, first1, n1, "Group 1 disabled");
	seen_reset();
	gic_cpu_group_enable(1, true);
	gic_irq_fiq_window(WINDOW_SPINS);
	check_batch(&c, 0, first1, n1, GUEST_VEC_IRQ, "Group 1 enabled again");
	teardown(first1, n1);
	teardown(first0, n0);
	checks_report(&c, "disable_grp1_lets_grp0_in");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "grp1_cpu_disabled", "grp0_cpu_disabled", "grp1_dist_disabled",
					     "grp0_dist_disabled", "disable_grp1_lets_grp0_in", "model_errors_zero" };
	(void)info;
	if (!gic_probe_or_skip(cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	guest_set_irq_handler(on_irq);
	guest_set_fiq_handler(on_fiq);
	gic_init(PMR_OPEN);
	gic_init_groups();
	case_disabled(1, false, cases[0]);
	case_disabled(0, false, cases[1]);
	case_disabled(1, true, cases[2]);
	case_disabled(0, true, cases[3]);
	case_disable_frees_lrs();
	uint64_t errors = arch_test(ANVIL_ARM64_TEST_VGIC_ERRORS, 0, 0, 0);
	reportf(errors == 0, "model_errors_zero", "%llu refused transitions or unencodable list registers",
		(unsigned long long)errors);
	return 0;
}
