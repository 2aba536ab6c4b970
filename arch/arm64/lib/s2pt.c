// SPDX-License-Identifier: MIT
/*
 * Stage-2 translation tables, 4 KiB granule: the walk from the starting
 * level, 2 MiB blocks and 4 KiB pages, splits, unmap with freeing of
 * emptied tables, and the VTCR_EL2 / VTTBR_EL2 values.
 */
#include "s2pt.h"

#include <stddef.h>
#include <string.h>

#define LEVEL_PAGE 3u            /* level 3: 4 KiB pages */
#define LEVEL_BLOCK_2M 2u        /* level 2: 2 MiB blocks */
#define PAGE_SHIFT 12u
#define INDEX_BITS 9u
#define INDEX_MASK (S2PT_ENTRIES - 1u)
#define OFFSET_2M_MASK (S2PT_PAGE_2M - 1u)

/* ---- VTCR_EL2 ---- */

unsigned s2pt_parange_bits(unsigned parange)
{
	static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

	return parange < sizeof(bits) / sizeof(bits[0]) ? bits[parange] : 0;
}

unsigned s2pt_start_level(unsigned ipa_bits)
{
	if (ipa_bits > 39)
		return 0;
	return ipa_bits > 30 ? 1 : 2;
}

int s2pt_vtcr(unsigned parange, unsigned want_ipa_bits, bool vmid16, struct s2pt_vtcr *out)
{
	unsigned pa_bits = s2pt_parange_bits(parange);
	unsigned ipa = want_ipa_bits;

	memset(out, 0, sizeof(*out));
	if (!pa_bits || want_ipa_bits < S2PT_IPA_BITS_MIN)
		return -1;
	if (ipa > pa_bits)
		ipa = pa_bits;
	if (ipa > S2PT_IPA_BITS_MAX)
		ipa = S2PT_IPA_BITS_MAX;
	if (pa_bits < 44 && ipa > 39)
		ipa = 39; /* SL0 = 0b10 (level 0) is reserved when PAMax < 44 */
	out->ipa_bits = ipa;
	out->start_level = s2pt_start_level(ipa);
	out->t0sz = 64u - ipa;
	out->sl0 = 2u - out->start_level;
	out->irgn0 = S2PT_VTCR_WBWA;
	out->orgn0 = S2PT_VTCR_WBWA;
	out->sh0 = S2PT_VTCR_SH_INNER;
	out->tg0 = S2PT_VTCR_TG0_4K;
	out->ps = parange < S2PT_PARANGE_48 ? parange : S2PT_PARANGE_48;
	out->vs = vmid16;
	out->value = (uint64_t)out->t0sz << S2PT_VTCR_T0SZ_SHIFT |
		     (uint64_t)out->sl0 << S2PT_VTCR_SL0_SHIFT |
		     (uint64_t)out->irgn0 << S2PT_VTCR_IRGN0_SHIFT |
		     (uint64_t)out->orgn0 << S2PT_VTCR_ORGN0_SHIFT |
		     (uint64_t)out->sh0 << S2PT_VTCR_SH0_SHIFT |
		     (uint64_t)out->tg0 << S2PT_VTCR_TG0_SHIFT |
		     (uint64_t)out->ps << S2PT_VTCR_PS_SHIFT | (vmid16 ? S2PT_VTCR_VS : 0) |
		     S2PT_VTCR_RES1;
	return 0;
}

/* ---- Descriptors ---- */

static uint64_t level_size(unsigned level)
{
	return 1ull << (PAGE_SHIFT + INDEX_BITS * (LEVEL_PAGE - level));
}

static unsigned index_of(uint64_t ipa, unsigned level)
{
	return (unsigned)(ipa >> (PAGE_SHIFT + INDEX_BITS * (LEVEL_PAGE - level))) & INDEX_MASK;
}

static bool is_leaf(uint64_t e)
{
	return (e & S2PT_D_LEAF) != 0;
}

static bool is_table(uint64_t e, unsigned level)
{
	return level < LEVEL_PAGE && !is_leaf(e) && (e & (S2PT_D_VALID | S2PT_D_TABLE)) ==
							    (S2PT_D_VALID | S2PT_D_TABLE);
}

/* A leaf made here, or a table: anything but an empty slot. */
static bool is_used(uint64_t e, unsigned level)
{
	return is_leaf(e) || is_table(e, level);
}

/* The type bit of a leaf at level: a page at level 3, a block above. */
static uint64_t leaf_type(unsigned level)
{
	return level == LEVEL_PAGE ? S2PT_D_TABLE : 0;
}

