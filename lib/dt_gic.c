// SPDX-License-Identifier: MIT
/*
 * The GIC (v2: GICD, GICC [, GICH, GICV]; v3: GICD, redistributor regions
 * [, GICC, GICH, GICV]), its maintenance interrupt, interrupt specifiers,
 * and the architected timer's interrupts decoded against it.
 */
#include "dt_internal.h"

#include <anvil/strbuf.h>

#include <libfdt.h>
#include <string.h>

/* ---- Interrupt specifiers ---- */

/* Decode one GIC specifier <type number flags [partition]> of what. */
static int irq_decode(const struct dt_ctx *c, int node, const fdt32_t *spec, const char *what,
		      struct dt_irq *irq)
{
	static const struct {
		uint32_t max, base;
		bool v3_only;
	} types[] = {
		[DT_IRQ_SPI] = { 987, 32, false },
		[DT_IRQ_PPI] = { 15, 16, false },
		[DT_IRQ_ESPI] = { 1023, 4096, true },
		[DT_IRQ_EPPI] = { 63, 1056, true },
	};
	uint32_t type = fdt32_ld(spec), num = fdt32_ld(spec + 1), flags = fdt32_ld(spec + 2);
	bool v3 = c->out->gic.version == DT_GIC_V3;
	struct strbuf sb;

	if (type >= sizeof(types) / sizeof(types[0]) || (types[type].v3_only && !v3)) {
		dt_err_begin(c, &sb, node);
		sb_str(&sb, what);
		sb_str(&sb, ": interrupt type ");
		sb_dec(&sb, type);
		sb_str(&sb, v3 ? " is not SPI (0), PPI (1), ESPI (2) or EPPI (3)" : " is not SPI (0) or PPI (1)");
		return -1;
	}
	if (num > types[type].max) {
		dt_err_begin(c, &sb, node);
		sb_str(&sb, what);
		sb_str(&sb, ": interrupt number ");
		sb_dec(&sb, num);
		sb_str(&sb, " is out of range for its type (0..");
		sb_dec(&sb, types[type].max);
		sb_char(&sb, ')');
		return -1;
	}
	irq->present = true;
	irq->type = (enum dt_irq_type)type;
	irq->number = num;
	irq->intid = types[type].base + num;
	irq->trigger = flags & DT_IRQ_TRIGGER_MASK;
	irq->cpu_mask = (!v3 && type == DT_IRQ_PPI) ? (flags >> 8) & 0xffu : 0;
	return 0;
}

/* The interrupts property of node: *count specifiers of the GIC's #interrupt-cells. */
static int irq_list(const struct dt_ctx *c, int node, const fdt32_t **list, unsigned *count)
{
	unsigned cells = c->out->gic.interrupt_cells;
	int len;

	*count = 0;
	*list = fdt_getprop(c->fdt, node, "interrupts", &len);
	if (!*list)
		return len == -FDT_ERR_NOTFOUND ? 0 : dt_fail_fdt(c, node, "interrupts", len);
	if ((unsigned)len % (cells * 4u))
		return dt_fail_num(c, node, "interrupts is ", (uint64_t)len,
				   " bytes, not a multiple of the GIC's #interrupt-cells");
	*count = (unsigned)len / (cells * 4u);
	return 0;
}

/* The node node's interrupt-parent resolves to (Devicetree Specification 2.4.1), in *parent. */
static int interrupt_parent(const struct dt_ctx *c, int node, int *parent)
{
	for (int n = node; n >= 0; n = fdt_parent_offset(c->fdt, n)) {
		uint32_t phandle;

		if (dt_get_u32(c, n, "interrupt-parent", 0, &phandle))
			return -1;
		if (!phandle)
			continue;
		*parent = fdt_node_offset_by_phandle(c->fdt, phandle);
		if (*parent < 0)
			return dt_fail_num(c, n, "interrupt-parent ", phandle, " is no node's phandle");
		return 0;
	}
	return dt_fail(c, node, "no interrupt-parent on it or any parent");
}

/* ---- GIC ---- */

static const struct {
	const char *compatible;
	enum dt_gic_version version;
} gic_compat[] = {
	{ "arm,gic-v3", DT_GIC_V3 },
	{ "arm,gic-400", DT_GIC_V2 },
	{ "arm,cortex-a15-gic", DT_GIC_V2 },
};

static int gic_find(const struct dt_ctx *c, enum dt_gic_version *v)
{
	for (size_t i = 0; i < sizeof(gic_compat) / sizeof(gic_compat[0]); i++) {
		int node;

		for (node = fdt_node_offset_by_compatible(c->fdt, -1, gic_compat[i].compatible);
		     node >= 0;
		     node = fdt_node_offset_by_compatible(c->fdt, node, gic_compat[i].compatible))
			if (dt_enabled(c, node)) {
				*v = gic_compat[i].version;
				return node;
			}
	}
	return -1;
}

