/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for arch/x86_64/lib/x86_gwalk.c. Guest memory is a byte
 * array read through the callback; page tables are built in it by a small
 * allocator, then walked for 4 KiB, 2 MiB and 1 GiB pages, missing entries,
 * permission accumulation, reserved bits, tables outside guest memory and
 * non-canonical addresses.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "x86_gwalk.h"

#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PS (1ull << 7)
#define NX (1ull << 63)
#define PAT_LARGE (1ull << 12)
#define TABLE (P | RW | US)         /* a non-leaf entry granting everything */
#define AVAIL (0x7ffull << 52 | 0xe00ull) /* software-available bits 62:52, 11:9 */
#define MEM_SIZE (2u << 20)
#define ROOT 0x1000ull

/* Guest memory, the table allocator and a count of entries read. */
static struct guest {
	uint8_t mem[MEM_SIZE];
	uint64_t next_free;
	unsigned reads;
} g;

static bool guest_read(void *ctx, uint64_t gpa, uint64_t *val)
{
	struct guest *gm = ctx;

	assert_ptr_equal(gm, &g);
	assert_int_equal(gpa % 8, 0);
	gm->reads++;
	if (gpa >= MEM_SIZE || MEM_SIZE - gpa < 8)
		return false;
	memcpy(val, gm->mem + gpa, 8);
	return true;
}

static void put(uint64_t gpa, uint64_t val)
{
	assert_true(gpa + 8 <= MEM_SIZE);
	memcpy(g.mem + gpa, &val, 8);
}

static uint64_t get(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, g.mem + gpa, 8);
	return v;
}

static int setup(void **state)
{
	(void)state;
	memset(&g, 0, sizeof(g));
	g.next_free = ROOT + 0x1000; /* the PML4 is at ROOT */
	return 0;
}

