/* SPDX-License-Identifier: MIT */
/*
 * AMD nested page tables (APM Vol 2 section 15.25): the guest-physical to
 * host-physical translation, in the x86-64 4-level long-mode format, with
 * 2 MiB and 4 KiB leaves. Pure: table memory comes from callbacks.
 *
 * Entry format used here:
 *  - every level: P, RW and US set on non-leaf entries. The nested walk treats
 *    every access as a user access, so US must be set at every level, leaves
 *    included.
 *  - leaves: PS at the PDE for 2 MiB; RW if writable; NX (bit 63) if not
 *    executable (the host runs with EFER.NXE=1; otherwise bit 63 would be a
 *    reserved bit); AVL bit 9 marks an entry as a leaf this module made, so a
 *    leaf with P=0 still remembers its host address (npt_set_access(.., 0)).
 *
 * The caller flushes the guest's TLB entries (VMCB tlb_control) after it
 * changes or removes an existing translation; this module cannot.
 */
#ifndef X86_NPT_H
#define X86_NPT_H

#include <stdbool.h>
#include <stdint.h>

/* Access rights; the same values as MMU_R/W/X. Any right implies R (x86 has no write-only). */
#define NPT_R 1u
#define NPT_W 2u
#define NPT_X 4u
#define NPT_RWX (NPT_R | NPT_W | NPT_X)

#define NPT_PAGE_4K 0x1000ull
#define NPT_PAGE_2M 0x200000ull
#define NPT_ENTRIES 512u
#define NPT_GPA_LIMIT (1ull << 48) /* 4 levels translate 48 bits */
#define NPT_HPA_LIMIT (1ull << 52) /* architectural MAXPHYADDR */

/* Entry bits (APM Vol 2 section 5.3, long-mode page-table entries). */
#define NPT_E_P (1ull << 0)
#define NPT_E_RW (1ull << 1)
#define NPT_E_US (1ull << 2)
#define NPT_E_PS (1ull << 7)         /* PDE: 2 MiB leaf */
#define NPT_E_LEAF (1ull << 9)       /* AVL: a leaf made here (present or not) */
#define NPT_E_NX (1ull << 63)
#define NPT_E_ADDR_MASK 0x000ffffffffff000ull    /* bits 51:12 */
#define NPT_E_ADDR_2M_MASK 0x000fffffffe00000ull /* bits 51:21 */
#define NPT_E_TABLE (NPT_E_P | NPT_E_RW | NPT_E_US) /* non-leaf: fully permissive */

struct npt_ops {
	void *(*alloc_table)(void *ctx);  /* zeroed 4 KiB, 4 KiB aligned, NULL if none */
	void (*free_table)(void *ctx, void *table);
	uint64_t (*virt_to_phys)(void *ctx, const void *p);
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct npt {
	uint64_t root_pa;    /* for the VMCB's n_cr3 */
	void *root;
	const struct npt_ops *ops;
	unsigned tables;     /* tables allocated, root included */
};

/* Allocate an empty root. 0, or -1 if ops is incomplete or allocation fails. */
int npt_init(struct npt *n, const struct npt_ops *ops);

/*
 * Map [gpa, gpa + size) to [hpa, hpa + size) with prot (NPT_R/W/X; 0 maps
 * the range not present but remembered). Uses a 2 MiB leaf wherever gpa and
 * hpa are 2 MiB aligned and at least 2 MiB remain, else 4 KiB leaves.
 * Replaces existing mappings. gpa, hpa and size must be 4 KiB aligned and the
 * ranges inside NPT_GPA_LIMIT / NPT_HPA_LIMIT. 0, or -1 on bad arguments or
 * table allocation failure (then part of the range may be mapped).
 */
int npt_map(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot);

/*
 * Change the rights of the 4 KiB page containing gpa. A 2 MiB leaf around it
 * is split into 512 4 KiB leaves that keep the old rights (unless prot equals
 * them already). prot 0: not present, the host address kept, so a later call
 * with rights restores the page. -1 if the page is not mapped or a split
 * cannot allocate.
 */
int npt_set_access(struct npt *n, uint64_t gpa, uint32_t prot);

/*
 * Remove [gpa, gpa + size) (4 KiB aligned). Unmapped parts are fine. A 2 MiB
 * leaf only partly covered is split first; a page table left empty is freed.
 * -1 on bad arguments or when a split cannot allocate.
 */
int npt_unmap(struct npt *n, uint64_t gpa, uint64_t size);

/*
 * Translate gpa. True if a leaf covers it, present or not: *hpa gets the
 * host address of gpa itself, *prot the rights (0 for a not-present leaf),
 * *page_size 4096 or 2 MiB. Any output pointer may be NULL.
 */
bool npt_lookup(const struct npt *n, uint64_t gpa, uint64_t *hpa, uint32_t *prot,
		unsigned *page_size);

/*
 * What npt_walk() reports; either callback may be NULL.
 * leaf: one translation, present or not present but remembered (prot 0):
 * [gpa, gpa + size) to [hpa, hpa + size), size 4096 or 2 MiB (larger only
 * for a PS entry above the PD, which this module never writes).
 * table: the host-physical address of one table page, the root included.
 */
struct npt_visitor {
	void (*leaf)(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot);
	void (*table)(void *ctx, uint64_t table_pa);
	void *ctx;
};

/*
 * Visit every leaf in ascending gpa order and every table page, each table
 * before what lies below it, as the CPU's nested walk reads them: a present
 * entry is a leaf at the PT level or with PS set, else a table. For proving
 * what the tables make reachable (no host page outside the VM's RAM, no
 * table outside the allocator's). Nothing when n has no root (before
 * npt_init() or after npt_destroy()).
 */
void npt_walk(const struct npt *n, const struct npt_visitor *vis);

/* Free every table, the root included. */
void npt_destroy(struct npt *n);

#endif
