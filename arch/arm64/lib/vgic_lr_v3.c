/* SPDX-License-Identifier: MIT */
/* GICv3 ICH_*_EL2 encodings (see vgic_lr_v3.h). */
#include "vgic_lr_v3.h"

#define GET(raw, mask, shift) ((uint32_t)(((raw) & (mask)) >> (shift)))

bool vgic_v3_lr_encode(const struct vgic_lr *lr, uint64_t *raw)
{
	bool ok = lr->state <= VGIC_LR_PENDING_ACTIVE && lr->source == 0 && !(lr->hw && lr->eoi) &&
		  (!lr->hw || (lr->pintid >= VGIC_NR_SGIS && lr->pintid <= ICH_LR_PINTID_MAX));
	uint64_t v = (uint64_t)lr->vintid << ICH_LR_VINTID_SHIFT;

	v |= (uint64_t)lr->priority << ICH_LR_PRIORITY_SHIFT;
	v |= ((uint64_t)lr->state << ICH_LR_STATE_SHIFT) & ICH_LR_STATE_MASK;
	if (lr->group1)
		v |= ICH_LR_GROUP;
	if (lr->hw)
		v |= ICH_LR_HW | (((uint64_t)lr->pintid << ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);
	else if (lr->eoi)
		v |= ICH_LR_EOI;
	*raw = v;
	return ok;
}

bool vgic_v3_lr_decode(uint64_t raw, struct vgic_lr *lr)
{
	bool hw = (raw & ICH_LR_HW) != 0;
	uint64_t res0 = ICH_LR_RES0 | ICH_LR_NMI | (hw ? 0 : ICH_LR_RES0_HW0);

	*lr = (struct vgic_lr){
		.vintid = GET(raw, ICH_LR_VINTID_MASK, ICH_LR_VINTID_SHIFT),
		.pintid = hw ? GET(raw, ICH_LR_PINTID_MASK, ICH_LR_PINTID_SHIFT) : 0,
		.state = (uint8_t)GET(raw, ICH_LR_STATE_MASK, ICH_LR_STATE_SHIFT),
		.priority = (uint8_t)GET(raw, ICH_LR_PRIORITY_MASK, ICH_LR_PRIORITY_SHIFT),
		.group1 = (raw & ICH_LR_GROUP) != 0,
		.hw = hw,
		.eoi = !hw && (raw & ICH_LR_EOI) != 0,
	};
	return (raw & res0) == 0;
}

uint64_t vgic_v3_hcr_encode(const struct vgic_hcr *hcr)
{
	uint64_t v = ((uint64_t)hcr->eoicount << ICH_HCR_EOICOUNT_SHIFT) & ICH_HCR_EOICOUNT_MASK;

	v |= hcr->en ? ICH_HCR_EN : 0;
	v |= hcr->uie ? ICH_HCR_UIE : 0;
	v |= hcr->lrenpie ? ICH_HCR_LRENPIE : 0;
	v |= hcr->npie ? ICH_HCR_NPIE : 0;
	v |= hcr->vgrp0eie ? ICH_HCR_VGRP0EIE : 0;
	v |= hcr->vgrp0die ? ICH_HCR_VGRP0DIE : 0;
	v |= hcr->vgrp1eie ? ICH_HCR_VGRP1EIE : 0;
	v |= hcr->vgrp1die ? ICH_HCR_VGRP1DIE : 0;
	v |= hcr->tdir ? ICH_HCR_TDIR : 0;
	return v;
}

/* The trap bits other than TDIR are EL2's own choice; decode ignores them. */
bool vgic_v3_hcr_decode(uint64_t raw, struct vgic_hcr *hcr)
{
	*hcr = (struct vgic_hcr){
		.en = (raw & ICH_HCR_EN) != 0,
		.uie = (raw & ICH_HCR_UIE) != 0,
		.lrenpie = (raw & ICH_HCR_LRENPIE) != 0,
		.npie = (raw & ICH_HCR_NPIE) != 0,
		.vgrp0eie = (raw & ICH_HCR_VGRP0EIE) != 0,
		.vgrp0die = (raw & ICH_HCR_VGRP0DIE) != 0,
		.vgrp1eie = (raw & ICH_HCR_VGRP1EIE) != 0,
		.vgrp1die = (raw & ICH_HCR_VGRP1DIE) != 0,
		.tdir = (raw & ICH_HCR_TDIR) != 0,
		.eoicount = (uint8_t)GET(raw, ICH_HCR_EOICOUNT_MASK, ICH_HCR_EOICOUNT_SHIFT),
	};
	return (raw & ICH_HCR_RES0) == 0;
}

bool vgic_v3_misr_decode(uint64_t raw, struct vgic_misr *misr)
{
	*misr = (struct vgic_misr){
		.eoi = (raw & ICH_MISR_EOI) != 0,
		.u = (raw & ICH_MISR_U) != 0,
		.lrenp = (raw & ICH_MISR_LRENP) != 0,
		.np = (raw & ICH_MISR_NP) != 0,
		.vgrp0e = (raw & ICH_MISR_VGRP0E) != 0,
		.vgrp0d = (raw & ICH_MISR_VGRP0D) != 0,
		.vgrp1e = (raw & ICH_MISR_VGRP1E) != 0,
		.vgrp1d = (raw & ICH_MISR_VGRP1D) != 0,
	};
	return (raw & ICH_MISR_RES0) == 0;
}

uint64_t vgic_v3_misr_encode(const struct vgic_misr *m)
{
	return (m->eoi ? ICH_MISR_EOI : 0) | (m->u ? ICH_MISR_U : 0) |
	       (m->lrenp ? ICH_MISR_LRENP : 0) | (m->np ? ICH_MISR_NP : 0) |
	       (m->vgrp0e ? ICH_MISR_VGRP0E : 0) | (m->vgrp0d ? ICH_MISR_VGRP0D : 0) |
	       (m->vgrp1e ? ICH_MISR_VGRP1E : 0) | (m->vgrp1d ? ICH_MISR_VGRP1D : 0);
}

bool vgic_v3_vtr_decode(uint64_t raw, struct vgic_v3_vtr *vtr)
{
	unsigned idbits = GET(raw, ICH_VTR_IDBITS_MASK, ICH_VTR_IDBITS_SHIFT);

	*vtr = (struct vgic_v3_vtr){
		.nr_lrs = GET(raw, ICH_VTR_LISTREGS_MASK, 0) + 1,
		.id_bits = idbits == 1 ? 24 : 16,
		.pre_bits = GET(raw, ICH_VTR_PREBITS_MASK, ICH_VTR_PREBITS_SHIFT) + 1,
		.pri_bits = GET(raw, ICH_VTR_PRIBITS_MASK, ICH_VTR_PRIBITS_SHIFT) + 1,
		.seis = (raw & ICH_VTR_SEIS) != 0,
		.a3v = (raw & ICH_VTR_A3V) != 0,
		.nv4 = (raw & ICH_VTR_NV4) != 0,
		.tds = (raw & ICH_VTR_TDS) != 0,
		.dvim = (raw & ICH_VTR_DVIM) != 0,
	};
	/* IDbits values other than 0 and 1 are reserved; LRs beyond 16 do not exist. */
	return idbits <= 1 && vtr->nr_lrs <= VGIC_LR_MAX;
}

uint64_t vgic_v3_vmcr_encode(const struct vgic_vmcr *m)
{
	uint64_t v = (uint64_t)m->pmr << ICH_VMCR_VPMR_SHIFT;

	v |= ((uint64_t)m->bpr0 << ICH_VMCR_VBPR0_SHIFT) & ICH_VMCR_VBPR0_MASK;
	v |= ((uint64_t)m->bpr1 << ICH_VMCR_VBPR1_SHIFT) & ICH_VMCR_VBPR1_MASK;
	v |= (m->eng0 ? ICH_VMCR_VENG0 : 0) | (m->eng1 ? ICH_VMCR_VENG1 : 0);
	v |= (m->ackctl ? ICH_VMCR_VACKCTL : 0) | (m->fiqen ? ICH_VMCR_VFIQEN : 0);
	v |= (m->cbpr ? ICH_VMCR_VCBPR : 0) | (m->eoim ? ICH_VMCR_VEOIM : 0);
	return v;
}

bool vgic_v3_vmcr_decode(uint64_t raw, struct vgic_vmcr *m)
{
	*m = (struct vgic_vmcr){
		.pmr = (uint8_t)GET(raw, ICH_VMCR_VPMR_MASK, ICH_VMCR_VPMR_SHIFT),
		.bpr0 = (uint8_t)GET(raw, ICH_VMCR_VBPR0_MASK, ICH_VMCR_VBPR0_SHIFT),
		.bpr1 = (uint8_t)GET(raw, ICH_VMCR_VBPR1_MASK, ICH_VMCR_VBPR1_SHIFT),
		.eng0 = (raw & ICH_VMCR_VENG0) != 0,
		.eng1 = (raw & ICH_VMCR_VENG1) != 0,
		.ackctl = (raw & ICH_VMCR_VACKCTL) != 0,
		.fiqen = (raw & ICH_VMCR_VFIQEN) != 0,
		.cbpr = (raw & ICH_VMCR_VCBPR) != 0,
		.eoim = (raw & ICH_VMCR_VEOIM) != 0,
	};
	return (raw & ICH_VMCR_RES0) == 0;
}

uint8_t vgic_v3_rpr(const uint32_t *ap0r, const uint32_t *ap1r, unsigned pre_bits)
{
	unsigned regs;

	if (pre_bits < 5 || pre_bits > 7)
		return VGIC_PRIO_IDLE;
	regs = 1u << (pre_bits - 5);
	for (unsigned r = 0; r < regs; r++) {
		uint32_t bits = ap0r[r] | ap1r[r];

		if (bits)
			return (uint8_t)((r * 32u + (unsigned)__builtin_ctz(bits)) << (8 - pre_bits));
	}
	return VGIC_PRIO_IDLE;
}
