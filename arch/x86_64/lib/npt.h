/* SPDX-License-Identifier: MIT */
/*
 * Nested page tables: the guest-physical to host-physical translation of a
 * VM, 4 levels (48-bit guest-physical space), 2 MiB and 4 KiB leaves, in one
 * of two entry formats chosen at npt_init():
 *
 *  - npt_format_amd: AMD nested paging (APM Vol 2 section 15.25), the x86-64
 *    long-mode page-table format (APM Vol 2 section 5.3).
 *  - npt_format_ept: Intel EPT (SDM Vol 3C section 29.3.2, "EPT Translation
 *    Mechanism", Tables 29-1..29-6).
 *
 * The walk, the splitting of 2 MiB leaves and the freeing of emptied tables
 * are the same for both; only the bits of an entry differ. Pure: table
 * memory comes from callbacks.
 *
 * AMD format:
 *  - every level: P, RW and US set on non-leaf entries. The nested walk treats
 *    every access as a user access, so US must be set at every level, leaves
 *    included.
 *  - leaves: PS at the PDE for 2 MiB; RW if writable; NX (bit 63) if not
 *    executable (the host runs with EFER.NXE=1; otherwise bit 63 would be a
 *    reserved bit); AVL bit 9 marks an entry as a leaf this module made, so a
 *    leaf with P=0 still remembers its host address (npt_set_access(.., 0)).
 *    Any right implies R (the format has no write-only or execute-only page).
 *
 * EPT format:
 *  - non-leaf entries: R|W|X (bits 2:0) and the address, nothing else: the
 *    rights of a translation are the AND over its levels, so upper levels
 *    grant everything and the leaf decides.
 *  - leaves: R, W, X in bits 0, 1, 2; memory type WB (6) in bits 5:3 and
 *    ignore-PAT (bit 6) clear, so the guest's PAT still applies as on bare
 *    metal (SDM section 29.3.7, "EPT and Memory Typing"); bit 7 at the PDE
 *    for 2 MiB. An entry is present iff one of bits 2:0 is set, so a
 *    not-present leaf has rights 0; bit 11, which the CPU ignores in every
 *    EPT entry, marks a leaf this module made, so that it still remembers
 *    its host address.
 *  - W without R is an EPT misconfiguration (SDM section 29.3.3.1, "EPT
 *    Misconfigurations"): refused. X without R (execute-only) is accepted;
 *    it is legal only when IA32_VMX_EPT_VPID_CAP bit 0 says so, which the
 *    caller checks.
 *  - leaf flag NPT_EPT_SPP (bit 61): the page's writes are checked against
 *    the sub-page permission table when W is 0 (SDM section 29.3.4). It is
 *    honoured only in 4 KiB leaves, so npt_set_leaf_flags() splits first.
 *  - with accessed/dirty flags on (EPTP bit 6) the CPU sets bits 8 and 9;
 *    a split or a rights change does not carry them over.
 *
 * The caller flushes the guest's cached translations after it changes or
 * removes an existing one (VMCB tlb_control on AMD, INVEPT on Intel); this
 * module cannot.
 */
#ifndef X86_NPT_H
#define X86_NPT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Access rights; the same values as MMU_R/W/X. In the AMD format any right
 * implies R; the EPT format refuses W without R.
 */
#define NPT_R 1u
#define NPT_W 2u
#define NPT_X 4u
#define NPT_RWX (NPT_R | NPT_W | NPT_X)

#define NPT_PAGE_4K 0x1000ull
#define NPT_PAGE_2M 0x200000ull
#define NPT_ENTRIES 512u
#define NPT_GPA_LIMIT (1ull << 48) /* 4 levels translate 48 bits */
#define NPT_HPA_LIMIT (1ull << 52) /* architectural MAXPHYADDR */

