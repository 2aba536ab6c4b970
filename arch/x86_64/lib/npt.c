// SPDX-License-Identifier: MIT
/* Nested page tables: 4-level walk, 2 MiB / 4 KiB leaves, split and unmap. */
#include "npt.h"

#include <stddef.h>
#include <string.h>

enum npt_level { NPT_LEVEL_PT = 1, NPT_LEVEL_PD = 2, NPT_LEVEL_PDPT = 3, NPT_LEVEL_PML4 = 4 };

#define NPT_PAGE_SHIFT 12u
#define NPT_INDEX_BITS 9u
#define NPT_INDEX_MASK (NPT_ENTRIES - 1u)
#define NPT_OFFSET_2M_MASK (NPT_PAGE_2M - 1u)
#define NPT_LEAF_FLAGS (NPT_E_P | NPT_E_RW | NPT_E_US | NPT_E_LEAF | NPT_E_NX)

static unsigned index_of(uint64_t gpa, unsigned level)
{
	return (gpa >> (NPT_PAGE_SHIFT + NPT_INDEX_BITS * (level - 1u))) & NPT_INDEX_MASK;
}

static bool is_leaf(uint64_t e)
{
	return (e & NPT_E_LEAF) != 0;
}

static bool is_table(uint64_t e)
{
	return (e & NPT_E_P) && !is_leaf(e);
}

static uint64_t *table_at(const struct npt *n, uint64_t e)
{
	return n->ops->phys_to_virt(n->ops->ctx, e & NPT_E_ADDR_MASK);
}

/* Leaf flags (no address, no PS) for prot. */
static uint64_t leaf_flags(uint32_t prot)
{
	uint64_t e = NPT_E_LEAF;

	if (prot & NPT_RWX)
		e |= NPT_E_P | NPT_E_US;
	if (prot & NPT_W)
		e |= NPT_E_RW;
	if (!(prot & NPT_X))
		e |= NPT_E_NX;
	return e;
}

static uint32_t leaf_prot(uint64_t e)
{
	uint32_t prot = NPT_R;

	if (!(e & NPT_E_P))
		return 0;
	if (e & NPT_E_RW)
		prot |= NPT_W;
	if (!(e & NPT_E_NX))
		prot |= NPT_X;
	return prot;
}

/* A zeroed table, its physical address in *pa; NULL if the allocator is empty. */
static uint64_t *table_new(struct npt *n, uint64_t *pa)
{
	uint64_t *t = n->ops->alloc_table(n->ops->ctx);

	if (!t)
		return NULL;
	memset(t, 0, NPT_PAGE_4K);
	n->tables++;
	*pa = n->ops->virt_to_phys(n->ops->ctx, t);
	return t;
}

static void table_free(struct npt *n, uint64_t *t)
{
	n->ops->free_table(n->ops->ctx, t);
	n->tables--;
}

/* Replace the 2 MiB leaf *pde by a page table of 512 leaves with its rights. */
static uint64_t *split_2m(struct npt *n, uint64_t *pde)
{
	uint64_t base = *pde & NPT_E_ADDR_2M_MASK;
	uint64_t flags = *pde & NPT_LEAF_FLAGS;
	uint64_t pa;
	uint64_t *pt = table_new(n, &pa);

	if (!pt)
		return NULL;
	for (unsigned i = 0; i < NPT_ENTRIES; i++)
		pt[i] = (base + i * NPT_PAGE_4K) | flags;
	*pde = pa | NPT_E_TABLE;
	return pt;
}

/*
 * The table below entry *e of a table at level (> PT). With create, an empty
 * entry gets a new table and a 2 MiB leaf is split; without, NULL for both.
 */
static uint64_t *descend(struct npt *n, uint64_t *e, unsigned level, bool create)
{
	uint64_t pa;
	uint64_t *t;

	if (is_table(*e))
		return table_at(n, *e);
	if (!create)
		return NULL;
	if (is_leaf(*e))
		return level == NPT_LEVEL_PD ? split_2m(n, e) : NULL;
	t = table_new(n, &pa);
	if (t)
		*e = pa | NPT_E_TABLE;
	return t;
}

/* The entry for gpa in the table at level target, walking from the root. */
static uint64_t *entry_for(struct npt *n, uint64_t gpa, unsigned target, bool create)
{
	uint64_t *t = n->root;

	for (unsigned level = NPT_LEVEL_PML4; level > target; level--) {
		t = descend(n, &t[index_of(gpa, level)], level, create);
		if (!t)
			return NULL;
	}
	return &t[index_of(gpa, target)];
}

