/* SPDX-License-Identifier: MIT */
/*
 * vgic_basic: the virtual GIC's distributor (and, on GICv3, redistributor)
 * registers, and single interrupts delivered through the guest's own CPU
 * interface (ICC_IAR1_EL1/ICC_EOIR1_EL1 on GICv3, GICC_IAR/GICC_EOIR on
 * GICv2) to its IRQ vector. Interrupts are raised with the interrupt-line
 * test operations (ARM64_TEST_IRQ_*). Every case runs on both GIC
 * versions; without a vGIC each SKIPs.
 */
#include <guest/gic.h>
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "vgic_basic", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 10000);

#define WINDOW_SPINS 2000u
#define MAX_SEEN 16u
#define SPI_DELIVER 40u
#define SPI_DISABLED 41u
#define SPI_MASKED 42u
#define SPI_REGS 33u
#define PPI_LEVEL 23u
#define PRIO_HIGH 0x40u
#define PRIO_MID 0x80u
#define PRIO_LOW 0xa0u
#define PMR_OPEN 0xffu

static struct {
	unsigned count;
	uint32_t intid[MAX_SEEN];
	bool active_inside[MAX_SEEN];  /* ISACTIVER showed it active in the handler */
	unsigned spurious;
	unsigned level_deassert_at;    /* PPI_LEVEL: deassert the line on this delivery (1-based) */
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
	if (seen.count < MAX_SEEN) {
		seen.intid[seen.count] = id;
		seen.active_inside[seen.count] = gic_irq_active(id);
	}
	seen.count++;
	if (id == PPI_LEVEL && seen.count == seen.level_deassert_at)
		gic_line_deassert(PPI_LEVEL);
	gic_eoi(iar);
}

static void seen_reset(void)
{
	seen.count = seen.spurious = 0;
	seen.level_deassert_at = 0;
}

static void setup_irq(unsigned intid, uint8_t prio, bool edge)
{
	gic_irq_group(intid, gic_irq_group_default());
	gic_irq_priority(intid, prio);
	gic_irq_edge(intid, edge);
}

static void check_typer(void)
{
	struct checks c = { 0 };
	uint32_t typer = gicd_read32(GUEST_GICD_TYPER);
	unsigned lines = 32u * ((typer & GUEST_GICD_TYPER_ITLINES) + 1);

	check(&c, lines == 32u + guest_gic.nr_spis, "GICD_TYPER 0x%x: %u INTIDs, the hypervisor says %u SPIs",
	      (unsigned)typer, lines, guest_gic.nr_spis);
	check(&c, gicd_read32(GUEST_GICD_IIDR) != 0, "GICD_IIDR reads 0");
	if (guest_gic.version == 3) {
		gicd_write32(GUEST_GICD_CTLR, GUEST_GICD_CTLR_GRP1);
		uint32_t ctlr = gicd_read32(GUEST_GICD_CTLR);
		check(&c, (ctlr & GUEST_GICD_CTLR_ARE) && (ctlr & GUEST_GICD_CTLR_GRP1),
		      "GICD_CTLR reads 0x%x after writing EnableGrp1 without ARE: want ARE (RAO) and EnableGrp1",
		      (unsigned)ctlr);
	}
	check_note(&c, "GICv%u, %u SPIs, %u list registers", guest_gic.version, guest_gic.nr_spis, guest_gic.nr_lrs);
	checks_report(&c, "typer_iidr_ctlr");
}

static void check_enable(void)
{
	struct checks c = { 0 };
	unsigned ids[] = { SPI_REGS, SPI_REGS + 1, PPI_LEVEL };

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unsigned id = ids[i];
		uint32_t b = 1u << (id % 32);

		gic_irq_enable(id, true);
		uint32_t set = gic_bank_read32(id, GUEST_GICD_ISENABLER), clr = gic_bank_read32(id, GUEST_GICD_ICENABLER);
		check(&c, (set & b) && (clr & b), "INTID %u enabled: ISENABLER 0x%x ICENABLER 0x%x", id, (unsigned)set,
		      (unsigned)clr);
		gic_irq_enable(id, false);
		set = gic_bank_read32(id, GUEST_GICD_ISENABLER);
		check(&c, !(set & b), "INTID %u disabled: ISENABLER still 0x%x", id, (unsigned)set);
	}
	/* One bit per INTID: a neighbour stays as it was. */
	gic_irq_enable(SPI_REGS, true);
	check(&c, !(gic_bank_read32(SPI_REGS + 1, GUEST_GICD_ISENABLER) & (1u << ((SPI_REGS + 1) % 32))),
	      "enabling INTID %u also enabled INTID %u", SPI_REGS, SPI_REGS + 1);
	gic_irq_enable(SPI_REGS, false);
	checks_report(&c, "enable_set_clear");
}

