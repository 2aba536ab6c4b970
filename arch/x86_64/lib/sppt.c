// SPDX-License-Identifier: MIT
/* Sub-page permission tables: 4-level walk, leaf vectors, the sorted record of requests. */
#include "sppt.h"

#include <stddef.h>
#include <string.h>

#define SPPT_LEVELS 4u          /* the root is level 4, leaves live in level 1 */
#define SPPT_LEAF_LEVEL 1u
#define SPPT_ENTRIES 512u
#define SPPT_TABLE_BYTES 4096u
#define SPPT_PAGE_SHIFT 12u
#define SPPT_INDEX_BITS 9u
#define SPPT_INDEX_MASK (SPPT_ENTRIES - 1u)
#define SPPT_PAGE_MASK ((1ull << SPPT_PAGE_SHIFT) - 1u)
#define SPPT_LEAF_TABLE_SPAN (1ull << (SPPT_PAGE_SHIFT + SPPT_INDEX_BITS)) /* 2 MiB per leaf table */

_Static_assert(SPP_SUBPAGES << SPP_SUBPAGE_SHIFT == SPPT_TABLE_BYTES,
	       "32 sub-pages of 128 bytes make a 4 KiB page");
_Static_assert((SPPT_LEAF_WRITE_MASK | SPPT_LEAF_RSVD_MASK) == ~0ull &&
	       (SPPT_LEAF_WRITE_MASK & SPPT_LEAF_RSVD_MASK) == 0, "leaf bits: even write, odd reserved");
_Static_assert((SPPT_E_VALID | SPPT_E_RSVD_MASK) == SPPT_PAGE_MASK,
	       "non-leaf: valid and reserved bits fill 11:0");

/* The table index of gpa at level (4 = root .. 1 = leaf table). */
static unsigned index_of(uint64_t gpa, unsigned level)
{
	return (gpa >> (SPPT_PAGE_SHIFT + SPPT_INDEX_BITS * (level - 1u))) & SPPT_INDEX_MASK;
}

static uint64_t *table_at(const struct sppt *t, uint64_t e)
{
	return t->ops->phys_to_virt(t->ops->ctx, e & SPPT_E_ADDR_MASK);
}

/* A zeroed table (every entry not valid), its physical address in *pa. */
static uint64_t *table_new(struct sppt *t, uint64_t *pa)
{
	uint64_t *p = t->ops->alloc_table(t->ops->ctx);

	if (!p)
		return NULL;
	memset(p, 0, SPPT_TABLE_BYTES);
	t->tables++;
	*pa = t->ops->virt_to_phys(t->ops->ctx, p);
	return p;
}

int sppt_init(struct sppt *t, const struct npt_ops *ops)
{
	t->ops = ops;
	t->tables = 0;
	t->root = NULL;
	t->root_pa = 0;
	if (!ops || !ops->alloc_table || !ops->free_table || !ops->virt_to_phys ||
	    !ops->phys_to_virt)
		return -1;
	t->root = table_new(t, &t->root_pa);
	return t->root ? 0 : -1;
}

/* Free the table p at level and every table below it (leaf tables hold no addresses). */
static void free_tree(struct sppt *t, uint64_t *p, unsigned level)
{
	for (unsigned i = 0; level > SPPT_LEAF_LEVEL && i < SPPT_ENTRIES; i++)
		if (p[i] & SPPT_E_VALID)
			free_tree(t, table_at(t, p[i]), level - 1u);
	t->ops->free_table(t->ops->ctx, p);
	t->tables--;
}

void sppt_destroy(struct sppt *t)
{
	if (t->root)
		free_tree(t, t->root, SPPT_LEVELS);
	t->root = NULL;
	t->root_pa = 0;
}

static void walk_tree(const struct sppt *t, const uint64_t *p, unsigned level, void (*fn)(void *, uint64_t),
		      void *ctx, uint64_t pa)
{
	fn(ctx, pa);
	for (unsigned i = 0; level > SPPT_LEAF_LEVEL && i < SPPT_ENTRIES; i++)
		if (p[i] & SPPT_E_VALID)
			walk_tree(t, table_at(t, p[i]), level - 1u, fn, ctx, p[i] & SPPT_E_ADDR_MASK);
}

void sppt_walk_tables(const struct sppt *t, void (*fn)(void *ctx, uint64_t pa), void *ctx)
{
	if (t->root)
		walk_tree(t, t->root, SPPT_LEVELS, fn, ctx, t->root_pa);
}

uint64_t sppt_root_pa(const struct sppt *t)
{
	return t->root ? t->root_pa : 0;
}

/*
 * The leaf entry for gpa, walking from the root; with create, missing tables
 * are made on the way (without, t is only read). NULL if the walk misses, or
 * a table cannot be made.
 */
