// SPDX-License-Identifier: MIT
/*
 * The vmcb12 copy and its two states. EMPTY -> FILLED at a nested VMRUN
 * (nsvm_cache_load), FILLED -> FILLED at the next (same key: by the clean
 * bits; another key: everything read again), any -> EMPTY at
 * nsvm_cache_invalidate(). The groups' fields come from VMCB_FIELDS()
 * (vmcb_field_table), so a field's group is still written down once.
 */
#include "nsvm_cache.h"

#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Fields without a clean group that VMRUN reads (APM 15.5.1, Table B-1/B-2),
 * read at every nested VMRUN; the clean field itself is the policy's input.
 * Not listed: exit information (written by #VMEXIT, not read), the VMLOAD
 * state (VMRUN does not load it), SEV fields and SPEC_CTRL (not offered to L1).
 */
#define NSVM_ALWAYS_READ(X) \
	X(control.clean) X(control.tlb_control) X(control.int_state) X(control.event_inj) \
	X(control.next_rip) X(control.virt_ext) X(save.rflags) X(save.rip) X(save.rsp) X(save.rax)

struct byte_range {
	uint16_t offset, size;
};

#define ALWAYS_ENTRY(m) { offsetof(struct vmcb, m), sizeof(((struct vmcb *)0)->m) },
static const struct byte_range always_read[] = { NSVM_ALWAYS_READ(ALWAYS_ENTRY) };
#undef ALWAYS_ENTRY

static const char *const why_names[NSVM_CACHE_WHY_COUNT] = {
	[NSVM_CACHE_HIT] = "HIT",
	[NSVM_CACHE_FIRST] = "FIRST",
	[NSVM_CACHE_NEW_GPA] = "NEW_GPA",
	[NSVM_CACHE_NEW_ASID] = "NEW_ASID",
};

const char *nsvm_cache_why_name(enum nsvm_cache_why w)
{
	return (unsigned)w < NSVM_CACHE_WHY_COUNT ? why_names[w] : NULL;
}

void nsvm_cache_init(struct nsvm_cache *c, uint32_t honoured)
{
	__builtin_memset(c, 0, sizeof(*c));
	c->honoured = honoured & VMCB_CLEAN_ALL;
	c->state = NSVM_CACHE_EMPTY;
}

void nsvm_cache_invalidate(struct nsvm_cache *c)
{
	c->state = NSVM_CACHE_EMPTY;
}

struct vmcb *nsvm_cache_current(struct nsvm_cache *c)
{
	return c->state == NSVM_CACHE_FILLED ? &c->vmcb12 : NULL;
}

static enum nsvm_cache_why classify(const struct nsvm_cache *c, uint64_t gpa, uint32_t asid)
{
	if (c->state != NSVM_CACHE_FILLED)
		return NSVM_CACHE_FIRST;
	if (gpa != c->gpa)
		return NSVM_CACHE_NEW_GPA;
	if (asid != c->asid)
		return NSVM_CACHE_NEW_ASID;
	return NSVM_CACHE_HIT;
}

static void copy_bytes(struct vmcb *dst, const struct vmcb *src, unsigned offset, unsigned size)
{
	__builtin_memcpy((uint8_t *)dst + offset, (const uint8_t *)src + offset, size);
}

/* Every grouped field of a group not in keep, from L1's memory. */
static void read_groups(struct nsvm_cache *c, const struct vmcb *l1, uint32_t keep,
			struct nsvm_cache_stats *st)
{
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		if (f->group < 0)
			continue;
		if (keep & VMCB_CLEAN_BIT(f->group)) {
			st->fields_kept++;
			continue;
		}
		copy_bytes(&c->vmcb12, l1, f->offset, f->size);
		st->fields_reread++;
	}
}

const struct vmcb *nsvm_cache_load(struct nsvm_cache *c, uint64_t gpa, const struct vmcb *l1,
				   struct nsvm_cache_stats *st)
{
	struct nsvm_cache_stats local;
	uint32_t asid = l1->control.asid; /* the key: read every time */
	uint32_t clean = l1->control.clean;

	if (!st)
		st = &local;
	__builtin_memset(st, 0, sizeof(*st));
	st->why = classify(c, gpa, asid);
	st->kept = st->why == NSVM_CACHE_HIT ? clean & c->honoured : 0;
	st->reloaded = VMCB_CLEAN_ALL & ~st->kept;
	read_groups(c, l1, st->kept, st);
	for (unsigned i = 0; i < ARRAY_LEN(always_read); i++)
		copy_bytes(&c->vmcb12, l1, always_read[i].offset, always_read[i].size);
	st->fields_always = ARRAY_LEN(always_read);
	c->gpa = gpa;
	c->asid = asid;
	c->state = NSVM_CACHE_FILLED;
	return &c->vmcb12;
}
