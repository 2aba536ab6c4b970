/* SPDX-License-Identifier: MIT */
/*
 * The VMRUN consistency checks (APM Vol 2 15.5.1 "Basic Operation",
 * "Canonicalization and Consistency Checks"; 15.20 for EVENTINJ; 15.25
 * "Nested Paging and VMRUN/#VMEXIT" for gPAT) applied by L0 to the vmcb12
 * an L1 hands to VMRUN. A failing check is answered with
 * #VMEXIT(VMEXIT_INVALID) to L1 by the caller; here each check has a
 * reason code and a name, so a test or a payload can say which one fired.
 * Pure: reads the VMCB and a description of the virtual CPU, nothing else.
 */
#ifndef X86_NSVM_CHECK_H
#define X86_NSVM_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "vmcb.h"

/*
 * X(id, fn, text): every check, in the order nsvm_check_vmcb12() applies
 * them (the APM's list in 15.5.1, then the checks it states elsewhere);
 * fn names the predicate fails_<fn>() in nsvm_check.c. The first failing
 * check is the one reported.
 */
#define NSVM_CHECKS(X) \
	X(EFER_SVME, efer_svme, "EFER.SVME clear") \
	X(CR0_CD_NW, cr0_cd_nw, "CR0.CD clear with CR0.NW set") \
	X(CR0_HIGH, cr0_high, "CR0[63:32] not zero") \
	X(CR3_MBZ, cr3_mbz, "CR3 MBZ bit set") \
	X(CR4_MBZ, cr4_mbz, "CR4 MBZ bit set (not supported by the virtual CPU)") \
	X(DR6_HIGH, dr6_high, "DR6[63:32] not zero") \
	X(DR7_HIGH, dr7_high, "DR7[63:32] not zero") \
	X(EFER_MBZ, efer_mbz, "EFER MBZ bit set (not supported by the virtual CPU)") \
	X(EFER_NO_LONG_MODE, efer_no_long_mode, "EFER.LME or EFER.LMA set without long mode") \
	X(LM_NO_PAE, lm_no_pae, "EFER.LME and CR0.PG with CR4.PAE clear") \
	X(LM_NO_PE, lm_no_pe, "EFER.LME and CR0.PG with CR0.PE clear") \
	X(LM_CS_L_D, lm_cs_l_d, "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D all set") \
	X(NO_VMRUN_INTERCEPT, no_vmrun_intercept, "VMRUN intercept clear") \
	X(ASID_ZERO, asid_zero, "ASID 0") \
	X(MSRPM_ADDR, msrpm_addr, "MSR permission map reaches the physical address width") \
	X(IOPM_ADDR, iopm_addr, "I/O permission map reaches the physical address width") \
	X(EVENTINJ_TYPE, eventinj_type, "EVENTINJ with a reserved TYPE") \
	X(EVENTINJ_VECTOR, eventinj_vector, "EVENTINJ exception with a vector that is no exception") \
	X(EVENTINJ_RESERVED, eventinj_reserved, "EVENTINJ reserved bits 30:12 set") \
	X(NPT_UNSUPPORTED, npt_unsupported, "nested paging asked for, not offered") \
	X(GPAT, gpat, "nested paging with an illegal gPAT")

enum nsvm_check {
	NSVM_CHECK_OK = 0,
#define NSVM_CHECK_ENUM(id, fn, text) NSVM_CHECK_##id,
	NSVM_CHECKS(NSVM_CHECK_ENUM)
#undef NSVM_CHECK_ENUM
	NSVM_CHECK_COUNT /* one past the last; OK included */
};
_Static_assert(NSVM_CHECK_COUNT <= 32, "nsvm_check_all() returns one bit per check in a uint32_t");

#define NSVM_CHECK_BIT(c) (1u << (c))

/* What the virtual CPU L0 shows L1 implements (its CPUID, its MSRs). */
struct nsvm_caps {
	uint64_t cr4_supported;  /* CR4 bits that exist; any other set bit is MBZ */
	uint64_t efer_supported; /* EFER bits that exist (LME/LMA only with long_mode) */
	uint32_t exc_vectors;    /* bit n: vector n is an exception (NSVM_EXC_VECTORS_AMD64) */
	uint8_t phys_width;      /* guest physical address bits (CPUID Fn8000_0008 EAX[7:0]) */
	bool long_mode;          /* CPUID Fn8000_0001 EDX[29] */
	bool npt;                /* nested paging offered to L1 (CPUID Fn8000_000A EDX[0]) */
	/*
	 * EVENTINJ bits 30:12 are reserved (APM 15.20), but the APM's list of
	 * illegal injections names only a reserved TYPE and a vector that is
	 * no exception; KVM (2025) masks the bits instead of refusing them.
	 * Anvil refuses them when this is set (its default), as the issue asks.
	 */
	bool eventinj_reserved_mbz;
};

/* The first failing check, NSVM_CHECK_OK if vmcb12 passes them all. */
enum nsvm_check nsvm_check_vmcb12(const struct vmcb *vmcb12, const struct nsvm_caps *caps);
/* Every failing check, NSVM_CHECK_BIT() each; 0 if vmcb12 passes. */
uint32_t nsvm_check_all(const struct vmcb *vmcb12, const struct nsvm_caps *caps);
/* "EFER_SVME", ... ("OK" for NSVM_CHECK_OK); NULL out of range. */
const char *nsvm_check_name(enum nsvm_check c);
/* "EFER.SVME clear", ...; NULL out of range. */
const char *nsvm_check_text(enum nsvm_check c);

/*
 * The permission maps' extent (APM 15.10.1, 15.11): the CPU ignores bits
 * 11:0 of the base, and the map's last byte must lie below
 * 2^phys_width. True if [base & ~0xfff, + bytes) fits.
 */
bool nsvm_map_fits(uint64_t base, uint32_t bytes, uint8_t phys_width);

#endif
