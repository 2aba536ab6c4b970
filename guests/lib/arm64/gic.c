/* SPDX-License-Identifier: MIT */
/* The guest's GIC driver (guest/gic.h). */
#include <guest/gic.h>
#include <guest/hypercall.h>
#include <guest/report.h>

#include <anvil/guest_abi.h>

/* GICv3 CPU interface registers by encoding (IHI 0069, the ICC_* register summary). */
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_DIR_EL1 "S3_0_C12_C11_1"
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_BPR1_EL1 "S3_0_C12_C12_3"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_SRE_EL1 "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_IAR0_EL1 "S3_0_C12_C8_0"
#define ICC_EOIR0_EL1 "S3_0_C12_C8_1"
#define ICC_BPR0_EL1 "S3_0_C12_C8_3"
#define ICC_IGRPEN0_EL1 "S3_0_C12_C12_6"
#define ICC_CTLR_EOIMODE (1ull << 1)
#define ICC_SRE_SRE (1ull << 0)

/* GICv2 CPU interface (IHI 0048B 4.4). */
#define GICC_CTLR 0x0000u
#define GICC_PMR 0x0004u
#define GICC_BPR 0x0008u
#define GICC_IAR 0x000cu
#define GICC_EOIR 0x0010u
#define GICC_CTLR_GRP0 (1u << 0)
#define GICC_CTLR_GRP1 (1u << 1)
#define GICC_CTLR_ACKCTL (1u << 2)
#define GICC_CTLR_FIQEN (1u << 3)
#define GICC_CTLR_EOIMODE (1u << 9)

#define INTIDS_PER_WORD 32u
#define PRIVATE_INTIDS 32u

struct guest_gic guest_gic;
static uint32_t gicc_ctlr;

