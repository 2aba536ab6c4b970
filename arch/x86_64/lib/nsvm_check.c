// SPDX-License-Identifier: MIT
/*
 * The VMRUN consistency checks, one small predicate each, applied in the
 * order of NSVM_CHECKS() (APM Vol 2 15.5.1, 15.20, 15.25). "Long mode"
 * below means EFER.LME and CR0.PG both set, the condition the APM's
 * long-mode checks are written with (EFER.LMA is the CPU's to compute).
 */
#include "nsvm_check.h"

#include "nsvm_regs.h"
#include "svm_perm.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAP_BASE_MASK (~0xfffull)
#define EVENTINJ_RESERVED_MASK 0x7ffff000ull /* bits 30:12 (APM 15.20) */

/* ---- names ---- */

static const char *const check_names[NSVM_CHECK_COUNT] = {
	[NSVM_CHECK_OK] = "OK",
#define NSVM_CHECK_NAME(id, fn, text) [NSVM_CHECK_##id] = #id,
	NSVM_CHECKS(NSVM_CHECK_NAME)
#undef NSVM_CHECK_NAME
};

static const char *const check_texts[NSVM_CHECK_COUNT] = {
	[NSVM_CHECK_OK] = "every check passed",
#define NSVM_CHECK_TEXT(id, fn, text) [NSVM_CHECK_##id] = text,
	NSVM_CHECKS(NSVM_CHECK_TEXT)
#undef NSVM_CHECK_TEXT
};

const char *nsvm_check_name(enum nsvm_check c)
{
	return (unsigned)c < NSVM_CHECK_COUNT ? check_names[c] : NULL;
}

const char *nsvm_check_text(enum nsvm_check c)
{
	return (unsigned)c < NSVM_CHECK_COUNT ? check_texts[c] : NULL;
}

/* ---- helpers ---- */

static bool long_mode(const struct vmcb_save *s)
{
	return (s->efer & NSVM_EFER_LME) && (s->cr0 & NSVM_CR0_PG);
}

/* Bits at and above `width` (0 < width <= 64). */
static uint64_t bits_from(unsigned width)
{
	return width >= 64 ? 0 : ~0ull << width;
}

bool nsvm_map_fits(uint64_t base, uint32_t bytes, uint8_t phys_width)
{
	uint64_t first = base & MAP_BASE_MASK;
	uint64_t last = first + bytes - 1u;

	if (bytes == 0 || last < first) /* wrapped past 2^64 */
		return false;
	return (last & bits_from(phys_width)) == 0;
}

/* ---- the checks: true if vmcb12 fails it ---- */

typedef bool (*check_fn)(const struct vmcb *v, const struct nsvm_caps *caps);

static bool fails_efer_svme(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return !(v->save.efer & NSVM_EFER_SVME);
}

static bool fails_cr0_cd_nw(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return !(v->save.cr0 & NSVM_CR0_CD) && (v->save.cr0 & NSVM_CR0_NW);
}

static bool fails_cr0_high(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return (v->save.cr0 & NSVM_CR0_HIGH_MBZ) != 0;
}

/* Long mode: bits from the physical address width up (at most 52); legacy: 63:32. */
static bool fails_cr3_mbz(const struct vmcb *v, const struct nsvm_caps *caps)
{
	unsigned width = caps->phys_width < NSVM_CR3_LONG_MAX_WIDTH ? caps->phys_width
								      : NSVM_CR3_LONG_MAX_WIDTH;
	uint64_t mbz = long_mode(&v->save) ? bits_from(width) : NSVM_CR3_LEGACY_MBZ;

	return (v->save.cr3 & mbz) != 0;
}

static bool fails_cr4_mbz(const struct vmcb *v, const struct nsvm_caps *caps)
{
	return (v->save.cr4 & ~caps->cr4_supported) != 0;
}

static bool fails_dr6_high(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return (v->save.dr6 & NSVM_DR_HIGH_MBZ) != 0;
}

static bool fails_dr7_high(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return (v->save.dr7 & NSVM_DR_HIGH_MBZ) != 0;
}

/* LME and LMA are judged by the next check, so a CPU without long mode names that one. */
static bool fails_efer_mbz(const struct vmcb *v, const struct nsvm_caps *caps)
{
	uint64_t exists = caps->efer_supported | NSVM_EFER_LME | NSVM_EFER_LMA;

	return (v->save.efer & ~exists) != 0;
}

static bool fails_efer_no_long_mode(const struct vmcb *v, const struct nsvm_caps *caps)
{
	uint64_t lm = NSVM_EFER_LME | NSVM_EFER_LMA;

	if (!caps->long_mode)
		return (v->save.efer & lm) != 0;
	return (v->save.efer & lm & ~caps->efer_supported) != 0;
}

static bool fails_lm_no_pae(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return long_mode(&v->save) && !(v->save.cr4 & NSVM_CR4_PAE);
}

static bool fails_lm_no_pe(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return long_mode(&v->save) && !(v->save.cr0 & NSVM_CR0_PE);
}

