// SPDX-License-Identifier: MIT
/*
 * Nested page tables: 4-level walk, 2 MiB / 4 KiB leaves, split and unmap,
 * over the two entry formats (AMD NPT, Intel EPT).
 */
#include "npt.h"

#include <stddef.h>
#include <string.h>

enum npt_level { NPT_LEVEL_PT = 1, NPT_LEVEL_PD = 2, NPT_LEVEL_PDPT = 3, NPT_LEVEL_PML4 = 4 };

#define NPT_PAGE_SHIFT 12u
#define NPT_INDEX_BITS 9u
#define NPT_INDEX_MASK (NPT_ENTRIES - 1u)
#define NPT_OFFSET_2M_MASK (NPT_PAGE_2M - 1u)

/*
 * What distinguishes one entry format from the other. Everything else (the
 * walk, splits, freeing) is shared.
 */
struct npt_format {
	uint64_t present;  /* the CPU uses an entry iff one of these bits is set */
	uint64_t table;    /* a non-leaf entry: these bits and the address */
	uint64_t large;    /* in a PDE: the entry maps 2 MiB */
	uint64_t mark;     /* a bit the CPU ignores: a leaf made here */
	uint64_t rights;   /* every bit encode() may set, mark included */
	uint64_t flags;    /* leaf flags npt_set_leaf_flags() may change */
	/* The leaf bits (no address, no large bit) for prot; false if the format cannot express it. */
	bool (*encode)(uint32_t prot, uint64_t *bits);
	/* The rights of a leaf entry; 0 if it is not present. */
	uint32_t (*decode)(uint64_t e);
};

/* ---- AMD: x86-64 long-mode entries (APM Vol 2 section 5.3) ---- */

static bool amd_encode(uint32_t prot, uint64_t *bits)
{
	uint64_t e = NPT_E_LEAF;

	if (prot & NPT_RWX)
		e |= NPT_E_P | NPT_E_US;
	if (prot & NPT_W)
		e |= NPT_E_RW;
	if (!(prot & NPT_X))
		e |= NPT_E_NX;
	*bits = e;
	return true;
}

static uint32_t amd_decode(uint64_t e)
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

const struct npt_format npt_format_amd = {
	.present = NPT_E_P,
	.table = NPT_E_TABLE,
	.large = NPT_E_PS,
	.mark = NPT_E_LEAF,
	.rights = NPT_E_P | NPT_E_RW | NPT_E_US | NPT_E_LEAF | NPT_E_NX,
	.flags = 0,
	.encode = amd_encode,
	.decode = amd_decode,
};

/* ---- Intel EPT (SDM Vol 3C section 29.3.2, Tables 29-1..29-6) ---- */

_Static_assert(NPT_EPT_LARGE == NPT_E_PS, "both formats mark a 2 MiB PDE with bit 7");
_Static_assert((NPT_EPT_MT_WB & ~NPT_EPT_MT_MASK) == 0, "WB fits bits 5:3");
/* The leaf mark and the SPP flag share no bit with the address, the rights or each other. */
_Static_assert(((NPT_EPT_LEAF | NPT_EPT_SPP) & (NPT_E_ADDR_MASK | NPT_EPT_RWX | NPT_EPT_MT_MASK |
						NPT_EPT_IGNORE_PAT | NPT_EPT_LARGE)) == 0 &&
	       (NPT_EPT_LEAF & NPT_EPT_SPP) == 0, "SDM Table 29-6: bit 11 ignored, bit 61 SPP");
/* The CPU writes A/D (bits 8, 9) when EPTP.AD = 1: the mark must be neither. */
_Static_assert((NPT_EPT_LEAF & (NPT_EPT_ACCESSED | NPT_EPT_DIRTY)) == 0, "SDM 29.3.5");

static bool ept_encode(uint32_t prot, uint64_t *bits)
{
	uint64_t e = NPT_EPT_LEAF | NPT_EPT_MT_WB;

	if ((prot & NPT_W) && !(prot & NPT_R))
		return false; /* write-only: an EPT misconfiguration */
	if (prot & NPT_R)
		e |= NPT_EPT_R;
	if (prot & NPT_W)
		e |= NPT_EPT_W;
	if (prot & NPT_X)
		e |= NPT_EPT_X;
	*bits = e;
	return true;
}