static uint32_t rd32(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void wr32(uint64_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static uint8_t rd8(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return (uint8_t)v;
}

static void wr8(uint64_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "r"((uint32_t)v), "r"(a) : "memory");
}

bool gic_probe(void)
{
	uint64_t info = arch_test(ANVIL_ARM64_TEST_VGIC_INFO, 0, 0, 0);

	if (info == ANVIL_TEST_UNSUPPORTED)
		return false;
	guest_gic.version = ANVIL_ARM64_VGIC_VERSION(info);
	guest_gic.nr_lrs = ANVIL_ARM64_VGIC_LRS(info);
	guest_gic.nr_spis = ANVIL_ARM64_VGIC_SPIS(info);
	return guest_gic.version == 2 || guest_gic.version == 3;
}

bool gic_probe_or_skip(const char *const *cases, unsigned n)
{
	if (gic_probe())
		return true;
	for (unsigned i = 0; i < n; i++)
		report_skip(cases[i], "no virtual GIC on this hardware");
	return false;
}

uint32_t gicd_read32(uint32_t off) { return rd32(ANVIL_ARM64_GICD_GPA + off); }
void gicd_write32(uint32_t off, uint32_t v) { wr32(ANVIL_ARM64_GICD_GPA + off, v); }
uint8_t gicd_read8(uint32_t off) { return rd8(ANVIL_ARM64_GICD_GPA + off); }
void gicd_write8(uint32_t off, uint8_t v) { wr8(ANVIL_ARM64_GICD_GPA + off, v); }
uint32_t gicr_read32(uint32_t off) { return rd32(ANVIL_ARM64_GICR_GPA + off); }
void gicr_write32(uint32_t off, uint32_t v) { wr32(ANVIL_ARM64_GICR_GPA + off, v); }

/* Where intid's entry of a per-INTID block lives: GICv3 private ones in the SGI_base frame. */
static uint64_t bank_base(unsigned intid)
{
	if (guest_gic.version == 3 && intid < PRIVATE_INTIDS)
		return ANVIL_ARM64_GICR_GPA + GUEST_GICR_SGI_BASE;
	return ANVIL_ARM64_GICD_GPA;
}

uint32_t gic_bank_read32(unsigned intid, uint32_t block)
{
	return rd32(bank_base(intid) + block + 4u * (intid / INTIDS_PER_WORD));
}

void gic_bank_write32(unsigned intid, uint32_t block, uint32_t v)
{
	wr32(bank_base(intid) + block + 4u * (intid / INTIDS_PER_WORD), v);
}

static uint32_t bit(unsigned intid) { return 1u << (intid % INTIDS_PER_WORD); }

void gic_irq_enable(unsigned intid, bool on)
{
	gic_bank_write32(intid, on ? GUEST_GICD_ISENABLER : GUEST_GICD_ICENABLER, bit(intid));
}

void gic_irq_priority(unsigned intid, uint8_t prio)
{
	wr8(bank_base(intid) + GUEST_GICD_IPRIORITYR + intid, prio);
}

uint8_t gic_irq_priority_get(unsigned intid)
{
	return rd8(bank_base(intid) + GUEST_GICD_IPRIORITYR + intid);
}

void gic_irq_group(unsigned intid, unsigned group)
{
	uint32_t w = gic_bank_read32(intid, GUEST_GICD_IGROUPR);

	gic_bank_write32(intid, GUEST_GICD_IGROUPR, group ? w | bit(intid) : w & ~bit(intid));
}

/* GICD_ICFGR: two bits per INTID, bit 1 of each set for edge-triggered. */
void gic_irq_edge(unsigned intid, bool edge)
{
	uint64_t a = bank_base(intid) + GUEST_GICD_ICFGR + 4u * (intid / 16u);
	uint32_t b = 2u << (2u * (intid % 16u));
	uint32_t w = rd32(a);

	wr32(a, edge ? w | b : w & ~b);
}

bool gic_irq_pending(unsigned intid) { return (gic_bank_read32(intid, GUEST_GICD_ISPENDR) & bit(intid)) != 0; }
bool gic_irq_active(unsigned intid) { return (gic_bank_read32(intid, GUEST_GICD_ISACTIVER) & bit(intid)) != 0; }
void gic_irq_clear_pending(unsigned intid) { gic_bank_write32(intid, GUEST_GICD_ICPENDR, bit(intid)); }
void gic_irq_clear_active(unsigned intid) { gic_bank_write32(intid, GUEST_GICD_ICACTIVER, bit(intid)); }
unsigned gic_irq_group_default(void) { return guest_gic.version == 3 ? 1 : 0; }

void gic_set_pmr(uint8_t pmr)
{
	if (guest_gic.version == 3) {
		__asm__ volatile("msr " ICC_PMR_EL1 ", %0; isb" : : "r"((uint64_t)pmr) : "memory");
		return;
	}
	wr32(ANVIL_ARM64_GICC_GPA + GICC_PMR, pmr);
}

void gic_set_eoimode(bool split)
{
	if (guest_gic.version == 3) {
		uint64_t ctlr;

		__asm__ volatile("mrs %0, " ICC_CTLR_EL1 : "=r"(ctlr));
		ctlr = split ? ctlr | ICC_CTLR_EOIMODE : ctlr & ~ICC_CTLR_EOIMODE;
		__asm__ volatile("msr " ICC_CTLR_EL1 ", %0; isb" : : "r"(ctlr) : "memory");
		return;
	}
	gicc_ctlr = split ? gicc_ctlr | GICC_CTLR_EOIMODE : gicc_ctlr & ~GICC_CTLR_EOIMODE;
	wr32(ANVIL_ARM64_GICC_GPA + GICC_CTLR, gicc_ctlr);
}

void gic_init(uint8_t pmr)
{
	if (guest_gic.version == 3) {
		gicd_write32(GUEST_GICD_CTLR, GUEST_GICD_CTLR_ARE | GUEST_GICD_CTLR_GRP0 | GUEST_GICD_CTLR_GRP1);
		gicr_write32(GUEST_GICR_WAKER, gicr_read32(GUEST_GICR_WAKER) & ~GUEST_GICR_WAKER_SLEEP);
		__asm__ volatile("msr " ICC_SRE_EL1 ", %0; isb" : : "r"(ICC_SRE_SRE) : "memory");
		__asm__ volatile("msr " ICC_BPR1_EL1 ", %0" : : "r"(0ull) : "memory");
		__asm__ volatile("msr " ICC_CTLR_EL1 ", %0" : : "r"(0ull) : "memory");
		__asm__ volatile("msr " ICC_IGRPEN1_EL1 ", %0; isb" : : "r"(1ull) : "memory");
	} else {
		gicd_write32(GUEST_GICD_CTLR, GUEST_GICD_CTLR_GRP0 | GUEST_GICD_CTLR_GRP1);
		wr32(ANVIL_ARM64_GICC_GPA + GICC_BPR, 0);
		gicc_ctlr = GICC_CTLR_GRP0;
		wr32(ANVIL_ARM64_GICC_GPA + GICC_CTLR, gicc_ctlr);
	}
	gic_set_pmr(pmr);
}

uint32_t gic_ack(void)
{
	uint64_t iar;

	if (guest_gic.version == 3)
		__asm__ volatile("mrs %0, " ICC_IAR1_EL1 : "=r"(iar) : : "memory");
	else
		iar = rd32(ANVIL_ARM64_GICC_GPA + GICC_IAR);
	return (uint32_t)iar;
}

void gic_eoi(uint32_t iar)
{
	if (guest_gic.version == 3)
		__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0; isb" : : "r"((uint64_t)iar) : "memory");
	else
		wr32(ANVIL_ARM64_GICC_GPA + GICC_EOIR, iar);
}

void gic_dir(uint32_t iar)
{
	if (guest_gic.version == 3)
		__asm__ volatile("msr " ICC_DIR_EL1 ", %0; isb" : : "r"((uint64_t)iar) : "memory");
	else
		wr32(ANVIL_ARM64_GICC_GPA + GUEST_GICC_DIR, iar);
}

void gic_irq_window(unsigned spins)
{
	__asm__ volatile("msr daifclr, #2; isb" ::: "memory");
	for (unsigned i = 0; i < spins; i++)
		__asm__ volatile("isb" ::: "memory");
	__asm__ volatile("msr daifset, #2; isb" ::: "memory");
}

void gic_cpu_group_enable(unsigned group, bool on)
{
	if (guest_gic.version == 3) {
		if (group)
			__asm__ volatile("msr " ICC_IGRPEN1_EL1 ", %0; isb" : : "r"((uint64_t)on) : "memory");
		else
			__asm__ volatile("msr " ICC_IGRPEN0_EL1 ", %0; isb" : : "r"((uint64_t)on) : "memory");
		return;
	}
	uint32_t b = group ? GICC_CTLR_GRP1 : GICC_CTLR_GRP0;
	gicc_ctlr = on ? gicc_ctlr | b : gicc_ctlr & ~b;
	wr32(ANVIL_ARM64_GICC_GPA + GICC_CTLR, gicc_ctlr);
}

void gic_dist_group_enable(unsigned group, bool on)
{
	uint32_t b = group ? GUEST_GICD_CTLR_GRP1 : GUEST_GICD_CTLR_GRP0;
	uint32_t v = gicd_read32(GUEST_GICD_CTLR);

	v = on ? v | b : v & ~b;
	if (guest_gic.version == 3)
		v |= GUEST_GICD_CTLR_ARE;
	gicd_write32(GUEST_GICD_CTLR, v);
}

void gic_init_groups(void)
{
	if (guest_gic.version == 3) {
		__asm__ volatile("msr " ICC_BPR0_EL1 ", %0" : : "r"(0ull) : "memory");
		__asm__ volatile("msr " ICC_IGRPEN0_EL1 ", %0; isb" : : "r"(1ull) : "memory");
		return;
	}
	gicc_ctlr |= GICC_CTLR_GRP0 | GICC_CTLR_GRP1 | GICC_CTLR_ACKCTL | GICC_CTLR_FIQEN;
	wr32(ANVIL_ARM64_GICC_GPA + GICC_CTLR, gicc_ctlr);
}

uint32_t gic_ack_group(unsigned group)
{
	uint64_t iar;

	if (guest_gic.version != 3 || group)
		return gic_ack();
	__asm__ volatile("mrs %0, " ICC_IAR0_EL1 : "=r"(iar) : : "memory");
	return (uint32_t)iar;
}

void gic_eoi_group(unsigned group, uint32_t iar)
{
	if (guest_gic.version != 3 || group) {
		gic_eoi(iar);
		return;
	}
	__asm__ volatile("msr " ICC_EOIR0_EL1 ", %0; isb" : : "r"((uint64_t)iar) : "memory");
}

void gic_irq_fiq_window(unsigned spins)
{
	__asm__ volatile("msr daifclr, #3; isb" ::: "memory");
	for (unsigned i = 0; i < spins; i++)
		__asm__ volatile("isb" ::: "memory");
	__asm__ volatile("msr daifset, #3; isb" ::: "memory");
}

void gic_line_assert(unsigned intid) { arch_test(ANVIL_ARM64_TEST_IRQ_ASSERT, intid, 0, 0); }
void gic_line_deassert(unsigned intid) { arch_test(ANVIL_ARM64_TEST_IRQ_DEASSERT, intid, 0, 0); }
void gic_line_pulse(unsigned intid) { arch_test(ANVIL_ARM64_TEST_IRQ_PULSE, intid, 0, 0); }
