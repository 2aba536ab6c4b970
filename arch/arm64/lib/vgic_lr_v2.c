/* SPDX-License-Identifier: MIT */
/* GICv2 GICH encodings (see vgic_lr_v2.h). */
#include "vgic_lr_v2.h"

#define GET(raw, mask, shift) (((raw) & (mask)) >> (shift))
#define PRIO_LOW_BITS ((1u << GICH_LR_PRIORITY_DROP) - 1)

bool vgic_v2_lr_encode(const struct vgic_lr *lr, uint32_t *raw)
{
	bool ok = lr->state <= VGIC_LR_PENDING_ACTIVE && lr->vintid <= GICH_LR_ID_MAX &&
		  !(lr->priority & PRIO_LOW_BITS) && !(lr->hw && (lr->eoi || lr->source)) &&
		  lr->source <= GICH_LR_CPUID_MASK >> GICH_LR_CPUID_SHIFT &&
		  (!lr->hw || (lr->pintid >= VGIC_NR_SGIS && lr->pintid <= GICH_LR_ID_MAX));
	uint32_t v = (lr->vintid << GICH_LR_VIRTUALID_SHIFT) & GICH_LR_VIRTUALID_MASK;

	v |= ((uint32_t)(lr->priority >> GICH_LR_PRIORITY_DROP) << GICH_LR_PRIORITY_SHIFT) &
	     GICH_LR_PRIORITY_MASK;
	v |= ((uint32_t)lr->state << GICH_LR_STATE_SHIFT) & GICH_LR_STATE_MASK;
	if (lr->group1)
		v |= GICH_LR_GRP1;
	if (lr->hw) {
		v |= GICH_LR_HW | ((lr->pintid << GICH_LR_PHYSICALID_SHIFT) & GICH_LR_PHYSICALID_MASK);
	} else {
		v |= ((uint32_t)lr->source << GICH_LR_CPUID_SHIFT) & GICH_LR_CPUID_MASK;
		if (lr->eoi)
			v |= GICH_LR_EOI;
	}
	*raw = v;
	return ok;
}

bool vgic_v2_lr_decode(uint32_t raw, struct vgic_lr *lr)
{
	bool hw = (raw & GICH_LR_HW) != 0;
	uint32_t res0 = GICH_LR_RES0 | (hw ? 0 : GICH_LR_RES0_HW0);

	*lr = (struct vgic_lr){
		.vintid = GET(raw, GICH_LR_VIRTUALID_MASK, GICH_LR_VIRTUALID_SHIFT),
		.pintid = hw ? GET(raw, GICH_LR_PHYSICALID_MASK, GICH_LR_PHYSICALID_SHIFT) : 0,
		.state = (uint8_t)GET(raw, GICH_LR_STATE_MASK, GICH_LR_STATE_SHIFT),
		.priority = (uint8_t)(GET(raw, GICH_LR_PRIORITY_MASK, GICH_LR_PRIORITY_SHIFT)
				      << GICH_LR_PRIORITY_DROP),
		.source = hw ? 0 : (uint8_t)GET(raw, GICH_LR_CPUID_MASK, GICH_LR_CPUID_SHIFT),
		.group1 = (raw & GICH_LR_GRP1) != 0,
		.hw = hw,
		.eoi = !hw && (raw & GICH_LR_EOI) != 0,
	};
	return (raw & res0) == 0;
}

uint32_t vgic_v2_hcr_encode(const struct vgic_hcr *hcr)
{
	uint32_t v = ((uint32_t)hcr->eoicount << GICH_HCR_EOICOUNT_SHIFT) & GICH_HCR_EOICOUNT_MASK;

	v |= hcr->en ? GICH_HCR_EN : 0;
	v |= hcr->uie ? GICH_HCR_UIE : 0;
	v |= hcr->lrenpie ? GICH_HCR_LRENPIE : 0;
	v |= hcr->npie ? GICH_HCR_NPIE : 0;
	v |= hcr->vgrp0eie ? GICH_HCR_VGRP0EIE : 0;
	v |= hcr->vgrp0die ? GICH_HCR_VGRP0DIE : 0;
	v |= hcr->vgrp1eie ? GICH_HCR_VGRP1EIE : 0;
	v |= hcr->vgrp1die ? GICH_HCR_VGRP1DIE : 0;
	return v;
}

bool vgic_v2_hcr_decode(uint32_t raw, struct vgic_hcr *hcr)
{
	*hcr = (struct vgic_hcr){
		.en = (raw & GICH_HCR_EN) != 0,
		.uie = (raw & GICH_HCR_UIE) != 0,
		.lrenpie = (raw & GICH_HCR_LRENPIE) != 0,
		.npie = (raw & GICH_HCR_NPIE) != 0,
		.vgrp0eie = (raw & GICH_HCR_VGRP0EIE) != 0,
		.vgrp0die = (raw & GICH_HCR_VGRP0DIE) != 0,
		.vgrp1eie = (raw & GICH_HCR_VGRP1EIE) != 0,
		.vgrp1die = (raw & GICH_HCR_VGRP1DIE) != 0,
		.eoicount = (uint8_t)GET(raw, GICH_HCR_EOICOUNT_MASK, GICH_HCR_EOICOUNT_SHIFT),
	};
	return (raw & GICH_HCR_RES0) == 0;
}

