/* SPDX-License-Identifier: MIT */
/*
 * The physical GIC, as far as the hypervisor needs it for its own
 * interrupts (the EL2 timer's PPI, the vGIC's maintenance interrupt):
 * GICv3 (distributor, this CPU's redistributor, the system-register CPU
 * interface; Arm IHI 0069H) or GICv2 (distributor and the GICC MMIO CPU
 * interface; Arm IHI 0048B), as the device tree says. Interrupts are Group 1
 * (v3) / Group 0 (v2) with EOImode 0: one EOI drops the priority and
 * deactivates.
 */
#include <stdio.h>

#include <arch/io.h>
#include <arch/mmu.h>

#include "arm64.h"

/* GICv3 system registers by encoding (IHI 0069H §12). */
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_DIR_EL1 "S3_0_C12_C11_1"
#define ICC_BPR1_EL1 "S3_0_C12_C12_3"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_SRE_EL2 "S3_4_C12_C9_5"
#define SRE_SRE (1ull << 0)
#define SRE_ENABLE (1ull << 3)   /* EL1 may use ICC_SRE_EL1 */

/* Distributor (both versions: IHI 0069H §12.9, IHI 0048B §4.3). */
#define GICD_CTLR 0x0000
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ENABLE_G1 (1u << 1)  /* v3 with one security state (DS=1): Group 1 */
#define GICD_CTLR_ARE (1u << 4)        /* v3: affinity routing */
#define GICD_CTLR_RWP (1u << 31)

/* GICv3 redistributor: RD_base frame, then the SGI_base frame 64 KiB on (IHI 0069H §12.10). */
#define GICR_FRAME 0x10000
#define GICR_WAKER 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_IGROUPR0 (GICR_FRAME + 0x0080)
#define GICR_ISENABLER0 (GICR_FRAME + 0x0100)
#define GICR_ICENABLER0 (GICR_FRAME + 0x0180)
#define GICR_IPRIORITYR (GICR_FRAME + 0x0400)

/* GICv2 CPU interface (IHI 0048B §4.4). */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_DIR 0x1000
#define GICC_CTLR_ENABLE_G0 (1u << 0)

#define PRIO_LOWEST_UNMASKED 0xffu
#define PRIO_HOST 0x80u
#define INTID_MASK 0xffffffu
#define INTID_SPURIOUS 1020u
#define SPIN_LIMIT 1000000u
#define PPI_FIRST 16u
#define PPI_LAST 31u

static unsigned version;
static uintptr_t gicd, gicr, gicc;
static uint32_t maint_irq; /* 0: not enabled */
static uint32_t guest_ppi; /* 0: none claimed */
static bool guest_ppi_on;
static uint64_t guest_ppi_taken;
static char description[80];

static uint32_t rd32(uintptr_t a) { return arch_mmio_read32(a); }
static void wr32(uintptr_t a, uint32_t v) { arch_mmio_write32(a, v); }

static int wait_clear(uintptr_t reg, uint32_t bits)
{
	for (unsigned i = 0; i < SPIN_LIMIT; i++)
		if (!(rd32(reg) & bits))
			return 0;
	return -1;
}