/* AMD format entry bits (APM Vol 2 section 5.3, long-mode page-table entries). */
#define NPT_E_P (1ull << 0)
#define NPT_E_RW (1ull << 1)
#define NPT_E_US (1ull << 2)
#define NPT_E_PS (1ull << 7)         /* PDE: 2 MiB leaf */
#define NPT_E_LEAF (1ull << 9)       /* AVL: a leaf made here (present or not) */
#define NPT_E_NX (1ull << 63)
#define NPT_E_ADDR_MASK 0x000ffffffffff000ull    /* bits 51:12 */
#define NPT_E_ADDR_2M_MASK 0x000fffffffe00000ull /* bits 51:21 */
#define NPT_E_TABLE (NPT_E_P | NPT_E_RW | NPT_E_US) /* non-leaf: fully permissive */

/*
 * EPT format entry bits (SDM Vol 3C section 29.3.2, Tables 29-1..29-6). The
 * address field is bits 51:12 as in the AMD format (NPT_E_ADDR_MASK).
 */
#define NPT_EPT_R (1ull << 0)
#define NPT_EPT_W (1ull << 1)
#define NPT_EPT_X (1ull << 2)             /* supervisor-mode execute without mode-based control */
#define NPT_EPT_RWX (NPT_EPT_R | NPT_EPT_W | NPT_EPT_X)
#define NPT_EPT_MT_SHIFT 3u               /* leaves: memory type, bits 5:3 */
#define NPT_EPT_MT_MASK (7ull << NPT_EPT_MT_SHIFT)
#define NPT_EPT_MT_WB (6ull << NPT_EPT_MT_SHIFT)
#define NPT_EPT_IGNORE_PAT (1ull << 6)    /* leaves: 1 = the EPT type wins over the guest PAT */
#define NPT_EPT_LARGE (1ull << 7)         /* PDE: 2 MiB leaf */
#define NPT_EPT_ACCESSED (1ull << 8)      /* set by the CPU when EPTP.AD = 1 */
#define NPT_EPT_DIRTY (1ull << 9)         /* leaves, set by the CPU when EPTP.AD = 1 */
#define NPT_EPT_LEAF (1ull << 11)         /* ignored by the CPU: a leaf made here */
#define NPT_EPT_SPP (1ull << 61)          /* 4 KiB leaves: sub-page write permissions */
#define NPT_EPT_SUPPRESS_VE (1ull << 63)  /* leaves: no #VE for this page (never set here) */
#define NPT_EPT_TABLE NPT_EPT_RWX         /* non-leaf: fully permissive */

/* EPT pointer, the VMCS field (SDM Vol 3C section 25.6.11). */
#define NPT_EPTP_MT_WB 6ull               /* bits 2:0: memory type of the EPT tables */
#define NPT_EPTP_WALK_SHIFT 3u            /* bits 5:3: page-walk length minus 1 */
#define NPT_EPTP_WALK_4 (3ull << NPT_EPTP_WALK_SHIFT)
#define NPT_EPTP_AD (1ull << 6)           /* accessed and dirty flags */

/* An entry format: npt_format_amd or npt_format_ept (opaque). */
struct npt_format;
extern const struct npt_format npt_format_amd, npt_format_ept;

