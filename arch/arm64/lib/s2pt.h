/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 translation tables: a VM's IPA (intermediate physical address)
 * to PA translation, VMSAv8-64 with the 4 KiB granule (Arm ARM DDI 0487,
 * D8 "The AArch64 Virtual Memory System Architecture": D8.3 "Translation
 * table descriptor formats", D8.4 stage-2 permissions, D8.6 memory
 * attributes), 2 MiB blocks and 4 KiB pages. The same operations as
 * arch/x86_64/lib/npt.h, so the VM core treats both alike; the memory
 * attribute (Normal or Device) is an argument of s2pt_map().
 *
 * Descriptors (4 KiB granule, 48-bit output address, no FEAT_LPA2):
 *
 *   bits 1:0   0b11 table (levels 0-2) or page (level 3); 0b01 block
 *              (levels 1, 2); bit 0 clear: invalid, every other bit ignored
 *   bits 5:2   MemAttr, with HCR_EL2.FWB = 0 combined with the guest's
 *              stage-1 attribute (the stronger wins): 0b1111 Normal
 *              inner/outer write-back (the guest's stage 1 decides),
 *              0b0001 Device-nGnRE
 *   bits 7:6   S2AP: bit 6 read, bit 7 write (0b10 write-only is legal)
 *   bits 9:8   SH: 0b11 inner shareable (ignored for Device memory)
 *   bit 10     AF: always set (no access-flag faults, VTCR_EL2.HA off)
 *   bits 47:12 output address (bits 20:12 zero in a 2 MiB block)
 *   bits 54:53 XN[1:0]. Without FEAT_XNX bit 53 is RES0 and bit 54 is XN.
 *              With FEAT_XNX: 0b00 executable at EL1 and EL0, 0b01 not at
 *              EL1, 0b10 at neither, 0b11 not at EL0. Only 0b00 and 0b10
 *              are written here: they mean the same with and without XNX.
 *   bit 55     (software, ignored by the CPU) a leaf made here: an invalid
 *              descriptor with it still remembers its address and
 *              attributes (s2pt_set_access(.., 0)), as npt.h's mark does.
 *
 * Execute permission at stage 2 does not depend on S2AP: S2PT_X alone
 * (execute-only) is expressible. Device memory is mapped execute-never:
 * S2PT_X with S2PT_MEM_DEVICE is refused.
 *
 * Levels: the starting level follows from the IPA size and the root is
 * always ONE 4 KiB table (no concatenated initial tables): IPA 40-48 bits
 * start at level 0, 31-39 at level 1, 25-30 at level 2 (DDI 0487 D8.2,
 * the AArch64.S2InconsistentSL() ranges). s2pt_vtcr() picks the IPA size
 * and the matching VTCR_EL2 fields.
 *
 * The caller invalidates the guest's cached translations (TLBI IPAS2E1IS /
 * VMALLS12E1IS for the VMID) after changing or removing one; this module
 * cannot.
 */
#ifndef ARM64_S2PT_H
#define ARM64_S2PT_H

#include <stdbool.h>
#include <stdint.h>

/* Access rights; the same values as NPT_R/W/X and MMU_R/W/X. */
#define S2PT_R 1u
#define S2PT_W 2u
#define S2PT_X 4u
#define S2PT_RWX (S2PT_R | S2PT_W | S2PT_X)

enum s2pt_mem {
	S2PT_MEM_NORMAL,  /* RAM: Normal write-back, inner shareable */
	S2PT_MEM_DEVICE,  /* MMIO (the GICV page, emulated devices): Device-nGnRE, never executable */
};

#define S2PT_PAGE_4K 0x1000ull
#define S2PT_PAGE_2M 0x200000ull
#define S2PT_ENTRIES 512u
#define S2PT_IPA_BITS_MIN 25u   /* T0SZ <= 39 without FEAT_TTST */
#define S2PT_IPA_BITS_MAX 48u
#define S2PT_PA_LIMIT (1ull << 48)

/* Descriptor bits (DDI 0487 D8.3, stage-2 block, page and table descriptors). */
#define S2PT_D_VALID (1ull << 0)
#define S2PT_D_TABLE (1ull << 1)          /* levels 0-2: table; level 3: page (must be set) */
#define S2PT_D_MEMATTR_SHIFT 2u
#define S2PT_D_MEMATTR_MASK (0xfull << S2PT_D_MEMATTR_SHIFT)
#define S2PT_D_MEMATTR_NORMAL_WB (0xfull << S2PT_D_MEMATTR_SHIFT)  /* outer WB 0b11, inner WB 0b11 */
#define S2PT_D_MEMATTR_DEVICE_NGNRE (0x1ull << S2PT_D_MEMATTR_SHIFT) /* 0b00: Device, 0b01: nGnRE */
#define S2PT_D_S2AP_R (1ull << 6)
#define S2PT_D_S2AP_W (1ull << 7)
#define S2PT_D_SH_SHIFT 8u
#define S2PT_D_SH_MASK (3ull << S2PT_D_SH_SHIFT)
#define S2PT_D_SH_INNER (3ull << S2PT_D_SH_SHIFT)
#define S2PT_D_AF (1ull << 10)
#define S2PT_D_ADDR_MASK 0x0000fffffffff000ull   /* bits 47:12 */
#define S2PT_D_ADDR_2M_MASK 0x0000ffffffe00000ull /* bits 47:21 */
#define S2PT_D_XN_SHIFT 53u
#define S2PT_D_XN_MASK (3ull << S2PT_D_XN_SHIFT)
#define S2PT_D_XN_NONE (2ull << S2PT_D_XN_SHIFT) /* XN[1] = 1: no execution at EL1 or EL0 */
#define S2PT_D_LEAF (1ull << 55)          /* software: a leaf made here */