static uint32_t ept_decode(uint64_t e)
{
	uint32_t prot = 0;

	if (e & NPT_EPT_R)
		prot |= NPT_R;
	if (e & NPT_EPT_W)
		prot |= NPT_W;
	if (e & NPT_EPT_X)
		prot |= NPT_X;
	return prot;
}

const struct npt_format npt_format_ept = {
	.present = NPT_EPT_RWX,
	.table = NPT_EPT_TABLE,
	.large = NPT_EPT_LARGE,
	.mark = NPT_EPT_LEAF,
	.rights = NPT_EPT_RWX | NPT_EPT_MT_MASK | NPT_EPT_IGNORE_PAT | NPT_EPT_LEAF,
	.flags = NPT_EPT_SPP,
	.encode = ept_encode,
	.decode = ept_decode,
};

/* ---- Entries ---- */

static unsigned index_of(uint64_t gpa, unsigned level)
{
	return (gpa >> (NPT_PAGE_SHIFT + NPT_INDEX_BITS * (level - 1u))) & NPT_INDEX_MASK;
}

static bool is_leaf(const struct npt *n, uint64_t e)
{
	return (e & n->fmt->mark) != 0;
}

static bool is_present(const struct npt *n, uint64_t e)
{
	return (e & n->fmt->present) != 0;
}

static bool is_table(const struct npt *n, uint64_t e)
{
	return is_present(n, e) && !is_leaf(n, e);
}

/* A leaf made here, or a table: anything but an empty slot. */
static bool is_used(const struct npt *n, uint64_t e)
{
	return is_table(n, e) || is_leaf(n, e);
}

/* The non-address bits of a leaf that a split or a move copies: rights and flags. */
static uint64_t leaf_bits_of(const struct npt *n, uint64_t e)
{
	return e & (n->fmt->rights | n->fmt->flags);
}

static uint64_t *table_at(const struct npt *n, uint64_t e)
{
	return n->ops->phys_to_virt(n->ops->ctx, e & NPT_E_ADDR_MASK);
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
	uint64_t bits = leaf_bits_of(n, *pde);
	uint64_t pa;
	uint64_t *pt = table_new(n, &pa);

	if (!pt)
		return NULL;
	for (unsigned i = 0; i < NPT_ENTRIES; i++)
		pt[i] = (base + i * NPT_PAGE_4K) | bits;
	*pde = pa | n->fmt->table;
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

	if (is_table(n, *e))
		return table_at(n, *e);
	if (!create)
		return NULL;
	if (is_leaf(n, *e))
		return level == NPT_LEVEL_PD ? split_2m(n, e) : NULL;
	t = table_new(n, &pa);
	if (t)
		*e = pa | n->fmt->table;
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

		if (!is_table(n, e))
			return NULL;
		t = table_at(n, e);
	}
	return (uint64_t *)&t[index_of(gpa, NPT_LEVEL_PD)];
}

