/* SPDX-License-Identifier: MIT */
/*
 * ESR_EL2, the Exception Syndrome Register (Arm ARM DDI 0487, D24.2
 * "ESR_EL2", and D1.11 / "Exception syndrome" for the ISS encodings per
 * exception class): the exception class (EC), the instruction length (IL)
 * and the instruction-specific syndrome (ISS), decoded into named fields,
 * plus the one-line crash report the EL2 vectors print.
 *
 *   63      56 55        32 31    26 25 24                         0
 *  +----------+------------+--------+--+----------------------------+
 *  |   RES0   |    ISS2    |   EC   |IL|            ISS             |
 *  +----------+------------+--------+--+----------------------------+
 *
 * Pure: no system-register access; the caller reads ESR_EL2, FAR_EL2 and
 * HPFAR_EL2 and passes the values in.
 */
#ifndef ARM64_ESR_H
#define ARM64_ESR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESR_EC_SHIFT 26u
#define ESR_EC_MASK 0x3fu
#define ESR_IL (1ull << 25)           /* 1: a 32-bit instruction (always for AArch64) */
#define ESR_ISS_MASK 0x1ffffffu       /* bits 24:0 */
#define ESR_ISS2_SHIFT 32u
#define ESR_ISS2_MASK 0xffffffu       /* bits 55:32 */

/* Exception classes (D24.2 ESR_EL2.EC). The comment names the feature that defines an EC. */
enum esr_ec {
	ESR_EC_UNKNOWN = 0x00,
	ESR_EC_WFX = 0x01,            /* WFI, WFE, WFIT, WFET (HCR_EL2.TWI/TWE) */
	ESR_EC_CP15_MCR = 0x03,       /* AArch32 */
	ESR_EC_CP15_MCRR = 0x04,
	ESR_EC_CP14_MCR = 0x05,
	ESR_EC_CP14_LDC = 0x06,
	ESR_EC_FP_ASIMD = 0x07,       /* SME, SVE, SIMD or FP access (CPTR_EL2) */
	ESR_EC_CP10_VMRS = 0x08,      /* AArch32 VMRS of an ID register (HCR_EL2.TID0) */
	ESR_EC_PAC_TRAP = 0x09,       /* FEAT_PAuth, HCR_EL2.API = 0 */
	ESR_EC_LS64 = 0x0a,           /* FEAT_LS64 */
	ESR_EC_CP14_MRRC = 0x0c,
	ESR_EC_BTI = 0x0d,            /* FEAT_BTI */
	ESR_EC_ILLEGAL_STATE = 0x0e,
	ESR_EC_SVC32 = 0x11,
	ESR_EC_HVC32 = 0x12,
	ESR_EC_SMC32 = 0x13,
	ESR_EC_SYS128 = 0x14,         /* FEAT_SYSREG128: MSRR, MRRS, SYSP */
	ESR_EC_SVC64 = 0x15,
	ESR_EC_HVC64 = 0x16,
	ESR_EC_SMC64 = 0x17,          /* HCR_EL2.TSC: ELR_EL2 points AT the SMC, not after it */
	ESR_EC_SYS64 = 0x18,          /* MSR, MRS, SYS (HCR_EL2.TID3, TVM, ...) */
	ESR_EC_SVE = 0x19,            /* FEAT_SVE */
	ESR_EC_ERET = 0x1a,           /* FEAT_NV */
	ESR_EC_TSTART = 0x1b,         /* FEAT_TME */
	ESR_EC_PAC_FAIL = 0x1c,       /* FEAT_FPAC */
	ESR_EC_SME = 0x1d,            /* FEAT_SME */
	ESR_EC_GPC = 0x1e,            /* FEAT_RME, taken to EL3 only */
	ESR_EC_IMPDEF = 0x1f,         /* EL3 only */
	ESR_EC_IABT_LOWER = 0x20,
	ESR_EC_IABT_SAME = 0x21,
	ESR_EC_PC_ALIGN = 0x22,
	ESR_EC_DABT_LOWER = 0x24,
	ESR_EC_DABT_SAME = 0x25,
	ESR_EC_SP_ALIGN = 0x26,
	ESR_EC_MOPS = 0x27,           /* FEAT_MOPS */
	ESR_EC_FP32 = 0x28,
	ESR_EC_FP64 = 0x2c,
	ESR_EC_GCS = 0x2d,            /* FEAT_GCS */
	ESR_EC_SERROR = 0x2f,
	ESR_EC_BREAKPOINT_LOWER = 0x30,
	ESR_EC_BREAKPOINT_SAME = 0x31,
	ESR_EC_STEP_LOWER = 0x32,
	ESR_EC_STEP_SAME = 0x33,
	ESR_EC_WATCHPOINT_LOWER = 0x34,
	ESR_EC_WATCHPOINT_SAME = 0x35,
	ESR_EC_BKPT32 = 0x38,
	ESR_EC_VECTOR_CATCH = 0x3a,
	ESR_EC_BRK64 = 0x3c,
};

