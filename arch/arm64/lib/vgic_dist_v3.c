/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 distributor (IHI 0069, GICD_* register descriptions) with
 * affinity routing on and one security state: GICD_CTLR.ARE and DS read
 * as 1 and ignore writes; INTIDs 0-31 live in the redistributors, so their
 * GICD bits are RAZ/WI; SPIs are routed by GICD_IROUTER<n>. ITARGETSR,
 * SGIR and the SGI pending registers are RAZ/WI, as the architecture has
 * them with ARE set. No LPIs, no message-based SPIs, no extended ranges.
 */
#include "vgic_dist.h"

#include <stddef.h>

#include "vgic_dist_regs.h"
#include "vgic_mmio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define V3_ID_BITS 10u /* INTIDs below 1024 */

static uint64_t ctlr_read(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	(void)rel;
	return (c->vm->grp_en[0] ? GICD_CTLR_ENABLE_GRP0 : 0) |
	       (c->vm->grp_en[1] ? GICD_CTLR_ENABLE_GRP1 : 0) | GICD_CTLR_ARE | GICD_CTLR_DS;
}

static void ctlr_write(struct vgic_mmio_ctx *c, uint32_t rel, uint64_t v)
{
	(void)rel;
	vgic_op_dist_enable(c->vm, 0, (v & GICD_CTLR_ENABLE_GRP0) != 0);
	vgic_op_dist_enable(c->vm, 1, (v & GICD_CTLR_ENABLE_GRP1) != 0);
}

/* ITLinesNumber and IDbits; CPUNumber is for ARE = 0, SecurityExtn 0 with DS. */
static uint64_t typer_read(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	(void)rel;
	return ((vgic_nr_irqs(c->vm) / 32 - 1) & GICD_TYPER_ITLINES_MASK) |
	       ((V3_ID_BITS - 1) << GICD_TYPER_IDBITS_SHIFT);
}

static uint64_t irouter_get(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return irq->route;
}

static void irouter_set(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if (!vgic_op_route(c->vm, irq, f & GICD_IROUTER_RW))
		c->refused = true;
}

#define BITS(off, g, s) { .offset = (off), .len = GICD_BITS_LEN, .bpi = 1, .sizes = VGIC_ACC_32, .get = (g), .set = (s) }
#define W1BITS(off, g, s) { .offset = (off), .len = GICD_BITS_LEN, .bpi = 1, .sizes = VGIC_ACC_32, .w1 = true, .get = (g), .set = (s) }
#define PLAIN(off, r, w) { .offset = (off), .len = 4, .width = 4, .sizes = VGIC_ACC_32, .read = (r), .write = (w) }

static const struct vgic_reg gicd_v3[] = {
	PLAIN(GICD_CTLR, ctlr_read, ctlr_write),
	PLAIN(GICD_TYPER, typer_read, NULL),
	PLAIN(GICD_IIDR, vgic_mmio_read_iidr, NULL),
	BITS(GICD_IGROUPR, vgic_mmio_get_group, vgic_mmio_set_group),
	W1BITS(GICD_ISENABLER, vgic_mmio_get_enabled, vgic_mmio_set_enable),
	W1BITS(GICD_ICENABLER, vgic_mmio_get_enabled, vgic_mmio_clear_enable),
	W1BITS(GICD_ISPENDR, vgic_mmio_get_pending, vgic_mmio_set_pending),
	W1BITS(GICD_ICPENDR, vgic_mmio_get_pending, vgic_mmio_clear_pending),
	W1BITS(GICD_ISACTIVER, vgic_mmio_get_active, vgic_mmio_set_active),
	W1BITS(GICD_ICACTIVER, vgic_mmio_get_active, vgic_mmio_clear_active),
	{ .offset = GICD_IPRIORITYR, .len = GICD_BYTES_LEN - 4, .bpi = 8, .sizes = VGIC_ACC_8_32,
	  .get = vgic_mmio_get_priority, .set = vgic_mmio_set_priority },
	/* RES0 with affinity routing, still byte-accessible */
	{ .offset = GICD_ITARGETSR, .len = GICD_BYTES_LEN - 4, .bpi = 8, .sizes = VGIC_ACC_8_32 },
	{ .offset = GICD_ICFGR, .len = GICD_CFG_LEN, .bpi = 2, .sizes = VGIC_ACC_32,
	  .get = vgic_mmio_get_config, .set = vgic_mmio_set_config },
	{ .offset = GICD_IROUTER, .len = GICD_IROUTER_LEN - 4 * 8, .bpi = 64,
	  .sizes = VGIC_ACC_32_64, .get = irouter_get, .set = irouter_set },
	{ .offset = VGIC_ID_BLOCK_OFFSET, .len = VGIC_ID_BLOCK_LEN, .width = 4,
	  .sizes = VGIC_ACC_32, .read = vgic_mmio_read_id },
};

_Static_assert(VGIC_ID_BLOCK_OFFSET + 0x18 == GICD_PIDR2 && VGIC_ID_BLOCK_OFFSET + 0x20 == GICD_CIDR0,
	       "the GICv3 ID block sits at 0xffd0: PIDR2 at 0xffe8, CIDR0 at 0xfff0");

enum vgic_mmio_status vgic_gicd_v3_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
					  unsigned size, bool write, uint64_t *val)
{
	struct vgic_mmio_ctx c = { .vm = vm, .vcpu = vcpu, .space = VGIC_SPACE_SPIS };

	return vgic_mmio_dispatch(gicd_v3, ARRAY_SIZE(gicd_v3), GICD_V3_SIZE, &c, offset, size,
				  write, val);
}
