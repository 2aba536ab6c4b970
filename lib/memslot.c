/* SPDX-License-Identifier: MIT */
/*
 * Guest memory slots (see anvil/memslot.h). The array stays sorted by gpa and
 * free of overlaps, so a slot's only possible conflicts on insertion are its
 * two neighbours, and lookup is a binary search for the last slot starting at
 * or below the address.
 */
#include <anvil/memslot.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MEMSLOT_PAGE_MASK ((uint64_t)MEMSLOT_PAGE - 1)

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

__attribute__((format(printf, 3, 4)))
static int memslot_fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void memslot_init(struct memslot_set *s)
{
	memset(s, 0, sizeof(*s));
}

/* Index of the first slot whose gpa is above `gpa` (0..count). */
static unsigned memslot_upper(const struct memslot_set *s, uint64_t gpa)
{
	unsigned lo = 0, hi = s->count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (s->slots[mid].gpa <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Exclusive ends cannot wrap: memslot_check_shape() rejects such slots. */
static bool memslot_overlaps(const struct memslot *a, const struct memslot *b)
{
	return a->gpa < b->gpa + b->size && b->gpa < a->gpa + a->size;
}

static int memslot_check_shape(const struct memslot *m, char *err, size_t err_len)
{
	if (m->size == 0)
		return memslot_fail(err, err_len, "memslot at gpa 0x%llx (id %u): size is zero",
				    ull(m->gpa), m->id);
	if ((m->gpa | m->size | m->hpa) & MEMSLOT_PAGE_MASK) {
		const char *what = m->gpa & MEMSLOT_PAGE_MASK ? "gpa" :
				   m->size & MEMSLOT_PAGE_MASK ? "size" : "hpa";

		return memslot_fail(err, err_len, "memslot [0x%llx, +0x%llx) -> hpa 0x%llx "
				    "(id %u): %s is not a multiple of 0x%x", ull(m->gpa),
				    ull(m->size), ull(m->hpa), m->id, what, MEMSLOT_PAGE);
	}
	/* Ends are kept as exclusive 64-bit values, so they must be representable. */
	if (m->size > UINT64_MAX - m->gpa)
		return memslot_fail(err, err_len, "memslot [0x%llx, +0x%llx) (id %u): "
				    "gpa + size overflows", ull(m->gpa), ull(m->size), m->id);
	if (m->size > UINT64_MAX - m->hpa)
		return memslot_fail(err, err_len, "memslot [0x%llx, +0x%llx) (id %u): "
				    "hpa 0x%llx + size overflows", ull(m->gpa), ull(m->size),
				    m->id, ull(m->hpa));
	return 0;
}

/* Report an overlap of m with slot idx of s. */
static int memslot_fail_overlap(const struct memslot_set *s, unsigned idx,
				const struct memslot *m, char *err, size_t err_len)
{
	const struct memslot *o = &s->slots[idx];

	return memslot_fail(err, err_len, "memslot [0x%llx, 0x%llx) (id %u) overlaps "
			    "slot %u [0x%llx, 0x%llx) (id %u)", ull(m->gpa),
			    ull(m->gpa + m->size), m->id, idx, ull(o->gpa),
			    ull(o->gpa + o->size), o->id);
}

int memslot_add(struct memslot_set *s, const struct memslot *m, char *err, size_t err_len)
{
	unsigned at;

	if (err && err_len)
		err[0] = '\0';
	if (!m)
		return memslot_fail(err, err_len, "memslot: no slot given");
	if (memslot_check_shape(m, err, err_len))
		return -1;
	at = memslot_upper(s, m->gpa);
	/* Sorted and disjoint: only the neighbours on either side can overlap. */
	if (at > 0 && memslot_overlaps(&s->slots[at - 1], m))
		return memslot_fail_overlap(s, at - 1, m, err, err_len);
	if (at < s->count && memslot_overlaps(&s->slots[at], m))
		return memslot_fail_overlap(s, at, m, err, err_len);
	if (s->count == MEMSLOT_MAX)
		return memslot_fail(err, err_len, "memslot [0x%llx, 0x%llx) (id %u): all %u "
				    "slots are in use", ull(m->gpa), ull(m->gpa + m->size),
				    m->id, MEMSLOT_MAX);
	memmove(&s->slots[at + 1], &s->slots[at], (s->count - at) * sizeof(s->slots[0]));
	s->slots[at] = *m;
	s->count++;
	return 0;
}

int memslot_check(const struct memslot_set *s, char *err, size_t err_len)
{
	static const struct memslot zero;

	if (err && err_len)
		err[0] = '\0';
	if (s->count > MEMSLOT_MAX)
		return memslot_fail(err, err_len, "memslot set: count %u above %u", s->count,
				    MEMSLOT_MAX);
	for (unsigned i = 0; i < s->count; i++) {
		if (memslot_check_shape(&s->slots[i], err, err_len))
			return -1;
		if (i > 0 && s->slots[i - 1].gpa >= s->slots[i].gpa)
			return memslot_fail(err, err_len, "memslot set: slot %u (gpa 0x%llx) is not "
					    "above slot %u (gpa 0x%llx)", i, ull(s->slots[i].gpa),
					    i - 1, ull(s->slots[i - 1].gpa));
		if (i > 0 && memslot_overlaps(&s->slots[i - 1], &s->slots[i]))
			return memslot_fail_overlap(s, i - 1, &s->slots[i], err, err_len);
	}
	for (unsigned i = s->count; i < MEMSLOT_MAX; i++)
		if (memcmp(&s->slots[i], &zero, sizeof(zero)))
			return memslot_fail(err, err_len, "memslot set: unused entry %u is not zero", i);
	return 0;
}

int memslot_remove(struct memslot_set *s, uint64_t gpa)
{
	unsigned at = memslot_upper(s, gpa);

	if (at == 0 || s->slots[at - 1].gpa != gpa)
		return -1;
	at--;
	memmove(&s->slots[at], &s->slots[at + 1], (s->count - at - 1) * sizeof(s->slots[0]));
	s->count--;
	memset(&s->slots[s->count], 0, sizeof(s->slots[0]));
	return 0;
}

const struct memslot *memslot_find(const struct memslot_set *s, uint64_t gpa)
{
	unsigned at = memslot_upper(s, gpa);
	const struct memslot *m;

	if (at == 0)
		return NULL;
	m = &s->slots[at - 1];
	return gpa - m->gpa < m->size ? m : NULL;
}

bool memslot_translate(const struct memslot_set *s, uint64_t gpa, uint64_t len, uint64_t *hpa)
{
	const struct memslot *m = memslot_find(s, gpa);
	uint64_t off;

	if (!m)
		return false;
	off = gpa - m->gpa;
	/* Compare lengths, not ends, so a huge len cannot wrap around. */
	if (len > m->size - off)
		return false;
	if (hpa)
		*hpa = m->hpa + off;
	return true;
}

bool memslot_backs_host_range(const struct memslot_set *s, uint64_t hpa, uint64_t len)
{
	uint64_t last;

	if (len == 0)
		return false;
	/* Inclusive last byte, clamped, so a range running off the top still counts. */
	last = len - 1 > UINT64_MAX - hpa ? UINT64_MAX : hpa + len - 1;
	/* Slots are sorted by gpa, not hpa: every one must be looked at. */
	for (unsigned i = 0; i < s->count; i++) {
		const struct memslot *m = &s->slots[i];

		if (hpa <= m->hpa + m->size - 1 && m->hpa <= last)
			return true;
	}
	return false;
}
