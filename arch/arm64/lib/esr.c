// SPDX-License-Identifier: MIT
/*
 * ESR_EL2 decoding and the one-line crash report (DDI 0487, D24.2 ESR_EL2
 * and the ISS encodings it lists per EC).
 */
#include "esr.h"

#include <anvil/strbuf.h>
#include <string.h>

static const char *const ec_names[ESR_EC_MASK + 1] = {
	[ESR_EC_UNKNOWN] = "unknown reason",
	[ESR_EC_WFX] = "trapped WFI/WFE",
	[ESR_EC_CP15_MCR] = "trapped AArch32 MCR/MRC (coproc 15)",
	[ESR_EC_CP15_MCRR] = "trapped AArch32 MCRR/MRRC (coproc 15)",
	[ESR_EC_CP14_MCR] = "trapped AArch32 MCR/MRC (coproc 14)",
	[ESR_EC_CP14_LDC] = "trapped AArch32 LDC/STC",
	[ESR_EC_FP_ASIMD] = "trapped SME/SVE/SIMD/FP access",
	[ESR_EC_CP10_VMRS] = "trapped AArch32 VMRS",
	[ESR_EC_PAC_TRAP] = "trapped pointer authentication instruction",
	[ESR_EC_LS64] = "trapped LD64B/ST64B instruction",
	[ESR_EC_CP14_MRRC] = "trapped AArch32 MRRC (coproc 14)",
	[ESR_EC_BTI] = "branch target exception",
	[ESR_EC_ILLEGAL_STATE] = "illegal execution state",
	[ESR_EC_SVC32] = "SVC from AArch32",
	[ESR_EC_HVC32] = "HVC from AArch32",
	[ESR_EC_SMC32] = "SMC from AArch32",
	[ESR_EC_SYS128] = "trapped MSRR/MRRS/SYSP",
	[ESR_EC_SVC64] = "SVC from AArch64",
	[ESR_EC_HVC64] = "HVC from AArch64",
	[ESR_EC_SMC64] = "SMC from AArch64",
	[ESR_EC_SYS64] = "trapped MSR/MRS/system instruction",
	[ESR_EC_SVE] = "trapped SVE access",
	[ESR_EC_ERET] = "trapped ERET/ERETAA/ERETAB",
	[ESR_EC_TSTART] = "trapped TSTART",
	[ESR_EC_PAC_FAIL] = "pointer authentication failure",
	[ESR_EC_SME] = "trapped SME access",
	[ESR_EC_GPC] = "granule protection check",
	[ESR_EC_IMPDEF] = "implementation defined exception",
	[ESR_EC_IABT_LOWER] = "instruction abort from a lower EL",
	[ESR_EC_IABT_SAME] = "instruction abort from the same EL",
	[ESR_EC_PC_ALIGN] = "PC alignment fault",
	[ESR_EC_DABT_LOWER] = "data abort from a lower EL",
	[ESR_EC_DABT_SAME] = "data abort from the same EL",
	[ESR_EC_SP_ALIGN] = "SP alignment fault",
	[ESR_EC_MOPS] = "memory operation exception",
	[ESR_EC_FP32] = "trapped AArch32 floating-point exception",
	[ESR_EC_FP64] = "trapped AArch64 floating-point exception",
	[ESR_EC_GCS] = "guarded control stack exception",
	[ESR_EC_SERROR] = "SError interrupt",
	[ESR_EC_BREAKPOINT_LOWER] = "breakpoint from a lower EL",
	[ESR_EC_BREAKPOINT_SAME] = "breakpoint from the same EL",
	[ESR_EC_STEP_LOWER] = "software step from a lower EL",
	[ESR_EC_STEP_SAME] = "software step from the same EL",
	[ESR_EC_WATCHPOINT_LOWER] = "watchpoint from a lower EL",
	[ESR_EC_WATCHPOINT_SAME] = "watchpoint from the same EL",
	[ESR_EC_BKPT32] = "AArch32 BKPT",
	[ESR_EC_VECTOR_CATCH] = "AArch32 vector catch",
	[ESR_EC_BRK64] = "AArch64 BRK",
};

const char *esr_ec_name(unsigned ec)
{
	return ec <= ESR_EC_MASK ? ec_names[ec] : NULL;
}

static bool is_dabt(unsigned ec)
{
	return ec == ESR_EC_DABT_LOWER || ec == ESR_EC_DABT_SAME;
}

static bool is_iabt(unsigned ec)
{
	return ec == ESR_EC_IABT_LOWER || ec == ESR_EC_IABT_SAME;
}

