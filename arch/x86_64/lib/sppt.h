/* SPDX-License-Identifier: MIT */
/*
 * EPT sub-page write permissions (SDM Vol 3C section 29.3.4): the sub-page
 * permission table (SPPT, section 29.3.4.2) the CPU consults for a write to
 * a 4 KiB page whose EPT leaf has W = 0 and the SPP bit (61) set, and a
 * software record of what was asked for, from which the table is filled
 * lazily.
 *
 * The SPPT has 4 levels indexed like EPT: GPA bits 47:39, 38:30 and 29:21
 * select non-leaf entries, bits 20:12 the leaf. A non-leaf entry holds the
 * next table's address (51:12) and a valid bit (0); bits 11:1 are reserved
 * and must be 0. A leaf is one 64-bit vector for the whole 4 KiB page: bit 2i
 * allows writes to the 128-byte sub-page i (i = 0..31); the odd bits are
 * reserved and must be 0 (a set reserved bit is an SPPT misconfiguration).
 *
 * What the CPU does (SDM 29.3.4.3 and the SPP-related VM exit, reason 66):
 *  - a non-leaf entry with the valid bit clear on the way: an SPPT miss,
 *    exit 66 with exit-qualification bit 11 set. The hypervisor fills the
 *    path then (sppt_fill()) and resumes the guest.
 *  - a reserved bit set: an SPPT misconfiguration, exit 66 with bit 11 clear.
 *  - a leaf whose bit for the written sub-page is 0: an ordinary EPT
 *    violation, as without SPP.
 *
 * The SPPTP VMCS field (0x2030) takes sppt_root_pa(); the secondary control
 * "sub-page write permissions for EPT" is bit 23. Table memory comes from
 * the same callbacks as the nested page tables (struct npt_ops). Pure.
 */
#ifndef X86_SPPT_H
#define X86_SPPT_H

#include <stdbool.h>
#include <stdint.h>

#include "npt.h"

#define SPP_SUBPAGES 32u          /* 128-byte sub-pages in a 4 KiB page */
#define SPP_SUBPAGE_SHIFT 7u      /* 128 bytes */
#define SPP_MASK_ALL 0xffffffffu  /* every sub-page writable */

/* Entry bits (SDM Vol 3C section 29.3.4.2). */
#define SPPT_E_VALID (1ull << 0)                    /* non-leaf: the next table exists */
#define SPPT_E_RSVD_MASK 0x0000000000000ffeull      /* non-leaf: bits 11:1, must be 0 */
#define SPPT_E_ADDR_MASK 0x000ffffffffff000ull      /* non-leaf: bits 51:12 */
#define SPPT_LEAF_WRITE_MASK 0x5555555555555555ull  /* leaf: the even bits, one per sub-page */
#define SPPT_LEAF_RSVD_MASK 0xaaaaaaaaaaaaaaaaull   /* leaf: the odd bits, must be 0 */
#define SPPT_LEAF_WRITE(i) (1ull << (2u * (i)))     /* leaf: sub-page i writable */
#define SPPT_GPA_LIMIT (1ull << 48)                 /* 4 levels translate 48 bits */

struct sppt {
	uint64_t root_pa;
	void *root;
	const struct npt_ops *ops;
	unsigned tables;     /* tables allocated, root included */
};

/* Allocate an empty root. 0, or -1 if ops is incomplete or allocation fails. */
int sppt_init(struct sppt *t, const struct npt_ops *ops);

/* Free every table, the root included. */
void sppt_destroy(struct sppt *t);

/* For the SPPTP VMCS field: the root's address (4 KiB aligned); 0 without a root. */
uint64_t sppt_root_pa(const struct sppt *t);

/* Call fn with the physical address of every table page, the root first. */
void sppt_walk_tables(const struct sppt *t, void (*fn)(void *ctx, uint64_t pa), void *ctx);

/*
 * Give the 4 KiB page containing gpa the write permissions mask (bit i:
 * sub-page i writable), making the path's tables first if needed. -1 if gpa
 * is not below SPPT_GPA_LIMIT or a table cannot be allocated (then the page
 * stays an SPPT miss; tables already made stay).
 */
int sppt_set(struct sppt *t, uint64_t gpa, uint32_t mask);

/*
 * Set the page's leaf back to 0: no sub-page writable, so every write to the
 * page becomes an EPT violation. This is not an SPPT miss again, and no
 * table is freed. -1 if the page's path was never made (it is a miss
 * already) or gpa is out of range.
 */
int sppt_clear(struct sppt *t, uint64_t gpa);

/*
 * The page's permissions into *mask (may be NULL); false if the walk would
 * miss (a non-leaf entry on the way is not valid).
 */
bool sppt_lookup(const struct sppt *t, uint64_t gpa, uint32_t *mask);

/* mask bit i to leaf bit 2i; the odd (reserved) bits stay 0. */
uint64_t sppt_leaf_encode(uint32_t mask);

/* Leaf bit 2i to mask bit i; the odd bits are ignored. */
uint32_t sppt_leaf_decode(uint64_t leaf);

/* The sub-page of gpa within its page: (gpa & 0xfff) >> 7, 0..31. */
unsigned spp_subpage_index(uint64_t gpa);

/* ---- What the payload asked for, kept apart from the hardware table ---- */

#define SPP_RECORDS_MAX 1024u

struct spp_record {
	uint64_t gpa;   /* page address, 4 KiB aligned */
	uint32_t mask;  /* sub-page i writable if bit i */
};

/* Sorted by gpa, no duplicates, so a lookup is a binary search. */
struct spp_records {
	unsigned count;
	struct spp_record rec[SPP_RECORDS_MAX];
};

void spp_records_init(struct spp_records *r);

/*
 * Record mask for the page containing gpa, replacing an earlier record of it.
 * -1 if the page is new and SPP_RECORDS_MAX pages are recorded already, or
 * gpa is not below SPPT_GPA_LIMIT.
 */
int spp_record_set(struct spp_records *r, uint64_t gpa, uint32_t mask);

/* Forget the page containing gpa. -1 if it was not recorded. */
int spp_record_clear(struct spp_records *r, uint64_t gpa);

/* The recorded mask of the page containing gpa into *mask (may be NULL); false if none. */
bool spp_record_find(const struct spp_records *r, uint64_t gpa, uint32_t *mask);

/*
 * On an SPPT miss at gpa: write the page's recorded permissions into the
 * table, and those of every other recorded page in the same 2 MiB. They
 * share the leaf table this fill makes, and once it exists a walk to them
 * no longer misses: it would find a 0 leaf and deny every write instead.
 * -1 if nothing is recorded for the page (the miss is not one the
 * hypervisor expects) or sppt_set() fails.
 */
int sppt_fill(struct sppt *t, const struct spp_records *r, uint64_t gpa);

/*
 * What the payload asks for: record mask for gpa's page and, if the table
 * already reaches the page (its 2 MiB has a leaf table, so no miss will come
 * for it), write the table too; otherwise the next miss fills it. -1 if the
 * record is full or the table write fails.
 */
int spp_request(struct sppt *t, struct spp_records *r, uint64_t gpa, uint32_t mask);

#endif
