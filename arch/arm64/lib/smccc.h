/* SPDX-License-Identifier: MIT */
/*
 * SMC Calling Convention function identifiers (Arm DEN 0028, SMCCC, section
 * 2.5 "Function Identifiers" and 6 "Function ID allocation"), the PSCI calls
 * (Arm DEN 0022, PSCI, section 5 "PSCI function definitions"), the SMCCC
 * Arm-architecture calls (DEN 0028 section 7), and the policy that decides
 * what Anvil answers when a guest makes such a call with SMC or HVC.
 *
 * A function ID (passed in W0; the top half of X0 is ignored):
 *
 *   31  30  29      24 23      16 15               0
 *  +---+---+----------+----------+------------------+
 *  | F | W |  owner   | MBZ (*)  | function number  |
 *  +---+---+----------+----------+------------------+
 *  F: 1 fast call, 0 yielding call.  W: 1 SMC64/HVC64, 0 SMC32/HVC32.
 *  (*) fast calls only; bit 16 is SMCCC 1.3's "SVE live state" hint, which
 *  callers may set only for a callee that reports 1.3 or later (Anvil
 *  reports 1.1 or 1.2, so a set bit there is not a function Anvil knows).
 *  Yielding calls use bits 23:0 as their number.
 *
 * Pure: the EL2 exit handler reads the guest's X0..X3, calls
 * smccc_emulate() and acts on the result (returns values, waits, or ends
 * the payload).
 */
#ifndef ARM64_SMCCC_H
#define ARM64_SMCCC_H

#include <stdbool.h>
#include <stdint.h>

#define SMCCC_FAST (1u << 31)
#define SMCCC_64 (1u << 30)
#define SMCCC_OWNER_SHIFT 24u
#define SMCCC_OWNER_MASK 0x3fu
#define SMCCC_FAST_MBZ_MASK 0x00ff0000u
#define SMCCC_FAST_NUM_MASK 0xffffu
#define SMCCC_YIELD_NUM_MASK 0xffffffu

#define SMCCC_FID(fast, is64, owner, num)                                        \
	(((fast) ? SMCCC_FAST : 0u) | ((is64) ? SMCCC_64 : 0u) |                  \
	 ((uint32_t)(owner) << SMCCC_OWNER_SHIFT) | (uint32_t)(num))

/* Owning entity numbers, bits 29:24 (DEN 0028 Table 6-1). */
enum smccc_owner {
	SMCCC_OWNER_ARCH = 0,
	SMCCC_OWNER_CPU = 1,
	SMCCC_OWNER_SIP = 2,
	SMCCC_OWNER_OEM = 3,
	SMCCC_OWNER_STD_SECURE = 4,   /* PSCI, SDEI, TRNG, ... */
	SMCCC_OWNER_STD_HYP = 5,      /* PV time, ... */
	SMCCC_OWNER_VENDOR_HYP = 6,   /* Anvil's guest ABI (0xC6000000 | n) */
	SMCCC_OWNER_VENDOR_EL3 = 7,
	SMCCC_OWNER_RESERVED_FIRST = 8,   /* 8..47 reserved */
	SMCCC_OWNER_TRUSTED_APP_FIRST = 48, /* 48..49 */
	SMCCC_OWNER_TRUSTED_OS_FIRST = 50,  /* 50..63 */
};

_Static_assert(SMCCC_FID(1, 1, SMCCC_OWNER_VENDOR_HYP, 0) == 0xc6000000u,
	       "the vendor-specific hypervisor range the guest ABI uses");
_Static_assert((SMCCC_FAST_MBZ_MASK & (SMCCC_FAST_NUM_MASK | (SMCCC_OWNER_MASK << SMCCC_OWNER_SHIFT))) == 0,
	       "DEN 0028 2.5: number 15:0, MBZ 23:16, owner 29:24");

struct smccc_fid {
	bool fast;
	bool smc64;
	unsigned owner;    /* 0..63 */
	uint32_t number;   /* 15:0 for fast calls, 23:0 for yielding ones */
	bool mbz_ok;       /* fast call with bits 23:16 clear (always true for yielding) */
};

struct smccc_fid smccc_fid_decode(uint32_t fid);

/* "Arm architecture", "standard secure (PSCI)", ..., "reserved" for 8..47. */
const char *smccc_owner_name(unsigned owner);

/* SMCCC return values in W0 (DEN 0028 section 7.1 and Table 7-1). */
#define SMCCC_RET_SUCCESS 0
#define SMCCC_RET_NOT_SUPPORTED (-1)  /* also "unknown function identifier" */
#define SMCCC_RET_NOT_REQUIRED (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)
/* ARCH_FEATURES(ARCH_WORKAROUND_n): this PE is not affected (how Linux and KVM read 1). */
#define SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED 1

/* Arm architecture calls (DEN 0028 section 7), all SMC32 fast calls. */
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_SOC_ID 0x80000002u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u  /* CVE-2017-5715, branch predictor */
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu  /* CVE-2018-3639, speculative store bypass */
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu  /* CVE-2022-23960, branch history */

/* SMCCC_VERSION's answer: major in bits 30:16, minor in 15:0. */
#define SMCCC_VERSION_VALUE(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))

