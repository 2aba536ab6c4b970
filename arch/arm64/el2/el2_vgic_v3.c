/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 virtual interface: the ICH_*_EL2 system registers (Arm IHI
 * 0069, "ICH_LR<n>_EL2", "ICH_HCR_EL2", "ICH_VTR_EL2", "ICH_VMCR_EL2",
 * "ICH_AP0R<n>_EL2", "ICH_AP1R<n>_EL2"), read and written through the
 * encoders of vgic_lr_v3.h. The guest reaches the virtual CPU interface
 * with its own ICC_*_EL1 accesses: HCR_EL2.IMO/FMO turn them into ICV_*
 * (el2_vcpu.c sets both), and ICC_SRE_EL2.Enable lets EL1 see SRE set
 * (gic.c sets it at boot).
 */
#include <stdio.h>

#include <arch/cpu.h>

#include "arm64.h"
#include "el2_vgic.h"
#include "vgic_lr_v3.h"

/* Encodings as MRS/MSR operands (IHI 0069, the register summary). */
#define ICH_AP0R(n) "S3_4_C12_C8_" #n
#define ICH_AP1R(n) "S3_4_C12_C9_" #n
#define ICH_HCR_EL2 "S3_4_C12_C11_0"
#define ICH_VTR_EL2 "S3_4_C12_C11_1"
#define ICH_VMCR_EL2 "S3_4_C12_C11_7"
#define ICH_MISR_EL2 "S3_4_C12_C11_2"
#define ICH_LR_LO(n) "S3_4_C12_C12_" #n  /* ICH_LR0..7_EL2 */
#define ICH_LR_HI(n) "S3_4_C12_C13_" #n  /* ICH_LR8..15_EL2 */
#define ICC_SRE_EL2 "S3_4_C12_C9_5"
#define ICC_SRE_SRE (1ull << 0)

#define ID_PFR0_GIC_SHIFT 24              /* ID_AA64PFR0_EL1.GIC: the system-register interface */
#define ID_PFR0_GIC_MASK 0xfull
#define V3_APR_MAX 4u                     /* 1 << (7 - 5): PREbits 7 */

#define MRS(reg) ({ uint64_t v_; __asm__ volatile("mrs %0, " reg : "=r"(v_)); v_; })
#define MSR(reg, v) __asm__ volatile("msr " reg ", %0" : : "r"((uint64_t)(v)) : "memory")

_Static_assert(VGIC_LR_MAX == 16, "ICH_LR0..15_EL2: two blocks of eight encodings");

static uint64_t lr_read(unsigned n)
{
	switch (n) {
	case 0: return MRS(ICH_LR_LO(0));
	case 1: return MRS(ICH_LR_LO(1));
	case 2: return MRS(ICH_LR_LO(2));
	case 3: return MRS(ICH_LR_LO(3));
	case 4: return MRS(ICH_LR_LO(4));
	case 5: return MRS(ICH_LR_LO(5));
	case 6: return MRS(ICH_LR_LO(6));
	case 7: return MRS(ICH_LR_LO(7));
	case 8: return MRS(ICH_LR_HI(0));
	case 9: return MRS(ICH_LR_HI(1));
	case 10: return MRS(ICH_LR_HI(2));
	case 11: return MRS(ICH_LR_HI(3));
	case 12: return MRS(ICH_LR_HI(4));
	case 13: return MRS(ICH_LR_HI(5));
	case 14: return MRS(ICH_LR_HI(6));
	default: return MRS(ICH_LR_HI(7));
	}
}

static void lr_write(unsigned n, uint64_t v)
{
	switch (n) {
	case 0: MSR(ICH_LR_LO(0), v); break;
	case 1: MSR(ICH_LR_LO(1), v); break;
	case 2: MSR(ICH_LR_LO(2), v); break;
	case 3: MSR(ICH_LR_LO(3), v); break;
	case 4: MSR(ICH_LR_LO(4), v); break;
	case 5: MSR(ICH_LR_LO(5), v); break;
	case 6: MSR(ICH_LR_LO(6), v); break;
	case 7: MSR(ICH_LR_LO(7), v); break;
	case 8: MSR(ICH_LR_HI(0), v); break;
	case 9: MSR(ICH_LR_HI(1), v); break;
	case 10: MSR(ICH_LR_HI(2), v); break;
	case 11: MSR(ICH_LR_HI(3), v); break;
	case 12: MSR(ICH_LR_HI(4), v); break;
	case 13: MSR(ICH_LR_HI(5), v); break;
	case 14: MSR(ICH_LR_HI(6), v); break;
	default: MSR(ICH_LR_HI(7), v); break;
	}
}

static void apr_read(uint32_t *ap0, uint32_t *ap1, unsigned count)
{
	ap0[0] = (uint32_t)MRS(ICH_AP0R(0));
	ap1[0] = (uint32_t)MRS(ICH_AP1R(0));
	if (count > 1) {
		ap0[1] = (uint32_t)MRS(ICH_AP0R(1));
		ap1[1] = (uint32_t)MRS(ICH_AP1R(1));
	}
	if (count > 2) {
		ap0[2] = (uint32_t)MRS(ICH_AP0R(2));
		ap1[2] = (uint32_t)MRS(ICH_AP1R(2));
		ap0[3] = (uint32_t)MRS(ICH_AP0R(3));
		ap1[3] = (uint32_t)MRS(ICH_AP1R(3));
	}
}