/* The attribute bits of a leaf for prot and mem; false if not expressible. */
static bool leaf_attrs(uint32_t prot, enum s2pt_mem mem, uint64_t *bits)
{
	uint64_t e = S2PT_D_LEAF | S2PT_D_AF | S2PT_D_SH_INNER;

	if (prot & ~S2PT_RWX)
		return false;
	if (mem == S2PT_MEM_NORMAL)
		e |= S2PT_D_MEMATTR_NORMAL_WB;
	else if (mem == S2PT_MEM_DEVICE && !(prot & S2PT_X))
		e |= S2PT_D_MEMATTR_DEVICE_NGNRE;
	else
		return false; /* an unknown attribute, or executable device memory */
	if (prot)
		e |= S2PT_D_VALID;
	if (prot & S2PT_R)
		e |= S2PT_D_S2AP_R;
	if (prot & S2PT_W)
		e |= S2PT_D_S2AP_W;
	if (!(prot & S2PT_X))
		e |= S2PT_D_XN_NONE;
	*bits = e;
	return true;
}

static uint32_t leaf_prot(uint64_t e)
{
	uint32_t prot = 0;

	if (!(e & S2PT_D_VALID))
		return 0;
	if (e & S2PT_D_S2AP_R)
		prot |= S2PT_R;
	if (e & S2PT_D_S2AP_W)
		prot |= S2PT_W;
	if (!(e & S2PT_D_XN_MASK))
		prot |= S2PT_X;
	return prot;
}

/* MemAttr[3:2] = 0b00 is Device memory (DDI 0487 D8.6, stage-2 memory type). */
static enum s2pt_mem leaf_mem(uint64_t e)
{
	return (e & (0xcull << S2PT_D_MEMATTR_SHIFT)) ? S2PT_MEM_NORMAL : S2PT_MEM_DEVICE;
}

/* ---- Tables ---- */

static uint64_t *table_at(const struct s2pt *s, uint64_t e)
{
	return s->ops->phys_to_virt(s->ops->ctx, e & S2PT_D_ADDR_MASK);
}

/* A zeroed table, its physical address in *pa; NULL if the allocator is empty. */
static uint64_t *table_new(struct s2pt *s, uint64_t *pa)
{
	uint64_t *t = s->ops->alloc_table(s->ops->ctx);

	if (!t)
		return NULL;
	memset(t, 0, S2PT_PAGE_4K);
	s->tables++;
	*pa = s->ops->virt_to_phys(s->ops->ctx, t);
	return t;
}

static void table_free(struct s2pt *s, uint64_t *t)
{
	s->ops->free_table(s->ops->ctx, t);
	s->tables--;
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < S2PT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Free the table t at level and every table below it. */
static void free_tree(struct s2pt *s, uint64_t *t, unsigned level)
{
	for (unsigned i = 0; level < LEVEL_PAGE && i < S2PT_ENTRIES; i++)
		if (is_table(t[i], level))
			free_tree(s, table_at(s, t[i]), level + 1u);
	table_free(s, t);
}

/*
 * Replace the block *e at level (1 or 2) by a table of 512 leaves one level
 * down with the same attributes (and whatever else the block carried).
 */
static uint64_t *split_block(struct s2pt *s, uint64_t *e, unsigned level)
{
	uint64_t child = level_size(level + 1u);
	uint64_t base = *e & S2PT_D_ADDR_MASK & ~(level_size(level) - 1u);
	uint64_t bits = (*e & ~(S2PT_D_ADDR_MASK | S2PT_D_TABLE)) | leaf_type(level + 1u);
	uint64_t pa;
	uint64_t *t = table_new(s, &pa);

	if (!t)
		return NULL;
	for (unsigned i = 0; i < S2PT_ENTRIES; i++)
		t[i] = (base + i * child) | bits;
	*e = pa | S2PT_D_VALID | S2PT_D_TABLE;
	return t;
}

/*
 * The table below entry *e at level (< 3). With create, an empty entry gets
 * a new table and a block is split; without, NULL for both.
 */
static uint64_t *descend(struct s2pt *s, uint64_t *e, unsigned level, bool create)
{
	uint64_t pa;
	uint64_t *t;

	if (is_table(*e, level))
		return table_at(s, *e);
	if (!create)
		return NULL;
	if (is_leaf(*e))
		return level > 0 ? split_block(s, e, level) : NULL;
	t = table_new(s, &pa);
	if (t)
		*e = pa | S2PT_D_VALID | S2PT_D_TABLE;
	return t;
}

/* The entry for ipa in the table at level target, walking from the root. */
static uint64_t *entry_for(struct s2pt *s, uint64_t ipa, unsigned target, bool create)
{
	uint64_t *t = s->root;

	for (unsigned level = s->start_level; level < target; level++) {
		t = descend(s, &t[index_of(ipa, level)], level, create);
		if (!t)
			return NULL;
	}
	return &t[index_of(ipa, target)];
}

/* The leaf made here that covers ipa and its level; NULL if none. */
static uint64_t *leaf_find(const struct s2pt *s, uint64_t ipa, unsigned *level_out)
{
	uint64_t *t = s->root;

	if (!t || ipa >> s->ipa_bits)
		return NULL;
	for (unsigned level = s->start_level; level <= LEVEL_PAGE; level++) {
		uint64_t *e = &t[index_of(ipa, level)];

		if (is_leaf(*e)) {
			*level_out = level;
			return e;
		}
		if (!is_table(*e, level))
			return NULL;
		t = table_at(s, *e);
	}
	return NULL;
}

int s2pt_init(struct s2pt *s, const struct s2pt_ops *ops, unsigned ipa_bits)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	if (!ops || !ops->alloc_table || !ops->free_table || !ops->virt_to_phys ||
	    !ops->phys_to_virt || ipa_bits < S2PT_IPA_BITS_MIN || ipa_bits > S2PT_IPA_BITS_MAX)
		return -1;
	s->ipa_bits = ipa_bits;
	s->start_level = s2pt_start_level(ipa_bits);
	s->root = table_new(s, &s->root_pa);
	return s->root ? 0 : -1;
}

