/* SPDX-License-Identifier: MIT */
/* SGI generation (see vgic_sgi.h). */
#include "vgic_sgi.h"

#include "vgic_dist_regs.h"

static uint32_t v2_targets(const struct vgic_vm *vm, unsigned src, uint32_t value)
{
	uint32_t all = (1u << vm->cfg.nr_vcpus) - 1;

	switch ((value & GICD_SGIR_FILTER_MASK) >> GICD_SGIR_FILTER_SHIFT) {
	case GICD_SGIR_FILTER_LIST:
		return ((value & GICD_SGIR_TARGETS_MASK) >> GICD_SGIR_TARGETS_SHIFT) & all;
	case GICD_SGIR_FILTER_OTHERS:
		return all & ~(1u << src);
	case GICD_SGIR_FILTER_SELF:
		return 1u << src;
	default:
		return 0; /* reserved: the write does nothing */
	}
}

int vgic_v2_sgir(struct vgic_vm *vm, unsigned src, uint32_t value)
{
	unsigned intid = value & GICD_SGIR_INTID_MASK;
	uint32_t targets;
	int n = 0;

	if (vm->cfg.version != VGIC_V2 || src >= vm->cfg.nr_vcpus)
		return VGIC_E_CONFIG;
	targets = v2_targets(vm, src, value);
	for (unsigned t = 0; t < vm->cfg.nr_vcpus; t++) {
		if (!(targets & (1u << t)))
			continue;
		if (!vgic_op_sgi_source(vm, &vm->vcpu[t].priv[intid], src))
			return VGIC_E_REFUSED;
		n++;
	}
	return n;
}

/* Whether vCPU t is named by a non-IRM ICC_SGI<n>R_EL1 value. */
static bool v3_named(const struct vgic_vm *vm, unsigned t, uint64_t value)
{
	uint32_t aff = vm->vcpu[t].affinity;
	uint32_t upper = (uint32_t)((value >> ICC_SGI1R_AFF3_SHIFT) & 0xff) << 24 |
			 (uint32_t)((value >> ICC_SGI1R_AFF2_SHIFT) & 0xff) << 16 |
			 (uint32_t)((value >> ICC_SGI1R_AFF1_SHIFT) & 0xff) << 8;
	unsigned rs = (unsigned)((value & ICC_SGI1R_RS_MASK) >> ICC_SGI1R_RS_SHIFT);
	unsigned aff0 = aff & 0xff;

	if ((aff & 0xffffff00u) != upper || aff0 / 16 != rs)
		return false;
	return (value & ICC_SGI1R_TARGETS_MASK & (1ull << (aff0 % 16))) != 0;
}

int vgic_v3_sgi(struct vgic_vm *vm, unsigned src, uint64_t value, unsigned group)
{
	unsigned intid = (unsigned)((value & ICC_SGI1R_INTID_MASK) >> ICC_SGI1R_INTID_SHIFT);
	bool irm = (value & ICC_SGI1R_IRM) != 0;
	int n = 0;

	if (vm->cfg.version != VGIC_V3 || src >= vm->cfg.nr_vcpus)
		return VGIC_E_CONFIG;
	for (unsigned t = 0; t < vm->cfg.nr_vcpus; t++) {
		struct vgic_irq *irq = &vm->vcpu[t].priv[intid];
		bool named = irm ? t != src : v3_named(vm, t, value);

		if (!named || irq->group != (group & 1))
			continue;
		if (!vgic_op_set_pending(vm, irq))
			return VGIC_E_REFUSED;
		n++;
	}
	return n;
}
