/* SPDX-License-Identifier: MIT */
/*
 * The guest's 4-level page walk (see x86_gwalk.h). Entry formats: Intel SDM
 * vol. 3A §4.5 (tables 4-15 to 4-20), AMD APM vol. 2 §5.3. Assumptions, fit
 * for the guests Anvil builds: EFER.NXE = 1 (bit 63 is NX, not reserved),
 * MAXPHYADDR = 52 (no address bits are reserved), and 4-level paging (48-bit
 * linear addresses; no LA57). A non-canonical gva is refused rather than
 * walked: the indices use bits 47:12 only, so 0x8000000000001000 would
 * otherwise resolve like 0x1000.
 */
#include "x86_gwalk.h"

#define X86_PTE_P (1ull << 0)
#define X86_PTE_RW (1ull << 1)
#define X86_PTE_US (1ull << 2)
#define X86_PTE_PS (1ull << 7) /* large page in PDPTE/PDE, reserved in PML4E, PAT in PTE */
#define X86_PTE_NX (1ull << 63)
#define X86_PTE_ADDR 0x000ffffffffff000ull /* bits 51:12 */
/*
 * In a 2 MiB or 1 GiB page entry bit 12 is PAT, and the bits from 13 up to
 * the page size are reserved rather than address.
 */
#define X86_LARGE_PAT (1ull << 12)

#define X86_LEVELS 4u
#define X86_VA_BITS 48u /* 4 levels of 9 index bits above the 12-bit page offset */
#define X86_INDEX_BITS 9u
#define X86_INDEX_MASK 0x1ffull
#define X86_PAGE_SHIFT 12u
#define X86_ENTRY_BYTES 8u

/* What a walk gathers on its way down. */
struct x86_gwalk_acc {
	uint32_t flags;
};

/* Address bits translated by one entry at `level` (1 = PTE ... 4 = PML4E). */
static unsigned x86_gwalk_shift(unsigned level)
{
	return X86_PAGE_SHIFT + X86_INDEX_BITS * (level - 1);
}

/* W and U survive only if every level grants them; one NX is enough. */
static void x86_gwalk_accumulate(struct x86_gwalk_acc *acc, uint64_t e)
{
	if (!(e & X86_PTE_RW))
		acc->flags &= ~X86_GWALK_W;
	if (!(e & X86_PTE_US))
		acc->flags &= ~X86_GWALK_U;
	if (e & X86_PTE_NX)
		acc->flags |= X86_GWALK_NX;
}

/* Bits 13..shift-1 of a 1 GiB or 2 MiB page entry must be zero. */
static bool x86_gwalk_large_reserved(uint64_t e, unsigned shift)
{
	uint64_t offset_bits = (1ull << shift) - 1;

	return (e & offset_bits & X86_PTE_ADDR & ~X86_LARGE_PAT) != 0;
}

/* Bits 63:47 all equal (Intel SDM vol. 1 §3.3.7.1, canonical addressing). */
static bool x86_gwalk_canonical(uint64_t gva)
{
	uint64_t top = gva >> (X86_VA_BITS - 1u); /* bits 63:47, 17 of them */

	return top == 0 || top == (1ull << (64u - X86_VA_BITS + 1u)) - 1u;
}

enum x86_gwalk_result x86_gwalk(uint64_t cr3, uint64_t gva, x86_gwalk_read_fn read, void *ctx,
				uint64_t *gpa, uint32_t *flags)
{
	struct x86_gwalk_acc acc = { X86_GWALK_W | X86_GWALK_U };
	uint64_t table = cr3 & X86_PTE_ADDR; /* PCID / PWT / PCD bits are not address */

	if (!x86_gwalk_canonical(gva))
		return X86_GWALK_NONCANONICAL;
	for (unsigned level = X86_LEVELS; level >= 1; level--) {
		unsigned shift = x86_gwalk_shift(level);
		uint64_t index = (gva >> shift) & X86_INDEX_MASK;
		uint64_t e;

		if (!read(ctx, table + index * X86_ENTRY_BYTES, &e))
			return X86_GWALK_BAD_TABLE;
		/* A non-present entry's other bits mean nothing, reserved ones included. */
		if (!(e & X86_PTE_P))
			return X86_GWALK_NOT_PRESENT;
		x86_gwalk_accumulate(&acc, e);
		if (level == X86_LEVELS && (e & X86_PTE_PS))
			return X86_GWALK_RESERVED;
		if (level == 1 || (e & X86_PTE_PS)) {
			uint64_t offset_bits = (1ull << shift) - 1;

			if (level > 1 && x86_gwalk_large_reserved(e, shift))
				return X86_GWALK_RESERVED;
			*gpa = (e & X86_PTE_ADDR & ~offset_bits) | (gva & offset_bits);
			*flags = acc.flags;
			return X86_GWALK_OK;
		}
		table = e & X86_PTE_ADDR;
	}
	/* Not reached: level 1 always ends the walk above. */
	return X86_GWALK_NOT_PRESENT;
}