static uint64_t index_at(uint64_t gva, unsigned level)
{
	return (gva >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* gpa of the level-`level` entry for gva, creating tables down to it. */
static uint64_t entry_for(uint64_t gva, unsigned level)
{
	uint64_t table = ROOT;

	for (unsigned l = 4; l > level; l--) {
		uint64_t at = table + index_at(gva, l) * 8;

		if (!(get(at) & P)) {
			assert_true(g.next_free < MEM_SIZE);
			put(at, g.next_free | TABLE);
			g.next_free += 0x1000;
		}
		table = get(at) & 0x000ffffffffff000ull;
	}
	return table + index_at(gva, level) * 8;
}

/* Map gva with a leaf at `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB). */
static uint64_t map(uint64_t gva, unsigned level, uint64_t leaf)
{
	uint64_t at = entry_for(gva, level);

	put(at, leaf);
	return at;
}

/* Clear and set bits in the level-`level` entry on gva's path. */
static void edit(uint64_t gva, unsigned level, uint64_t clear, uint64_t set)
{
	uint64_t at = entry_for(gva, level);

	put(at, (get(at) & ~clear) | set);
}

static enum x86_gwalk_result walk(uint64_t cr3, uint64_t gva, uint64_t *gpa, uint32_t *flags)
{
	g.reads = 0;
	return x86_gwalk(cr3, gva, guest_read, &g, gpa, flags);
}

static void expect_ok(uint64_t gva, uint64_t want_gpa, uint32_t want_flags, unsigned reads)
{
	uint64_t gpa = 0;
	uint32_t flags = 0xdead;

	assert_int_equal(walk(ROOT, gva, &gpa, &flags), X86_GWALK_OK);
	assert_int_equal(gpa, want_gpa);
	assert_int_equal(flags, want_flags);
	assert_int_equal(g.reads, reads);
}

/* The walk fails with `want`, after `reads` reads, leaving the outputs alone. */
static void expect_fail(uint64_t cr3, uint64_t gva, enum x86_gwalk_result want, unsigned reads)
{
	uint64_t gpa = 0x5555;
	uint32_t flags = 0x77;

	assert_int_equal(walk(cr3, gva, &gpa, &flags), want);
	assert_int_equal(g.reads, reads);
	assert_int_equal(gpa, 0x5555);
	assert_int_equal(flags, 0x77);
}

/* ---- page sizes ---- */

static void test_4k_page(void **state)
{
	(void)state;
	uint64_t gva = 0x00007f1234567abcull;

	map(gva, 1, 0xabcdef000ull | P | RW | US);
	expect_ok(gva, 0xabcdef000ull | 0xabc, X86_GWALK_W | X86_GWALK_U, 4);
	expect_ok(gva & ~0xfffull, 0xabcdef000ull, X86_GWALK_W | X86_GWALK_U, 4);
	expect_ok(gva | 0xfff, 0xabcdeffffull, X86_GWALK_W | X86_GWALK_U, 4);
	/* The next page has no PTE. */
	expect_fail(ROOT, gva + 0x1000, X86_GWALK_NOT_PRESENT, 4);
}

static void test_4k_pat_bit_is_not_a_large_page(void **state)
{
	(void)state;
	uint64_t gva = 0x403000;

	map(gva, 1, 0x7000 | P | PS);
	expect_ok(gva + 0x10, 0x7010, 0, 4);
}

static void test_2m_page(void **state)
{
	(void)state;
	uint64_t gva = 0x40000000ull + 0x600000 + 0x12345;

	map(gva, 2, 0x1fe00000ull | P | RW | PS);
	expect_ok(gva, 0x1fe00000ull + 0x12345, X86_GWALK_W, 3);
	expect_ok(gva | 0x1fffff, 0x1fffffffull, X86_GWALK_W, 3);
	/* Bit 12 of a large entry is PAT, not address. */
	edit(gva, 2, 0, PAT_LARGE);
	expect_ok(gva, 0x1fe00000ull + 0x12345, X86_GWALK_W, 3);
}

static void test_1g_page(void **state)
{
	(void)state;
	uint64_t gva = 0x0000008000000000ull + 3 * (1ull << 30) + 0x2345678;

	map(gva, 3, 0x000fffffc0000000ull | P | US | PS | PAT_LARGE);
	expect_ok(gva, 0x000fffffc2345678ull, X86_GWALK_U, 2);
}

static void test_many_4k_pages(void **state)
{
	(void)state;
	uint64_t gvas[64];
	uint32_t x = 0x9e3779b9u;

	/* Scattered canonical addresses in both halves catch index mix-ups. */
	for (unsigned i = 0; i < 64; i++) {
		uint64_t gva;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		gva = ((uint64_t)x << 16 ^ (uint64_t)i << 40) & 0x00007ffffffff000ull;
		if (i & 1)
			gva |= 0xffff800000000000ull;
		gvas[i] = gva;
		map(gva, 1, (0x100000000ull + i * 0x1000ull) | P | RW | US);
	}
	for (unsigned i = 0; i < 64; i++)
		expect_ok(gvas[i] | 0x321, 0x100000000ull + i * 0x1000ull + 0x321,
			  X86_GWALK_W | X86_GWALK_U, 4);
}

static void test_high_half_uses_upper_pml4(void **state)
{
	(void)state;
	uint64_t gva = 0xffff800000001234ull;

	map(gva, 1, 0x9000 | P | RW | US);
	assert_int_equal(get(ROOT + 256 * 8) & P, P);
	assert_int_equal(get(ROOT), 0);
	expect_ok(gva, 0x9234, X86_GWALK_W | X86_GWALK_U, 4);
}

static void test_ignored_bits(void **state)
{
	(void)state;
	uint64_t gva = 0x12345678, gpa;
	uint32_t flags;

	map(gva, 1, 0x55000 | P | RW | US | AVAIL);
	for (unsigned level = 2; level <= 4; level++)
		edit(gva, level, 0, AVAIL);
	expect_ok(gva, 0x55678, X86_GWALK_W | X86_GWALK_U, 4);
	/* CR3's low bits (PWT, PCD or a PCID) and bits above 51 are not address. */
	assert_int_equal(walk(ROOT | 0xfff | 0xfff0000000000000ull, gva, &gpa, &flags),
			 X86_GWALK_OK);
	assert_int_equal(gpa, 0x55678);
}

/* ---- flags ---- */

static void test_write_and_user_need_every_level(void **state)
{
	(void)state;
	uint64_t gva = 0x7000001000ull;

	for (unsigned level = 1; level <= 4; level++) {
		setup(NULL);
		map(gva, 1, 0x3000 | P | RW | US);
		edit(gva, level, RW, 0);
		expect_ok(gva, 0x3000, X86_GWALK_U, 4);
		edit(gva, level, US, RW);
		expect_ok(gva, 0x3000, X86_GWALK_W, 4);
		edit(gva, level, 0, US);
		expect_ok(gva, 0x3000, X86_GWALK_W | X86_GWALK_U, 4);
	}
}

static void test_nx_at_any_level(void **state)
{
	(void)state;
	uint64_t gva = 0x7000001000ull;

	for (unsigned level = 1; level <= 4; level++) {
		setup(NULL);
		map(gva, 1, 0x3000 | P | RW | US);
		expect_ok(gva, 0x3000, X86_GWALK_W | X86_GWALK_U, 4);
		edit(gva, level, 0, NX);
		expect_ok(gva, 0x3000, X86_GWALK_W | X86_GWALK_U | X86_GWALK_NX, 4);
	}
	/* NX on a 2 MiB leaf, read-only supervisor. */
	setup(NULL);
	map(0x200000, 2, 0x400000 | P | PS | NX);
	expect_ok(0x200000, 0x400000, X86_GWALK_NX, 3);
}

/* ---- failures ---- */

static void test_not_present_at_each_level(void **state)
{
	(void)state;
	uint64_t gva = 0x00007fffffffe000ull;

	for (int level = 4; level >= 1; level--) {
		setup(NULL);
		map(gva, 1, 0x3000 | P | RW | US);
		/* Everything else set, PS included: P = 0 makes it all meaningless. */
		edit(gva, level, P, ~P);
		expect_fail(ROOT, gva, X86_GWALK_NOT_PRESENT, 5 - level);
	}
	setup(NULL);
	expect_fail(ROOT, 0, X86_GWALK_NOT_PRESENT, 1);
}

static void test_ps_in_pml4e_is_reserved(void **state)
{
	(void)state;
	uint64_t gva = 0x1000;

	map(gva, 1, 0x3000 | P);
	edit(gva, 4, 0, PS);
	expect_fail(ROOT, gva, X86_GWALK_RESERVED, 1);
	/* Not a 512 GiB page either, even with no address bits that look reserved. */
	put(ROOT, P | RW | US | PS);
	expect_fail(ROOT, gva, X86_GWALK_RESERVED, 1);
}

static void test_large_page_reserved_bits(void **state)
{
	(void)state;
	uint64_t gva2m = 0x600000, gva1g = 0x80000000ull;

	map(gva2m, 2, 0x800000 | P | PS | (1ull << 13));
	expect_fail(ROOT, gva2m, X86_GWALK_RESERVED, 3);
	edit(gva2m, 2, 1ull << 13, 1ull << 20);
	expect_fail(ROOT, gva2m, X86_GWALK_RESERVED, 3);
	edit(gva2m, 2, 1ull << 20, 1ull << 21); /* now an address bit */
	expect_ok(gva2m, 0xa00000, 0, 3);

	map(gva1g, 3, 0x40000000ull | P | PS | (1ull << 13));
	expect_fail(ROOT, gva1g, X86_GWALK_RESERVED, 2);
	edit(gva1g, 3, 1ull << 13, 1ull << 29);
	expect_fail(ROOT, gva1g, X86_GWALK_RESERVED, 2);
	edit(gva1g, 3, 1ull << 29, PAT_LARGE);
	expect_ok(gva1g + 5, 0x40000005ull, 0, 2);
}

static void test_table_outside_memory(void **state)
{
	(void)state;
	uint64_t gva = 0x12345000;

	/* The PML4 itself. */
	expect_fail(MEM_SIZE, gva, X86_GWALK_BAD_TABLE, 1);
	expect_fail(0x000ffffffffff000ull, gva, X86_GWALK_BAD_TABLE, 1);
	/* A PDPT, PD or PT pointer that leads outside. */
	map(gva, 1, 0x3000 | P);
	for (unsigned level = 4; level >= 2; level--) {
		uint64_t at = entry_for(gva, level);
		uint64_t saved = get(at);

		put(at, 0x40000000ull | TABLE);
		expect_fail(ROOT, gva, X86_GWALK_BAD_TABLE, 6 - level);
		put(at, saved);
	}
	/* The page a leaf points at need not be guest memory: it is not read. */
	edit(gva, 1, 0x000ffffffffff000ull, 0x000ffffffffff000ull);
	expect_ok(gva, 0x000ffffffffff000ull, 0, 4);
}

/* ---- canonical addresses ---- */

static bool read_must_not_happen(void *ctx, uint64_t gpa, uint64_t *val)
{
	(void)ctx;
	(void)val;
	fail_msg("a non-canonical walk read the table entry at 0x%llx", (unsigned long long)gpa);
	return false;
}

static void test_canonical_edges_walk(void **state)
{
	(void)state;
	/* The last byte of the lower half and the first and last of the upper half. */
	map(0x00007ffffffff000ull, 1, 0x5000 | P | RW | US);
	expect_ok(0x00007fffffffffffull, 0x5fff, X86_GWALK_W | X86_GWALK_U, 4);
	expect_fail(ROOT, 0xffff800000000000ull, X86_GWALK_NOT_PRESENT, 1); /* walked, not refused */
	map(0xffff800000000000ull, 1, 0x6000 | P | RW | US);
	expect_ok(0xffff800000000000ull, 0x6000, X86_GWALK_W | X86_GWALK_U, 4);
	map(0xfffffffffffff000ull, 1, 0x7000 | P);
	expect_ok(0xffffffffffffffffull, 0x7fff, 0, 4);
}

static void test_noncanonical_is_refused(void **state)
{
	static const uint64_t bad[] = {
		0x0000800000000000ull, /* the first above the lower half */
		0xffff7fffffffffffull, /* the last below the upper half */
		0x8000000000001000ull, /* would index like 0x1000 */
		0x0001000000001000ull, /* bit 48 alone */
		0x7fffffffffffffffull,
		0x8000000000000000ull,
	};

	(void)state;
	/* Map what the truncated addresses would index, so a walk would succeed. */
	map(0x1000, 1, 0x3000 | P | RW | US);
	map(0x00007ffffffff000ull, 1, 0x4000 | P | RW | US);
	map(0xffff800000000000ull, 1, 0x5000 | P | RW | US);
	map(0xfffffffffffff000ull, 1, 0x6000 | P | RW | US);
	expect_ok(0x1000, 0x3000, X86_GWALK_W | X86_GWALK_U, 4);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t gpa = 0x5555;
		uint32_t flags = 0x77;

		expect_fail(ROOT, bad[i], X86_GWALK_NONCANONICAL, 0);
		/* Not one table read, whatever the tables hold. */
		assert_int_equal(x86_gwalk(ROOT, bad[i], read_must_not_happen, NULL, &gpa, &flags),
				 X86_GWALK_NONCANONICAL);
		assert_int_equal(gpa, 0x5555);
		assert_int_equal(flags, 0x77);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_4k_page, setup),
		cmocka_unit_test_setup(test_4k_pat_bit_is_not_a_large_page, setup),
		cmocka_unit_test_setup(test_2m_page, setup),
		cmocka_unit_test_setup(test_1g_page, setup),
		cmocka_unit_test_setup(test_many_4k_pages, setup),
		cmocka_unit_test_setup(test_high_half_uses_upper_pml4, setup),
		cmocka_unit_test_setup(test_ignored_bits, setup),
		cmocka_unit_test_setup(test_write_and_user_need_every_level, setup),
		cmocka_unit_test_setup(test_nx_at_any_level, setup),
		cmocka_unit_test_setup(test_not_present_at_each_level, setup),
		cmocka_unit_test_setup(test_ps_in_pml4e_is_reserved, setup),
		cmocka_unit_test_setup(test_large_page_reserved_bits, setup),
		cmocka_unit_test_setup(test_table_outside_memory, setup),
		cmocka_unit_test_setup(test_canonical_edges_walk, setup),
		cmocka_unit_test_setup(test_noncanonical_is_refused, setup),
	};

	return cmocka_run_group_tests_name("x86_gwalk", tests, NULL, NULL);
}