static void check_priority(void)
{
	struct checks c = { 0 };

	gic_irq_priority(SPI_REGS, 0xff);
	uint8_t mask = gic_irq_priority_get(SPI_REGS);
	unsigned bits = (unsigned)__builtin_popcount(mask);
	check(&c, bits >= 4 && bits <= 8 && (uint8_t)(0xffu << (8 - bits)) == mask,
	      "IPRIORITYR byte reads 0x%x after 0xff: want the top 4 to 8 bits", mask);
	for (unsigned i = 0; i < 4; i++)
		gic_irq_priority(SPI_REGS + i, (uint8_t)(0x10u * (i + 1) + 0x07u));
	uint32_t w = gicd_read32(GUEST_GICD_IPRIORITYR + (SPI_REGS & ~3u));
	uint32_t want = 0;
	for (unsigned i = 0; i < 4; i++) {
		unsigned id = (SPI_REGS & ~3u) + i;
		uint8_t b = id >= SPI_REGS ? (uint8_t)((0x10u * (id - SPI_REGS + 1) + 0x07u) & mask) : gic_irq_priority_get(id);
		want |= (uint32_t)b << (8 * i);
	}
	check(&c, w == want, "IPRIORITYR word at INTID %u reads 0x%08x, the bytes say 0x%08x", SPI_REGS & ~3u,
	      (unsigned)w, (unsigned)want);
	gic_irq_priority(PPI_LEVEL, 0x5a);
	check(&c, gic_irq_priority_get(PPI_LEVEL) == (0x5a & mask), "PPI %u priority 0x%x, want 0x%x", PPI_LEVEL,
	      gic_irq_priority_get(PPI_LEVEL), 0x5a & mask);
	check_note(&c, "implemented priority bits 0x%02x", mask);
	checks_report(&c, "priority_bytes");
}

static void check_group(void)
{
	struct checks c = { 0 };
	uint32_t old = gicd_read32(GUEST_GICD_IGROUPR + 4);

	gicd_write32(GUEST_GICD_IGROUPR + 4, 0x00ff00f0u);
	uint32_t got = gicd_read32(GUEST_GICD_IGROUPR + 4);
	check(&c, got == 0x00ff00f0u, "IGROUPR1 reads 0x%08x after 0x00ff00f0", (unsigned)got);
	gicd_write32(GUEST_GICD_IGROUPR + 4, old);
	gic_irq_group(PPI_LEVEL, 1);
	check(&c, gic_bank_read32(PPI_LEVEL, GUEST_GICD_IGROUPR) & (1u << PPI_LEVEL), "PPI %u not in group 1",
	      PPI_LEVEL);
	gic_irq_group(PPI_LEVEL, 0);
	check(&c, !(gic_bank_read32(PPI_LEVEL, GUEST_GICD_IGROUPR) & (1u << PPI_LEVEL)), "PPI %u still in group 1",
	      PPI_LEVEL);
	checks_report(&c, "group_bits");
}

static void check_config(void)
{
	struct checks c = { 0 };
	uint32_t spi_word = GUEST_GICD_ICFGR + 4u * (SPI_REGS / 16);

	gicd_write32(spi_word, 0xaaaaaaaau);
	uint32_t edge = gicd_read32(spi_word);
	gicd_write32(spi_word, 0);
	uint32_t level = gicd_read32(spi_word);
	check(&c, edge == 0xaaaaaaaau && level == 0, "ICFGR of INTIDs %u-%u: 0x%08x after all edge, 0x%08x after all level",
	      SPI_REGS & ~15u, (SPI_REGS & ~15u) + 15, (unsigned)edge, (unsigned)level);
	/* SGIs are edge-triggered, read-only (ICFGR0). */
	gic_bank_write32(0, GUEST_GICD_ICFGR, 0);
	uint32_t sgi = gic_bank_read32(0, GUEST_GICD_ICFGR);
	check(&c, sgi == 0xaaaaaaaau, "SGI ICFGR0 reads 0x%08x after writing 0: want 0xaaaaaaaa (read-only edge)",
	      (unsigned)sgi);
	checks_report(&c, "config_bits");
}

static void check_pending(void)
{
	struct checks c = { 0 };
	unsigned id = SPI_REGS;
	uint32_t b = 1u << (id % 32);

	setup_irq(id, PRIO_LOW, true);
	gic_bank_write32(id, GUEST_GICD_ISPENDR, b);
	check(&c, gic_irq_pending(id), "ISPENDR write did not make INTID %u pending", id);
	gic_irq_clear_pending(id);
	check(&c, !gic_irq_pending(id), "ICPENDR write left INTID %u pending", id);
	gic_line_pulse(id);
	check(&c, gic_irq_pending(id), "a pulse on disabled edge INTID %u left it not pending", id);
	gic_irq_clear_pending(id);
	check(&c, !gic_irq_pending(id) && !gic_irq_active(id), "INTID %u pending %d active %d after ICPENDR", id,
	      gic_irq_pending(id), gic_irq_active(id));
	checks_report(&c, "pending_set_clear");
}

