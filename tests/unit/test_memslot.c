/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for lib/memslot.c: sorted insertion, binary-search lookup at
 * slot edges, each rejection reason with its message, removal, translation of
 * ranges, and the host-side overlap query.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/memslot.h>

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define PAGE 4096ull

static struct memslot slot(uint64_t gpa, uint64_t size, uint64_t hpa, uint32_t id)
{
	return (struct memslot){ .gpa = gpa, .size = size, .hpa = hpa, .id = id };
}

static void add_ok(struct memslot_set *s, struct memslot m)
{
	char err[160] = "untouched";

	if (memslot_add(s, &m, err, sizeof(err)) != 0)
		fail_msg("adding [0x%llx, +0x%llx) failed: %s", (unsigned long long)m.gpa,
			 (unsigned long long)m.size, err);
	assert_string_equal(err, "");
}

/* m must be refused with a one-line message containing every fragment. */
static void add_fails(struct memslot_set *s, struct memslot m, ...)
{
	struct memslot_set before = *s;
	char err[160];
	const char *frag;
	va_list ap;

	memset(err, 'x', sizeof(err));
	assert_int_equal(memslot_add(s, &m, err, sizeof(err)), -1);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_null(strchr(err, '\n'));
	print_message("    error: %s\n", err);
	va_start(ap, m);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (!strstr(err, frag))
			fail_msg("message '%s' lacks '%s'", err, frag);
	}
	va_end(ap);
	/* A refused slot leaves the set exactly as it was. */
	assert_memory_equal(&before, s, sizeof(before));
}

#define ADD_FAILS(s, m, ...) add_fails((s), (m), __VA_ARGS__, NULL)

static void assert_sorted(const struct memslot_set *s)
{
	for (unsigned i = 1; i < s->count; i++)
		assert_true(s->slots[i - 1].gpa + s->slots[i - 1].size <= s->slots[i].gpa);
}

/* ---- lookup ---- */

static void test_empty_set(void **state)
{
	(void)state;
	struct memslot_set s;
	uint64_t hpa = 0x1234;

	memset(&s, 0xa5, sizeof(s));
	memslot_init(&s);
	assert_int_equal(s.count, 0);
	assert_null(memslot_find(&s, 0));
	assert_null(memslot_find(&s, UINT64_MAX));
	assert_false(memslot_translate(&s, 0, 0, &hpa));
	assert_int_equal(hpa, 0x1234);
	assert_false(memslot_backs_host_range(&s, 0, UINT64_MAX));
	assert_int_equal(memslot_remove(&s, 0), -1);
}

static void test_find_at_edges(void **state)
{
	(void)state;
	struct memslot_set s;
	const struct memslot *m;

	memslot_init(&s);
	add_ok(&s, slot(0x100000, 0x4000, 0x8000000, 7));
	assert_null(memslot_find(&s, 0));
	assert_null(memslot_find(&s, 0xfffff));
	m = memslot_find(&s, 0x100000);
	assert_non_null(m);
	assert_int_equal(m->id, 7);
	assert_ptr_equal(memslot_find(&s, 0x102345), m);
	assert_ptr_equal(memslot_find(&s, 0x103fff), m);
	assert_null(memslot_find(&s, 0x104000));
	assert_null(memslot_find(&s, UINT64_MAX));
}

static void test_slot_at_zero(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	add_ok(&s, slot(0, 256 * KIB, 0x40000000, 1));
	assert_int_equal(memslot_find(&s, 0)->id, 1);
	assert_int_equal(memslot_find(&s, 256 * KIB - 1)->id, 1);
	assert_null(memslot_find(&s, 256 * KIB));
}