static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint32_t esr_iss(uint64_t esr)
{
	return (uint32_t)esr & ESR_ISS_MASK;
}

/* The length of the trapped instruction in bytes: 4, or 2 (a 16-bit T32 one). */
static inline unsigned esr_insn_len(uint64_t esr)
{
	return (esr & ESR_IL) ? 4u : 2u;
}

/* "data abort from a lower EL", ...; NULL for an unallocated EC. */
const char *esr_ec_name(unsigned ec);

/* ---- Data aborts, EC 0x24/0x25 (ISS encoding for an exception from a Data Abort) ---- */

#define ESR_DABT_ISV (1u << 24)       /* bits 23:14 hold a valid instruction syndrome */
#define ESR_DABT_SAS_SHIFT 22u        /* access size: 1 << SAS bytes */
#define ESR_DABT_SAS_MASK 3u
#define ESR_DABT_SSE (1u << 21)       /* the load sign-extends */
#define ESR_DABT_SRT_SHIFT 16u        /* the transfer register Xt/Wt */
#define ESR_DABT_SRT_MASK 0x1fu
#define ESR_DABT_SF (1u << 15)        /* a 64-bit register (Xt), else Wt */
#define ESR_DABT_AR (1u << 14)        /* acquire/release semantics */
#define ESR_DABT_VNCR (1u << 13)      /* FEAT_NV2: the access was to VNCR_EL2 memory */
#define ESR_DABT_FNV (1u << 10)       /* FAR is not valid */
#define ESR_DABT_EA (1u << 9)         /* external abort type (IMPLEMENTATION DEFINED) */
#define ESR_DABT_CM (1u << 8)         /* a cache maintenance or AT instruction */
#define ESR_DABT_S1PTW (1u << 7)      /* stage-2 fault on a stage-1 table walk */
#define ESR_DABT_WNR (1u << 6)        /* 1: a write */
#define ESR_FSC_MASK 0x3fu            /* DFSC / IFSC, bits 5:0 */

_Static_assert((ESR_DABT_SAS_MASK << ESR_DABT_SAS_SHIFT) == 0x00c00000u &&
	       (ESR_DABT_SRT_MASK << ESR_DABT_SRT_SHIFT) == 0x001f0000u &&
	       (ESR_DABT_ISV | ESR_DABT_SSE | ESR_DABT_SF | ESR_DABT_AR) == 0x0120c000u,
	       "ISS for a Data Abort: ISV 24, SAS 23:22, SSE 21, SRT 20:16, SF 15, AR 14");
_Static_assert((ESR_DABT_VNCR | ESR_DABT_FNV | ESR_DABT_EA | ESR_DABT_CM | ESR_DABT_S1PTW |
		ESR_DABT_WNR) == 0x27c0u && (ESR_DABT_WNR & ESR_FSC_MASK) == 0,
	       "VNCR 13, FnV 10, EA 9, CM 8, S1PTW 7, WnR 6, DFSC 5:0");

struct esr_dabt {
	bool isv;
	unsigned size;     /* bytes, 1..8 (isv only) */
	bool sse, sf, ar;  /* isv only */
	unsigned srt;      /* 0..30, 31 = XZR/WZR (isv only) */
	bool vncr, fnv, ea, cm, s1ptw, write;
	unsigned dfsc;
};