int npt_init(struct npt *n, const struct npt_ops *ops, const struct npt_format *fmt)
{
	n->ops = ops;
	n->fmt = fmt;
	n->tables = 0;
	n->root = NULL;
	n->root_pa = 0;
	if (!fmt || !ops || !ops->alloc_table || !ops->free_table || !ops->virt_to_phys ||
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

/* bits: the leaf bits for the rights, from the format's encode(). */
static int map_2m(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t bits)
{
	uint64_t *pde = entry_for(n, gpa, NPT_LEVEL_PD, true);
	uint64_t old;

	if (!pde)
		return -1;
	old = *pde;
	*pde = hpa | bits | n->fmt->large;
	if (is_table(n, old)) /* its 512 leaves are all replaced */
		table_free(n, table_at(n, old));
	return 0;
}

/* A page keeps its leaf flags across a remap: they describe the guest page. */
static int map_4k(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t bits)
{
	uint64_t *pte = entry_for(n, gpa, NPT_LEVEL_PT, true);
	uint64_t keep;

	if (!pte)
		return -1;
	keep = is_leaf(n, *pte) ? *pte & n->fmt->flags : 0;
	*pte = hpa | bits | keep;
	return 0;
}

/* Whether the page table under gpa's PDE holds a leaf with flags (which a 2 MiB leaf would lose). */
static bool has_flagged_page(const struct npt *n, uint64_t gpa)
{
	const uint64_t *pde = n->fmt->flags ? pde_lookup(n, gpa) : NULL;
	const uint64_t *pt;

	if (!pde || !is_table(n, *pde))
		return false;
	pt = table_at(n, *pde);
	for (unsigned i = 0; i < NPT_ENTRIES; i++)
		if (is_leaf(n, pt[i]) && (pt[i] & n->fmt->flags))
			return true;
	return false;
}

static bool fits_2m(const struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t left)
{
	return ((gpa | hpa) & NPT_OFFSET_2M_MASK) == 0 && left >= NPT_PAGE_2M &&
	       !has_flagged_page(n, gpa);
}

int npt_map(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	uint64_t step, bits;

	if (!n->root || !range_ok(gpa, size, NPT_GPA_LIMIT) || !range_ok(hpa, size, NPT_HPA_LIMIT) ||
	    !n->fmt->encode(prot, &bits))
		return -1;
	for (uint64_t done = 0; done < size; done += step) {
		uint64_t g = gpa + done, h = hpa + done;
		int rc;

		step = fits_2m(n, g, h, size - done) ? NPT_PAGE_2M : NPT_PAGE_4K;
		rc = step == NPT_PAGE_2M ? map_2m(n, g, h, bits) : map_4k(n, g, h, bits);
		if (rc)
			return -1;
	}
	return 0;
}

/* The PDE over gpa if a leaf or a page table hangs there; NULL otherwise or on a bad gpa. */
static uint64_t *pde_in_use(const struct npt *n, uint64_t gpa)
{
	uint64_t *pde;

	if (!n->root || gpa >= NPT_GPA_LIMIT)
		return NULL;
	pde = pde_lookup(n, gpa);
	return pde && is_used(n, *pde) ? pde : NULL;
}

/* The 4 KiB leaf for gpa, splitting a 2 MiB leaf around it; NULL if none (or no memory). */
static uint64_t *pte_split(struct npt *n, uint64_t gpa)
{
	uint64_t *pte = entry_for(n, gpa, NPT_LEVEL_PT, true);

	return pte && is_leaf(n, *pte) ? pte : NULL;
}

int npt_set_access(struct npt *n, uint64_t gpa, uint32_t prot)
{
	uint64_t *pde, *pte;
	uint64_t bits;

	gpa &= ~(NPT_PAGE_4K - 1u);
	pde = pde_in_use(n, gpa);
	if (!pde || !n->fmt->encode(prot, &bits))
		return -1;
	if (is_leaf(n, *pde) && (*pde & n->fmt->rights) == bits)
		return 0; /* the 2 MiB leaf already has these rights: no split */
	pte = pte_split(n, gpa);
	if (!pte)
		return -1;
	*pte = (*pte & (NPT_E_ADDR_MASK | n->fmt->flags)) | bits;
	return 0;
}

int npt_set_leaf_flags(struct npt *n, uint64_t gpa, uint64_t flags, bool on)
{
	uint64_t *pde, *pte;

	gpa &= ~(NPT_PAGE_4K - 1u);
	pde = pde_in_use(n, gpa);
	if (!pde || !flags || (flags & ~n->fmt->flags))
		return -1;
	if (!on && is_leaf(n, *pde))
		return 0; /* a 2 MiB leaf never carries flags */
	pte = pte_split(n, gpa);
	if (!pte)
		return -1;
	*pte = on ? *pte | flags : *pte & ~flags;
	return 0;
}

uint64_t npt_ept_pointer(const struct npt *n, bool ad)
{
	if (!n->root || n->fmt != &npt_format_ept)
		return 0;
	return n->root_pa | NPT_EPTP_MT_WB | NPT_EPTP_WALK_4 | (ad ? NPT_EPTP_AD : 0);
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

	if (!pde || !is_used(n, *pde))
		return whole; /* nothing mapped up to the next 2 MiB boundary */
	if (whole == NPT_PAGE_2M) {
		if (is_table(n, *pde))
			table_free(n, table_at(n, *pde));
		*pde = 0;
		return whole;
	}
	if (is_leaf(n, *pde) && !split_2m(n, pde))
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

/*
 * The leaf made here that covers gpa into *leaf (bits 20:12 of a 2 MiB one,
 * no address, cleared) and its size into *page; false if there is none.
 */
static bool leaf_find(const struct npt *n, uint64_t gpa, uint64_t *leaf, uint64_t *page)
{
	const uint64_t *pde = pde_in_use(n, gpa);

	if (!pde)
		return false;
	if (is_leaf(n, *pde)) {
		*leaf = *pde & ~(NPT_E_ADDR_MASK & NPT_OFFSET_2M_MASK);
		*page = NPT_PAGE_2M;
		return true;
	}
	*leaf = table_at(n, *pde)[index_of(gpa, NPT_LEVEL_PT)];
	*page = NPT_PAGE_4K;
	return is_leaf(n, *leaf);
}

bool npt_lookup(const struct npt *n, uint64_t gpa, uint64_t *hpa, uint32_t *prot,
		unsigned *page_size)
{
	uint64_t leaf, page;

	if (!leaf_find(n, gpa, &leaf, &page))
		return false;
	if (hpa)
		*hpa = (leaf & NPT_E_ADDR_MASK) + (gpa & (page - 1u));
	if (prot)
		*prot = n->fmt->decode(leaf);
	if (page_size)
		*page_size = (unsigned)page;
	return true;
}

bool npt_leaf_flags(const struct npt *n, uint64_t gpa, uint64_t *flags)
{
	uint64_t leaf, page;

	if (!leaf_find(n, gpa, &leaf, &page))
		return false;
	if (flags)
		*flags = page == NPT_PAGE_4K ? leaf & n->fmt->flags : 0;
	return true;
}

/* The leaf entry over gpa, where it lives (2 MiB or 4 KiB; split to 4 KiB first if asked). */
static uint64_t *leaf_entry(struct npt *n, uint64_t gpa, bool split)
{
	uint64_t *pde = pde_in_use(n, gpa & ~(NPT_PAGE_4K - 1u));

	if (!pde)
		return NULL;
	if (is_leaf(n, *pde) && !split)
		return pde;
	return pte_split(n, gpa & ~(NPT_PAGE_4K - 1u));
}

int npt_leaf_update(struct npt *n, uint64_t gpa, uint64_t clear, uint64_t set, bool split, uint64_t *old)
{
	uint64_t *e;

	/* Never the address, the leaf mark or the page size: the module's own view must stay true. */
	if ((clear | set) & (NPT_E_ADDR_MASK | n->fmt->mark | n->fmt->large))
		return -1;
	e = leaf_entry(n, gpa, split);
	if (!e)
		return -1;
	if (old)
		*old = *e;
	*e = (*e & ~clear) | set;
	return 0;
}

/* Bytes one entry at level maps: 4 KiB at the PT, 2 MiB at the PD, ... */
static uint64_t level_size(unsigned level)
{
	return 1ull << (NPT_PAGE_SHIFT + NPT_INDEX_BITS * (level - 1u));
}

/*
 * Whether entry e at level ends the walk, as the CPU sees it when it is
 * present (the PT level, or the large bit), or as this module remembers it
 * when it is not.
 */
static bool walk_is_leaf(const struct npt *n, uint64_t e, unsigned level)
{
	if (!is_present(n, e))
		return is_leaf(n, e);
	return level == NPT_LEVEL_PT || (e & n->fmt->large);
}

static void walk_leaf(const struct npt *n, const struct npt_visitor *vis, uint64_t gpa,
		      uint64_t e, unsigned level)
{
	uint64_t size = level_size(level);

	if (vis->leaf) /* bits below the page size (the 2 MiB PAT bit 12) are no address */
		vis->leaf(vis->ctx, gpa, e & NPT_E_ADDR_MASK & ~(size - 1u), size,
			  n->fmt->decode(e));
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

		if (walk_is_leaf(n, e, level))
			walk_leaf(n, vis, at, e, level);
		else if (is_present(n, e))
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
		if (is_table(n, t[i]))
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