/* A fixed permutation of 0..n-1 (xorshift-driven Fisher-Yates). */
static void shuffle(unsigned *v, unsigned n, uint32_t seed)
{
	for (unsigned i = 0; i < n; i++)
		v[i] = i;
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j, t;

		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		j = seed % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/*
 * Slot k covers [k * 1 MiB, +(k + 1) pages) backed at a descending host
 * address, so gpa order and hpa order differ and gaps separate the slots.
 */
static struct memslot slot_k(unsigned k)
{
	return slot(k * MIB, (k + 1) * PAGE, 0x80000000ull - k * MIB, 100 + k);
}

static void test_full_set_random_order(void **state)
{
	(void)state;
	struct memslot_set s;
	unsigned order[MEMSLOT_MAX];

	for (uint32_t seed = 1; seed <= 5; seed++) {
		memslot_init(&s);
		shuffle(order, MEMSLOT_MAX, seed * 2654435761u);
		for (unsigned i = 0; i < MEMSLOT_MAX; i++)
			add_ok(&s, slot_k(order[i]));
		assert_int_equal(s.count, MEMSLOT_MAX);
		assert_sorted(&s);
		for (unsigned k = 0; k < MEMSLOT_MAX; k++) {
			struct memslot want = slot_k(k);
			uint64_t hpa = 0;

			assert_int_equal(s.slots[k].id, want.id);
			assert_int_equal(memslot_find(&s, want.gpa)->id, want.id);
			assert_int_equal(memslot_find(&s, want.gpa + want.size - 1)->id, want.id);
			assert_null(memslot_find(&s, want.gpa + want.size));
			if (k > 0)
				assert_null(memslot_find(&s, want.gpa - 1));
			assert_true(memslot_translate(&s, want.gpa + 0x10, 8, &hpa));
			assert_int_equal(hpa, want.hpa + 0x10);
		}
		ADD_FAILS(&s, slot(0x7f000000, PAGE, 0, 999), "all 32 slots", "0x7f000000",
			  "id 999");
	}
}

/* ---- rejections ---- */

static void test_overlap_names_slot(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	add_ok(&s, slot(0x10000, 0x10000, 0x100000, 1));
	add_ok(&s, slot(0x30000, 0x10000, 0x200000, 2));
	add_ok(&s, slot(0x50000, 0x10000, 0x300000, 3));

	/* Tail over the start of slot 1. */
	ADD_FAILS(&s, slot(0x2f000, 0x2000, 0, 9), "[0x2f000, 0x31000)", "id 9",
		  "overlaps slot 1 [0x30000, 0x40000)", "id 2");
	/* Head over the end of slot 0. */
	ADD_FAILS(&s, slot(0x1f000, 0x2000, 0, 9), "overlaps slot 0 [0x10000, 0x20000)");
	/* Exactly the same range. */
	ADD_FAILS(&s, slot(0x50000, 0x10000, 0, 9), "overlaps slot 2 [0x50000, 0x60000)");
	/* Inside a slot, and covering all of them. */
	ADD_FAILS(&s, slot(0x34000, PAGE, 0, 9), "overlaps slot 1");
	ADD_FAILS(&s, slot(0, 1 * MIB, 0, 9), "overlaps slot 0");
	ADD_FAILS(&s, slot(0x40000, 0x11000, 0, 9), "overlaps slot 2");
	assert_int_equal(s.count, 3);

	/* Touching neighbours on both sides is fine. */
	add_ok(&s, slot(0x20000, 0x10000, 0x400000, 4));
	add_ok(&s, slot(0x40000, 0x10000, 0x500000, 5));
	assert_int_equal(s.count, 5);
	assert_sorted(&s);
	assert_int_equal(memslot_find(&s, 0x2ffff)->id, 4);
	assert_int_equal(memslot_find(&s, 0x30000)->id, 2);
}

static void test_misaligned(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	ADD_FAILS(&s, slot(0x10800, PAGE, 0, 1), "[0x10800, +0x1000)",
		  "gpa is not a multiple of 0x1000");
	ADD_FAILS(&s, slot(0x10000, PAGE + 1, 0, 1), "+0x1001", "size is not a multiple");
	ADD_FAILS(&s, slot(0x10000, PAGE, 0x123, 1), "hpa 0x123", "hpa is not a multiple");
	assert_int_equal(s.count, 0);
}

static void test_zero_size(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	ADD_FAILS(&s, slot(0x10000, 0, 0, 4), "gpa 0x10000", "id 4", "size is zero");
}

static void test_overflow(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	ADD_FAILS(&s, slot(0xfffffffffff00000ull, 0x200000, 0, 1),
		  "[0xfffffffffff00000, +0x200000)", "gpa + size overflows");
	/* Ending exactly at 2^64 is refused too: the end must be a 64-bit value. */
	ADD_FAILS(&s, slot(0xfffffffffffff000ull, PAGE, 0, 1), "gpa + size overflows");
	ADD_FAILS(&s, slot(0x10000, 0x2000, 0xfffffffffffff000ull, 1),
		  "hpa 0xfffffffffffff000 + size overflows");
	/* The highest representable slot still works. */
	add_ok(&s, slot(0xffffffffffffe000ull, PAGE, 0, 1));
	assert_int_equal(memslot_find(&s, 0xffffffffffffefffull)->id, 1);
	assert_null(memslot_find(&s, UINT64_MAX));
}

static void test_error_buffer_optional(void **state)
{
	(void)state;
	struct memslot_set s;
	struct memslot m = slot(0x1001, PAGE, 0, 1);
	char tiny[8];

	memslot_init(&s);
	assert_int_equal(memslot_add(&s, &m, NULL, 0), -1);
	assert_int_equal(memslot_add(&s, &m, tiny, sizeof(tiny)), -1);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(memslot_add(&s, NULL, tiny, sizeof(tiny)), -1);
	m.gpa = 0x1000;
	assert_int_equal(memslot_add(&s, &m, NULL, 0), 0);
}

/* ---- removal ---- */

/* memslot_check() accepts what add/remove build and names what they never would. */
static void test_check(void **state)
{
	(void)state;
	struct memslot_set s;
	char err[160];

	memslot_init(&s);
	assert_int_equal(memslot_check(&s, err, sizeof(err)), 0);
	for (unsigned k = 0; k < 6; k++)
		add_ok(&s, slot_k(k));
	assert_int_equal(memslot_remove(&s, 2 * MIB), 0);
	assert_int_equal(memslot_check(&s, err, sizeof(err)), 0);

	struct memslot_set bad = s;
	struct memslot t = bad.slots[0];
	bad.slots[0] = bad.slots[1];
	bad.slots[1] = t;
	assert_int_equal(memslot_check(&bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not above slot 0"));

	bad = s;
	bad.slots[1].size = bad.slots[2].gpa - bad.slots[1].gpa + PAGE;
	assert_int_equal(memslot_check(&bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "overlaps slot 1"));

	bad = s;
	bad.slots[0].hpa += 1;
	assert_int_equal(memslot_check(&bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "hpa is not a multiple"));

	bad = s;
	bad.slots[bad.count].gpa = 64 * MIB; /* a stale entry past count */
	assert_int_equal(memslot_check(&bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unused entry 5 is not zero"));

	bad = s;
	bad.count = MEMSLOT_MAX + 1;
	assert_int_equal(memslot_check(&bad, NULL, 0), -1);
}

static void test_remove(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	for (unsigned k = 0; k < 6; k++)
		add_ok(&s, slot_k(k));
	/* Only a slot's exact start removes it. */
	assert_int_equal(memslot_remove(&s, 2 * MIB + PAGE), -1);
	assert_int_equal(memslot_remove(&s, 2 * MIB - PAGE), -1);
	assert_int_equal(memslot_remove(&s, 2 * MIB), 0);
	assert_int_equal(s.count, 5);
	assert_sorted(&s);
	assert_null(memslot_find(&s, 2 * MIB));
	assert_int_equal(memslot_find(&s, 1 * MIB)->id, 101);
	assert_int_equal(memslot_find(&s, 3 * MIB)->id, 103);
	assert_int_equal(memslot_remove(&s, 2 * MIB), -1);
	/* First and last. */
	assert_int_equal(memslot_remove(&s, 0), 0);
	assert_int_equal(memslot_remove(&s, 5 * MIB), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.slots[0].id, 101);
	assert_int_equal(s.slots[2].id, 104);
	/* The freed range can be reused, and the set fills to the limit again. */
	add_ok(&s, slot(2 * MIB, 64 * KIB, 0x9000000, 55));
	assert_int_equal(memslot_find(&s, 2 * MIB + 0x8000)->id, 55);
	for (unsigned k = 6; s.count < MEMSLOT_MAX; k++)
		add_ok(&s, slot_k(k));
	assert_sorted(&s);
}

/* ---- translation ---- */

static void test_translate(void **state)
{
	(void)state;
	struct memslot_set s;
	uint64_t hpa;

	memslot_init(&s);
	add_ok(&s, slot(0x10000, 0x10000, 0x700000, 1));
	add_ok(&s, slot(0x20000, 0x10000, 0x900000, 2)); /* adjacent in gpa only */

	assert_true(memslot_translate(&s, 0x10000, 0x10000, &hpa));
	assert_int_equal(hpa, 0x700000);
	assert_true(memslot_translate(&s, 0x1fff8, 8, &hpa));
	assert_int_equal(hpa, 0x70fff8);
	/* One byte too many, even though the next gpa is another slot. */
	hpa = 42;
	assert_false(memslot_translate(&s, 0x1fff8, 9, &hpa));
	assert_int_equal(hpa, 42);
	assert_false(memslot_translate(&s, 0x10000, 0x20000, &hpa));
	/* len 0 counts as inside exactly when gpa is. */
	assert_true(memslot_translate(&s, 0x2ffff, 0, &hpa));
	assert_int_equal(hpa, 0x90ffff);
	assert_false(memslot_translate(&s, 0x30000, 0, &hpa));
	assert_false(memslot_translate(&s, 0xffff, 0, &hpa));
	/* A length that would wrap the address space. */
	assert_false(memslot_translate(&s, 0x20000, UINT64_MAX, &hpa));
	assert_false(memslot_translate(&s, 0x20000, 0 - 0x20000ull, &hpa));
	/* The result pointer is optional. */
	assert_true(memslot_translate(&s, 0x20000, 1, NULL));
}

static void test_backs_host_range(void **state)
{
	(void)state;
	struct memslot_set s;

	memslot_init(&s);
	add_ok(&s, slot(0x0, 0x10000, 0x500000, 1));
	add_ok(&s, slot(0x100000, 0x2000, 0x100000, 2)); /* lower hpa, higher gpa */

	assert_true(memslot_backs_host_range(&s, 0x500000, 1));
	assert_true(memslot_backs_host_range(&s, 0x50ffff, 1));
	assert_true(memslot_backs_host_range(&s, 0x4fffff, 2));
	assert_false(memslot_backs_host_range(&s, 0x4ff000, 0x1000));
	assert_false(memslot_backs_host_range(&s, 0x510000, 0x1000));
	assert_true(memslot_backs_host_range(&s, 0x101fff, 1));
	assert_false(memslot_backs_host_range(&s, 0x102000, 0x3fe000));
	assert_true(memslot_backs_host_range(&s, 0, 0x100001));
	assert_false(memslot_backs_host_range(&s, 0, 0x100000));
	assert_true(memslot_backs_host_range(&s, 0x400000, 0x200000)); /* covers slot 0 */
	assert_false(memslot_backs_host_range(&s, 0x500000, 0));
	/* A range running off the top of the address space is clamped, not wrapped. */
	assert_false(memslot_backs_host_range(&s, 0x600000, UINT64_MAX));
	assert_true(memslot_backs_host_range(&s, 0x50f000, UINT64_MAX));
	assert_false(memslot_backs_host_range(&s, UINT64_MAX, 0x600000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_find_at_edges),
		cmocka_unit_test(test_slot_at_zero),
		cmocka_unit_test(test_full_set_random_order),
		cmocka_unit_test(test_overlap_names_slot),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_error_buffer_optional),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_backs_host_range),
	};

	return cmocka_run_group_tests_name("memslot", tests, NULL, NULL);
}