/* Decode a data-abort ISS; false (and *d zeroed) if esr is not a data abort. */
bool esr_dabt_decode(uint64_t esr, struct esr_dabt *d);

/* ---- Instruction aborts, EC 0x20/0x21 ---- */

#define ESR_IABT_FNV ESR_DABT_FNV
#define ESR_IABT_EA ESR_DABT_EA
#define ESR_IABT_S1PTW ESR_DABT_S1PTW

struct esr_iabt {
	bool fnv, ea, s1ptw;
	unsigned ifsc;
};

bool esr_iabt_decode(uint64_t esr, struct esr_iabt *i);

/* ---- Fault status codes (DFSC / IFSC) ---- */

enum esr_fault {
	ESR_FAULT_RESERVED,
	ESR_FAULT_ADDR_SIZE,
	ESR_FAULT_TRANSLATION,
	ESR_FAULT_ACCESS_FLAG,
	ESR_FAULT_PERMISSION,
	ESR_FAULT_EXTERNAL,           /* synchronous external abort, not on a table walk */
	ESR_FAULT_EXTERNAL_WALK,      /* ... on a table walk or its update */
	ESR_FAULT_TAG_CHECK,          /* FEAT_MTE2, data only */
	ESR_FAULT_PARITY,             /* synchronous parity or ECC error */
	ESR_FAULT_PARITY_WALK,
	ESR_FAULT_ALIGNMENT,          /* data only */
	ESR_FAULT_GPF_WALK,           /* FEAT_RME granule protection fault on a walk */
	ESR_FAULT_GPF,
	ESR_FAULT_TLB_CONFLICT,
	ESR_FAULT_ATOMIC_HW_UPDATE,   /* FEAT_HAFDBS, data only */
	ESR_FAULT_IMPDEF_LOCKDOWN,    /* data only */
	ESR_FAULT_IMPDEF_ATOMIC,      /* unsupported exclusive or atomic access, data only */
};

#define ESR_LEVEL_NONE (-2)           /* the fault status names no lookup level */

struct esr_fsc {
	enum esr_fault fault;
	int level;                    /* -1..3 (-1 and level-0 access/permission: FEAT_LPA2), or ESR_LEVEL_NONE */
};

/* Decode a DFSC (data) or IFSC (!data); ESR_FAULT_RESERVED for an unallocated code. */
struct esr_fsc esr_fsc_decode(unsigned fsc, bool data);

/* "translation fault", "permission fault", ... */
const char *esr_fault_name(enum esr_fault f);

/*
 * The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA (bits 43:4) holds
 * IPA[51:12] and the page offset comes from FAR_EL2 (D24.2 "HPFAR_EL2").
 * Valid for stage-2 faults only, and only when FnV is 0.
 */
#define ESR_HPFAR_FIPA_SHIFT 4u
#define ESR_HPFAR_FIPA_MASK 0xffffffffffull   /* 40 bits: IPA[51:12] */

static inline uint64_t esr_hpfar_ipa(uint64_t hpfar, uint64_t far)
{
	return (((hpfar >> ESR_HPFAR_FIPA_SHIFT) & ESR_HPFAR_FIPA_MASK) << 12) | (far & 0xfffu);
}

/* ---- HVC / SMC, EC 0x16/0x17 (and 0x12/0x13): the immediate ---- */

static inline unsigned esr_imm16(uint64_t esr)
{
	return (unsigned)esr & 0xffffu;
}

/* ---- Trapped MSR, MRS, system instructions, EC 0x18 ---- */

#define ESR_SYS_OP0_SHIFT 20u         /* 2 bits */
#define ESR_SYS_OP2_SHIFT 17u         /* 3 bits */
#define ESR_SYS_OP1_SHIFT 14u         /* 3 bits */
#define ESR_SYS_CRN_SHIFT 10u         /* 4 bits */
#define ESR_SYS_RT_SHIFT 5u           /* 5 bits */
#define ESR_SYS_CRM_SHIFT 1u          /* 4 bits */
#define ESR_SYS_READ 1u               /* Direction, bit 0: 1 = MRS (read), 0 = MSR (write) */

