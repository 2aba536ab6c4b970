/* SPDX-License-Identifier: MIT */
/*
 * Trapped system-register accesses (EC 0x18, ANVIL_EXIT_SYSREG).
 *
 * ID registers (HCR_EL2.TID3: op0 3, op1 0, CRn 0, CRm 1-7; Arm ARM D24.2
 * "ID_AA64*"): a read returns the CPU's value with the features Anvil does
 * not give guests cleared, so the guest's feature discovery matches what
 * it may use. The hidden fields are ABI (guest_abi.h ANVIL_ARM64_HIDE_*):
 * SVE and SME (CPTR_EL2 traps them), MTE, AMU, MPAM, RME (never set up for
 * EL1) and the PMU (MDCR_EL2 traps its registers). AArch32 and reserved ID
 * registers read as zero: guests are AArch64 only.
 *
 * REVIDR_EL1 and AIDR_EL1 (trapped with SMIDR_EL1 by HCR_EL2.TID1) read
 * as the CPU's.
 *
 * FEAT_IDST (Arm ARM D24.2 ID_AA64MMFR2_EL1.IDS; docs/vgic.md "FEAT_IDST"):
 * any other read in the Feature ID space (op0 3, op1 0/1/3, CRn 0, CRm
 * 0-7) is of a register the guest does not have (SMIDR_EL1 with SME
 * hidden, GMID_EL1 with MTE hidden): with the guest's IDS 1 it is reflected
 * as the trapped-MSR exception itself (ESR_EL1 = ESR_EL2: EC 0x18 and its
 * ISS), with IDS 0 as an undefined instruction. IDS is shown as the CPU has
 * it, because reads of registers the CPU lacks never reach EL2 and the CPU
 * answers them as its own IDS says.
 *
 * Every other trapped register (the EL1 physical timer, debug and PMU
 * registers) does not exist for the guest: an Undefined Instruction
 * exception at EL1, as on a CPU without it.
 */
#include <anvil/console.h>
#include <anvil/guest_abi.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"

#define ID_SPACE_MASK ESR_SYSREG(3, 7, 15, 0, 0)
#define ID_SPACE ESR_SYSREG(3, 0, 0, 0, 0)
#define ID_CRM_OF(enc) (((enc) >> ESR_SYS_CRM_SHIFT) & 0xfu)
#define ESR_SYSREG_REVIDR_EL1 ESR_SYSREG(3, 0, 0, 0, 6)
#define ESR_SYSREG_AIDR_EL1 ESR_SYSREG(3, 1, 0, 0, 7)
#define ESR_SYSREG_ID_AA64MMFR2_EL1 ESR_SYSREG(3, 0, 0, 7, 2)
/* The Feature ID space FEAT_IDST covers: op0 3, op1 0, 1 or 3, CRn 0, CRm 0-7 (any op2). */
#define FEAT_ID_SPACE_MASK ESR_SYSREG(3, 0, 15, 8, 0)
#define FEAT_ID_OP1_OF(enc) (((enc) >> ESR_SYS_OP1_SHIFT) & 7u)
#define MMFR2_IDS_SHIFT 36
#define MMFR2_IDS_MASK 0xfull

struct id_reg {
	uint32_t encoding;
	uint64_t hide;
};

static const struct id_reg hidden[] = {
	{ ESR_SYSREG_ID_AA64PFR0_EL1, ANVIL_ARM64_HIDE_PFR0 },
	{ ESR_SYSREG_ID_AA64PFR1_EL1, ANVIL_ARM64_HIDE_PFR1 },
	{ ESR_SYSREG(3, 0, 0, 5, 0), ANVIL_ARM64_HIDE_DFR0 },
};