static uint64_t *leaf_for(struct sppt *t, uint64_t gpa, bool create)
{
	uint64_t *p = t->root;

	if (!p || gpa >= SPPT_GPA_LIMIT)
		return NULL;
	for (unsigned level = SPPT_LEVELS; level > SPPT_LEAF_LEVEL; level--) {
		uint64_t *e = &p[index_of(gpa, level)];
		uint64_t pa;

		if (!(*e & SPPT_E_VALID)) {
			if (!create || !table_new(t, &pa))
				return NULL;
			*e = pa | SPPT_E_VALID;
		}
		p = table_at(t, *e);
	}
	return &p[index_of(gpa, SPPT_LEAF_LEVEL)];
}

int sppt_set(struct sppt *t, uint64_t gpa, uint32_t mask)
{
	uint64_t *leaf = leaf_for(t, gpa, true);

	if (!leaf)
		return -1;
	*leaf = sppt_leaf_encode(mask);
	return 0;
}

int sppt_clear(struct sppt *t, uint64_t gpa)
{
	uint64_t *leaf = leaf_for(t, gpa, false);

	if (!leaf)
		return -1;
	*leaf = 0;
	return 0;
}

bool sppt_lookup(const struct sppt *t, uint64_t gpa, uint32_t *mask)
{
	const uint64_t *leaf = leaf_for((struct sppt *)t, gpa, false); /* reads only */

	if (!leaf)
		return false;
	if (mask)
		*mask = sppt_leaf_decode(*leaf);
	return true;
}

uint64_t sppt_leaf_encode(uint32_t mask)
{
	uint64_t leaf = 0;

	for (unsigned i = 0; i < SPP_SUBPAGES; i++)
		if (mask & (1u << i))
			leaf |= SPPT_LEAF_WRITE(i);
	return leaf;
}

uint32_t sppt_leaf_decode(uint64_t leaf)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < SPP_SUBPAGES; i++)
		if (leaf & SPPT_LEAF_WRITE(i))
			mask |= 1u << i;
	return mask;
}

unsigned spp_subpage_index(uint64_t gpa)
{
	return (unsigned)((gpa & SPPT_PAGE_MASK) >> SPP_SUBPAGE_SHIFT);
}

/* ---- Records ---- */

void spp_records_init(struct spp_records *r)
{
	r->count = 0;
}

/* The index of the first record whose page is not below page: where page is or would go. */
static unsigned record_slot(const struct spp_records *r, uint64_t page)
{
	unsigned lo = 0, hi = r->count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2u;

		if (r->rec[mid].gpa < page)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

static bool record_at(const struct spp_records *r, unsigned i, uint64_t page)
{
	return i < r->count && r->rec[i].gpa == page;
}

int spp_record_set(struct spp_records *r, uint64_t gpa, uint32_t mask)
{
	uint64_t page = gpa & ~SPPT_PAGE_MASK;
	unsigned i = record_slot(r, page);

	if (page >= SPPT_GPA_LIMIT)
		return -1;
	if (record_at(r, i, page)) {
		r->rec[i].mask = mask;
		return 0;
	}
	if (r->count >= SPP_RECORDS_MAX)
		return -1;
	memmove(&r->rec[i + 1u], &r->rec[i], (r->count - i) * sizeof(r->rec[0]));
	r->rec[i] = (struct spp_record){ .gpa = page, .mask = mask };
	r->count++;
	return 0;
}

int spp_record_clear(struct spp_records *r, uint64_t gpa)
{
	uint64_t page = gpa & ~SPPT_PAGE_MASK;
	unsigned i = record_slot(r, page);

	if (!record_at(r, i, page))
		return -1;
	r->count--;
	memmove(&r->rec[i], &r->rec[i + 1u], (r->count - i) * sizeof(r->rec[0]));
	return 0;
}

bool spp_record_find(const struct spp_records *r, uint64_t gpa, uint32_t *mask)
{
	uint64_t page = gpa & ~SPPT_PAGE_MASK;
	unsigned i = record_slot(r, page);

	if (!record_at(r, i, page))
		return false;
	if (mask)
		*mask = r->rec[i].mask;
	return true;
}

int sppt_fill(struct sppt *t, const struct spp_records *r, uint64_t gpa)
{
	uint64_t start = gpa & ~(SPPT_LEAF_TABLE_SPAN - 1u);

	if (!spp_record_find(r, gpa, NULL))
		return -1;
	/* Records are sorted: those sharing the leaf table are one run. */
	for (unsigned i = record_slot(r, start);
	     i < r->count && r->rec[i].gpa - start < SPPT_LEAF_TABLE_SPAN; i++)
		if (sppt_set(t, r->rec[i].gpa, r->rec[i].mask))
			return -1;
	return 0;
}

int spp_request(struct sppt *t, struct spp_records *r, uint64_t gpa, uint32_t mask)
{
	if (spp_record_set(r, gpa, mask))
		return -1;
	if (sppt_lookup(t, gpa, NULL))
		return sppt_set(t, gpa, mask);
	return 0;
}