/* The CPU's view of an entry: which bits the module writes as attributes of a leaf. */
#define S2PT_D_LEAF_ATTRS (S2PT_D_VALID | S2PT_D_MEMATTR_MASK | S2PT_D_S2AP_R | S2PT_D_S2AP_W | \
			   S2PT_D_SH_MASK | S2PT_D_AF | S2PT_D_XN_MASK | S2PT_D_LEAF)

_Static_assert((S2PT_D_MEMATTR_MASK | S2PT_D_S2AP_R | S2PT_D_S2AP_W | S2PT_D_SH_MASK | S2PT_D_AF) ==
		       0x7fcull, "lower attributes: MemAttr 5:2, S2AP 7:6, SH 9:8, AF 10");
_Static_assert(S2PT_D_XN_MASK == 0x0060000000000000ull && S2PT_D_LEAF == 0x0080000000000000ull,
	       "upper attributes: XN 54:53; bits 58:55 are reserved for software use");
_Static_assert((S2PT_D_LEAF_ATTRS & (S2PT_D_ADDR_MASK | S2PT_D_TABLE)) == 0,
	       "attributes, address and descriptor type are disjoint");

/* VTCR_EL2 fields (DDI 0487 D24.2 "VTCR_EL2"). */
#define S2PT_VTCR_T0SZ_SHIFT 0u           /* 5:0, IPA size = 64 - T0SZ */
#define S2PT_VTCR_SL0_SHIFT 6u            /* 7:6, 4 KiB granule: 0 level 2, 1 level 1, 2 level 0 */
#define S2PT_VTCR_IRGN0_SHIFT 8u          /* 9:8, 0b01 write-back read/write-allocate */
#define S2PT_VTCR_ORGN0_SHIFT 10u         /* 11:10 */
#define S2PT_VTCR_SH0_SHIFT 12u           /* 13:12, 0b11 inner shareable */
#define S2PT_VTCR_TG0_SHIFT 14u           /* 15:14, 0b00 4 KiB */
#define S2PT_VTCR_PS_SHIFT 16u            /* 18:16, output size, PARange encoding */
#define S2PT_VTCR_VS (1ull << 19)         /* 16-bit VMID */
#define S2PT_VTCR_RES1 (1ull << 31)
#define S2PT_VTCR_WBWA 1u
#define S2PT_VTCR_SH_INNER 3u
#define S2PT_VTCR_TG0_4K 0u
#define S2PT_PARANGE_48 5u                /* the largest output size without FEAT_LPA2 */

_Static_assert((S2PT_VTCR_VS | S2PT_VTCR_RES1 | (7ull << S2PT_VTCR_PS_SHIFT) | (3ull << S2PT_VTCR_TG0_SHIFT)) ==
		       0x800fc000ull, "VTCR_EL2: RES1 31, VS 19, PS 18:16, TG0 15:14");

struct s2pt_vtcr {
	unsigned ipa_bits;     /* what the tables translate: the VM's guest-physical limit */
	unsigned start_level;  /* 0, 1 or 2 */
	unsigned t0sz, sl0, irgn0, orgn0, sh0, tg0, ps;
	bool vs;
	uint64_t value;        /* VTCR_EL2, RES1 bit 31 included */
};

/* ID_AA64MMFR0_EL1.PARange (bits 3:0) in bits: 32, 36, 40, 42, 44, 48, 52, 56; 0 if reserved. */
unsigned s2pt_parange_bits(unsigned parange);

/*
 * VTCR_EL2 for 4 KiB-granule tables with one root table, given the CPU's
 * PARange and the IPA size wanted: the IPA is cut to the PA size, to 48
 * bits, and to 39 bits when the PA size is under 44 bits (a level-0 start
 * is reserved then, DDI 0487 AArch64.S2InvalidSL()). PS is PARange cut to
 * 48 bits. vmid16 sets VS (only if ID_AA64MMFR1_EL1.VMIDBits says 16).
 * 0, or -1 for a reserved PARange or wanted < 25 bits.
 */
