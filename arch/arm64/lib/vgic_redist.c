/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 redistributor of one vCPU (IHI 0069, GICR_* register
 * descriptions): the RD_base frame (control, identification, wake-up) and
 * the SGI_base frame 64 KiB above it (INTIDs 0-31 of that vCPU, laid out
 * like the GICD registers for them). No LPIs: GICR_CTLR.EnableLPIs,
 * PROPBASER and PENDBASER are RAZ/WI, GICR_TYPER.PLPIS is 0.
 *
 * GICR_WAKER: ProcessorSleep resets to 1 and the guest clears it before
 * using the redistributor; ChildrenAsleep follows it at once (nothing to
 * quiesce). Delivery does not wait on it.
 */
#include "vgic_dist.h"

#include <stddef.h>

#include "vgic_dist_regs.h"
#include "vgic_mmio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t typer_read(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	const struct vgic_vm *vm = c->vm;
	uint64_t v = (uint64_t)vm->vcpu[c->rd].affinity << GICR_TYPER_AFFINITY_SHIFT;

	(void)rel;
	v |= ((uint64_t)c->rd << GICR_TYPER_PROCNUM_SHIFT) & GICR_TYPER_PROCNUM_MASK;
	if (c->rd == vm->cfg.nr_vcpus - 1)
		v |= GICR_TYPER_LAST;
	return v;
}

static uint64_t waker_read(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	(void)rel;
	return c->vm->vcpu[c->rd].rd_sleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP
					   : 0;
}

static void waker_write(struct vgic_mmio_ctx *c, uint32_t rel, uint64_t v)
{
	(void)rel;
	c->vm->vcpu[c->rd].rd_sleep = (v & GICR_WAKER_PROCESSOR_SLEEP) != 0;
}

#define PLAIN(off, r, w) { .offset = (off), .len = 4, .width = 4, .sizes = VGIC_ACC_32, .read = (r), .write = (w) }
#define BITS0(off, g, s) { .offset = (off), .len = 4, .bpi = 1, .sizes = VGIC_ACC_32, .get = (g), .set = (s) }
#define W1BITS0(off, g, s) { .offset = (off), .len = 4, .bpi = 1, .sizes = VGIC_ACC_32, .w1 = true, .get = (g), .set = (s) }

static const struct vgic_reg gicr[] = {
	PLAIN(GICR_CTLR, NULL, NULL),
	PLAIN(GICR_IIDR, vgic_mmio_read_iidr, NULL),
	{ .offset = GICR_TYPER, .len = 8, .width = 8, .sizes = VGIC_ACC_32_64, .read = typer_read },
	PLAIN(GICR_STATUSR, NULL, NULL),
	PLAIN(GICR_WAKER, waker_read, waker_write),
	{ .offset = GICR_PROPBASER, .len = 16, .width = 8, .sizes = VGIC_ACC_32_64 },
	{ .offset = VGIC_ID_BLOCK_OFFSET, .len = VGIC_ID_BLOCK_LEN, .width = 4,
	  .sizes = VGIC_ACC_32, .read = vgic_mmio_read_id },
	BITS0(GICR_IGROUPR0, vgic_mmio_get_group, vgic_mmio_set_group),
	W1BITS0(GICR_ISENABLER0, vgic_mmio_get_enabled, vgic_mmio_set_enable),
	W1BITS0(GICR_ICENABLER0, vgic_mmio_get_enabled, vgic_mmio_clear_enable),
	W1BITS0(GICR_ISPENDR0, vgic_mmio_get_pending, vgic_mmio_set_pending),
	W1BITS0(GICR_ICPENDR0, vgic_mmio_get_pending, vgic_mmio_clear_pending),
	W1BITS0(GICR_ISACTIVER0, vgic_mmio_get_active, vgic_mmio_set_active),
	W1BITS0(GICR_ICACTIVER0, vgic_mmio_get_active, vgic_mmio_clear_active),
	{ .offset = GICR_IPRIORITYR0, .len = VGIC_NR_PRIVATE, .bpi = 8, .sizes = VGIC_ACC_8_32,
	  .get = vgic_mmio_get_priority, .set = vgic_mmio_set_priority },
	{ .offset = GICR_ICFGR0, .len = 8, .bpi = 2, .sizes = VGIC_ACC_32,
	  .get = vgic_mmio_get_config, .set = vgic_mmio_set_config },
};

_Static_assert(GICR_PENDBASER == GICR_PROPBASER + 8, "PROPBASER and PENDBASER share a row");

enum vgic_mmio_status vgic_gicr_access(struct vgic_vm *vm, unsigned rd, uint32_t offset,
				       unsigned size, bool write, uint64_t *val)
{
	struct vgic_mmio_ctx c = { .vm = vm, .vcpu = rd, .rd = rd, .space = VGIC_SPACE_PRIVATE };

	if (vm->cfg.version != VGIC_V3 || rd >= vm->cfg.nr_vcpus) {
		if (!write)
			*val = 0;
		return VGIC_MMIO_BAD_FRAME;
	}
	return vgic_mmio_dispatch(gicr, ARRAY_SIZE(gicr), GICR_SIZE, &c, offset, size, write, val);
}
