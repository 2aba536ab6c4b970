/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 distributor (IHI 0048B section 4.3), without the Security
 * Extensions: both groups, GICD_CTLR.EnableGrp0/1, INTIDs 0-31 banked per
 * accessing CPU, SGIs pending per source. The table for vgic_gicd_access()
 * on a GICv2 VM.
 */
#include "vgic_dist.h"

#include <stddef.h>

#include "vgic_dist_regs.h"
#include "vgic_mmio.h"
#include "vgic_sgi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t ctlr_read(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	(void)rel;
	return (c->vm->grp_en[0] ? GICD_CTLR_ENABLE_GRP0 : 0) |
	       (c->vm->grp_en[1] ? GICD_CTLR_ENABLE_GRP1 : 0);
}

static void ctlr_write(struct vgic_mmio_ctx *c, uint32_t rel, uint64_t v)
{
	(void)rel;
	vgic_op_dist_enable(c->vm, 0, (v & GICD_CTLR_ENABLE_GRP0) != 0);
	vgic_op_dist_enable(c->vm, 1, (v & GICD_CTLR_ENABLE_GRP1) != 0);
}

static uint64_t typer_read(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	const struct vgic_cfg *cfg = &c->vm->cfg;

	(void)rel;
	return ((vgic_nr_irqs(c->vm) / 32 - 1) & GICD_TYPER_ITLINES_MASK) |
	       ((cfg->nr_vcpus - 1) << GICD_TYPER_CPUNUMBER_SHIFT);
}

static void sgir_write(struct vgic_mmio_ctx *c, uint32_t rel, uint64_t v)
{
	(void)rel;
	if (vgic_v2_sgir(c->vm, c->vcpu, (uint32_t)v) < 0)
		c->refused = true;
}

/*
 * ITARGETSR: a CPU mask per SPI, read-only for INTIDs 0-31 (each reads as
 * the accessor's own bit). On a uniprocessor VM the registers are RAZ/WI
 * and everything targets CPU 0.
 */
static uint64_t targets_get(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	if (c->vm->cfg.nr_vcpus == 1)
		return 0;
	if (irq->intid < VGIC_NR_PRIVATE)
		return 1u << c->vcpu;
	return irq->route;
}

static void targets_set(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	uint64_t cpus = (1u << c->vm->cfg.nr_vcpus) - 1;

	if (c->vm->cfg.nr_vcpus > 1 && irq->intid >= VGIC_NR_PRIVATE &&
	    !vgic_op_route(c->vm, irq, f & cpus))
		c->refused = true;
}

/* CPENDSGIR / SPENDSGIR: a byte per SGI, a bit per source CPU. */
static uint64_t sgi_sources_get(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	uint8_t s = irq->sources;

	(void)c;
	if (irq->lr_took == VGIC_TOOK_SOURCE)
		s |= (uint8_t)(1u << irq->lr_source); /* held by an LR, pending still */
	return s;
}

static void sgi_sources_set(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	for (unsigned s = 0; s < c->vm->cfg.nr_vcpus; s++)
		if ((f & (1u << s)) && !vgic_op_sgi_source(c->vm, irq, s))
			c->refused = true;
}

static void sgi_sources_clear(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if ((f & 0xff) && !vgic_op_sgi_clear(c->vm, irq, (uint8_t)f))
		c->refused = true;
}

#define BITS(off, g, s) { .offset = (off), .len = GICD_BITS_LEN, .bpi = 1, .sizes = VGIC_ACC_32, .get = (g), .set = (s) }
#define W1BITS(off, g, s) { .offset = (off), .len = GICD_BITS_LEN, .bpi = 1, .sizes = VGIC_ACC_32, .w1 = true, .get = (g), .set = (s) }
#define PLAIN(off, r, w) { .offset = (off), .len = 4, .width = 4, .sizes = VGIC_ACC_32, .read = (r), .write = (w) }

static const struct vgic_reg gicd_v2[] = {
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
	{ .offset = GICD_ITARGETSR, .len = GICD_BYTES_LEN - 4, .bpi = 8, .sizes = VGIC_ACC_8_32,
	  .get = targets_get, .set = targets_set },
	{ .offset = GICD_ICFGR, .len = GICD_CFG_LEN, .bpi = 2, .sizes = VGIC_ACC_32,
	  .get = vgic_mmio_get_config, .set = vgic_mmio_set_config },
	PLAIN(GICD_SGIR, NULL, sgir_write),
	{ .offset = GICD_CPENDSGIR, .len = GICD_SGI_BYTES_LEN, .bpi = 8, .sizes = VGIC_ACC_8_32,
	  .w1 = true, .get = sgi_sources_get, .set = sgi_sources_clear },
	{ .offset = GICD_SPENDSGIR, .len = GICD_SGI_BYTES_LEN, .bpi = 8, .sizes = VGIC_ACC_8_32,
	  .w1 = true, .get = sgi_sources_get, .set = sgi_sources_set },
	{ .offset = VGIC_ID_BLOCK_OFFSET - 0xf000, .len = VGIC_ID_BLOCK_LEN, .width = 4,
	  .sizes = VGIC_ACC_32, .read = vgic_mmio_read_id },
};

_Static_assert(VGIC_ID_BLOCK_OFFSET - 0xf000 + 0x18 == GICD_PIDR2_V2 &&
		       VGIC_ID_BLOCK_OFFSET - 0xf000 + 0x20 == GICD_CIDR0_V2,
	       "the GICv2 ID block sits at 0xfd0: PIDR2 at 0xfe8, CIDR0 at 0xff0");

enum vgic_mmio_status vgic_gicd_v2_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
					  unsigned size, bool write, uint64_t *val)
{
	struct vgic_mmio_ctx c = { .vm = vm, .vcpu = vcpu, .space = VGIC_SPACE_BANKED };

	return vgic_mmio_dispatch(gicd_v2, ARRAY_SIZE(gicd_v2), GICD_V2_SIZE, &c, offset, size,
				  write, val);
}