/* The PDE for gpa without allocating; NULL if an upper level is missing. */
static uint64_t *pde_lookup(const struct npt *n, uint64_t gpa)
{
	const uint64_t *t = n->root;

	for (unsigned level = NPT_LEVEL_PML4; level > NPT_LEVEL_PD; level--) {
		uint64_t e = t[index_of(gpa, level)];

		if (!is_table(e))
			return NULL;
		t = table_at(n, e);
	}
	return (uint64_t *)&t[index_of(gpa, NPT_LEVEL_PD)];
}

int npt_init(struct npt *n, const struct npt_ops *ops)
{
	n->ops = ops;
	n->tables = 0;
	n->root = NULL;
	n->root_pa = 0;
	if (!ops || !ops->alloc_table || !ops->free_table || !ops->virt_to_phys ||
	    !ops->phys_to_virt)
		return -1;
	n->root = table_new(n, &n->root_pa);
	return n->root ? 0 : -1;
}

static bool aligned_4k(uint64_t v)
{
	return (v & (NPT_PAGE_4K - 1u)) == 0;
}

static bool range_ok(uint64_t base, uint64_t size, uint64_t limit)
{
	return aligned_4k(base) && aligned_4k(size) && base <= limit && size <= limit - base;
}

static int map_2m(struct npt *n, uint64_t gpa, uint64_t hpa, uint32_t prot)
{
	uint64_t *pde = entry_for(n, gpa, NPT_LEVEL_PD, true);
	uint64_t old;

	if (!pde)
		return -1;
	old = *pde;
	*pde = hpa | leaf_flags(prot) | NPT_E_PS;
	if (is_table(old)) /* its 512 leaves are all replaced */
		table_free(n, table_at(n, old));
	return 0;
}

static int map_4k(struct npt *n, uint64_t gpa, uint64_t hpa, uint32_t prot)
{
	uint64_t *pte = entry_for(n, gpa, NPT_LEVEL_PT, true);

	if (!pte)
		return -1;
	*pte = hpa | leaf_flags(prot);
	return 0;
}

static bool fits_2m(uint64_t gpa, uint64_t hpa, uint64_t left)
{
	return ((gpa | hpa) & NPT_OFFSET_2M_MASK) == 0 && left >= NPT_PAGE_2M;
}

int npt_map(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	uint64_t step;

	if (!n->root || !range_ok(gpa, size, NPT_GPA_LIMIT) || !range_ok(hpa, size, NPT_HPA_LIMIT))
		return -1;
	for (uint64_t done = 0; done < size; done += step) {
		uint64_t g = gpa + done, h = hpa + done;
		int rc;

		step = fits_2m(g, h, size - done) ? NPT_PAGE_2M : NPT_PAGE_4K;
		rc = step == NPT_PAGE_2M ? map_2m(n, g, h, prot) : map_4k(n, g, h, prot);
		if (rc)
			return -1;
	}
	return 0;
}

