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

/* ---- Auditor: each group's byte ranges, and the words covering them ---- */

#define VMCB_AUDIT_WORD 8u /* bytes per load */

/*
 * One load of the check: the 8 bytes at offset, masked to those of the
 * group (all 8, except in a range's last word). A range's last word may
 * reach up to 7 bytes past the range; that stays inside the VMCB (and the
 * snapshot, a struct vmcb too), since every field lies below the unused
 * tail of the page.
 */
struct vmcb_audit_word {
	uint64_t mask;
	uint16_t offset;
};
_Static_assert(offsetof(struct vmcb, reserved_tail) + VMCB_AUDIT_WORD <= VMCB_SIZE,
	       "a range's last 8-byte load stays inside the VMCB");

/* A grouped field of s bytes adds at most s / 8 + 1 words to its range. */
#define VMCB_AUDIT_WORDS_OF(name, member, type, group) \
	+((group) == VMCB_CLEAN_NONE ? 0u : sizeof(type) / VMCB_AUDIT_WORD + 1u)
#define VMCB_AUDIT_WORDS_MAX (0u VMCB_FIELDS(VMCB_AUDIT_WORDS_OF))

/*
 * Group g owns range[first_range[g]] up to (not including)
 * range[first_range[g + 1]], and likewise its words.
 */
struct vmcb_audit_map {
	struct vmcb_audit_range range[ARRAY_LEN(vmcb_field_table)];
	struct vmcb_audit_word word[VMCB_AUDIT_WORDS_MAX];
	uint8_t first_range[VMCB_CLEAN_GROUP_COUNT + 1];
	uint8_t first_word[VMCB_CLEAN_GROUP_COUNT + 1];
	/*
	 * The common case gets one straight loop: every word of the groups that
	 * are clean right after an exit (all but INTR and CR2), whole words
	 * first, then the few masked ones.
	 */
	uint16_t common_off[VMCB_AUDIT_WORDS_MAX];
	uint64_t common_mask[VMCB_AUDIT_WORDS_MAX];
	uint8_t common_full, common_count;
};
_Static_assert(ARRAY_LEN(vmcb_field_table) <= UINT8_MAX, "range indices fit in a uint8_t");
_Static_assert(VMCB_AUDIT_WORDS_MAX <= UINT8_MAX, "word indices fit in a uint8_t");
_Static_assert(VMCB_SIZE <= UINT16_MAX, "offsets and sizes fit in a uint16_t");

static struct vmcb_audit_map audit_map;
static bool audit_map_built;

/* The field of group g with the lowest offset at or after from; NULL if none. */
static const struct vmcb_field *next_field_of(int g, unsigned from)
{
	const struct vmcb_field *best = NULL;

	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		if (f->group == g && f->offset >= from && (!best || f->offset < best->offset))
			best = f;
	}
	return best;
}

/* Append group g's ranges at m->range[*n], merging fields that touch. */
static void audit_map_add_ranges(struct vmcb_audit_map *m, int g, unsigned *n)
{
	struct vmcb_audit_range *r = NULL;

	m->first_range[g] = (uint8_t)*n;
	for (const struct vmcb_field *f = next_field_of(g, 0); f;
	     f = next_field_of(g, f->offset + f->size)) {
		if (r && r->offset + r->size == f->offset) {
			r->size = (uint16_t)(r->size + f->size);
		} else {
			r = &m->range[(*n)++];
			r->offset = f->offset;
			r->size = f->size;
		}
	}
}

/* The low `bytes` bytes of a little-endian word; bytes 1..8. */
static uint64_t low_bytes_mask(unsigned bytes)
{
	return ~0ull >> (8u * (VMCB_AUDIT_WORD - bytes));
}

/* Append the words covering group g's ranges at m->word[*n]. */
static void audit_map_add_words(struct vmcb_audit_map *m, int g, unsigned *n)
{
	m->first_word[g] = (uint8_t)*n;
	for (unsigned i = m->first_range[g]; i < m->first_range[g + 1]; i++) {
		const struct vmcb_audit_range *r = &m->range[i];

		for (unsigned at = 0; at < r->size; at += VMCB_AUDIT_WORD) {
			unsigned left = r->size - at;

			m->word[*n].offset = (uint16_t)(r->offset + at);
			m->word[*n].mask = low_bytes_mask(left < VMCB_AUDIT_WORD ? left : VMCB_AUDIT_WORD);
			(*n)++;
		}
	}
}

/* The words of the groups a fresh exit leaves clean, for vmcb_audit_check()'s fast loop. */
static void audit_map_add_common(struct vmcb_audit_map *m)
{
	unsigned n = 0;

	for (int pass = 0; pass < 2; pass++) { /* whole words, then masked ones */
		for (int g = 0; g < VMCB_CLEAN_GROUP_COUNT; g++) {
			if (!(VMCB_CLEAN_AFTER_EXIT & VMCB_CLEAN_BIT(g)))
				continue;
			for (unsigned i = m->first_word[g]; i < m->first_word[g + 1]; i++) {
				if ((m->word[i].mask == ~0ull) != (pass == 0))
					continue;
				m->common_off[n] = m->word[i].offset;
				m->common_mask[n] = m->word[i].mask;
				n++;
			}
		}
		if (pass == 0)
			m->common_full = (uint8_t)n;
	}
	m->common_count = (uint8_t)n;
}