static int v3_init(char *err, size_t n)
{
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	if (wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP)) {
		snprintf(err, n, "GICD_CTLR.RWP never cleared");
		return -1;
	}
	/* This CPU's redistributor is the first frame (one CPU runs the hypervisor). */
	wr32(gicr + GICR_WAKER, rd32(gicr + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	if (wait_clear(gicr + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP)) {
		snprintf(err, n, "the redistributor did not wake (GICR_WAKER.ChildrenAsleep stays set)");
		return -1;
	}
	uint64_t sre;
	__asm__ volatile("mrs %0, " ICC_SRE_EL2 : "=r"(sre));
	__asm__ volatile("msr " ICC_SRE_EL2 ", %0; isb" : : "r"(sre | SRE_SRE | SRE_ENABLE));
	__asm__ volatile("msr " ICC_PMR_EL1 ", %0" : : "r"((uint64_t)PRIO_LOWEST_UNMASKED));
	__asm__ volatile("msr " ICC_BPR1_EL1 ", %0" : : "r"(0ull));
	__asm__ volatile("msr " ICC_CTLR_EL1 ", %0" : : "r"(0ull)); /* EOImode 0 */
	__asm__ volatile("msr " ICC_IGRPEN1_EL1 ", %0; isb" : : "r"(1ull));
	return 0;
}

static int v2_init(char *err, size_t n)
{
	(void)err;
	(void)n;
	wr32(gicd + GICD_CTLR, GICD_CTLR_ENABLE_G0);
	wr32(gicc + GICC_PMR, PRIO_LOWEST_UNMASKED);
	wr32(gicc + GICC_CTLR, GICC_CTLR_ENABLE_G0);
	return 0;
}

int arm64_gic_init(char *err, size_t n)
{
	const struct arm64_platform *p = &arm64_platform;
	version = p->gic_version;
	gicd = (uintptr_t)p->gicd_base;
	gicr = (uintptr_t)p->gicr_base;
	gicc = (uintptr_t)p->gicc_base;
	if (version != 2 && version != 3) {
		snprintf(err, n, "no GICv2 or GICv3 in the device tree");
		return -1;
	}
	if (!gicd || (version == 3 && !gicr) || (version == 2 && !gicc)) {
		snprintf(err, n, "GICv%u without its register frames in the device tree", version);
		return -1;
	}
	int r = version == 3 ? v3_init(err, n) : v2_init(err, n);
	snprintf(description, sizeof(description), "GICv%u, distributor at 0x%lx", version, (unsigned long)gicd);
	return r;
}

int arm64_gic_enable_ppi(uint32_t intid)
{
	if (intid < PPI_FIRST || intid > PPI_LAST || !gicd)
		return -1;
	if (version == 3) {
		arch_mmio_write8(gicr + GICR_IPRIORITYR + intid, PRIO_HOST);
		wr32(gicr + GICR_IGROUPR0, rd32(gicr + GICR_IGROUPR0) | (1u << intid));
		wr32(gicr + GICR_ISENABLER0, 1u << intid);
	} else {
		arch_mmio_write8(gicd + GICD_IPRIORITYR + intid, PRIO_HOST);
		wr32(gicd + GICD_ISENABLER, 1u << intid);
	}
	return 0;
}

uint32_t arm64_gic_ack(void)
{
	uint64_t iar;
	if (version == 3)
		__asm__ volatile("mrs %0, " ICC_IAR1_EL1 "; dsb sy" : "=r"(iar));
	else
		iar = rd32(gicc + GICC_IAR);
	uint32_t id = (uint32_t)iar & INTID_MASK;
	return id >= INTID_SPURIOUS && id < INTID_SPURIOUS + 4 ? ~0u : (uint32_t)iar;
}

void arm64_gic_eoi(uint32_t iar)
{
	if (version == 3)
		__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0; isb" : : "r"((uint64_t)iar));
	else
		wr32(gicc + GICC_EOIR, iar);
}

/*
 * The vGIC's maintenance interrupt (a PPI the device tree names): it only
 * brings a guest out; the EL2 exit path has consumed its cause (and turned
 * the request off) before the host takes it, so the handler just ends it.
 */
int arm64_gic_enable_maintenance(void)
{
	uint32_t intid = arm64_platform.maint_irq;
	if (!intid || arm64_gic_enable_ppi(intid))
		return -1;
	maint_irq = intid;
	return 0;
}

bool arm64_gic_is_maintenance(uint32_t intid)
{
	return maint_irq && intid == maint_irq;
}

int arm64_gic_disable_ppi(uint32_t intid)
{
	if (intid < PPI_FIRST || intid > PPI_LAST || !gicd)
		return -1;
	if (version == 3)
		wr32(gicr + GICR_ICENABLER0, 1u << intid);
	else
		wr32(gicd + GICD_ICENABLER, 1u << intid);
	return 0;
}

/*
 * A PPI whose source belongs to the guest (its virtual timer): enabled at
 * the physical GIC only while the guest runs with it quiet, so that its
 * firing brings the guest out. The host's handler masks it and ends it
 * (arm64_gic_guest_ppi_taken): the line stays high until the guest deals
 * with its virtual copy, and the next entry decides again.
 */
int arm64_gic_claim_guest_ppi(uint32_t intid)
{
	if (intid < PPI_FIRST || intid > PPI_LAST || intid == maint_irq || arm64_gic_enable_ppi(intid))
		return -1;
	guest_ppi = intid;
	guest_ppi_on = true;
	arm64_gic_guest_ppi_arm(false);
	return 0;
}

void arm64_gic_guest_ppi_arm(bool on)
{
	if (!guest_ppi || on == guest_ppi_on)
		return;
	if (on)
		wr32(version == 3 ? gicr + GICR_ISENABLER0 : gicd + GICD_ISENABLER, 1u << guest_ppi);
	else
		arm64_gic_disable_ppi(guest_ppi);
	guest_ppi_on = on;
}

bool arm64_gic_guest_ppi_taken(uint32_t intid)
{
	if (!guest_ppi || intid != guest_ppi)
		return false;
	arm64_gic_guest_ppi_arm(false);
	guest_ppi_taken++;
	return true;
}

uint64_t arm64_gic_guest_ppi_count(void)
{
	return guest_ppi_taken;
}

/* A physical interrupt the guest handled through an LR's HW bit, deactivated for it (IHI 0069 ICC_DIR_EL1). */
void arm64_gic_deactivate(uint32_t intid)
{
	if (version == 3)
		__asm__ volatile("msr " ICC_DIR_EL1 ", %0; isb" : : "r"((uint64_t)intid));
	else if (gicc)
		wr32(gicc + GICC_DIR, intid);
}

const char *arm64_gic_describe(void)
{
	return description[0] ? description : "no GIC";
}