bool esr_dabt_decode(uint64_t esr, struct esr_dabt *d)
{
	uint32_t iss = esr_iss(esr);

	memset(d, 0, sizeof(*d));
	if (!is_dabt(esr_ec(esr)))
		return false;
	d->isv = iss & ESR_DABT_ISV;
	if (d->isv) { /* bits 23:14 are RES0 / UNKNOWN otherwise */
		d->size = 1u << ((iss >> ESR_DABT_SAS_SHIFT) & ESR_DABT_SAS_MASK);
		d->sse = iss & ESR_DABT_SSE;
		d->srt = (iss >> ESR_DABT_SRT_SHIFT) & ESR_DABT_SRT_MASK;
		d->sf = iss & ESR_DABT_SF;
		d->ar = iss & ESR_DABT_AR;
	}
	d->vncr = iss & ESR_DABT_VNCR;
	d->fnv = iss & ESR_DABT_FNV;
	d->ea = iss & ESR_DABT_EA;
	d->cm = iss & ESR_DABT_CM;
	d->s1ptw = iss & ESR_DABT_S1PTW;
	d->write = iss & ESR_DABT_WNR;
	d->dfsc = iss & ESR_FSC_MASK;
	return true;
}

bool esr_iabt_decode(uint64_t esr, struct esr_iabt *i)
{
	uint32_t iss = esr_iss(esr);

	memset(i, 0, sizeof(*i));
	if (!is_iabt(esr_ec(esr)))
		return false;
	i->fnv = iss & ESR_IABT_FNV;
	i->ea = iss & ESR_IABT_EA;
	i->s1ptw = iss & ESR_IABT_S1PTW;
	i->ifsc = iss & ESR_FSC_MASK;
	return true;
}

/*
 * The fault status codes as ranges (DDI 0487 D24.2, ESR_EL2 ISS DFSC and
 * IFSC): a run of codes one per lookup level starting at level0, or a single
 * code without a level.
 */
struct fsc_range {
	uint8_t first, last;
	int8_t level0;     /* the level of `first`, or ESR_LEVEL_NONE */
	uint8_t fault;     /* enum esr_fault */
	bool data_only;
};

static const struct fsc_range fsc_ranges[] = {
	{ 0x00, 0x03, 0, ESR_FAULT_ADDR_SIZE, false },
	{ 0x04, 0x07, 0, ESR_FAULT_TRANSLATION, false },
	{ 0x08, 0x0b, 0, ESR_FAULT_ACCESS_FLAG, false },   /* level 0: FEAT_LPA2 */
	{ 0x0c, 0x0f, 0, ESR_FAULT_PERMISSION, false },    /* level 0: FEAT_LPA2 */
	{ 0x10, 0x10, ESR_LEVEL_NONE, ESR_FAULT_EXTERNAL, false },
	{ 0x11, 0x11, ESR_LEVEL_NONE, ESR_FAULT_TAG_CHECK, true },
	{ 0x13, 0x13, -1, ESR_FAULT_EXTERNAL_WALK, false },
	{ 0x14, 0x17, 0, ESR_FAULT_EXTERNAL_WALK, false },
	{ 0x18, 0x18, ESR_LEVEL_NONE, ESR_FAULT_PARITY, false },
	{ 0x1b, 0x1b, -1, ESR_FAULT_PARITY_WALK, false },
	{ 0x1c, 0x1f, 0, ESR_FAULT_PARITY_WALK, false },
	{ 0x21, 0x21, ESR_LEVEL_NONE, ESR_FAULT_ALIGNMENT, true },
	{ 0x23, 0x23, -1, ESR_FAULT_GPF_WALK, false },
	{ 0x24, 0x27, 0, ESR_FAULT_GPF_WALK, false },
	{ 0x28, 0x28, ESR_LEVEL_NONE, ESR_FAULT_GPF, false },
	{ 0x29, 0x29, -1, ESR_FAULT_ADDR_SIZE, false },     /* FEAT_LPA2 */
	{ 0x2b, 0x2b, -1, ESR_FAULT_TRANSLATION, false },   /* FEAT_LPA2 */
	{ 0x30, 0x30, ESR_LEVEL_NONE, ESR_FAULT_TLB_CONFLICT, false },
	{ 0x31, 0x31, ESR_LEVEL_NONE, ESR_FAULT_ATOMIC_HW_UPDATE, true },
	{ 0x34, 0x34, ESR_LEVEL_NONE, ESR_FAULT_IMPDEF_LOCKDOWN, true },
	{ 0x35, 0x35, ESR_LEVEL_NONE, ESR_FAULT_IMPDEF_ATOMIC, true },
};

struct esr_fsc esr_fsc_decode(unsigned fsc, bool data)
{
	struct esr_fsc r = { ESR_FAULT_RESERVED, ESR_LEVEL_NONE };

