// SPDX-License-Identifier: MIT
/*
 * SMCCC function-ID decoding and the PSCI / SMCCC emulation policy
 * (DEN 0028 SMCCC, DEN 0022 PSCI).
 */
#include "smccc.h"

#include <stddef.h>
#include <string.h>

struct smccc_fid smccc_fid_decode(uint32_t fid)
{
	struct smccc_fid f;

	f.fast = fid & SMCCC_FAST;
	f.smc64 = fid & SMCCC_64;
	f.owner = (fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK;
	f.number = fid & (f.fast ? SMCCC_FAST_NUM_MASK : SMCCC_YIELD_NUM_MASK);
	f.mbz_ok = !f.fast || (fid & SMCCC_FAST_MBZ_MASK) == 0;
	return f;
}

const char *smccc_owner_name(unsigned owner)
{
	switch (owner) {
	case SMCCC_OWNER_ARCH: return "Arm architecture";
	case SMCCC_OWNER_CPU: return "CPU service";
	case SMCCC_OWNER_SIP: return "SiP service";
	case SMCCC_OWNER_OEM: return "OEM service";
	case SMCCC_OWNER_STD_SECURE: return "standard secure service";
	case SMCCC_OWNER_STD_HYP: return "standard hypervisor service";
	case SMCCC_OWNER_VENDOR_HYP: return "vendor-specific hypervisor service";
	case SMCCC_OWNER_VENDOR_EL3: return "vendor-specific EL3 monitor";
	default: break;
	}
	if (owner >= SMCCC_OWNER_TRUSTED_OS_FIRST && owner <= SMCCC_OWNER_MASK)
		return "trusted OS";
	if (owner >= SMCCC_OWNER_TRUSTED_APP_FIRST && owner < SMCCC_OWNER_TRUSTED_OS_FIRST)
		return "trusted application";
	return "reserved";
}

/* ---- The policy ---- */

#define PSCI_REPORTED_VERSION PSCI_VERSION_VALUE(1, 1)

/* MPIDR_EL1 affinity: Aff0 7:0, Aff1 15:8, Aff2 23:16, Aff3 39:32 (DDI 0487 D24.2 MPIDR_EL1). */
#define MPIDR_AFF_MASK 0xff00ffffffull

/* The affinity bits at and above level (0..3). */
static uint64_t affinity_from(uint64_t mpidr, unsigned level)
{
	static const uint64_t keep[4] = { MPIDR_AFF_MASK, 0xff00ffff00ull, 0xff00ff0000ull,
					  0xff00000000ull };

	return mpidr & keep[level];
}

static void ret(struct smccc_result *r, const char *name, int64_t x0)
{
	r->action = SMCCC_ACT_RETURN;
	r->x[0] = (uint64_t)x0;
	r->name = name;
}

/* fid (either form, 32 or 64-bit, as PSCI defines it) is a PSCI function Anvil answers. */
static bool psci_answered(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_FEATURES:
	case PSCI_CPU_SUSPEND:
	case PSCI_0_2_FN64(0x01):
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_0_2_FN64(0x03):
	case PSCI_AFFINITY_INFO:
	case PSCI_0_2_FN64(0x04):
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return true;
	default:
		return false;
	}
}

static void psci_features(struct smccc_result *r, uint32_t queried)
{
	/* CPU_SUSPEND's feature flags: 0 = original StateID format, platform-coordinated only. */
	bool known = psci_answered(queried) || queried == SMCCC_VERSION;

	ret(r, "PSCI_FEATURES", known ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED);
}

static void psci_cpu_on(const struct smccc_policy *p, struct smccc_result *r, uint64_t target)
{
	bool self = affinity_from(target, 0) == affinity_from(p->mpidr, 0);

	ret(r, "PSCI_CPU_ON", self ? PSCI_RET_ALREADY_ON : PSCI_RET_INVALID_PARAMETERS);
}

static void psci_affinity_info(const struct smccc_policy *p, struct smccc_result *r,
			       uint64_t target, uint64_t level)
{
	if (level > 3) {
		ret(r, "PSCI_AFFINITY_INFO", PSCI_RET_INVALID_PARAMETERS);
		return;
	}
	if (affinity_from(target, (unsigned)level) != affinity_from(p->mpidr, (unsigned)level)) {
		ret(r, "PSCI_AFFINITY_INFO", PSCI_RET_INVALID_PARAMETERS);
		return;
	}
	ret(r, "PSCI_AFFINITY_INFO", PSCI_AFFINITY_ON);
}