/*
 * A system register by its encoding, placed as the ISS of EC 0x18 places it
 * (Rt and Direction zero), so a trap is matched with
 * (esr_iss(esr) & ESR_SYSREG_MASK) == ESR_SYSREG(...).
 */
#define ESR_SYSREG(op0, op1, crn, crm, op2)                                                \
	((uint32_t)(op0) << ESR_SYS_OP0_SHIFT | (uint32_t)(op2) << ESR_SYS_OP2_SHIFT |     \
	 (uint32_t)(op1) << ESR_SYS_OP1_SHIFT | (uint32_t)(crn) << ESR_SYS_CRN_SHIFT |     \
	 (uint32_t)(crm) << ESR_SYS_CRM_SHIFT)
#define ESR_SYSREG_MASK ESR_SYSREG(3, 7, 15, 15, 7)

_Static_assert(ESR_SYSREG_MASK == 0x3ffc1eu, "Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, CRm 4:1");
_Static_assert((ESR_SYSREG_MASK & (0x1fu << ESR_SYS_RT_SHIFT | ESR_SYS_READ)) == 0,
	       "Rt (9:5) and Direction (0) are not part of the register's encoding");

/* A few ID registers the EL2 code traps (HCR_EL2.TID3): D24.2, their encodings. */
#define ESR_SYSREG_ID_AA64PFR0_EL1 ESR_SYSREG(3, 0, 0, 4, 0)
#define ESR_SYSREG_ID_AA64PFR1_EL1 ESR_SYSREG(3, 0, 0, 4, 1)
#define ESR_SYSREG_ID_AA64ISAR0_EL1 ESR_SYSREG(3, 0, 0, 6, 0)
#define ESR_SYSREG_ID_AA64ISAR1_EL1 ESR_SYSREG(3, 0, 0, 6, 1)
#define ESR_SYSREG_ID_AA64MMFR0_EL1 ESR_SYSREG(3, 0, 0, 7, 0)
#define ESR_SYSREG_ID_AA64MMFR1_EL1 ESR_SYSREG(3, 0, 0, 7, 1)

struct esr_sysreg {
	unsigned op0, op1, crn, crm, op2;
	unsigned rt;       /* 0..30, 31 = XZR */
	bool read;         /* MRS */
	uint32_t key;      /* the ESR_SYSREG() of the register */
};

bool esr_sysreg_decode(uint64_t esr, struct esr_sysreg *s);

/* ---- Trapped WFI / WFE, EC 0x01 ---- */

#define ESR_WFX_TI_MASK 3u            /* bits 1:0 */
#define ESR_WFX_RV (1u << 2)          /* FEAT_WFxT: RN holds a valid register */
#define ESR_WFX_RN_SHIFT 5u           /* FEAT_WFxT: the timeout register, bits 9:5 */

enum esr_wfx_ti { ESR_WFX_WFI = 0, ESR_WFX_WFE = 1, ESR_WFX_WFIT = 2, ESR_WFX_WFET = 3 };

struct esr_wfx {
	enum esr_wfx_ti ti;
	bool rv;
	unsigned rn;       /* rv only */
};

bool esr_wfx_decode(uint64_t esr, struct esr_wfx *w);

/* ---- The crash report ---- */

/*
 * One line describing the exception, e.g.
 *   "EC 0x24 data abort from a lower EL: DFSC 0x07 translation fault level 3,
 *    WnR=1, ISV=1 SAS=word SRT=x3, FAR 0x9000000 (ESR 0x93838047)"
 * (without the line break): the EC and its name, the decoded ISS for the
 * classes above (the raw ISS for the others), FAR where the class sets it
 * (aborts, PC alignment, watchpoints; "FAR not valid" when FnV says so) and
 * the raw value. Always NUL-terminated; returns false if it was cut to fit.
 */
bool esr_format(char *buf, size_t len, uint64_t esr, uint64_t far);
/* A buffer this long holds the longest line esr_format() makes (233 characters, fuzz_esr). */
#define ESR_FORMAT_MAX 256u

#endif