	for (size_t i = 0; i < sizeof(fsc_ranges) / sizeof(fsc_ranges[0]); i++) {
		const struct fsc_range *f = &fsc_ranges[i];

		if (fsc < f->first || fsc > f->last || (f->data_only && !data))
			continue;
		r.fault = f->fault;
		if (f->level0 != ESR_LEVEL_NONE)
			r.level = f->level0 + (int)(fsc - f->first);
		break;
	}
	return r;
}

const char *esr_fault_name(enum esr_fault f)
{
	switch (f) {
	case ESR_FAULT_ADDR_SIZE: return "address size fault";
	case ESR_FAULT_TRANSLATION: return "translation fault";
	case ESR_FAULT_ACCESS_FLAG: return "access flag fault";
	case ESR_FAULT_PERMISSION: return "permission fault";
	case ESR_FAULT_EXTERNAL: return "synchronous external abort";
	case ESR_FAULT_EXTERNAL_WALK: return "synchronous external abort on table walk";
	case ESR_FAULT_TAG_CHECK: return "tag check fault";
	case ESR_FAULT_PARITY: return "parity/ECC error";
	case ESR_FAULT_PARITY_WALK: return "parity/ECC error on table walk";
	case ESR_FAULT_ALIGNMENT: return "alignment fault";
	case ESR_FAULT_GPF_WALK: return "granule protection fault on table walk";
	case ESR_FAULT_GPF: return "granule protection fault";
	case ESR_FAULT_TLB_CONFLICT: return "TLB conflict abort";
	case ESR_FAULT_ATOMIC_HW_UPDATE: return "unsupported atomic hardware update fault";
	case ESR_FAULT_IMPDEF_LOCKDOWN: return "implementation defined fault (lockdown)";
	case ESR_FAULT_IMPDEF_ATOMIC: return "implementation defined fault (unsupported exclusive or atomic)";
	case ESR_FAULT_RESERVED: break;
	}
	return "reserved fault status";
}

bool esr_sysreg_decode(uint64_t esr, struct esr_sysreg *s)
{
	uint32_t iss = esr_iss(esr);

	memset(s, 0, sizeof(*s));
	if (esr_ec(esr) != ESR_EC_SYS64)
		return false;
	s->op0 = (iss >> ESR_SYS_OP0_SHIFT) & 3u;
	s->op2 = (iss >> ESR_SYS_OP2_SHIFT) & 7u;
	s->op1 = (iss >> ESR_SYS_OP1_SHIFT) & 7u;
	s->crn = (iss >> ESR_SYS_CRN_SHIFT) & 15u;
	s->rt = (iss >> ESR_SYS_RT_SHIFT) & 31u;
	s->crm = (iss >> ESR_SYS_CRM_SHIFT) & 15u;
	s->read = iss & ESR_SYS_READ;
	s->key = iss & ESR_SYSREG_MASK;
	return true;
}

bool esr_wfx_decode(uint64_t esr, struct esr_wfx *w)
{
	uint32_t iss = esr_iss(esr);

	memset(w, 0, sizeof(*w));
	if (esr_ec(esr) != ESR_EC_WFX)
		return false;
	w->ti = (enum esr_wfx_ti)(iss & ESR_WFX_TI_MASK);
	w->rv = iss & ESR_WFX_RV;
	if (w->rv)
		w->rn = (iss >> ESR_WFX_RN_SHIFT) & 31u;
	return true;
}

/* ---- The crash report ---- */

static void put_reg(struct strbuf *sb, unsigned r, bool x)
{
	if (r == 31) {
		sb_str(sb, x ? "xzr" : "wzr");
		return;
	}
	sb_char(sb, x ? 'x' : 'w');
	sb_dec(sb, r);
}

static void put_fsc(struct strbuf *sb, const char *what, unsigned fsc, bool data)
{
	struct esr_fsc f = esr_fsc_decode(fsc, data);

	sb_str(sb, what);
	sb_char(sb, ' ');
	sb_hex(sb, fsc, 2);
	sb_char(sb, ' ');
	sb_str(sb, esr_fault_name(f.fault));
	if (f.level != ESR_LEVEL_NONE) {
		sb_str(sb, " level ");
		if (f.level < 0)
			sb_char(sb, '-');
		sb_dec(sb, (uint64_t)(f.level < 0 ? -f.level : f.level));
	}
}

static void put_flag(struct strbuf *sb, const char *name, bool on)
{
	if (on) {
		sb_str(sb, ", ");
		sb_str(sb, name);
		sb_str(sb, "=1");
	}
}

static const char *sas_name(unsigned size)
{
	switch (size) {
	case 1: return "byte";
	case 2: return "halfword";
	case 4: return "word";
	default: return "doubleword";
	}
}

static void put_far(struct strbuf *sb, bool fnv, uint64_t far)
{
	if (fnv) {
		sb_str(sb, ", FAR not valid");
		return;
	}
	sb_str(sb, ", FAR ");
	sb_hex(sb, far, 1);
}