static void end(struct smccc_result *r, const char *name, enum smccc_action a)
{
	r->action = a;
	r->name = name;
}

/*
 * PSCI; false for a function not answered here (or a 64-bit form that does
 * not exist). Arguments already narrowed for 32-bit calls.
 */
static bool psci_emulate(const struct smccc_policy *p, uint32_t fid, const uint64_t *a,
			 struct smccc_result *r)
{
	if (!psci_answered(fid))
		return false;
	switch (fid & ~SMCCC_64) {
	case PSCI_VERSION:
		ret(r, "PSCI_VERSION", PSCI_REPORTED_VERSION);
		break;
	case PSCI_FEATURES:
		psci_features(r, (uint32_t)a[1]);
		break;
	case PSCI_CPU_SUSPEND:
		r->action = SMCCC_ACT_WAIT;
		r->x[0] = PSCI_RET_SUCCESS;
		r->name = "PSCI_CPU_SUSPEND";
		break;
	case PSCI_CPU_OFF:
		end(r, "PSCI_CPU_OFF", SMCCC_ACT_POWER_OFF);
		break;
	case PSCI_CPU_ON:
		psci_cpu_on(p, r, a[1]);
		break;
	case PSCI_AFFINITY_INFO:
		psci_affinity_info(p, r, a[1], a[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret(r, "PSCI_MIGRATE_INFO_TYPE", PSCI_MIGRATE_INFO_NOT_REQUIRED);
		break;
	case PSCI_SYSTEM_OFF:
		end(r, "PSCI_SYSTEM_OFF", SMCCC_ACT_POWER_OFF);
		break;
	case PSCI_SYSTEM_RESET:
		end(r, "PSCI_SYSTEM_RESET", SMCCC_ACT_RESET);
		break;
	}
	return true;
}

static bool is_workaround(uint32_t fid)
{
	return fid == SMCCC_ARCH_WORKAROUND_1 || fid == SMCCC_ARCH_WORKAROUND_2 ||
	       fid == SMCCC_ARCH_WORKAROUND_3;
}

static void arch_features(const struct smccc_policy *p, struct smccc_result *r, uint32_t queried)
{
	int64_t v = SMCCC_RET_NOT_SUPPORTED;

	if (queried == SMCCC_VERSION || queried == SMCCC_ARCH_FEATURES)
		v = SMCCC_RET_SUCCESS;
	else if (is_workaround(queried) && p->workarounds_unaffected)
		v = SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
	ret(r, "SMCCC_ARCH_FEATURES", v);
}

/* The Arm architecture calls; false if fid is none of them. */
static bool arch_emulate(const struct smccc_policy *p, uint32_t fid, const uint64_t *a,
			 struct smccc_result *r)
{
	if (fid == SMCCC_VERSION) {
		ret(r, "SMCCC_VERSION", SMCCC_VERSION_VALUE(1, p->smccc_minor >= 2 ? 2 : 1));
	} else if (fid == SMCCC_ARCH_FEATURES) {
		arch_features(p, r, (uint32_t)a[1]);
	} else if (is_workaround(fid)) {
		/* Nothing to mitigate for a guest of a test hypervisor; the call just returns. */
		ret(r, "SMCCC_ARCH_WORKAROUND",
		    p->workarounds_unaffected ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED);
	} else {
		return false;
	}
	return true;
}

void smccc_emulate(const struct smccc_policy *p, const uint64_t regs[4], struct smccc_result *r)
{
	uint32_t fid = (uint32_t)regs[0];
	struct smccc_fid f = smccc_fid_decode(fid);
	uint64_t a[4];

	/* 32-bit calls pass W1..W3: the top halves are not the caller's. */
	for (unsigned i = 0; i < 4; i++)
		a[i] = f.smc64 ? regs[i] : (uint32_t)regs[i];
	memset(r, 0, sizeof(*r)); /* X1..X3 of an answer are 0, as KVM returns them */
	if (f.fast && f.mbz_ok && f.owner == SMCCC_OWNER_VENDOR_HYP) {
		r->action = SMCCC_ACT_HYPERCALL;
		r->number = f.number;
		r->name = "hypercall";
		return;
	}
	if (f.fast && f.mbz_ok && f.owner == SMCCC_OWNER_STD_SECURE && psci_emulate(p, fid, a, r))
		return;
	if (f.fast && f.mbz_ok && f.owner == SMCCC_OWNER_ARCH && arch_emulate(p, fid, a, r))
		return;
	ret(r, "unknown", SMCCC_RET_NOT_SUPPORTED);
}