/* PSCI (DEN 0022 section 5.1, Table 5-x "function IDs"). The 64-bit forms add SMCCC_64. */
#define PSCI_0_2_FN(n) SMCCC_FID(1, 0, SMCCC_OWNER_STD_SECURE, (n))
#define PSCI_0_2_FN64(n) SMCCC_FID(1, 1, SMCCC_OWNER_STD_SECURE, (n))
#define PSCI_VERSION PSCI_0_2_FN(0x00)
#define PSCI_CPU_SUSPEND PSCI_0_2_FN(0x01)          /* also 64-bit */
#define PSCI_CPU_OFF PSCI_0_2_FN(0x02)
#define PSCI_CPU_ON PSCI_0_2_FN(0x03)               /* also 64-bit */
#define PSCI_AFFINITY_INFO PSCI_0_2_FN(0x04)        /* also 64-bit */
#define PSCI_MIGRATE PSCI_0_2_FN(0x05)              /* also 64-bit */
#define PSCI_MIGRATE_INFO_TYPE PSCI_0_2_FN(0x06)
#define PSCI_MIGRATE_INFO_UP_CPU PSCI_0_2_FN(0x07)  /* also 64-bit */
#define PSCI_SYSTEM_OFF PSCI_0_2_FN(0x08)
#define PSCI_SYSTEM_RESET PSCI_0_2_FN(0x09)
#define PSCI_FEATURES PSCI_0_2_FN(0x0a)             /* PSCI 1.0 */
#define PSCI_CPU_FREEZE PSCI_0_2_FN(0x0b)
#define PSCI_CPU_DEFAULT_SUSPEND PSCI_0_2_FN(0x0c)  /* also 64-bit */
#define PSCI_NODE_HW_STATE PSCI_0_2_FN(0x0d)        /* also 64-bit */
#define PSCI_SYSTEM_SUSPEND PSCI_0_2_FN(0x0e)       /* also 64-bit */
#define PSCI_SET_SUSPEND_MODE PSCI_0_2_FN(0x0f)
#define PSCI_STAT_RESIDENCY PSCI_0_2_FN(0x10)       /* also 64-bit */
#define PSCI_STAT_COUNT PSCI_0_2_FN(0x11)           /* also 64-bit */
#define PSCI_SYSTEM_RESET2 PSCI_0_2_FN(0x12)        /* PSCI 1.1, also 64-bit */
#define PSCI_MEM_PROTECT PSCI_0_2_FN(0x13)
#define PSCI_MEM_PROTECT_CHECK_RANGE PSCI_0_2_FN(0x14) /* also 64-bit */

_Static_assert(PSCI_VERSION == 0x84000000u && PSCI_SYSTEM_OFF == 0x84000008u &&
	       PSCI_0_2_FN64(0x03) == 0xc4000003u, "DEN 0022 Table 5-x");

/* PSCI return codes (DEN 0022 section 5.2.2). */
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT (-7)
#define PSCI_RET_DISABLED (-8)
#define PSCI_RET_INVALID_ADDRESS (-9)

/* AFFINITY_INFO answers (DEN 0022 section 5.7). */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE 2: no Trusted OS that needs migrating (DEN 0022 section 5.9). */
#define PSCI_MIGRATE_INFO_NOT_REQUIRED 2

#define PSCI_VERSION_VALUE(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))

/* ---- What Anvil answers ---- */

struct smccc_policy {
	unsigned smccc_minor;        /* SMCCC 1.<minor> is reported: 1 or 2 */
	bool workarounds_unaffected; /* ARCH_WORKAROUND_1/2/3: "not affected" (else not supported) */
	uint64_t mpidr;              /* the guest's only vCPU (its MPIDR_EL1 affinity) */
};

/* What the EL2 handler does with the call. */
enum smccc_action {
	SMCCC_ACT_RETURN,      /* write x[0..3] to X0..X3, resume after the call */
	SMCCC_ACT_WAIT,        /* CPU_SUSPEND: wait for an interrupt as for WFI, then as RETURN */
	SMCCC_ACT_POWER_OFF,   /* CPU_OFF of the only vCPU, SYSTEM_OFF: the payload ends (off) */
	SMCCC_ACT_RESET,       /* SYSTEM_RESET: the payload ends (reset requested) */
	SMCCC_ACT_HYPERCALL,   /* vendor-specific hypervisor range: Anvil's guest ABI, call `number` */
};

struct smccc_result {
	enum smccc_action action;
	uint64_t x[4];         /* RETURN / WAIT: the new X0..X3 (X1..X3 are 0) */
	uint32_t number;       /* HYPERCALL: the function number (bits 15:0) */
	const char *name;      /* the call recognised, "PSCI_VERSION", ..., or "unknown" */
};

/*
 * Decide the answer to a guest's SMC or HVC with X0..X3 = regs[0..3] (the
 * same policy for both conduits). 32-bit calls see only W1..W3. Returned
 * codes are sign-extended into X0, as a 64-bit caller compares them.
 *
 * Answered: SMCCC_VERSION (1.1 or 1.2), SMCCC_ARCH_FEATURES (of itself,
 * SMCCC_VERSION and the workarounds per policy), ARCH_WORKAROUND_n;
 * PSCI_VERSION (1.1), PSCI_FEATURES (of every function answered here, and
 * of SMCCC_VERSION, how guests discover SMCCC 1.1), CPU_SUSPEND (as WFI,
 * then SUCCESS, as KVM does), CPU_OFF, CPU_ON (ALREADY_ON for the only
 * vCPU, INVALID_PARAMETERS for any other), AFFINITY_INFO (ON for the only
 * vCPU), MIGRATE_INFO_TYPE (2), SYSTEM_OFF, SYSTEM_RESET. Everything else
 * in the other ranges is NOT_SUPPORTED (-1).
 */
void smccc_emulate(const struct smccc_policy *p, const uint64_t regs[4], struct smccc_result *r);

#endif