static bool aligned_4k(uint64_t v)
{
	return (v & (S2PT_PAGE_4K - 1u)) == 0;
}

static bool range_ok(uint64_t base, uint64_t size, uint64_t limit)
{
	return aligned_4k(base) && aligned_4k(size) && base <= limit && size <= limit - base;
}

static uint64_t ipa_limit(const struct s2pt *s)
{
	return 1ull << s->ipa_bits;
}

/* Write one leaf at level (2: a 2 MiB block, 3: a page); a table there is freed. */
static int map_leaf(struct s2pt *s, uint64_t ipa, uint64_t pa, uint64_t attrs, unsigned level)
{
	uint64_t *e = entry_for(s, ipa, level, true);
	uint64_t old;

	if (!e)
		return -1;
	old = *e;
	*e = pa | attrs | leaf_type(level);
	if (is_table(old, level)) /* its leaves are all replaced */
		free_tree(s, table_at(s, old), level + 1u);
	return 0;
}

int s2pt_map(struct s2pt *s, uint64_t ipa, uint64_t pa, uint64_t size, uint32_t prot,
	     enum s2pt_mem mem)
{
	uint64_t step, attrs;

	if (!s->root || !range_ok(ipa, size, ipa_limit(s)) || !range_ok(pa, size, S2PT_PA_LIMIT) ||
	    !leaf_attrs(prot, mem, &attrs))
		return -1;
	for (uint64_t done = 0; done < size; done += step) {
		uint64_t i = ipa + done, p = pa + done;
		bool block = ((i | p) & OFFSET_2M_MASK) == 0 && size - done >= S2PT_PAGE_2M;

		step = block ? S2PT_PAGE_2M : S2PT_PAGE_4K;
		if (map_leaf(s, i, p, attrs, block ? LEVEL_BLOCK_2M : LEVEL_PAGE))
			return -1;
	}
	return 0;
}

int s2pt_set_access(struct s2pt *s, uint64_t ipa, uint32_t prot)
{
	unsigned level;
	uint64_t *e, attrs;

	ipa &= ~(S2PT_PAGE_4K - 1u);
	e = leaf_find(s, ipa, &level);
	if (!e || !leaf_attrs(prot, leaf_mem(*e), &attrs))
		return -1;
	if (level < LEVEL_PAGE && (*e & S2PT_D_LEAF_ATTRS) == attrs)
		return 0; /* the block already has these rights: no split */
	e = entry_for(s, ipa, LEVEL_PAGE, true);
	if (!e || !is_leaf(*e))
		return -1;
	*e = (*e & ~S2PT_D_LEAF_ATTRS) | attrs;
	return 0;
}

/*
 * Remove [start, end) from the table t at level, which maps from base.
 * Entries wholly inside go (tables below them freed); a block partly inside
 * is split and handled one level down; a table emptied is freed.
 */
