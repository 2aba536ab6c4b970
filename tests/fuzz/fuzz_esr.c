/* SPDX-License-Identifier: MIT */
/*
 * arch/arm64/lib/esr.c and smccc.c: what a guest controls about a trap to
 * EL2, the syndrome (ESR_EL2, and FAR_EL2 for the report) and, for an HVC
 * or SMC, the function ID and arguments in X0..X3.
 *
 * Input: esr_input.h.
 *
 * Invariants, ESR: every 64-bit value is classified; EC < 64, ISS the low
 * 25 bits, the length 2 or 4; esr_ec_name NULL exactly for the classes DDI
 * 0487 leaves unallocated (the list here). Each field decoder accepts
 * exactly its classes and otherwise leaves its output all zero; what it
 * decodes is the ISS bits, re-read here from the field positions: data
 * aborts (register < 32, access size 1, 2, 4 or 8 and the SAS bits, the
 * instruction-syndrome fields zero unless ISV), instruction aborts,
 * MSR/MRS (Op0..Op2, CRn, CRm in range, Rt < 32, the key equal to
 * ESR_SYSREG of the fields), WFx (TI, RV, Rn < 32 and only with RV).
 * esr_fsc_decode equals a reference of the DFSC/IFSC table (data-only codes
 * reserved as IFSC; levels -1..3 where the code has one), for the ISS's
 * code and for any 8-bit code. esr_fault_name and esr_ec_name are never
 * empty. esr_format: one line of printable ASCII, "EC 0x<ec> <name>: " ...
 * " (ESR 0x<esr>)", FAR exactly for the classes that set it ("FAR not
 * valid" when FnV), the register a trapped MRS/MSR names; a buffer of any
 * smaller size holds its prefix, terminated, and the call says it was cut
 * exactly when it was; a zero-length buffer is not written.
 *
 * SMCCC: smccc_fid_decode is the DEN 0028 fields; smccc_emulate equals a
 * reference of the policy smccc.h documents (which calls are answered, with
 * what, and the action), X1..X3 of every answer 0; the top half of X0 never
 * matters, nor the top halves of X1..X3 in a 32-bit call.
 */
#include <esr.h>
#include <smccc.h>

#include "esr_input.h"
#include "fuzz.h"

#define LINE_MAX_LEN 512u

static bool bit(uint64_t v, unsigned n)
{
	return (v >> n) & 1u;
}

static unsigned bits(uint64_t v, unsigned hi, unsigned lo)
{
	return (unsigned)((v >> lo) & ((1ull << (hi - lo + 1)) - 1));
}

/* ---- ESR -------------------------------------------------------------- */

static bool ec_allocated(unsigned ec)
{
	static const uint8_t allocated[] = { 0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
					     0x0c, 0x0d, 0x0e, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
					     0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21,
					     0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2c, 0x2d, 0x2f, 0x30,
					     0x31, 0x32, 0x33, 0x34, 0x35, 0x38, 0x3a, 0x3c };

	for (size_t i = 0; i < sizeof(allocated); i++)
		if (allocated[i] == ec)
			return true;
	return false;
}

/* DDI 0487, ESR_ELx.ISS DFSC / IFSC, as a switch over the codes. */
static struct esr_fsc ref_fsc(unsigned fsc, bool data)
{
	struct esr_fsc r = { ESR_FAULT_RESERVED, ESR_LEVEL_NONE };