/*
 * Built on first use: the preprocessor can neither sort nor merge the
 * X-macro's fields, and a second, hand-written table would write every
 * group down twice. The map is built in a local and copied whole, so even
 * two CPUs building at once only ever store final values; the release store
 * publishes a complete map to a CPU that sees audit_map_built set. (Only the
 * boot CPU runs guests so far.)
 */
static const struct vmcb_audit_map *audit_map_build(void)
{
	struct vmcb_audit_map m = { 0 };
	unsigned ranges = 0, words = 0;

	for (int g = 0; g < VMCB_CLEAN_GROUP_COUNT; g++) {
		audit_map_add_ranges(&m, g, &ranges);
		m.first_range[g + 1] = (uint8_t)ranges;
		audit_map_add_words(&m, g, &words);
	}
	m.first_word[VMCB_CLEAN_GROUP_COUNT] = (uint8_t)words;
	audit_map_add_common(&m);
	audit_map = m;
	__atomic_store_n(&audit_map_built, true, __ATOMIC_RELEASE);
	return &audit_map;
}

static inline const struct vmcb_audit_map *audit_map_get(void)
{
	if (__builtin_expect(__atomic_load_n(&audit_map_built, __ATOMIC_ACQUIRE), 1))
		return &audit_map;
	return audit_map_build();
}

const struct vmcb_audit_range *vmcb_audit_ranges(int g, unsigned *count)
{
	const struct vmcb_audit_map *m;

	*count = 0;
	if (g < 0 || g >= VMCB_CLEAN_GROUP_COUNT)
		return NULL;
	m = audit_map_get();
	*count = m->first_range[g + 1] - m->first_range[g];
	return &m->range[m->first_range[g]];
}

/* ---- Auditor: snapshot and the cheap compare ---- */

/*
 * Fixed-size __builtin_memcpy is one unaligned load or store, also in the
 * freestanding kernel, where a plain memcpy() would be a call.
 */
static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, VMCB_AUDIT_WORD);
	return v;
}

static inline void store64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, VMCB_AUDIT_WORD);
}

/*
 * Only the words holding grouped fields (those the auditor compares) are
 * copied: about 330 of the VMCB's 4096 bytes, some 45 words, taken at every
 * #VMEXIT. Whole words, unmasked: the few bytes a range's last word holds
 * beyond the range are copied too, which is harmless, since the check masks
 * them out again, and it keeps this loop to a load and a store per word.
 */
void vmcb_audit_snapshot(struct vmcb *snap, const struct vmcb *v)
{
	const struct vmcb_audit_map *m = audit_map_get();
	const struct vmcb_audit_word *w = m->word, *end = w + m->first_word[VMCB_CLEAN_GROUP_COUNT];
	uint8_t *to = (uint8_t *)snap;
	const uint8_t *from = (const uint8_t *)v;

	for (; w < end; w++)
		store64(to + w->offset, load64(from + w->offset));
}

/* Nonzero if any byte of group g differs between a and b: one load pair per word. */
static uint64_t group_xor(const struct vmcb_audit_map *m, int g, const uint8_t *a,
			  const uint8_t *b)
{
	const struct vmcb_audit_word *w = &m->word[m->first_word[g]];
	const struct vmcb_audit_word *end = &m->word[m->first_word[g + 1]];
	uint64_t acc = 0;

	for (; w < end; w++)
		acc |= (load64(a + w->offset) ^ load64(b + w->offset)) & w->mask;
	return acc;
}

/* ---- Auditor: findings ---- */

#define VMCB_AUDIT_CHUNK 8u /* bytes reported per finding */

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

/*
 * The slow path, taken only when some clean group's bytes differ: name every
 * differing field of the groups in `groups`, in table order, as the
 * field-by-field audit always has. Out of line, so that the common case does
 * not pay for the registers it needs.
 */
__attribute__((noinline))
static unsigned audit_findings(uint32_t groups, const uint8_t *a, const uint8_t *b,
			       struct vmcb_audit_finding *out, unsigned max)
{
	unsigned found = 0;

	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		if (f->group < 0 || !(groups & VMCB_CLEAN_BIT(f->group)) ||
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

/* Nonzero if any word of the after-exit clean groups differs: the common case's one loop. */
static uint64_t common_xor(const struct vmcb_audit_map *m, const uint8_t *a, const uint8_t *b)
{
	uint64_t acc = 0;
	unsigned i = 0;

	for (; i < m->common_full; i++)
		acc |= load64(a + m->common_off[i]) ^ load64(b + m->common_off[i]);
	for (; i < m->common_count; i++)
		acc |= (load64(a + m->common_off[i]) ^ load64(b + m->common_off[i])) & m->common_mask[i];
	return acc;
}

unsigned vmcb_audit_check(const struct vmcb *snap, const struct vmcb *now,
			  struct vmcb_audit_finding *out, unsigned max)
{
	const struct vmcb_audit_map *m = audit_map_get();
	const uint8_t *a = (const uint8_t *)snap;
	const uint8_t *b = (const uint8_t *)now;
	uint32_t differ = 0;
	uint32_t clean = now->control.clean & VMCB_CLEAN_ALL;

	/* Nothing dirtied since the exit (most exits): one loop, and nearly always nothing found. */
	if (clean == VMCB_CLEAN_AFTER_EXIT && !common_xor(m, a, b))
		return 0;
	for (uint32_t left = clean; left; left &= left - 1u) {
		int g = __builtin_ctz(left);

		if (group_xor(m, g, a, b))
			differ |= VMCB_CLEAN_BIT(g);
	}
	return differ ? audit_findings(differ, a, b, out, max) : 0;
}
