// SPDX-License-Identifier: MIT
/*
 * VMCB exit-code and clean-group names, the field descriptor table generated
 * from VMCB_FIELDS(), and the clean-bit auditor.
 */
#include "vmcb.h"

#include <string.h>

/* ---- Exit-code names ---- */

#define VMCB_RANGE_LEN 16u   /* CRn / DRn exits: n = 0..15 */
#define VMCB_EXCP_COUNT 32u  /* exception exits: vectors 0..31 */
#define VMCB_HEX_DIGITS 16u
#define VMCB_NIBBLE_BITS 4u
#define VMCB_NIBBLE_MASK 0xfu

/* String literals p<n>s for n = 0..15, built by the preprocessor. */
#define N8(p, s, h) p h "0" s, p h "1" s, p h "2" s, p h "3" s, \
		    p h "4" s, p h "5" s, p h "6" s, p h "7" s
#define N10(p, s) N8(p, s, ""), p "8" s, p "9" s
#define N16(p, s) N10(p, s), p "10" s, p "11" s, p "12" s, p "13" s, p "14" s, p "15" s

static const char *const cr_read_names[VMCB_RANGE_LEN] = { N16("VMEXIT_CR", "_READ") };
static const char *const cr_write_names[VMCB_RANGE_LEN] = { N16("VMEXIT_CR", "_WRITE") };
static const char *const dr_read_names[VMCB_RANGE_LEN] = { N16("VMEXIT_DR", "_READ") };
static const char *const dr_write_names[VMCB_RANGE_LEN] = { N16("VMEXIT_DR", "_WRITE") };
static const char *const cr_trap_names[VMCB_RANGE_LEN] = { N16("VMEXIT_CR", "_WRITE_TRAP") };
static const char *const excp_names[VMCB_EXCP_COUNT] = { N16("VMEXIT_EXCP", ""),
	"VMEXIT_EXCP16", "VMEXIT_EXCP17", "VMEXIT_EXCP18", "VMEXIT_EXCP19",
	N8("VMEXIT_EXCP", "", "2"), "VMEXIT_EXCP28", "VMEXIT_EXCP29",
	"VMEXIT_EXCP30", "VMEXIT_EXCP31" };

/* Exit codes outside the numbered ranges above. */
#define VMEXIT_SINGLE_NAMES(X) \
	X(INTR) X(NMI) X(SMI) X(INIT) X(VINTR) X(CR0_SEL_WRITE) \
	X(IDTR_READ) X(GDTR_READ) X(LDTR_READ) X(TR_READ) \
	X(IDTR_WRITE) X(GDTR_WRITE) X(LDTR_WRITE) X(TR_WRITE) \
	X(RDTSC) X(RDPMC) X(PUSHF) X(POPF) X(CPUID) X(RSM) X(IRET) X(SWINT) \
	X(INVD) X(PAUSE) X(HLT) X(INVLPG) X(INVLPGA) X(IOIO) X(MSR) \
	X(TASK_SWITCH) X(FERR_FREEZE) X(SHUTDOWN) X(VMRUN) X(VMMCALL) \
	X(VMLOAD) X(VMSAVE) X(STGI) X(CLGI) X(SKINIT) X(RDTSCP) X(ICEBP) \
	X(WBINVD) X(MONITOR) X(MWAIT) X(MWAIT_COND) X(XSETBV) X(RDPRU) \
	X(EFER_WRITE_TRAP) X(INVLPGB) X(INVLPGB_ILLEGAL) X(INVPCID) \
	X(MCOMMIT) X(TLBSYNC) X(NPF) X(AVIC_INCOMPLETE_IPI) X(AVIC_NOACCEL) \
	X(VMGEXIT) X(INVALID)

struct vmcb_exit_name {
	uint64_t code;
	const char *name;
};

#define VMEXIT_NAME_ENTRY(n) { VMEXIT_##n, "VMEXIT_" #n },
static const struct vmcb_exit_name single_names[] = { VMEXIT_SINGLE_NAMES(VMEXIT_NAME_ENTRY) };
#undef VMEXIT_NAME_ENTRY

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* names[code - base] if code lies in [base, base + count). */
static const char *range_name(uint64_t code, uint64_t base, const char *const *names,
			      size_t count)
{
	if (code < base || code - base >= count)
		return NULL;
	return names[code - base];
}

const char *vmcb_exit_name_lookup(uint64_t code)
{
	const char *n;

	if ((n = range_name(code, VMEXIT_CR0_READ, cr_read_names, VMCB_RANGE_LEN)) ||
	    (n = range_name(code, VMEXIT_CR0_WRITE, cr_write_names, VMCB_RANGE_LEN)) ||
	    (n = range_name(code, VMEXIT_DR0_READ, dr_read_names, VMCB_RANGE_LEN)) ||
	    (n = range_name(code, VMEXIT_DR0_WRITE, dr_write_names, VMCB_RANGE_LEN)) ||
	    (n = range_name(code, VMEXIT_EXCP_BASE, excp_names, VMCB_EXCP_COUNT)) ||
	    (n = range_name(code, VMEXIT_CR0_WRITE_TRAP, cr_trap_names, VMCB_RANGE_LEN)))
		return n;
	for (size_t i = 0; i < ARRAY_LEN(single_names); i++)
		if (single_names[i].code == code)
			return single_names[i].name;
	return NULL;
}

const char *vmcb_exit_name(uint64_t code)
{
	const char *n = vmcb_exit_name_lookup(code);

	return n ? n : "VMEXIT_UNKNOWN";
}

