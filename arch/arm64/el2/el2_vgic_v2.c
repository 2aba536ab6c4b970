/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 virtual interface control: the GICH MMIO frame at
 * arm64_platform.gich_base (Arm IHI 0048B, 5.3 "GIC virtual interface
 * control registers"), mapped by the host MMU (mmu.c, with the other GIC
 * frames), read and written through the encoders of vgic_lr_v2.h. The
 * guest reaches the virtual CPU interface through the GICV frame, which
 * el2_vgic.c maps at stage 2 where the guest's GICC is.
 */
#include <stdio.h>

#include <arch/io.h>

#include "arm64.h"
#include "el2_vgic.h"
#include "vgic_lr_v2.h"

static uintptr_t gich;

static uint32_t rd(uint32_t off) { return arch_mmio_read32(gich + off); }
static void wr(uint32_t off, uint32_t v) { arch_mmio_write32(gich + off, v); }

static int v2_probe(struct el2_vgic_caps *caps, char *why, size_t n)
{
	const struct arm64_platform *p = &arm64_platform;
	if (!p->gich_base || p->gich_size < GICH_FRAME_SIZE || !p->gicv_base || p->gicv_size < GICV_FRAME_SIZE) {
		snprintf(why, n, "the device tree names no GICH and GICV frames (GICv2 without virtualization)");
		return -1;
	}
	gich = (uintptr_t)p->gich_base;
	struct vgic_v2_vtr vtr;
	uint32_t raw = rd(GICH_VTR);
	if (!vgic_v2_vtr_decode(raw, &vtr)) {
		snprintf(why, n, "GICH_VTR 0x%x does not decode", (unsigned)raw);
		return -1;
	}
	caps->nr_lrs = vtr.nr_lrs > VGIC_LR_MAX ? VGIC_LR_MAX : vtr.nr_lrs;
	caps->pre_bits = vtr.pre_bits;
	caps->pri_bits = vtr.pri_bits;
	caps->tds = false; /* no TDIR: GICV_DIR traps through its page */
	return 0;
}

static void v2_reset(const struct el2_vgic_caps *caps)
{
	wr(GICH_HCR, 0);
	for (unsigned k = 0; k < caps->nr_lrs; k++)
		wr(GICH_LR(k), 0);
	wr(GICH_APR, 0);
	wr(GICH_VMCR, 0);
}

static bool v2_write_lr(const struct vgic_lr *lr, unsigned n)
{
	uint32_t raw;
	if (!vgic_v2_lr_encode(lr, &raw))
		return false;
	wr(GICH_LR(n), raw);
	return true;
}

static bool v2_load(const struct vgic_lr_bank *bank, unsigned nr, const struct vgic_hcr *hcr,
		    const struct el2_vgic_caps *caps)
{
	(void)caps;
	bool ok = true;
	for (unsigned k = 0; k < nr; k++)
		ok &= v2_write_lr(&bank->lr[k], k);
	wr(GICH_HCR, vgic_v2_hcr_encode(hcr));
	return ok;
}

static bool v2_save(struct vgic_lr_bank *bank, unsigned nr, struct vgic_fold_in *in,
		    const struct el2_vgic_caps *caps)
{
	(void)caps;
	bool ok = true;
	for (unsigned k = 0; k < nr; k++)
		ok &= vgic_v2_lr_decode(rd(GICH_LR(k)), &bank->lr[k]);
	uint32_t hcr = rd(GICH_HCR);
	in->eoicount = (uint8_t)((hcr & GICH_HCR_EOICOUNT_MASK) >> GICH_HCR_EOICOUNT_SHIFT);
	ok &= vgic_v2_vmcr_decode(rd(GICH_VMCR), &in->vmcr);
	in->rpr = vgic_v2_rpr(rd(GICH_APR));
	wr(GICH_HCR, 0); /* En off: the maintenance interrupt drops before the host takes its interrupts */
	return ok;
}

static uint32_t v2_misr(void) { return rd(GICH_MISR); }
static void v2_write_hcr(const struct vgic_hcr *hcr) { wr(GICH_HCR, vgic_v2_hcr_encode(hcr)); }

const struct el2_vgic_ops el2_vgic_v2_ops = {
	.version = VGIC_V2,
	.probe = v2_probe,
	.reset = v2_reset,
	.load = v2_load,
	.save = v2_save,
	.write_lr = v2_write_lr,
	.misr = v2_misr,
	.write_hcr = v2_write_hcr,
};
