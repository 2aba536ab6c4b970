/* SPDX-License-Identifier: MIT */
/*
 * The guest's GIC (the vGIC, docs/vgic.md): the distributor and, on GICv3,
 * the redistributor at the guest-ABI addresses (ANVIL_ARM64_GICD_GPA,
 * _GICR_GPA), and the CPU interface: ICC_*_EL1 system registers on GICv3,
 * the GICC frame (ANVIL_ARM64_GICC_GPA) on GICv2. Offsets and bits are
 * written here from the architecture (Arm IHI 0069 and IHI 0048B), not
 * taken from the hypervisor's headers, so a wrong offset there shows.
 *
 * Per-INTID helpers pick the right frame: SGIs and PPIs (0-31) are in the
 * redistributor's SGI_base frame on GICv3 and banked in the GICD on GICv2.
 * Interrupts are Group 1 on GICv3 (signalled as IRQ) and Group 0 on GICv2
 * (IRQ while GICC_CTLR.FIQEn is 0): gic_irq_group_default().
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

/* GICD (IHI 0069 12.9, IHI 0048B 4.3); on GICv3 the SGI_base frame repeats the per-INTID blocks. */
enum guest_gicd_reg {
	GUEST_GICD_CTLR = 0x0000,
	GUEST_GICD_TYPER = 0x0004,
	GUEST_GICD_IIDR = 0x0008,
	GUEST_GICD_IGROUPR = 0x0080,
	GUEST_GICD_ISENABLER = 0x0100,
	GUEST_GICD_ICENABLER = 0x0180,
	GUEST_GICD_ISPENDR = 0x0200,
	GUEST_GICD_ICPENDR = 0x0280,
	GUEST_GICD_ISACTIVER = 0x0300,
	GUEST_GICD_ICACTIVER = 0x0380,
	GUEST_GICD_IPRIORITYR = 0x0400,
	GUEST_GICD_ITARGETSR = 0x0800,  /* GICv2 */
	GUEST_GICD_ICFGR = 0x0c00,
};
#define GUEST_GICD_CTLR_GRP0 (1u << 0)
#define GUEST_GICD_CTLR_GRP1 (1u << 1)
#define GUEST_GICD_CTLR_ARE (1u << 4)      /* GICv3: affinity routing, RAO with one security state */
#define GUEST_GICD_TYPER_ITLINES 0x1fu
#define GUEST_GICR_WAKER 0x0014u
#define GUEST_GICR_WAKER_SLEEP (1u << 1)  /* ProcessorSleep */
#define GUEST_GICR_SGI_BASE 0x10000u
#define GUEST_GICC_DIR 0x1000u             /* GICv2: GICC_DIR opens the second page */

#define GUEST_GIC_SPURIOUS 1020u

struct guest_gic {
	unsigned version;   /* 2 or 3; 0: no vGIC */
	unsigned nr_lrs;
	unsigned nr_spis;
};
extern struct guest_gic guest_gic;

/* Ask the hypervisor what it gives (ARM64_TEST_VGIC_INFO); false without a vGIC. */
bool gic_probe(void);
/* gic_probe(); without a vGIC every one of the n cases is reported SKIP with the reason, and false. */
bool gic_probe_or_skip(const char *const *cases, unsigned n);

/* Distributor frame accesses (32-bit and byte), and the frame holding intid's per-INTID block. */
uint32_t gicd_read32(uint32_t off);
void gicd_write32(uint32_t off, uint32_t v);
uint8_t gicd_read8(uint32_t off);
void gicd_write8(uint32_t off, uint8_t v);
uint32_t gic_bank_read32(unsigned intid, uint32_t block);   /* the word of `block` holding intid */
void gic_bank_write32(unsigned intid, uint32_t block, uint32_t v);
uint32_t gicr_read32(uint32_t off);                          /* GICv3 */
void gicr_write32(uint32_t off, uint32_t v);

/* Per-interrupt configuration. */
void gic_irq_enable(unsigned intid, bool on);
void gic_irq_priority(unsigned intid, uint8_t prio);
uint8_t gic_irq_priority_get(unsigned intid);
void gic_irq_group(unsigned intid, unsigned group);
void gic_irq_edge(unsigned intid, bool edge);
bool gic_irq_pending(unsigned intid);
bool gic_irq_active(unsigned intid);
void gic_irq_clear_pending(unsigned intid);
void gic_irq_clear_active(unsigned intid);
unsigned gic_irq_group_default(void);

/* Distributor on (both groups; GICv3 with ARE), CPU interface on with PMR pmr, EOImode 0. */
void gic_init(uint8_t pmr);
void gic_set_pmr(uint8_t pmr);
/* EOImode 1: EOI only drops the priority, gic_dir deactivates. */
void gic_set_eoimode(bool split);

/* The CPU interface: acknowledge (the IAR value; INTID gic_intid(iar)), end, deactivate. */
uint32_t gic_ack(void);
void gic_eoi(uint32_t iar);
void gic_dir(uint32_t iar);
static inline unsigned gic_intid(uint32_t iar) { return iar & 0xffffffu & (guest_gic.version == 2 ? 0x3ffu : ~0u); }

/* Unmask IRQs, give them `spins` ISBs' time to arrive, mask them again. */
void gic_irq_window(unsigned spins);

/*
 * Both groups (vgic_groups). gic_init_groups: Group 0 enabled too and
 * signalled as FIQ (GICv3: ICC_IGRPEN0_EL1; GICv2: GICC_CTLR EnableGrp1,
 * AckCtl so GICC_IAR acknowledges either group, FIQEn). The enables of one
 * group in the CPU interface (ICC_IGRPEN<g>_EL1, GICC_CTLR EnableGrp<g>)
 * and in the distributor (GICD_CTLR EnableGrp<g>). Acknowledge and end
 * through the group's registers (GICv3 ICC_IAR0/EOIR0_EL1 for Group 0;
 * GICv2 GICC_IAR/EOIR for both).
 */
void gic_init_groups(void);
void gic_cpu_group_enable(unsigned group, bool on);
void gic_dist_group_enable(unsigned group, bool on);
uint32_t gic_ack_group(unsigned group);
void gic_eoi_group(unsigned group, uint32_t iar);
/* Unmask IRQs and FIQs for `spins` ISBs, mask them again. */
void gic_irq_fiq_window(unsigned spins);

/* The interrupt-line test operations (ARM64_TEST_IRQ_*). */
void gic_line_assert(unsigned intid);
void gic_line_deassert(unsigned intid);
void gic_line_pulse(unsigned intid);

#endif