	switch (fsc) {
	case 0x00: case 0x01: case 0x02: case 0x03:
		return (struct esr_fsc){ ESR_FAULT_ADDR_SIZE, (int)fsc - 0x00 };
	case 0x04: case 0x05: case 0x06: case 0x07:
		return (struct esr_fsc){ ESR_FAULT_TRANSLATION, (int)fsc - 0x04 };
	case 0x08: case 0x09: case 0x0a: case 0x0b:
		return (struct esr_fsc){ ESR_FAULT_ACCESS_FLAG, (int)fsc - 0x08 };
	case 0x0c: case 0x0d: case 0x0e: case 0x0f:
		return (struct esr_fsc){ ESR_FAULT_PERMISSION, (int)fsc - 0x0c };
	case 0x10: return (struct esr_fsc){ ESR_FAULT_EXTERNAL, ESR_LEVEL_NONE };
	case 0x11: return data ? (struct esr_fsc){ ESR_FAULT_TAG_CHECK, ESR_LEVEL_NONE } : r;
	case 0x13: return (struct esr_fsc){ ESR_FAULT_EXTERNAL_WALK, -1 };
	case 0x14: case 0x15: case 0x16: case 0x17:
		return (struct esr_fsc){ ESR_FAULT_EXTERNAL_WALK, (int)fsc - 0x14 };
	case 0x18: return (struct esr_fsc){ ESR_FAULT_PARITY, ESR_LEVEL_NONE };
	case 0x1b: return (struct esr_fsc){ ESR_FAULT_PARITY_WALK, -1 };
	case 0x1c: case 0x1d: case 0x1e: case 0x1f:
		return (struct esr_fsc){ ESR_FAULT_PARITY_WALK, (int)fsc - 0x1c };
	case 0x21: return data ? (struct esr_fsc){ ESR_FAULT_ALIGNMENT, ESR_LEVEL_NONE } : r;
	case 0x23: return (struct esr_fsc){ ESR_FAULT_GPF_WALK, -1 };
	case 0x24: case 0x25: case 0x26: case 0x27:
		return (struct esr_fsc){ ESR_FAULT_GPF_WALK, (int)fsc - 0x24 };
	case 0x28: return (struct esr_fsc){ ESR_FAULT_GPF, ESR_LEVEL_NONE };
	case 0x29: return (struct esr_fsc){ ESR_FAULT_ADDR_SIZE, -1 };
	case 0x2b: return (struct esr_fsc){ ESR_FAULT_TRANSLATION, -1 };
	case 0x30: return (struct esr_fsc){ ESR_FAULT_TLB_CONFLICT, ESR_LEVEL_NONE };
	case 0x31: return data ? (struct esr_fsc){ ESR_FAULT_ATOMIC_HW_UPDATE, ESR_LEVEL_NONE } : r;
	case 0x34: return data ? (struct esr_fsc){ ESR_FAULT_IMPDEF_LOCKDOWN, ESR_LEVEL_NONE } : r;
	case 0x35: return data ? (struct esr_fsc){ ESR_FAULT_IMPDEF_ATOMIC, ESR_LEVEL_NONE } : r;
	default: return r;
	}
}

static void check_fsc(unsigned fsc, bool data)
{
	struct esr_fsc got = esr_fsc_decode(fsc, data), want = ref_fsc(fsc, data);
	const char *name = esr_fault_name(got.fault);

	FUZZ_CHECK(got.fault == want.fault && got.level == want.level,
		   "FSC 0x%x (%s): fault %d level %d, want %d level %d", fsc, data ? "data" : "instruction",
		   (int)got.fault, got.level, (int)want.fault, want.level);
	FUZZ_CHECK(got.level == ESR_LEVEL_NONE || (got.level >= -1 && got.level <= 3), "level %d",
		   got.level);
	FUZZ_CHECK(name && name[0], "no name for fault %d", (int)got.fault);
}