int npt_set_access(struct npt *n, uint64_t gpa, uint32_t prot)
{
	uint64_t *pde, *pte;
	uint64_t flags = leaf_flags(prot);

	gpa &= ~(NPT_PAGE_4K - 1u);
	if (!n->root || gpa >= NPT_GPA_LIMIT)
		return -1;
	pde = pde_lookup(n, gpa);
	if (!pde || !(is_table(*pde) || is_leaf(*pde)))
		return -1;
	if (is_leaf(*pde) && (*pde & NPT_LEAF_FLAGS) == flags)
		return 0; /* the 2 MiB leaf already has these rights: no split */
	pte = entry_for(n, gpa, NPT_LEVEL_PT, true);
	if (!pte || !is_leaf(*pte))
		return -1;
	*pte = (*pte & NPT_E_ADDR_MASK) | flags;
	return 0;
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < NPT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Clear the 4 KiB leaf for gpa under the page table of *pde; free it if empty. */
static void unmap_4k(struct npt *n, uint64_t *pde, uint64_t gpa)
{
	uint64_t *pt = table_at(n, *pde);

	pt[index_of(gpa, NPT_LEVEL_PT)] = 0;
	if (table_empty(pt)) {
		*pde = 0;
		table_free(n, pt);
	}
}

/* Remove what lies at gpa; returns the bytes handled, 0 on failure. */
static uint64_t unmap_step(struct npt *n, uint64_t gpa, uint64_t left)
{
	uint64_t *pde = pde_lookup(n, gpa);
	uint64_t to_2m = NPT_PAGE_2M - (gpa & NPT_OFFSET_2M_MASK);
	uint64_t whole = to_2m < left ? to_2m : left;

	if (!pde || !(is_table(*pde) || is_leaf(*pde)))
		return whole; /* nothing mapped up to the next 2 MiB boundary */
	if (whole == NPT_PAGE_2M) {
		if (is_table(*pde))
			table_free(n, table_at(n, *pde));
		*pde = 0;
		return whole;
	}
	if (is_leaf(*pde) && !split_2m(n, pde))
		return 0;
	unmap_4k(n, pde, gpa);
	return NPT_PAGE_4K;
}

int npt_unmap(struct npt *n, uint64_t gpa, uint64_t size)
{
	uint64_t step;

	if (!n->root || !range_ok(gpa, size, NPT_GPA_LIMIT))
		return -1;
	for (uint64_t done = 0; done < size; done += step) {
		step = unmap_step(n, gpa + done, size - done);
		if (!step)
			return -1;
	}
	return 0;
}

bool npt_lookup(const struct npt *n, uint64_t gpa, uint64_t *hpa, uint32_t *prot,
		unsigned *page_size)
{
	const uint64_t *pde;
	uint64_t leaf, page;

	if (!n->root || gpa >= NPT_GPA_LIMIT)
		return false;
	pde = pde_lookup(n, gpa);
	if (!pde || !(is_table(*pde) || is_leaf(*pde)))
		return false;
	if (is_leaf(*pde)) {
		leaf = *pde & ~(NPT_E_ADDR_MASK & NPT_OFFSET_2M_MASK); /* 20:12 are no address */
		page = NPT_PAGE_2M;
	} else {
		leaf = table_at(n, *pde)[index_of(gpa, NPT_LEVEL_PT)];
		page = NPT_PAGE_4K;
		if (!is_leaf(leaf))
			return false;
	}
	if (hpa)
		*hpa = (leaf & NPT_E_ADDR_MASK) + (gpa & (page - 1u));
	if (prot)
		*prot = leaf_prot(leaf);
	if (page_size)
		*page_size = (unsigned)page;
	return true;
}

/* Bytes one entry at level maps: 4 KiB at the PT, 2 MiB at the PD, ... */
static uint64_t level_size(unsigned level)
{
	return 1ull << (NPT_PAGE_SHIFT + NPT_INDEX_BITS * (level - 1u));
}

/*
 * Whether entry e at level ends the walk, as the CPU sees it when P is set
 * (the PT level, or PS), or as this module remembers it when P is clear.
 */
static bool walk_is_leaf(uint64_t e, unsigned level)
{
	if (!(e & NPT_E_P))
		return is_leaf(e);
	return level == NPT_LEVEL_PT || (e & NPT_E_PS);
}

static void walk_leaf(const struct npt_visitor *vis, uint64_t gpa, uint64_t e, unsigned level)
{
	uint64_t size = level_size(level);

	if (vis->leaf) /* bits below the page size (the 2 MiB PAT bit 12) are no address */
		vis->leaf(vis->ctx, gpa, e & NPT_E_ADDR_MASK & ~(size - 1u), size, leaf_prot(e));
}

/* Report the table t at table_pa (level, mapping from gpa), then its entries in order. */
static void walk_table(const struct npt *n, const uint64_t *t, uint64_t table_pa,
		       unsigned level, uint64_t gpa, const struct npt_visitor *vis)
{
	if (vis->table)
		vis->table(vis->ctx, table_pa);
	for (unsigned i = 0; i < NPT_ENTRIES; i++) {
		uint64_t e = t[i];
		uint64_t at = gpa + i * level_size(level);

		if (walk_is_leaf(e, level))
			walk_leaf(vis, at, e, level);
		else if (e & NPT_E_P)
			walk_table(n, table_at(n, e), e & NPT_E_ADDR_MASK, level - 1u, at, vis);
	}
}

void npt_walk(const struct npt *n, const struct npt_visitor *vis)
{
	if (n->root && vis)
		walk_table(n, n->root, n->root_pa, NPT_LEVEL_PML4, 0, vis);
}

/* Free the table t at level and every table below it. */
static void free_tree(struct npt *n, uint64_t *t, unsigned level)
{
	for (unsigned i = 0; level > NPT_LEVEL_PT && i < NPT_ENTRIES; i++)
		if (is_table(t[i]))
			free_tree(n, table_at(n, t[i]), level - 1u);
	table_free(n, t);
}

void npt_destroy(struct npt *n)
{
	if (n->root)
		free_tree(n, n->root, NPT_LEVEL_PML4);
	n->root = NULL;
	n->root_pa = 0;
}
