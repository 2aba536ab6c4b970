/* SPDX-License-Identifier: MIT */
/*
 * The CPUID a guest sees (see cpuid_policy.h). Bit positions: Intel SDM
 * vol. 2A "CPUID" (leaf 1 ECX), AMD APM vol. 3 appendix E (leaves 0x80000001
 * and 0x8000000A). The 0x400000xx range is reserved for hypervisors by both
 * vendors, so Anvil answers it entirely itself.
 */
#include "cpuid_policy.h"

#include <anvil/guest_abi.h>

#define CPUID_LEAF_FEATURES 0x00000001u
#define CPUID_LEAF_EXT_FEATURES 0x80000001u
#define CPUID_LEAF_SVM 0x8000000au
#define CPUID_HV_RANGE_MASK 0xffffff00u

#define CPUID_LEAF_EXT_SIZES 0x80000008u
#define CPUID_1_ECX_MONITOR (1u << 3)
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_80000008_EBX_RDPRU (1u << 4)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_80000001_ECX_SVM (1u << 2)

bool cpuid_policy_synthetic(uint32_t leaf)
{
	return (leaf & CPUID_HV_RANGE_MASK) == ANVIL_CPUID_BASE;
}

/* The hypervisor range: identification, the ABI version, zero elsewhere. */
static struct cpuid_regs cpuid_policy_hv_leaf(uint32_t leaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf == ANVIL_CPUID_BASE) {
		r.eax = ANVIL_CPUID_INFO; /* the highest leaf in the range */
		r.ebx = ANVIL_CPUID_SIG_EBX;
		r.ecx = ANVIL_CPUID_SIG_ECX;
		r.edx = ANVIL_CPUID_SIG_EDX;
	} else if (leaf == ANVIL_CPUID_INFO) {
		r.eax = ANVIL_ABI_VERSION;
	}
	return r;
}

void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *host,
			struct cpuid_regs *out)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	(void)subleaf; /* no edited leaf has subleaves */
	/* Synthetic leaves never look at the host, so it may be NULL for them. */
	if (cpuid_policy_synthetic(leaf)) {
		*out = cpuid_policy_hv_leaf(leaf);
		return;
	}
	if (host)
		r = *host;
	switch (leaf) {
	case CPUID_LEAF_FEATURES:
		/*
		 * Say a hypervisor is present; offer no VMX (no nested
		 * virtualization) and no MONITOR/MWAIT (intercepted: #UD).
		 */
		r.ecx = (r.ecx | CPUID_1_ECX_HYPERVISOR) & ~(CPUID_1_ECX_VMX | CPUID_1_ECX_MONITOR);
		break;
	case CPUID_LEAF_EXT_SIZES:
		r.ebx &= ~CPUID_80000008_EBX_RDPRU; /* intercepted: #UD */
		break;
	case CPUID_LEAF_EXT_FEATURES:
		r.ecx &= ~CPUID_80000001_ECX_SVM;
		break;
	case CPUID_LEAF_SVM:
		r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	default:
		break;
	}
	*out = r;
}