static void check_decoders(uint64_t esr)
{
	unsigned ec = bits(esr, 31, 26);
	uint32_t iss = (uint32_t)bits(esr, 24, 0);
	const char *name = esr_ec_name(ec);
	struct esr_dabt d;
	struct esr_iabt ia;
	struct esr_sysreg s;
	struct esr_wfx w;
	bool dabt = ec == 0x24 || ec == 0x25, iabt = ec == 0x20 || ec == 0x21;

	FUZZ_CHECK(esr_ec(esr) == ec && esr_iss(esr) == iss, "EC %u ISS 0x%x", esr_ec(esr), esr_iss(esr));
	FUZZ_CHECK(esr_insn_len(esr) == (bit(esr, 25) ? 4u : 2u), "length %u", esr_insn_len(esr));
	FUZZ_CHECK((name != NULL) == ec_allocated(ec) && (!name || name[0]), "EC 0x%02x name %s", ec,
		   name ? name : "(null)");
	FUZZ_CHECK(esr_ec_name(ec + 64u) == NULL, "a name for EC %u", ec + 64u);

	memset(&d, 0xa5, sizeof(d));
	FUZZ_CHECK(esr_dabt_decode(esr, &d) == dabt, "data abort decoder on EC 0x%02x", ec);
	if (!dabt) {
		FUZZ_CHECK(!d.isv && !d.size && !d.sse && !d.sf && !d.ar && !d.srt && !d.vncr && !d.fnv &&
				   !d.ea && !d.cm && !d.s1ptw && !d.write && !d.dfsc,
			   "refused data abort left fields set");
	} else {
		FUZZ_CHECK(d.isv == bit(iss, 24), "ISV");
		if (d.isv) {
			FUZZ_CHECK(d.size == 1u << bits(iss, 23, 22) &&
					   (d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8),
				   "size %u for SAS %u", d.size, bits(iss, 23, 22));
			FUZZ_CHECK(d.srt == bits(iss, 20, 16) && d.srt < 32, "SRT %u", d.srt);
			FUZZ_CHECK(d.sse == bit(iss, 21) && d.sf == bit(iss, 15) && d.ar == bit(iss, 14),
				   "SSE/SF/AR");
		} else {
			FUZZ_CHECK(!d.size && !d.srt && !d.sse && !d.sf && !d.ar,
				   "instruction syndrome without ISV");
		}
		FUZZ_CHECK(d.vncr == bit(iss, 13) && d.fnv == bit(iss, 10) && d.ea == bit(iss, 9) &&
				   d.cm == bit(iss, 8) && d.s1ptw == bit(iss, 7) && d.write == bit(iss, 6),
			   "data abort flags");
		FUZZ_CHECK(d.dfsc == bits(iss, 5, 0), "DFSC 0x%x", d.dfsc);
		check_fsc(d.dfsc, true);
	}

	memset(&ia, 0xa5, sizeof(ia));
	FUZZ_CHECK(esr_iabt_decode(esr, &ia) == iabt, "instruction abort decoder on EC 0x%02x", ec);
	if (!iabt)
		FUZZ_CHECK(!ia.fnv && !ia.ea && !ia.s1ptw && !ia.ifsc, "refused instruction abort left fields set");
	else {
		FUZZ_CHECK(ia.fnv == bit(iss, 10) && ia.ea == bit(iss, 9) && ia.s1ptw == bit(iss, 7) &&
				   ia.ifsc == bits(iss, 5, 0),
			   "instruction abort fields");
		check_fsc(ia.ifsc, false);
	}

	memset(&s, 0xa5, sizeof(s));
	FUZZ_CHECK(esr_sysreg_decode(esr, &s) == (ec == 0x18), "sysreg decoder on EC 0x%02x", ec);
	if (ec != 0x18) {
		FUZZ_CHECK(!s.op0 && !s.op1 && !s.crn && !s.crm && !s.op2 && !s.rt && !s.read && !s.key,
			   "refused sysreg left fields set");
	} else {
		FUZZ_CHECK(s.op0 == bits(iss, 21, 20) && s.op2 == bits(iss, 19, 17) &&
				   s.op1 == bits(iss, 16, 14) && s.crn == bits(iss, 13, 10) &&
				   s.rt == bits(iss, 9, 5) && s.crm == bits(iss, 4, 1) && s.read == bit(iss, 0),
			   "sysreg fields");
		FUZZ_CHECK(s.op0 < 4 && s.op1 < 8 && s.op2 < 8 && s.crn < 16 && s.crm < 16 && s.rt < 32,
			   "sysreg field out of range");
		FUZZ_CHECK(s.key == ESR_SYSREG(s.op0, s.op1, s.crn, s.crm, s.op2) &&
				   s.key == (iss & ESR_SYSREG_MASK),
			   "key 0x%x", s.key);
	}

	memset(&w, 0xa5, sizeof(w));
	FUZZ_CHECK(esr_wfx_decode(esr, &w) == (ec == 0x01), "WFx decoder on EC 0x%02x", ec);
	if (ec != 0x01)
		FUZZ_CHECK(!w.ti && !w.rv && !w.rn, "refused WFx left fields set");
	else
		FUZZ_CHECK((unsigned)w.ti == bits(iss, 1, 0) && w.rv == bit(iss, 2) &&
				   w.rn == (w.rv ? bits(iss, 9, 5) : 0u) && w.rn < 32,
			   "WFx TI %u RV %d RN %u", (unsigned)w.ti, w.rv, w.rn);
}