struct npt_ops {
	void *(*alloc_table)(void *ctx);  /* zeroed 4 KiB, 4 KiB aligned, NULL if none */
	void (*free_table)(void *ctx, void *table);
	uint64_t (*virt_to_phys)(void *ctx, const void *p);
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct npt {
	uint64_t root_pa;    /* for the VMCB's n_cr3; npt_ept_pointer() for the EPTP */
	void *root;
	const struct npt_ops *ops;
	const struct npt_format *fmt;
	unsigned tables;     /* tables allocated, root included */
};

/*
 * Allocate an empty root for tables in format fmt. 0, or -1 if ops is
 * incomplete, fmt is NULL or allocation fails.
 */
int npt_init(struct npt *n, const struct npt_ops *ops, const struct npt_format *fmt);

/*
 * Map [gpa, gpa + size) to [hpa, hpa + size) with prot (NPT_R/W/X; 0 maps
 * the range not present but remembered). Uses a 2 MiB leaf wherever gpa and
 * hpa are 2 MiB aligned and at least 2 MiB remain, else 4 KiB leaves.
 * Replaces existing mappings, but a 4 KiB page keeps its leaf flags
 * (NPT_EPT_SPP): they belong to the guest page, not to the host page behind
 * it. So a 2 MiB range holding a page with flags is mapped with 4 KiB
 * leaves. gpa, hpa and size must be 4 KiB aligned and the ranges inside
 * NPT_GPA_LIMIT / NPT_HPA_LIMIT. 0, or -1 on bad arguments, rights the
 * format cannot express (EPT: W without R) or table allocation failure (then
 * part of the range may be mapped).
 */
int npt_map(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot);

/*
 * Change the rights of the 4 KiB page containing gpa. A 2 MiB leaf around it
 * is split into 512 4 KiB leaves that keep the old rights (unless prot equals
 * them already). prot 0: not present, the host address kept, so a later call
 * with rights restores the page. Leaf flags (NPT_EPT_SPP) are kept. -1 if the
 * page is not mapped, the format cannot express prot, or a split cannot
 * allocate.
 */
int npt_set_access(struct npt *n, uint64_t gpa, uint32_t prot);

/*
 * Set (on) or clear leaf flags of the 4 KiB page containing gpa. flags must
 * be non-zero and only flags the format allows: NPT_EPT_SPP for
 * npt_format_ept, none for npt_format_amd. Setting splits a 2 MiB leaf
 * first (sub-page permissions apply to 4 KiB leaves only); clearing inside
 * a 2 MiB leaf has nothing to do. The flags stay through npt_map() and
 * npt_set_access() on the page, and go with npt_unmap(). -1 on a flag the
 * format does not allow, an unmapped page or a split that cannot allocate.
 */
int npt_set_leaf_flags(struct npt *n, uint64_t gpa, uint64_t flags, bool on);

/*
 * The leaf flags of the page containing gpa into *flags (may be NULL); true
 * if a leaf covers gpa, present or not (a 2 MiB leaf has none).
 */
bool npt_leaf_flags(const struct npt *n, uint64_t gpa, uint64_t *flags);

/*
 * Raw access to the leaf over gpa, for tests that need what the module
 * would refuse to build (an EPT misconfiguration) and for the bits the CPU
 * writes (EPT accessed/dirty): clear, then set bits of the leaf entry,
 * *old (may be NULL) the entry before. With split, a 2 MiB leaf is split
 * first so only gpa's page changes; without, the change applies to the
 * leaf where it is. -1 if nothing maps gpa, or clear/set touch the address,
 * the leaf mark or the page-size bit. The caller flushes and restores.
 */
int npt_leaf_update(struct npt *n, uint64_t gpa, uint64_t clear, uint64_t set, bool split, uint64_t *old);

/*
 * The EPT pointer for the VMCS (SDM section 25.6.11): the root, tables read
 * write-back, a 4-level walk, and accessed/dirty flags if ad (only if
 * IA32_VMX_EPT_VPID_CAP bit 21 allows it). 0 if n is not in the EPT format
 * or has no root.
 */
uint64_t npt_ept_pointer(const struct npt *n, bool ad);

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
 * entry (AMD: P; EPT: any of R, W, X) is a leaf at the PT level or with the
 * large-page bit 7 set, else a table. For proving
 * what the tables make reachable (no host page outside the VM's RAM, no
 * table outside the allocator's). Nothing when n has no root (before
 * npt_init() or after npt_destroy()).
 */
void npt_walk(const struct npt *n, const struct npt_visitor *vis);

/* Free every table, the root included. */
void npt_destroy(struct npt *n);

#endif