int s2pt_vtcr(unsigned parange, unsigned want_ipa_bits, bool vmid16, struct s2pt_vtcr *out);

/* The level translation starts at for ipa_bits (25..48). */
unsigned s2pt_start_level(unsigned ipa_bits);

struct s2pt_ops {
	void *(*alloc_table)(void *ctx);  /* zeroed 4 KiB, 4 KiB aligned, NULL if none */
	void (*free_table)(void *ctx, void *table);
	uint64_t (*virt_to_phys)(void *ctx, const void *p);
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct s2pt {
	uint64_t root_pa;      /* VTTBR_EL2.BADDR: s2pt_vttbr() */
	void *root;
	const struct s2pt_ops *ops;
	unsigned ipa_bits;
	unsigned start_level;
	unsigned tables;       /* tables allocated, root included */
};

/*
 * Allocate an empty root for an ipa_bits IPA space (25..48; what
 * s2pt_vtcr() returned). 0, or -1 if ops is incomplete, ipa_bits is out of
 * range or allocation fails.
 */
int s2pt_init(struct s2pt *s, const struct s2pt_ops *ops, unsigned ipa_bits);

/*
 * Map [ipa, ipa + size) to [pa, pa + size) with prot (S2PT_R/W/X; 0 maps
 * the range invalid but remembered) and memory attribute mem. A 2 MiB block
 * wherever ipa and pa are 2 MiB aligned and 2 MiB remain, else 4 KiB
 * pages. Replaces existing mappings. ipa, pa and size 4 KiB aligned, the
 * ranges inside the IPA space and S2PT_PA_LIMIT. 0, or -1 on bad
 * arguments (Device with S2PT_X included) or table allocation failure
 * (then part of the range may be mapped).
 */
int s2pt_map(struct s2pt *s, uint64_t ipa, uint64_t pa, uint64_t size, uint32_t prot,
	     enum s2pt_mem mem);

/*
 * Change the rights of the 4 KiB page containing ipa, keeping its address
 * and memory attribute. A block around it is split into pages that keep
 * the old rights (unless prot equals them already). prot 0: invalid, the
 * address kept. -1 if nothing maps ipa, prot is not expressible (X on
 * Device) or a split cannot allocate.
 */
int s2pt_set_access(struct s2pt *s, uint64_t ipa, uint32_t prot);

/*
 * Remove [ipa, ipa + size) (4 KiB aligned); unmapped parts are fine. A
 * block only partly covered is split first; every table left empty is
 * freed (the root stays). -1 on bad arguments or when a split cannot
 * allocate.
 */
int s2pt_unmap(struct s2pt *s, uint64_t ipa, uint64_t size);

/*
 * Translate ipa. True if a leaf made here covers it, valid or not: *pa the
 * address of ipa itself, *prot the rights (0 if invalid), *page_size 4096
 * or 2 MiB, *mem the attribute. Any output pointer may be NULL.
 */
bool s2pt_lookup(const struct s2pt *s, uint64_t ipa, uint64_t *pa, uint32_t *prot,
		 unsigned *page_size, enum s2pt_mem *mem);

/*
 * Raw access to the leaf over ipa, for tests that need what the module
 * does not build (XN[0] under FEAT_XNX, an access-flag fault, another
 * MemAttr): clear, then set bits of the descriptor, *old (may be NULL) the
 * descriptor before. With split, a block is split first so only ipa's page
 * changes. -1 if nothing maps ipa, or clear/set touch the address, the
 * descriptor type or the leaf mark. The caller invalidates and restores.
 */
int s2pt_leaf_update(struct s2pt *s, uint64_t ipa, uint64_t clear, uint64_t set, bool split,
		     uint64_t *old);

/*
 * What s2pt_walk() reports; either callback may be NULL.
 * leaf: one translation, valid or remembered (prot 0), size 4 KiB, 2 MiB
 * or 1 GiB (a level-1 block, which this module never writes).
 * table: the physical address of one table, the root included.
 */
struct s2pt_visitor {
	void (*leaf)(void *ctx, uint64_t ipa, uint64_t pa, uint64_t size, uint32_t prot,
		     enum s2pt_mem mem);
	void (*table)(void *ctx, uint64_t table_pa);
	void *ctx;
};

/*
 * Visit every leaf in ascending IPA order and every table, each table
 * before what lies below it, as the CPU's walk reads them (a valid entry
 * with bits 1:0 = 0b11 below level 3 is a table; 0b01 at levels 1-2 a
 * block; 0b11 at level 3 a page; the rest faults), plus the remembered
 * invalid leaves. Nothing when s has no root.
 */
void s2pt_walk(const struct s2pt *s, const struct s2pt_visitor *vis);

/* VTTBR_EL2: the root and the VMID in bits 63:48 (8-bit VMIDs use 55:48). */
uint64_t s2pt_vttbr(const struct s2pt *s, uint16_t vmid);

/* Free every table, the root included. */
void s2pt_destroy(struct s2pt *s);

#endif