static void put_dabt(struct strbuf *sb, uint64_t esr, uint64_t far)
{
	struct esr_dabt d;

	esr_dabt_decode(esr, &d);
	put_fsc(sb, "DFSC", d.dfsc, true);
	sb_str(sb, d.write ? ", WnR=1" : ", WnR=0");
	if (d.isv) {
		sb_str(sb, ", ISV=1 SAS=");
		sb_str(sb, sas_name(d.size));
		sb_str(sb, " SRT=");
		put_reg(sb, d.srt, d.sf);
		if (d.sse)
			sb_str(sb, " SSE=1");
		if (d.ar)
			sb_str(sb, " AR=1");
	} else {
		sb_str(sb, ", ISV=0");
	}
	put_flag(sb, "S1PTW", d.s1ptw);
	put_flag(sb, "CM", d.cm);
	put_flag(sb, "EA", d.ea);
	put_flag(sb, "VNCR", d.vncr);
	put_far(sb, d.fnv, far);
}

static void put_iabt(struct strbuf *sb, uint64_t esr, uint64_t far)
{
	struct esr_iabt i;

	esr_iabt_decode(esr, &i);
	put_fsc(sb, "IFSC", i.ifsc, false);
	put_flag(sb, "S1PTW", i.s1ptw);
	put_flag(sb, "EA", i.ea);
	put_far(sb, i.fnv, far);
}

/* "S3_0_C0_C4_0", the assembler's generic name for a system register. */
static void put_sysreg_name(struct strbuf *sb, const struct esr_sysreg *s)
{
	sb_char(sb, 'S');
	sb_dec(sb, s->op0);
	sb_char(sb, '_');
	sb_dec(sb, s->op1);
	sb_str(sb, "_C");
	sb_dec(sb, s->crn);
	sb_str(sb, "_C");
	sb_dec(sb, s->crm);
	sb_char(sb, '_');
	sb_dec(sb, s->op2);
}

static void put_sysreg(struct strbuf *sb, uint64_t esr)
{
	struct esr_sysreg s;

	esr_sysreg_decode(esr, &s);
	if (s.read) {
		sb_str(sb, "MRS ");
		put_reg(sb, s.rt, true);
		sb_str(sb, ", ");
		put_sysreg_name(sb, &s);
	} else {
		sb_str(sb, "MSR ");
		put_sysreg_name(sb, &s);
		sb_str(sb, ", ");
		put_reg(sb, s.rt, true);
	}
}

static void put_wfx(struct strbuf *sb, uint64_t esr)
{
	static const char *const names[] = { "WFI", "WFE", "WFIT", "WFET" };
	struct esr_wfx w;

	esr_wfx_decode(esr, &w);
	sb_str(sb, names[w.ti]);
	if (w.rv) {
		sb_char(sb, ' ');
		put_reg(sb, w.rn, true);
	}
}

static void put_iss(struct strbuf *sb, uint64_t esr, uint64_t far)
{
	unsigned ec = esr_ec(esr);

	if (is_dabt(ec)) {
		put_dabt(sb, esr, far);
	} else if (is_iabt(ec)) {
		put_iabt(sb, esr, far);
	} else if (ec == ESR_EC_SYS64) {
		put_sysreg(sb, esr);
	} else if (ec == ESR_EC_WFX) {
		put_wfx(sb, esr);
	} else if (ec == ESR_EC_HVC64 || ec == ESR_EC_SMC64 || ec == ESR_EC_HVC32 ||
		   ec == ESR_EC_SMC32 || ec == ESR_EC_SVC64 || ec == ESR_EC_BRK64) {
		sb_str(sb, "imm16 ");
		sb_hex(sb, esr_imm16(esr), 4);
	} else {
		sb_str(sb, "ISS ");
		sb_hex(sb, esr_iss(esr), 7);
		if (ec == ESR_EC_PC_ALIGN || ec == ESR_EC_WATCHPOINT_LOWER ||
		    ec == ESR_EC_WATCHPOINT_SAME)
			put_far(sb, false, far);
	}
}

bool esr_format(char *buf, size_t len, uint64_t esr, uint64_t far)
{
	struct strbuf sb;
	unsigned ec = esr_ec(esr);
	const char *name = esr_ec_name(ec);

	sb_init(&sb, buf, len);
	sb_str(&sb, "EC ");
	sb_hex(&sb, ec, 2);
	sb_char(&sb, ' ');
	sb_str(&sb, name ? name : "(unallocated)");
	sb_str(&sb, ": ");
	put_iss(&sb, esr, far);
	sb_str(&sb, " (ESR ");
	sb_hex(&sb, esr, 8);
	sb_char(&sb, ')');
	return !sb_truncated(&sb);
}
