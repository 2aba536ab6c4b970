/* SPDX-License-Identifier: MIT */
/*
 * The abstract LR bank (see vgic_lr.h): its phases, and the status the
 * hardware derives from the LRs.
 */
#include "vgic_lr.h"

#include <string.h>

void vgic_bank_init(struct vgic_lr_bank *bank, unsigned nr)
{
	memset(bank, 0, sizeof(*bank));
	bank->nr = nr > VGIC_LR_MAX ? VGIC_LR_MAX : nr;
	bank->phase = VGIC_BANK_FOLDED;
}

bool vgic_bank_load(struct vgic_lr_bank *bank)
{
	if (bank->phase != VGIC_BANK_FOLDED) {
		bank->refused++;
		return false;
	}
	bank->phase = VGIC_BANK_LOADED;
	return true;
}

bool vgic_bank_unload(struct vgic_lr_bank *bank)
{
	if (bank->phase != VGIC_BANK_LOADED) {
		bank->refused++;
		return false;
	}
	bank->phase = VGIC_BANK_FOLDED;
	return true;
}

uint32_t vgic_lr_elrsr(const struct vgic_lr *lr, unsigned n)
{
	uint32_t mask = 0;

	for (unsigned k = 0; k < n && k < 32; k++)
		if (vgic_lr_is_empty(&lr[k]))
			mask |= 1u << k;
	return mask;
}

uint32_t vgic_lr_eisr(const struct vgic_lr *lr, unsigned n)
{
	uint32_t mask = 0;

	for (unsigned k = 0; k < n && k < 32; k++)
		if (vgic_lr_signals_eoi(&lr[k]))
			mask |= 1u << k;
	return mask;
}

struct vgic_misr vgic_misr_compute(const struct vgic_lr *lr, unsigned n,
				   const struct vgic_hcr *hcr, const struct vgic_vmcr *vmcr)
{
	struct vgic_misr m = { 0 };
	unsigned valid = 0;
	bool pending = false;

	if (!hcr->en)
		return m;
	for (unsigned k = 0; k < n; k++) {
		valid += lr[k].state != VGIC_LR_INVALID;
		pending |= lr[k].state == VGIC_LR_PENDING;
	}
	m.eoi = vgic_lr_eisr(lr, n) != 0;
	m.u = hcr->uie && valid <= 1;
	m.lrenp = hcr->lrenpie && hcr->eoicount != 0;
	m.np = hcr->npie && !pending;
	m.vgrp0e = hcr->vgrp0eie && vmcr->eng0;
	m.vgrp0d = hcr->vgrp0die && !vmcr->eng0;
	m.vgrp1e = hcr->vgrp1eie && vmcr->eng1;
	m.vgrp1d = hcr->vgrp1die && !vmcr->eng1;
	return m;
}
