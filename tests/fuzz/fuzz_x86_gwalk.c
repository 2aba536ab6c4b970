/* SPDX-License-Identifier: MIT */
/*
 * arch/x86_64/lib/x86_gwalk.c: the guest's own page walk, over page tables
 * the guest wrote. Guest memory is the fuzzer's bytes.
 *
 * Input: u64 cr3, u64 gva, then guest-physical memory from address 0 (the
 * rest of the input; reads past it fail, as outside guest memory).
 *
 * Invariants, checked against the log of every entry the walk read: a
 * non-canonical gva is refused before any read, a canonical one never is;
 * at most four reads, each an aligned entry of the table the previous entry
 * (or CR3 bits 51:12) names, at the index gva bits give for that level, and
 * never one after a failed read; the result follows from the last entry
 * read (not present, PS in a PML4E, reserved bits of a large page, or a
 * leaf) and reads stop there; on success the address is the leaf's frame
 * plus the gva's offset in that page size and the flags are the AND of
 * R/W and U/S and the OR of NX over the entries read; on failure the
 * outputs are untouched.
 */
#include "fuzz.h"
#include "x86_gwalk.h"

#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PS (1ull << 7)
#define NX (1ull << 63)
#define ADDR 0x000ffffffffff000ull

struct mem {
	const uint8_t *bytes;
	size_t len;
	unsigned reads;
	bool failed;
	uint64_t gpa[8], val[8];
};

static bool guest_read(void *ctx, uint64_t gpa, uint64_t *val)
{
	struct mem *m = ctx;

	FUZZ_CHECK(!m->failed, "read after a failed read");
	FUZZ_CHECK(m->reads < 4, "a fifth read");
	FUZZ_CHECK(gpa % 8 == 0, "unaligned entry read at 0x%llx", (unsigned long long)gpa);
	m->gpa[m->reads] = gpa;
	if (gpa >= m->len || m->len - gpa < 8) {
		m->failed = true;
		m->reads++;
		return false;
	}
	memcpy(val, m->bytes + gpa, 8);
	m->val[m->reads++] = *val;
	return true;
}

static bool canonical(uint64_t gva)
{
	uint64_t top = gva >> 47;

	return top == 0 || top == 0x1ffff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint64_t cr3 = fz_u64(&f), gva = fz_u64(&f), gpa = 0x5a5a5a5a5a5a5a5aull;
	uint32_t flags = 0x5a5a5a5au, want_flags = X86_GWALK_W | X86_GWALK_U;
	struct mem m = { 0 };
	uint8_t *copy;
	enum x86_gwalk_result r;
	unsigned level;

	m.bytes = fz_rest(&f, &m.len);
	copy = fz_copy(m.bytes, m.len);
	m.bytes = copy;
	r = x86_gwalk(cr3, gva, guest_read, &m, &gpa, &flags);

	FUZZ_CHECK(r <= X86_GWALK_NONCANONICAL, "result %d", r);
	FUZZ_CHECK((r == X86_GWALK_NONCANONICAL) == !canonical(gva), "canonical %d, result %d",
		   canonical(gva), r);
	if (r == X86_GWALK_NONCANONICAL)
		FUZZ_CHECK(m.reads == 0, "%u reads for a non-canonical address", m.reads);
	else
		FUZZ_CHECK(m.reads >= 1, "no read");
	/* Every read at the table the level above named, at gva's index. */
	for (unsigned i = 0; i < m.reads; i++) {
		uint64_t table = i == 0 ? cr3 & ADDR : m.val[i - 1] & ADDR;
		unsigned shift = 12 + 9 * (3 - i);

		FUZZ_CHECK(m.gpa[i] == table + ((gva >> shift) & 0x1ff) * 8,
			   "read %u at 0x%llx, not the entry for gva", i, (unsigned long long)m.gpa[i]);
		if (i + 1 < m.reads)
			FUZZ_CHECK((m.val[i] & P) && !(m.val[i] & PS), "walked past entry %u 0x%llx", i,
				   (unsigned long long)m.val[i]);
	}
	if (r != X86_GWALK_OK) {
		FUZZ_CHECK(gpa == 0x5a5a5a5a5a5a5a5aull && flags == 0x5a5a5a5au,
			   "outputs written on failure %d", r);
		if (r == X86_GWALK_BAD_TABLE)
			FUZZ_CHECK(m.failed, "BAD_TABLE without a failed read");
		if (r == X86_GWALK_NOT_PRESENT)
			FUZZ_CHECK(!m.failed && !(m.val[m.reads - 1] & P), "NOT_PRESENT, last entry present");
		if (r == X86_GWALK_RESERVED)
			FUZZ_CHECK(!m.failed && (m.val[m.reads - 1] & (P | PS)) == (P | PS),
				   "RESERVED on an entry that is no large page");
		free(copy);
		return 0;
	}
	FUZZ_CHECK(!m.failed, "OK after a failed read");
	level = 5 - m.reads; /* 1 = PTE ... 3 = PDPTE */
	FUZZ_CHECK(level >= 1 && level <= 3, "leaf at level %u", level);
	uint64_t leaf = m.val[m.reads - 1], offset = (1ull << (12 + 9 * (level - 1))) - 1;

	FUZZ_CHECK(leaf & P, "leaf not present");
	FUZZ_CHECK(level == 1 || (leaf & PS), "leaf at level %u without PS", level);
	if (level > 1)
		FUZZ_CHECK((leaf & ADDR & offset & ~(1ull << 12)) == 0,
			   "large page 0x%llx with reserved bits accepted", (unsigned long long)leaf);
	FUZZ_CHECK(gpa == ((leaf & ADDR & ~offset) | (gva & offset)), "gpa 0x%llx for leaf 0x%llx",
		   (unsigned long long)gpa, (unsigned long long)leaf);
	for (unsigned i = 0; i < m.reads; i++) {
		if (!(m.val[i] & RW))
			want_flags &= ~X86_GWALK_W;
		if (!(m.val[i] & US))
			want_flags &= ~X86_GWALK_U;
		if (m.val[i] & NX)
			want_flags |= X86_GWALK_NX;
	}
	FUZZ_CHECK(flags == want_flags, "flags 0x%x, want 0x%x", flags, want_flags);
	free(copy);
	return 0;
}