static void apr_clear(unsigned count)
{
	MSR(ICH_AP0R(0), 0);
	MSR(ICH_AP1R(0), 0);
	if (count > 1) {
		MSR(ICH_AP0R(1), 0);
		MSR(ICH_AP1R(1), 0);
	}
	if (count > 2) {
		MSR(ICH_AP0R(2), 0);
		MSR(ICH_AP1R(2), 0);
		MSR(ICH_AP0R(3), 0);
		MSR(ICH_AP1R(3), 0);
	}
}

/* ICH_AP{0,1}R<n>_EL2 come in 1 << (PREbits - 5) registers (IHI 0069, ICH_AP0R<n>_EL2). */
static unsigned apr_count(const struct el2_vgic_caps *caps)
{
	unsigned pre = caps->pre_bits < 5 ? 5 : caps->pre_bits > 7 ? 7 : caps->pre_bits;
	return 1u << (pre - 5);
}

static int v3_probe(struct el2_vgic_caps *caps, char *why, size_t n)
{
	if (!((read_sysreg(id_aa64pfr0_el1) >> ID_PFR0_GIC_SHIFT) & ID_PFR0_GIC_MASK)) {
		snprintf(why, n, "ID_AA64PFR0_EL1.GIC is 0: no GICv3 system-register interface");
		return -1;
	}
	if (!(MRS(ICC_SRE_EL2) & ICC_SRE_SRE)) {
		snprintf(why, n, "ICC_SRE_EL2.SRE is 0: the host GIC driver did not enable the system registers");
		return -1;
	}
	struct vgic_v3_vtr vtr;
	if (!vgic_v3_vtr_decode(MRS(ICH_VTR_EL2), &vtr)) {
		snprintf(why, n, "ICH_VTR_EL2 0x%lx does not decode", (unsigned long)MRS(ICH_VTR_EL2));
		return -1;
	}
	caps->nr_lrs = vtr.nr_lrs > VGIC_LR_MAX ? VGIC_LR_MAX : vtr.nr_lrs;
	caps->pre_bits = vtr.pre_bits;
	caps->pri_bits = vtr.pri_bits;
	caps->tds = vtr.tds;
	_Static_assert(V3_APR_MAX == 4, "PREbits 7: four APRs per group");
	return 0;
}

static void v3_reset(const struct el2_vgic_caps *caps)
{
	MSR(ICH_HCR_EL2, 0);
	for (unsigned k = 0; k < caps->nr_lrs; k++)
		lr_write(k, 0);
	apr_clear(apr_count(caps));
	MSR(ICH_VMCR_EL2, 0);
	isb();
}

static bool v3_write_lr(const struct vgic_lr *lr, unsigned n)
{
	uint64_t raw;
	if (!vgic_v3_lr_encode(lr, &raw))
		return false;
	lr_write(n, raw);
	return true;
}

static bool v3_load(const struct vgic_lr_bank *bank, unsigned nr, const struct vgic_hcr *hcr,
		    const struct el2_vgic_caps *caps)
{
	(void)caps;
	bool ok = true;
	for (unsigned k = 0; k < nr; k++)
		ok &= v3_write_lr(&bank->lr[k], k);
	MSR(ICH_HCR_EL2, vgic_v3_hcr_encode(hcr));
	return ok;
}

static bool v3_save(struct vgic_lr_bank *bank, unsigned nr, struct vgic_fold_in *in,
		    const struct el2_vgic_caps *caps)
{
	bool ok = true;
	for (unsigned k = 0; k < nr; k++)
		ok &= vgic_v3_lr_decode(lr_read(k), &bank->lr[k]);
	uint64_t hcr = MRS(ICH_HCR_EL2);
	in->eoicount = (uint8_t)((hcr & ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT);
	ok &= vgic_v3_vmcr_decode(MRS(ICH_VMCR_EL2), &in->vmcr);
	uint32_t ap0[V3_APR_MAX] = { 0 }, ap1[V3_APR_MAX] = { 0 };
	apr_read(ap0, ap1, apr_count(caps));
	in->rpr = vgic_v3_rpr(ap0, ap1, caps->pre_bits);
	/* En off: no maintenance interrupt while the host runs (the next entry writes HCR again). */
	MSR(ICH_HCR_EL2, 0);
	isb();
	return ok;
}

static uint32_t v3_misr(void)
{
	isb();
	return (uint32_t)MRS(ICH_MISR_EL2);
}

static void v3_write_hcr(const struct vgic_hcr *hcr)
{
	MSR(ICH_HCR_EL2, vgic_v3_hcr_encode(hcr));
}

const struct el2_vgic_ops el2_vgic_v3_ops = {
	.version = VGIC_V3,
	.probe = v3_probe,
	.reset = v3_reset,
	.load = v3_load,
	.save = v3_save,
	.write_lr = v3_write_lr,
	.misr = v3_misr,
	.write_hcr = v3_write_hcr,
};