const char *vmcb_exit_name_buf(uint64_t code, char *buf, size_t len)
{
	static const char prefix[] = "VMEXIT_0x";
	static const char hex[] = "0123456789abcdef";
	const char *n = vmcb_exit_name_lookup(code);
	unsigned digits = 1;

	_Static_assert(sizeof(prefix) + VMCB_HEX_DIGITS <= VMCB_EXIT_NAME_MAX,
		       "the longest unnamed code fits");
	size_t pos;

	if (n || !buf || len < VMCB_EXIT_NAME_MAX)
		return n ? n : "VMEXIT_UNKNOWN";
	while (digits < VMCB_HEX_DIGITS && (code >> (digits * VMCB_NIBBLE_BITS)) != 0)
		digits++;
	memcpy(buf, prefix, sizeof(prefix) - 1);
	pos = sizeof(prefix) - 1;
	for (unsigned d = digits; d > 0; d--)
		buf[pos++] = hex[(code >> ((d - 1) * VMCB_NIBBLE_BITS)) & VMCB_NIBBLE_MASK];
	buf[pos] = '\0';
	return buf;
}

/* ---- Clean groups ---- */

static const char *const clean_group_names[VMCB_CLEAN_GROUP_COUNT] = {
	[VMCB_CLEAN_INTERCEPTS] = "INTERCEPTS",
	[VMCB_CLEAN_PERM_MAP] = "PERM_MAP",
	[VMCB_CLEAN_ASID] = "ASID",
	[VMCB_CLEAN_INTR] = "INTR",
	[VMCB_CLEAN_NPT] = "NPT",
	[VMCB_CLEAN_CR] = "CR",
	[VMCB_CLEAN_DR] = "DR",
	[VMCB_CLEAN_DT] = "DT",
	[VMCB_CLEAN_SEG] = "SEG",
	[VMCB_CLEAN_CR2] = "CR2",
	[VMCB_CLEAN_LBR] = "LBR",
	[VMCB_CLEAN_AVIC] = "AVIC",
	[VMCB_CLEAN_CET] = "CET",
};

const char *vmcb_clean_group_name(int g)
{
	if (g == VMCB_CLEAN_NONE)
		return "NONE";
	if (g < 0 || g >= VMCB_CLEAN_GROUP_COUNT)
		return NULL;
	return clean_group_names[g];
}

/* ---- Field descriptors ---- */

#define VMCB_FIELD_DESC(name, member, type, group) \
	{ #name, offsetof(struct vmcb, member), sizeof(((struct vmcb *)0)->member), group },
const struct vmcb_field vmcb_field_table[] = { VMCB_FIELDS(VMCB_FIELD_DESC) };
#undef VMCB_FIELD_DESC

const unsigned vmcb_field_count = ARRAY_LEN(vmcb_field_table);

const struct vmcb_field *vmcb_field_find(const char *name)
{
	for (unsigned i = 0; i < vmcb_field_count; i++)
		if (strcmp(vmcb_field_table[i].name, name) == 0)
			return &vmcb_field_table[i];
	return NULL;
}

int vmcb_field_group_of(const char *name)
{
	const struct vmcb_field *f = vmcb_field_find(name);

	return f ? f->group : VMCB_CLEAN_NONE;
}

/* ---- Auditor ---- */

#define VMCB_AUDIT_CHUNK 8u /* bytes reported per finding */

/*
 * Only the fields the auditor compares (those with a clean-bit group) are
 * copied: about 400 of the VMCB's 4096 bytes, taken at every #VMEXIT.
 */
void vmcb_audit_snapshot(struct vmcb *snap, const struct vmcb *v)
{
	const uint8_t *from = (const uint8_t *)v;
	uint8_t *to = (uint8_t *)snap;

	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		if (f->group != VMCB_CLEAN_NONE)
			memcpy(to + f->offset, from + f->offset, f->size);
	}
}

/* The first differing chunk of at most 8 bytes of field f, zero-extended. */
static void audit_values(const struct vmcb_field *f, const uint8_t *a, const uint8_t *b,
			 uint64_t *before, uint64_t *after)
{
	unsigned at = 0;
	unsigned n;

	while (f->size - at > VMCB_AUDIT_CHUNK &&
	       memcmp(a + f->offset + at, b + f->offset + at, VMCB_AUDIT_CHUNK) == 0)
		at += VMCB_AUDIT_CHUNK;
	n = f->size - at < VMCB_AUDIT_CHUNK ? f->size - at : VMCB_AUDIT_CHUNK;
	*before = 0;
	*after = 0;
	memcpy(before, a + f->offset + at, n); /* little-endian: zero-extends */
	memcpy(after, b + f->offset + at, n);
}

static bool group_marked_clean(const struct vmcb *v, int g)
{
	return g >= 0 && (v->control.clean & VMCB_CLEAN_BIT(g)) != 0;
}

unsigned vmcb_audit_check(const struct vmcb *snap, const struct vmcb *now,
			  struct vmcb_audit_finding *out, unsigned max)
{
	const uint8_t *a = (const uint8_t *)snap;
	const uint8_t *b = (const uint8_t *)now;
	unsigned found = 0;

	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		if (!group_marked_clean(now, f->group) ||
		    memcmp(a + f->offset, b + f->offset, f->size) == 0)
			continue;
		if (found < max) {
			out[found].field = f->name;
			out[found].group = vmcb_clean_group_name(f->group);
			audit_values(f, a, b, &out[found].before, &out[found].after);
		}
		found++;
	}
	return found;
}
