/* SPDX-License-Identifier: MIT */
/* The register-table dispatcher and the shared per-interrupt accessors (see vgic_mmio.h). */
#include "vgic_mmio.h"

#include <stddef.h>

#include "vgic_dist_regs.h"

static uint64_t low_bits(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static const struct vgic_reg *find_row(const struct vgic_reg *t, unsigned rows, uint32_t off,
				       unsigned size)
{
	for (unsigned i = 0; i < rows; i++)
		if (off >= t[i].offset && off + size <= t[i].offset + t[i].len)
			return &t[i];
	return NULL;
}

static struct vgic_irq *space_irq(const struct vgic_mmio_ctx *c, unsigned intid)
{
	switch (c->space) {
	case VGIC_SPACE_BANKED:
		return vgic_get_irq(c->vm, c->vcpu, intid);
	case VGIC_SPACE_SPIS:
		return intid >= VGIC_NR_PRIVATE ? vgic_get_irq(c->vm, 0, intid) : NULL;
	case VGIC_SPACE_PRIVATE:
		return intid < VGIC_NR_PRIVATE ? vgic_get_irq(c->vm, c->rd, intid) : NULL;
	}
	return NULL;
}

/* One interrupt's share of an access: `take` bits of its field, from bit `fbit`. */
static uint64_t field_access(const struct vgic_reg *r, struct vgic_mmio_ctx *c,
			     struct vgic_irq *irq, unsigned fbit, unsigned take, bool write,
			     uint64_t part)
{
	uint64_t mask = low_bits(take) << fbit;

	if (!write)
		return r->get ? (r->get(c, irq) & mask) >> fbit : 0;
	if (r->set) {
		uint64_t f = part << fbit;

		if (take < r->bpi && r->get) /* a 32-bit half of a 64-bit field */
			f |= r->get(c, irq) & ~mask;
		r->set(c, irq, f);
	}
	return 0;
}

/* Split the access into the interrupts' fields, lowest INTID first (bpi: a power of 2). */
static uint64_t per_irq(const struct vgic_reg *r, struct vgic_mmio_ctx *c, uint32_t rel,
			unsigned size, bool write, uint64_t val)
{
	unsigned log2 = (unsigned)__builtin_ctz(r->bpi);
	uint32_t start = rel * 8, end = start + size * 8;
	uint64_t out = 0;

	for (uint32_t bit = start; bit < end;) {
		unsigned fbit = bit & (r->bpi - 1u);
		unsigned take = r->bpi - fbit < end - bit ? r->bpi - fbit : end - bit;
		unsigned shift = bit - start;
		uint64_t part = (val >> shift) & low_bits(take);
		struct vgic_irq *irq = write && r->w1 && !part ? NULL : space_irq(c, bit >> log2);

		if (irq)
			out |= field_access(r, c, irq, fbit, take, write, part) << shift;
		bit += take;
	}
	return out;
}

static uint64_t plain(const struct vgic_reg *r, struct vgic_mmio_ctx *c, uint32_t rel,
		      unsigned size, bool write, uint64_t val)
{
	uint32_t base = rel - rel % r->width;
	unsigned shift = (rel % r->width) * 8;
	uint64_t cur = r->read ? r->read(c, base) : 0;
	uint64_t mask = low_bits(size * 8) << shift;

	if (write && r->write)
		r->write(c, base, (cur & ~mask) | ((val << shift) & mask));
	return (cur & mask) >> shift;
}

enum vgic_mmio_status vgic_mmio_dispatch(const struct vgic_reg *table, unsigned rows,
					 uint32_t frame_size, struct vgic_mmio_ctx *c,
					 uint32_t offset, unsigned size, bool write, uint64_t *val)
{
	const struct vgic_reg *r;
	uint64_t in = write ? *val : 0, out;

	if (!write)
		*val = 0;
	if (size != 1 && size != 4 && size != 8)
		return VGIC_MMIO_BAD_SIZE;
	if (offset >= frame_size || frame_size - offset < size)
		return VGIC_MMIO_BAD_FRAME;
	if (offset % size)
		return VGIC_MMIO_UNALIGNED;
	r = find_row(table, rows, offset, size);
	if (!r)
		return size == 4 ? VGIC_MMIO_OK : VGIC_MMIO_BAD_SIZE; /* reserved: RAZ/WI */
	if (!(r->sizes & size))
		return VGIC_MMIO_BAD_SIZE;
	if (size < 8)
		in &= low_bits(size * 8);
	out = r->bpi ? per_irq(r, c, offset - r->offset, size, write, in)
		     : plain(r, c, offset - r->offset, size, write, in);
	if (!write)
		*val = out;
	return c->refused ? VGIC_MMIO_REFUSED : VGIC_MMIO_OK;
}

/* ---- per-interrupt accessors ---- */

static void note(struct vgic_mmio_ctx *c, bool ok)
{
	if (!ok)
		c->refused = true;
}

uint64_t vgic_mmio_get_group(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return irq->group;
}

void vgic_mmio_set_group(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	note(c, vgic_op_group(c->vm, irq, (unsigned)(f & 1)));
}

uint64_t vgic_mmio_get_enabled(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return irq->enabled;
}

void vgic_mmio_set_enable(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if (f & 1)
		note(c, vgic_op_enable(c->vm, irq, true));
}

void vgic_mmio_clear_enable(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if (f & 1)
		note(c, vgic_op_enable(c->vm, irq, false));
}

uint64_t vgic_mmio_get_pending(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return vgic_irq_is_pending(irq);
}

/* GICv2 SGIs are made pending per source, through SPENDSGIR: their bits here are WI. */
void vgic_mmio_set_pending(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if ((f & 1) && !irq->sgi_v2)
		note(c, vgic_op_set_pending(c->vm, irq));
}

void vgic_mmio_clear_pending(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if ((f & 1) && !irq->sgi_v2)
		note(c, vgic_op_clear_pending(c->vm, irq));
}

uint64_t vgic_mmio_get_active(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return vgic_irq_is_active(irq);
}

void vgic_mmio_set_active(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if (f & 1)
		note(c, vgic_op_set_active(c->vm, irq));
}

void vgic_mmio_clear_active(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if (f & 1)
		note(c, vgic_op_clear_active(c->vm, irq));
}

uint64_t vgic_mmio_get_priority(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return irq->priority;
}

void vgic_mmio_set_priority(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	note(c, vgic_op_priority(c->vm, irq, (uint8_t)f));
}

uint64_t vgic_mmio_get_config(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq)
{
	(void)c;
	return irq->trigger == VGIC_EDGE ? GICD_ICFGR_EDGE : 0;
}

/* SGIs are always edge-triggered: their fields are read-only. */
void vgic_mmio_set_config(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f)
{
	if (irq->intid >= VGIC_NR_SGIS)
		note(c, vgic_op_trigger(c->vm, irq, (f & GICD_ICFGR_EDGE) ? VGIC_EDGE : VGIC_LEVEL));
}

/* ---- identification ---- */

uint64_t vgic_mmio_read_iidr(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	(void)rel;
	return c->vm->cfg.iidr;
}

/* PIDR4-7, PIDR0-3, CIDR0-3: a part number of 0 from JEP106 Arm, ArchRev = version. */
uint64_t vgic_mmio_read_id(const struct vgic_mmio_ctx *c, uint32_t rel)
{
	static const uint8_t id[VGIC_ID_BLOCK_LEN / 4] = {
		0x04, 0x00, 0x00, 0x00,  /* PIDR4 (JEP106 continuation 4), PIDR5-7 */
		0x00, 0xb0, 0x00, 0x00,  /* PIDR0, PIDR1 (JEP106 3:0), PIDR2 (below), PIDR3 */
		0x0d, 0xf0, 0x05, 0xb1,  /* CIDR0-3 */
	};
	unsigned i = rel / 4;

	if (i >= VGIC_ID_BLOCK_LEN / 4)
		return 0;
	if (i == 6)
		return ((unsigned)c->vm->cfg.version << GIC_PIDR2_ARCHREV_SHIFT) | GIC_PIDR2_JEDEC_ARM;
	return id[i];
}