static void check_spi_delivered(void)
{
	struct checks c = { 0 };

	seen_reset();
	setup_irq(SPI_DELIVER, PRIO_MID, true);
	gic_irq_enable(SPI_DELIVER, true);
	gic_line_pulse(SPI_DELIVER);
	check(&c, seen.count == 0, "delivered while IRQs were masked");
	gic_irq_window(WINDOW_SPINS);
	if (check(&c, seen.count == 1 && seen.spurious == 0, "%u deliveries (%u spurious), want 1", seen.count,
		  seen.spurious)) {
		check(&c, seen.intid[0] == SPI_DELIVER, "INTID %u acknowledged, want %u", (unsigned)seen.intid[0],
		      SPI_DELIVER);
		check(&c, seen.active_inside[0], "GICD_ISACTIVER did not show INTID %u active in its handler", SPI_DELIVER);
	}
	check(&c, !gic_irq_active(SPI_DELIVER) && !gic_irq_pending(SPI_DELIVER), "after EOI: pending %d active %d",
	      gic_irq_pending(SPI_DELIVER), gic_irq_active(SPI_DELIVER));
	gic_irq_enable(SPI_DELIVER, false);
	checks_report(&c, "spi_delivered");
}

static void check_ppi_level(void)
{
	struct checks c = { 0 };

	seen_reset();
	seen.level_deassert_at = 2; /* EOI the first with the line still high: it must come back */
	setup_irq(PPI_LEVEL, PRIO_MID, false);
	gic_irq_enable(PPI_LEVEL, true);
	gic_line_assert(PPI_LEVEL);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 2, "level PPI %u delivered %u times, want 2 (again after an EOI with the line high, "
	      "not after it went low)", PPI_LEVEL, seen.count);
	for (unsigned i = 0; i < seen.count && i < MAX_SEEN; i++)
		check(&c, seen.intid[i] == PPI_LEVEL, "delivery %u was INTID %u", i, (unsigned)seen.intid[i]);
	check(&c, !gic_irq_pending(PPI_LEVEL) && !gic_irq_active(PPI_LEVEL), "after deassert: pending %d active %d",
	      gic_irq_pending(PPI_LEVEL), gic_irq_active(PPI_LEVEL));
	gic_irq_enable(PPI_LEVEL, false);
	checks_report(&c, "ppi_level_delivered");
}

static void check_disabled(void)
{
	struct checks c = { 0 };

	seen_reset();
	setup_irq(SPI_DISABLED, PRIO_HIGH, true);
	gic_irq_enable(SPI_DISABLED, false);
	gic_line_pulse(SPI_DISABLED);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 0, "disabled INTID %u delivered %u times", SPI_DISABLED, seen.count);
	check(&c, gic_irq_pending(SPI_DISABLED), "disabled INTID %u lost its pending state", SPI_DISABLED);
	gic_irq_enable(SPI_DISABLED, true);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 1 && seen.intid[0] == SPI_DISABLED, "after enabling: %u deliveries (first INTID %u)",
	      seen.count, seen.count ? (unsigned)seen.intid[0] : 0u);
	gic_irq_enable(SPI_DISABLED, false);
	checks_report(&c, "disabled_held_pending");
}

static void check_pmr(void)
{
	struct checks c = { 0 };

	seen_reset();
	setup_irq(SPI_MASKED, PRIO_LOW, true);
	gic_irq_enable(SPI_MASKED, true);
	gic_set_pmr(PRIO_LOW); /* priority must be below PMR to be signalled */
	gic_line_pulse(SPI_MASKED);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 0, "INTID %u at priority 0x%x delivered %u times with PMR 0x%x", SPI_MASKED, PRIO_LOW,
	      seen.count, PRIO_LOW);
	gic_set_pmr(PMR_OPEN);
	gic_irq_window(WINDOW_SPINS);
	check(&c, seen.count == 1 && seen.intid[0] == SPI_MASKED, "after opening PMR: %u deliveries", seen.count);
	gic_irq_enable(SPI_MASKED, false);
	checks_report(&c, "pmr_masks");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "typer_iidr_ctlr", "enable_set_clear", "priority_bytes", "group_bits",
					     "config_bits", "pending_set_clear", "spi_delivered", "ppi_level_delivered",
					     "disabled_held_pending", "pmr_masks", "model_errors_zero" };
	(void)info;
	if (!gic_probe_or_skip(cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	guest_set_irq_handler(on_irq);
	gic_init(PMR_OPEN);
	check_typer();
	gic_init(PMR_OPEN);
	check_enable();
	check_priority();
	check_group();
	check_config();
	check_pending();
	check_spi_delivered();
	check_ppi_level();
	check_disabled();
	check_pmr();
	uint64_t errors = arch_test(ANVIL_ARM64_TEST_VGIC_ERRORS, 0, 0, 0);
	reportf(errors == 0, "model_errors_zero", "%llu refused transitions or unencodable list registers",
		(unsigned long long)errors);
	return 0;
}