/* The MISR bits sit where ICH_MISR_EL2 has them: bit n is the n-th field. */
uint32_t vgic_v2_misr_encode(const struct vgic_misr *m)
{
	return (uint32_t)m->eoi | (uint32_t)m->u << 1 | (uint32_t)m->lrenp << 2 |
	       (uint32_t)m->np << 3 | (uint32_t)m->vgrp0e << 4 | (uint32_t)m->vgrp0d << 5 |
	       (uint32_t)m->vgrp1e << 6 | (uint32_t)m->vgrp1d << 7;
}

bool vgic_v2_misr_decode(uint32_t raw, struct vgic_misr *m)
{
	*m = (struct vgic_misr){
		.eoi = raw & 1u,
		.u = (raw >> 1) & 1u,
		.lrenp = (raw >> 2) & 1u,
		.np = (raw >> 3) & 1u,
		.vgrp0e = (raw >> 4) & 1u,
		.vgrp0d = (raw >> 5) & 1u,
		.vgrp1e = (raw >> 6) & 1u,
		.vgrp1d = (raw >> 7) & 1u,
	};
	return (raw & GICH_MISR_RES0) == 0;
}

bool vgic_v2_vtr_decode(uint32_t raw, struct vgic_v2_vtr *vtr)
{
	*vtr = (struct vgic_v2_vtr){
		.nr_lrs = GET(raw, GICH_VTR_LISTREGS_MASK, 0) + 1,
		.pre_bits = GET(raw, GICH_VTR_PREBITS_MASK, GICH_VTR_PREBITS_SHIFT) + 1,
		.pri_bits = GET(raw, GICH_VTR_PRIBITS_MASK, GICH_VTR_PRIBITS_SHIFT) + 1,
	};
	return vtr->nr_lrs <= VGIC_LR_MAX; /* a bank of up to 64 is legal; Anvil uses 16 */
}

uint32_t vgic_v2_vmcr_encode(const struct vgic_vmcr *m)
{
	uint32_t v = ((uint32_t)(m->pmr >> GICH_LR_PRIORITY_DROP) << GICH_VMCR_VMPRIMASK_SHIFT) &
		     GICH_VMCR_VMPRIMASK_MASK;

	v |= ((uint32_t)m->bpr0 << GICH_VMCR_VMBP_SHIFT) & GICH_VMCR_VMBP_MASK;
	v |= ((uint32_t)m->bpr1 << GICH_VMCR_VMABP_SHIFT) & GICH_VMCR_VMABP_MASK;
	v |= (m->eng0 ? GICH_VMCR_VMGRP0EN : 0) | (m->eng1 ? GICH_VMCR_VMGRP1EN : 0);
	v |= (m->ackctl ? GICH_VMCR_VMACKCTL : 0) | (m->fiqen ? GICH_VMCR_VMFIQEN : 0);
	v |= (m->cbpr ? GICH_VMCR_VMCBPR : 0) | (m->eoim ? GICH_VMCR_VEM : 0);
	return v;
}

bool vgic_v2_vmcr_decode(uint32_t raw, struct vgic_vmcr *m)
{
	*m = (struct vgic_vmcr){
		.pmr = (uint8_t)(GET(raw, GICH_VMCR_VMPRIMASK_MASK, GICH_VMCR_VMPRIMASK_SHIFT)
				 << GICH_LR_PRIORITY_DROP),
		.bpr0 = (uint8_t)GET(raw, GICH_VMCR_VMBP_MASK, GICH_VMCR_VMBP_SHIFT),
		.bpr1 = (uint8_t)GET(raw, GICH_VMCR_VMABP_MASK, GICH_VMCR_VMABP_SHIFT),
		.eng0 = (raw & GICH_VMCR_VMGRP0EN) != 0,
		.eng1 = (raw & GICH_VMCR_VMGRP1EN) != 0,
		.ackctl = (raw & GICH_VMCR_VMACKCTL) != 0,
		.fiqen = (raw & GICH_VMCR_VMFIQEN) != 0,
		.cbpr = (raw & GICH_VMCR_VMCBPR) != 0,
		.eoim = (raw & GICH_VMCR_VEM) != 0,
	};
	return (raw & GICH_VMCR_RES0) == 0;
}

uint32_t vgic_v2_elrsr(const struct vgic_lr *lr, unsigned n, unsigned w)
{
	return w == 0 ? vgic_lr_elrsr(lr, n) : 0; /* at most 16 LRs here */
}

uint32_t vgic_v2_eisr(const struct vgic_lr *lr, unsigned n, unsigned w)
{
	return w == 0 ? vgic_lr_eisr(lr, n) : 0;
}

uint8_t vgic_v2_rpr(uint32_t apr)
{
	if (!apr)
		return VGIC_PRIO_IDLE;
	return (uint8_t)((unsigned)__builtin_ctz(apr) << GICH_LR_PRIORITY_DROP);
}