static int gic_v3_regs(const struct dt_ctx *c, int node, const struct dt_reg *r)
{
	struct dt_gic *g = &c->out->gic;
	uint32_t nr;
	unsigned need;

	if (dt_get_u32(c, node, "#redistributor-regions", 1, &nr))
		return -1;
	if (nr < 1 || nr > DT_MAX_GICR)
		return dt_fail_num(c, node, "#redistributor-regions is ", nr, ": 1..8 are supported");
	need = 1u + nr;
	if (r->count < need) {
		struct strbuf sb;

		dt_err_begin(c, &sb, node);
		sb_str(&sb, "GICv3 reg has ");
		sb_dec(&sb, r->count);
		sb_str(&sb, r->count == 1 ? " entry, needs " : " entries, needs ");
		sb_dec(&sb, need);
		sb_str(&sb, " (GICD and ");
		sb_dec(&sb, nr);
		sb_str(&sb, " redistributor region");
		sb_str(&sb, nr == 1 ? ")" : "s)");
		return -1;
	}
	g->gicr_count = nr;
	if (dt_reg_get(c, r, 0, &g->gicd))
		return -1;
	for (unsigned i = 0; i < nr; i++)
		if (dt_reg_get(c, r, 1 + i, &g->gicr[i]))
			return -1;
	/* Optional GICv2-compatible CPU interface, hypervisor and virtual CPU interfaces. */
	if ((r->count > need && dt_reg_get(c, r, need, &g->gicc)) ||
	    (r->count > need + 1 && dt_reg_get(c, r, need + 1, &g->gich)) ||
	    (r->count > need + 2 && dt_reg_get(c, r, need + 2, &g->gicv)))
		return -1;
	return 0;
}

static int gic_v2_regs(const struct dt_ctx *c, int node, const struct dt_reg *r)
{
	struct dt_gic *g = &c->out->gic;

	if (r->count < 2)
		return dt_fail_num(c, node, "GICv2 reg has ", r->count,
				   r->count == 1 ? " entry, needs at least 2 (GICD, GICC)"
						 : " entries, needs at least 2 (GICD, GICC)");
	if (dt_reg_get(c, r, 0, &g->gicd) || dt_reg_get(c, r, 1, &g->gicc))
		return -1;
	/* GICH and GICV only with the virtualization extensions (QEMU: virtualization=on). */
	if ((r->count > 2 && dt_reg_get(c, r, 2, &g->gich)) || (r->count > 3 && dt_reg_get(c, r, 3, &g->gicv)))
		return -1;
	g->virt = r->count > 3;
	return 0;
}

int dt_parse_gic(struct dt_ctx *c)
{
	struct dt_gic *g = &c->out->gic;
	enum dt_gic_version v = DT_GIC_NONE;
	int node = gic_find(c, &v), rc;
	uint32_t cells;
	const fdt32_t *irqs;
	unsigned count;
	struct dt_reg r;

	if (node < 0)
		return 0;
	g->version = v;
	c->gic_node = node;
	rc = fdt_get_path(c->fdt, node, g->path, sizeof(g->path));
	if (rc)
		return dt_fail_fdt(c, node, "GIC path", rc);
	if (dt_get_u32(c, node, "#interrupt-cells", 0, &cells))
		return -1;
	if (cells != 3 && !(cells == 4 && v == DT_GIC_V3))
		return dt_fail_num(c, node, "#interrupt-cells is ", cells,
				   v == DT_GIC_V3 ? ", not 3 or 4" : ", not 3");
	g->interrupt_cells = cells;
	if (dt_reg_open(c, node, true, &r) ||
	    (v == DT_GIC_V3 ? gic_v3_regs(c, node, &r) : gic_v2_regs(c, node, &r)))
		return -1;
	/* The maintenance interrupt, listed when the virtualization parts are there. */
	if (irq_list(c, node, &irqs, &count))
		return -1;
	if (count && irq_decode(c, node, irqs, "maintenance interrupt", &g->maintenance))
		return -1;
	if (v == DT_GIC_V3)
		g->virt = g->maintenance.present;
	return 0;
}

/* ---- Architected timer ---- */

int dt_parse_timer(const struct dt_ctx *c)
{
	struct dt_timer *t = &c->out->timer;
	static const char *const names[] = { "secure physical timer", "physical timer",
					     "virtual timer", "hypervisor physical timer",
					     "hypervisor virtual timer" };
	struct dt_irq *slot[] = { &t->sec_phys, &t->phys, &t->virt, &t->hyp_phys, &t->hyp_virt };
	int node = fdt_node_offset_by_compatible(c->fdt, -1, "arm,armv8-timer"), parent;
	const fdt32_t *irqs;
	unsigned count, cells = c->out->gic.interrupt_cells;

	if (node < 0)
		node = fdt_node_offset_by_compatible(c->fdt, -1, "arm,armv7-timer");
	if (node < 0 || !dt_enabled(c, node))
		return 0;
	if (c->gic_node < 0)
		return dt_fail(c, node, "no GIC to decode the timer's interrupts with");
	if (interrupt_parent(c, node, &parent))
		return -1;
	if (parent != c->gic_node)
		return dt_fail(c, node, "its interrupt-parent is not the GIC");
	if (irq_list(c, node, &irqs, &count))
		return -1;
	if (count < 4)
		return dt_fail_num(c, node, "timer has ", count,
				   " interrupts, needs 4 (secure physical, physical, virtual, "
				   "hypervisor physical)");
	for (unsigned i = 0; i < count && i < 5; i++)
		if (irq_decode(c, node, irqs + i * cells, names[i], slot[i]))
			return -1;
	t->present = true;
	t->always_on = fdt_getprop(c->fdt, node, "always-on", NULL) != NULL;
	return 0;
}