static bool fails_lm_cs_l_d(const struct vmcb *v, const struct nsvm_caps *caps)
{
	const uint16_t ld = VMCB_SEG_ATTR_L | VMCB_SEG_ATTR_DB;

	(void)caps;
	return long_mode(&v->save) && (v->save.cr4 & NSVM_CR4_PAE) &&
	       (v->save.cs.attrib & ld) == ld;
}

static bool fails_no_vmrun_intercept(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return !(v->control.intercept_misc2 & VMCB_MISC2_VMRUN);
}

static bool fails_asid_zero(const struct vmcb *v, const struct nsvm_caps *caps)
{
	(void)caps;
	return v->control.asid == 0;
}

/* Checked whether or not MSR_PROT / IOIO_PROT is set, as the APM states it (and QEMU, KVM do). */
static bool fails_msrpm_addr(const struct vmcb *v, const struct nsvm_caps *caps)
{
	return !nsvm_map_fits(v->control.msrpm_base_pa, SVM_MSRPM_BYTES, caps->phys_width);
}

static bool fails_iopm_addr(const struct vmcb *v, const struct nsvm_caps *caps)
{
	return !nsvm_map_fits(v->control.iopm_base_pa, SVM_IOPM_BYTES, caps->phys_width);
}

static bool eventinj_valid(const struct vmcb *v)
{
	return (v->control.event_inj & VMCB_EVENTINJ_V) != 0;
}

/* TYPE 0 (INTR), 2 (NMI), 3 (exception) and 4 (software interrupt) are defined; 1, 5, 6, 7 reserved. */
static bool fails_eventinj_type(const struct vmcb *v, const struct nsvm_caps *caps)
{
	uint64_t type = v->control.event_inj & VMCB_EVENTINJ_TYPE_MASK;

	(void)caps;
	return eventinj_valid(v) && type != VMCB_EVENTINJ_TYPE_INTR && type != VMCB_EVENTINJ_TYPE_NMI &&
	       type != VMCB_EVENTINJ_TYPE_EXCP && type != VMCB_EVENTINJ_TYPE_SOFT;
}

/* APM 15.20: TYPE 3 with a vector that is no exception; that includes 2 (NMI) and everything above 31. */
static bool fails_eventinj_vector(const struct vmcb *v, const struct nsvm_caps *caps)
{
	uint64_t ev = v->control.event_inj;
	uint64_t vec = ev & VMCB_EVENTINJ_VECTOR_MASK;

	if (!eventinj_valid(v) || (ev & VMCB_EVENTINJ_TYPE_MASK) != VMCB_EVENTINJ_TYPE_EXCP)
		return false;
	return vec > NSVM_EXC_VECTOR_LAST || !((caps->exc_vectors >> vec) & 1u);
}

static bool fails_eventinj_reserved(const struct vmcb *v, const struct nsvm_caps *caps)
{
	return caps->eventinj_reserved_mbz && eventinj_valid(v) &&
	       (v->control.event_inj & EVENTINJ_RESERVED_MASK) != 0;
}

static bool npt_asked(const struct vmcb *v)
{
	return (v->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE) != 0;
}

static bool fails_npt_unsupported(const struct vmcb *v, const struct nsvm_caps *caps)
{
	return npt_asked(v) && !caps->npt;
}

/* Every entry a defined memory type with bits 7:3 clear (APM 7.8.1), as WRMSR(PAT) requires. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < NSVM_PAT_ENTRIES; i++) {
		uint8_t e = (uint8_t)(pat >> (8u * i));

		if (e > 7u || !((NSVM_PAT_VALID_TYPES >> e) & 1u))
			return false;
	}
	return true;
}

static bool fails_gpat(const struct vmcb *v, const struct nsvm_caps *caps)
{
	return npt_asked(v) && caps->npt && !pat_valid(v->save.g_pat);
}

/* ---- the table ---- */

struct nsvm_check_entry {
	enum nsvm_check id;
	check_fn fails;
};

#define NSVM_CHECK_ENTRY(id, fn, text) { NSVM_CHECK_##id, fails_##fn },
static const struct nsvm_check_entry checks[] = { NSVM_CHECKS(NSVM_CHECK_ENTRY) };
#undef NSVM_CHECK_ENTRY
_Static_assert(ARRAY_LEN(checks) == NSVM_CHECK_COUNT - 1, "one predicate per NSVM_CHECKS() entry");

enum nsvm_check nsvm_check_vmcb12(const struct vmcb *vmcb12, const struct nsvm_caps *caps)
{
	for (unsigned i = 0; i < ARRAY_LEN(checks); i++)
		if (checks[i].fails(vmcb12, caps))
			return checks[i].id;
	return NSVM_CHECK_OK;
}

uint32_t nsvm_check_all(const struct vmcb *vmcb12, const struct nsvm_caps *caps)
{
	uint32_t failed = 0;

	for (unsigned i = 0; i < ARRAY_LEN(checks); i++)
		if (checks[i].fails(vmcb12, caps))
			failed |= NSVM_CHECK_BIT(checks[i].id);
	return failed;
}