static bool has(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

static void check_format(uint64_t esr, uint64_t far, unsigned cut_byte)
{
	char line[LINE_MAX_LEN], want[96];
	unsigned ec = bits(esr, 31, 26);
	const char *name = esr_ec_name(ec);
	bool fnv = bit(esr, 10), dabt = ec == 0x24 || ec == 0x25, iabt = ec == 0x20 || ec == 0x21;
	bool far_set = dabt || iabt || ec == 0x22 || ec == 0x34 || ec == 0x35;
	size_t len, cut;
	char *small;

	memset(line, 'x', sizeof(line));
	FUZZ_CHECK(esr_format(line, sizeof(line), esr, far), "a %u-byte line was cut", LINE_MAX_LEN);
	/* The crash report's buffer (arch/arm64/trap.c) holds every line. */
	FUZZ_CHECK(strlen(line) < ESR_FORMAT_MAX, "a %zu-character line does not fit ESR_FORMAT_MAX (%u)", strlen(line),
		   ESR_FORMAT_MAX);
	len = strlen(line);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(line[i] >= 0x20 && line[i] < 0x7f, "byte 0x%02x in \"%s\"", (unsigned char)line[i],
			   line);
	snprintf(want, sizeof(want), "EC 0x%02x %s: ", ec, name ? name : "(unallocated)");
	FUZZ_CHECK(strncmp(line, want, strlen(want)) == 0, "\"%s\" does not start \"%s\"", line, want);
	snprintf(want, sizeof(want), " (ESR 0x%08llx)", (unsigned long long)esr);
	FUZZ_CHECK(len >= strlen(want) && strcmp(line + len - strlen(want), want) == 0,
		   "\"%s\" does not end \"%s\"", line, want);
	if (far_set && (dabt || iabt) && fnv) {
		FUZZ_CHECK(has(line, ", FAR not valid"), "FnV, but \"%s\"", line);
	} else if (far_set) {
		snprintf(want, sizeof(want), ", FAR 0x%llx", (unsigned long long)far);
		FUZZ_CHECK(has(line, want), "no \"%s\" in \"%s\"", want, line);
	} else {
		FUZZ_CHECK(!has(line, "FAR"), "FAR in \"%s\" for EC 0x%02x", line, ec);
	}
	if (ec == 0x18) {
		unsigned rt = bits(esr, 9, 5);
		char reg[8];

		if (rt == 31)
			snprintf(reg, sizeof(reg), "xzr");
		else
			snprintf(reg, sizeof(reg), "x%u", rt);
		if (bit(esr, 0))
			snprintf(want, sizeof(want), ": MRS %s, S%u_%u_C%u_C%u_%u", reg, bits(esr, 21, 20),
				 bits(esr, 16, 14), bits(esr, 13, 10), bits(esr, 4, 1), bits(esr, 19, 17));
		else
			snprintf(want, sizeof(want), ": MSR S%u_%u_C%u_C%u_%u, %s", bits(esr, 21, 20),
				 bits(esr, 16, 14), bits(esr, 13, 10), bits(esr, 4, 1), bits(esr, 19, 17), reg);
		FUZZ_CHECK(has(line, want), "no \"%s\" in \"%s\"", want, line);
	}

	/* A smaller buffer: 0 .. len + 1 bytes. */
	cut = cut_byte % (len + 2);
	small = malloc(cut ? cut : 1);
	FUZZ_CHECK(small != NULL, "out of memory");
	memset(small, 'y', cut ? cut : 1);
	FUZZ_CHECK(esr_format(cut ? small : NULL, cut, esr, far) == (cut > len),
		   "cut to %zu of %zu: the return value", cut, len);
	if (cut) {
		size_t keep = cut - 1 < len ? cut - 1 : len;

		FUZZ_CHECK(strlen(small) == keep && memcmp(small, line, keep) == 0,
			   "cut to %zu: \"%s\" is not the start of \"%s\"", cut, small, line);
	}
	free(small);
}

/* ---- SMCCC --------------------------------------------------------------- */

#define MPIDR_AFF 0xff00ffffffull

static void ref_ret(struct smccc_result *r, int64_t x0)
{
	r->action = SMCCC_ACT_RETURN;
	r->x[0] = (uint64_t)x0;
}

/* What smccc.h says the guest gets; name set to "unknown" for the catch-all. */
static void ref_emulate(const struct smccc_policy *p, const uint64_t regs[4], struct smccc_result *r,
			bool *unknown)
{
	uint32_t fid = (uint32_t)regs[0];
	bool fast = bit(fid, 31), w = bit(fid, 30);
	unsigned owner = bits(fid, 29, 24);
	bool mbz = !fast || bits(fid, 23, 16) == 0;
	uint64_t a[4];
	static const uint32_t psci_known[] = { 0x84000000, 0x8400000a, 0x84000001, 0xc4000001,
					       0x84000002, 0x84000003, 0xc4000003, 0x84000004,
					       0xc4000004, 0x84000006, 0x84000008, 0x84000009 };
	bool workaround;

	for (unsigned i = 0; i < 4; i++)
		a[i] = w ? regs[i] : (uint32_t)regs[i];
	memset(r, 0, sizeof(*r));
	*unknown = false;
	if (fast && mbz && owner == 6) {
		r->action = SMCCC_ACT_HYPERCALL;
		r->number = fid & 0xffffu;
		return;
	}
	if (fast && mbz && owner == 4) {
		switch (fid) {
		case 0x84000000: ref_ret(r, 0x10001); return; /* PSCI 1.1 */
		case 0x8400000a: {
			uint32_t q = (uint32_t)a[1];
			bool known = q == 0x80000000u;

			for (size_t i = 0; i < sizeof(psci_known) / sizeof(psci_known[0]); i++)
				known |= psci_known[i] == q;
			ref_ret(r, known ? 0 : -1);
			return;
		}
		case 0x84000001: case 0xc4000001:
			r->action = SMCCC_ACT_WAIT;
			return;
		case 0x84000002: case 0x84000008:
			r->action = SMCCC_ACT_POWER_OFF;
			return;
		case 0x84000009:
			r->action = SMCCC_ACT_RESET;
			return;
		case 0x84000003: case 0xc4000003:
			ref_ret(r, (a[1] & MPIDR_AFF) == (p->mpidr & MPIDR_AFF) ? -4 : -2);
			return;
		case 0x84000004: case 0xc4000004: {
			static const uint64_t keep[4] = { 0xff00ffffffull, 0xff00ffff00ull, 0xff00ff0000ull,
							  0xff00000000ull };

			if (a[2] > 3)
				ref_ret(r, -2);
			else
				ref_ret(r, (a[1] & keep[a[2]]) == (p->mpidr & keep[a[2]]) ? 0 : -2);
			return;
		}
		case 0x84000006: ref_ret(r, 2); return;
		default: break;
		}
	}
	workaround = fid == 0x80008000u || fid == 0x80007fffu || fid == 0x80003fffu;
	if (fast && mbz && owner == 0) {
		if (fid == 0x80000000u) {
			ref_ret(r, p->smccc_minor >= 2 ? 0x10002 : 0x10001);
			return;
		}
		if (fid == 0x80000001u) {
			uint32_t q = (uint32_t)a[1];
			bool wq = q == 0x80008000u || q == 0x80007fffu || q == 0x80003fffu;

			ref_ret(r, q == 0x80000000u || q == 0x80000001u ? 0
				   : wq && p->workarounds_unaffected    ? 1
									: -1);
			return;
		}
		if (workaround) {
			ref_ret(r, p->workarounds_unaffected ? 0 : -1);
			return;
		}
	}
	ref_ret(r, -1);
	*unknown = true;
}

static void same_result(const struct smccc_result *a, const struct smccc_result *b, const char *why)
{
	FUZZ_CHECK(a->action == b->action && memcmp(a->x, b->x, sizeof(a->x)) == 0 &&
			   a->number == b->number && a->name && b->name && strcmp(a->name, b->name) == 0,
		   "%s changes the answer", why);
}

static void check_smccc(uint8_t policy, uint64_t mpidr, const uint64_t in[4])
{
	const struct smccc_policy p = { .smccc_minor = (policy & ESR_IN_POLICY_SMCCC_1_2) ? 2 : 1,
					.workarounds_unaffected = (policy & ESR_IN_POLICY_UNAFFECTED) != 0,
					.mpidr = mpidr };
	uint32_t fid = (uint32_t)in[0];
	struct smccc_fid f = smccc_fid_decode(fid);
	struct smccc_result r, want, other;
	uint64_t regs[4];
	bool unknown;

	FUZZ_CHECK(f.fast == bit(fid, 31) && f.smc64 == bit(fid, 30) && f.owner == bits(fid, 29, 24) &&
			   f.number == (f.fast ? (fid & 0xffffu) : (fid & 0xffffffu)) &&
			   f.mbz_ok == (!f.fast || bits(fid, 23, 16) == 0),
		   "function ID 0x%08x decoded wrong", fid);
	FUZZ_CHECK(smccc_owner_name(f.owner) && smccc_owner_name(f.owner)[0], "no owner name");

	memset(&r, 0xa5, sizeof(r));
	smccc_emulate(&p, in, &r);
	ref_emulate(&p, in, &want, &unknown);
	FUZZ_CHECK(r.action == want.action && memcmp(r.x, want.x, sizeof(r.x)) == 0 &&
			   r.number == want.number,
		   "0x%08x (%016llx %016llx %016llx): action %d x0 0x%llx number %u, want %d 0x%llx %u", fid,
		   (unsigned long long)in[1], (unsigned long long)in[2], (unsigned long long)in[3],
		   (int)r.action, (unsigned long long)r.x[0], r.number, (int)want.action,
		   (unsigned long long)want.x[0], want.number);
	FUZZ_CHECK(r.name && r.name[0], "0x%08x: no name", fid);
	FUZZ_CHECK((strcmp(r.name, "unknown") == 0) == unknown, "0x%08x named \"%s\"", fid, r.name);
	FUZZ_CHECK((strcmp(r.name, "hypercall") == 0) == (r.action == SMCCC_ACT_HYPERCALL),
		   "0x%08x named \"%s\"", fid, r.name);

	memcpy(regs, in, sizeof(regs));
	regs[0] ^= ~0ull << 32;
	smccc_emulate(&p, regs, &other);
	same_result(&r, &other, "the top half of X0");
	if (!f.smc64) {
		memcpy(regs, in, sizeof(regs));
		for (unsigned i = 1; i < 4; i++)
			regs[i] ^= 0x5a5a5a5aull << 32;
		smccc_emulate(&p, regs, &other);
		same_result(&r, &other, "in a 32-bit call, the top halves of X1..X3");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint64_t esr = fz_u64(&f), far = fz_u64(&f);
	uint8_t cut = fz_u8(&f), fsc = fz_u8(&f), policy = fz_u8(&f);
	uint64_t mpidr = fz_u64(&f), regs[4];

	for (unsigned i = 0; i < 4; i++)
		regs[i] = fz_u64(&f);
	check_decoders(esr);
	check_fsc(fsc, true);
	check_fsc(fsc, false);
	check_format(esr, far, cut);
	check_smccc(policy, mpidr, regs);
	return 0;
}