static int unmap_in(struct s2pt *s, uint64_t *t, unsigned level, uint64_t base, uint64_t start,
		    uint64_t end)
{
	uint64_t size = level_size(level);
	unsigned first = index_of(start - base, level);
	unsigned last = index_of(end - 1u - base, level);

	for (unsigned i = first; i <= last; i++) {
		uint64_t e_base = base + i * size;
		uint64_t lo = start > e_base ? start : e_base;
		uint64_t hi = end < e_base + size ? end : e_base + size;
		uint64_t *child;

		if (!is_used(t[i], level))
			continue;
		if (lo == e_base && hi == e_base + size) {
			if (is_table(t[i], level))
				free_tree(s, table_at(s, t[i]), level + 1u);
			t[i] = 0;
			continue;
		}
		child = descend(s, &t[i], level, true); /* a table, or a block split */
		if (!child || unmap_in(s, child, level + 1u, e_base, lo, hi))
			return -1;
		if (table_empty(child)) {
			t[i] = 0;
			table_free(s, child);
		}
	}
	return 0;
}

int s2pt_unmap(struct s2pt *s, uint64_t ipa, uint64_t size)
{
	if (!s->root || !range_ok(ipa, size, ipa_limit(s)))
		return -1;
	if (!size)
		return 0;
	return unmap_in(s, s->root, s->start_level, 0, ipa, ipa + size);
}

bool s2pt_lookup(const struct s2pt *s, uint64_t ipa, uint64_t *pa, uint32_t *prot,
		 unsigned *page_size, enum s2pt_mem *mem)
{
	unsigned level;
	const uint64_t *e = leaf_find(s, ipa, &level);
	uint64_t size;

	if (!e)
		return false;
	size = level_size(level);
	if (pa)
		*pa = (*e & S2PT_D_ADDR_MASK & ~(size - 1u)) + (ipa & (size - 1u));
	if (prot)
		*prot = leaf_prot(*e);
	if (page_size)
		*page_size = (unsigned)size;
	if (mem)
		*mem = leaf_mem(*e);
	return true;
}

int s2pt_leaf_update(struct s2pt *s, uint64_t ipa, uint64_t clear, uint64_t set, bool split,
		     uint64_t *old)
{
	unsigned level;
	uint64_t *e;

	/* Never the address, the type or the mark: the module's own view must stay true. */
	if ((clear | set) & (S2PT_D_ADDR_MASK | S2PT_D_TABLE | S2PT_D_LEAF))
		return -1;
	ipa &= ~(S2PT_PAGE_4K - 1u);
	e = leaf_find(s, ipa, &level);
	if (!e)
		return -1;
	if (split && level < LEVEL_PAGE) {
		e = entry_for(s, ipa, LEVEL_PAGE, true);
		if (!e)
			return -1;
	}
	if (old)
		*old = *e;
	*e = (*e & ~clear) | set;
	return 0;
}

/* ---- Walk ---- */

/*
 * Whether e at level ends the walk: as the CPU sees a valid entry (a page
 * at level 3, a block at levels 1-2; bits 1:0 = 0b01 at level 0 and 0b01
 * at level 3 fault, so they end it without a leaf), or as this module
 * remembers an invalid one.
 */
static bool walk_is_leaf(uint64_t e, unsigned level)
{
	if (!(e & S2PT_D_VALID))
		return is_leaf(e);
	if (level == LEVEL_PAGE)
		return (e & S2PT_D_TABLE) != 0;
	return level > 0 && !(e & S2PT_D_TABLE);
}

static void walk_table(const struct s2pt *s, const uint64_t *t, uint64_t table_pa, unsigned level,
		       uint64_t base, const struct s2pt_visitor *vis)
{
	uint64_t size = level_size(level);

	if (vis->table)
		vis->table(vis->ctx, table_pa);
	for (unsigned i = 0; i < S2PT_ENTRIES; i++) {
		uint64_t e = t[i];
		uint64_t at = base + i * size;

		if (walk_is_leaf(e, level)) {
			if (vis->leaf)
				vis->leaf(vis->ctx, at, e & S2PT_D_ADDR_MASK & ~(size - 1u), size,
					  leaf_prot(e), leaf_mem(e));
		} else if (level < LEVEL_PAGE && (e & (S2PT_D_VALID | S2PT_D_TABLE)) ==
							  (S2PT_D_VALID | S2PT_D_TABLE)) {
			walk_table(s, table_at(s, e), e & S2PT_D_ADDR_MASK, level + 1u, at, vis);
		}
	}
}

void s2pt_walk(const struct s2pt *s, const struct s2pt_visitor *vis)
{
	if (s->root && vis)
		walk_table(s, s->root, s->root_pa, s->start_level, 0, vis);
}

uint64_t s2pt_vttbr(const struct s2pt *s, uint16_t vmid)
{
	return (s->root_pa & S2PT_D_ADDR_MASK) | (uint64_t)vmid << 48;
}

void s2pt_destroy(struct s2pt *s)
{
	if (s->root)
		free_tree(s, s->root, s->start_level);
	s->root = NULL;
	s->root_pa = 0;
}