/* The AArch64 ID registers every Armv8.0 CPU implements (reading them at EL2 never traps). */
static bool read_id(uint32_t encoding, uint64_t *v)
{
	switch (encoding) {
	case ESR_SYSREG(3, 0, 0, 4, 0): *v = read_sysreg(id_aa64pfr0_el1); return true;
	case ESR_SYSREG(3, 0, 0, 4, 1): *v = read_sysreg(id_aa64pfr1_el1); return true;
	case ESR_SYSREG(3, 0, 0, 5, 0): *v = read_sysreg(id_aa64dfr0_el1); return true;
	case ESR_SYSREG(3, 0, 0, 5, 1): *v = read_sysreg(id_aa64dfr1_el1); return true;
	case ESR_SYSREG(3, 0, 0, 5, 4): *v = read_sysreg(id_aa64afr0_el1); return true;
	case ESR_SYSREG(3, 0, 0, 5, 5): *v = read_sysreg(id_aa64afr1_el1); return true;
	case ESR_SYSREG(3, 0, 0, 6, 0): *v = read_sysreg(id_aa64isar0_el1); return true;
	case ESR_SYSREG(3, 0, 0, 6, 1): *v = read_sysreg(id_aa64isar1_el1); return true;
	case ESR_SYSREG(3, 0, 0, 7, 0): *v = read_sysreg(id_aa64mmfr0_el1); return true;
	case ESR_SYSREG(3, 0, 0, 7, 1): *v = read_sysreg(id_aa64mmfr1_el1); return true;
	case ESR_SYSREG(3, 0, 0, 7, 2): *v = read_sysreg(id_aa64mmfr2_el1); return true;
	default: return false;
	}
}

bool el2_id_reg_value(uint32_t encoding, uint64_t *value, uint64_t *raw)
{
	if (encoding == ESR_SYSREG_REVIDR_EL1 || encoding == ESR_SYSREG_AIDR_EL1) {
		*value = encoding == ESR_SYSREG_REVIDR_EL1 ? read_sysreg(revidr_el1) : read_sysreg(aidr_el1);
		if (raw)
			*raw = *value;
		return true;
	}
	if ((encoding & ID_SPACE_MASK) != ID_SPACE || ID_CRM_OF(encoding) < 1 || ID_CRM_OF(encoding) > 7)
		return false;
	uint64_t v = 0;
	read_id(encoding, &v); /* AArch32 and reserved ones: zero */
	if (raw)
		*raw = v;
	for (unsigned i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (hidden[i].encoding == encoding)
			v &= ~hidden[i].hide;
	*value = v;
	return true;
}

static bool in_feature_id_space(uint32_t encoding)
{
	unsigned op1 = FEAT_ID_OP1_OF(encoding);
	return (encoding & FEAT_ID_SPACE_MASK) == ESR_SYSREG(3, 0, 0, 0, 0) && (op1 == 0 || op1 == 1 || op1 == 3);
}

bool el2_guest_has_idst(void)
{
	uint64_t mmfr2 = 0;
	el2_id_reg_value(ESR_SYSREG_ID_AA64MMFR2_EL1, &mmfr2, NULL);
	return ((mmfr2 >> MMFR2_IDS_SHIFT) & MMFR2_IDS_MASK) != 0;
}

int el2_sysreg_exit(struct vcpu *v, struct vm_exit *e)
{
	struct el2_vcpu *c = el2_vcpu_of(v);
	uint64_t value;
	int rc;
	if (el2_vgic_sysreg(v, e, &rc))
		return rc;
	if (e->u.sysreg.read && el2_id_reg_value(e->u.sysreg.encoding, &value, NULL)) {
		el2_set_reg(c, e->u.sysreg.reg, value);
		return el2_skip_instruction(v, e);
	}
	if (e->u.sysreg.read && in_feature_id_space(e->u.sysreg.encoding) && el2_guest_has_idst()) {
		klog(LOG_DEBUG, "%s: MRS of ID-space register 0x%x at 0x%lx: reflected (FEAT_IDST)", v->vm->name,
		     (unsigned)e->u.sysreg.encoding, (unsigned long)e->ip);
		return el2_inject_sync(v, c->ctx.esr);
	}
	klog(LOG_DEBUG, "%s: %s of system register 0x%x at 0x%lx: undefined", v->vm->name, e->raw_name,
	     (unsigned)e->u.sysreg.encoding, (unsigned long)e->ip);
	return el2_inject_undefined(v);
}
