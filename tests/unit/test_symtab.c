/* SPDX-License-Identifier: MIT */
/* Host unit tests for lib/symtab.c on symbol tables built in memory with
 * the layout tools/gensyms.py emits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/symtab.h>

#define KBASE 0xffffffff80100000ull

struct sym {
	uint64_t addr;
	uint32_t size;
	const char *name;
};

/* Header, entries, then the names: one exact-size heap block. */
static struct ksym_table *build(const struct sym *syms, size_t n)
{
	size_t strings = sizeof(struct ksym_table) + n * sizeof(struct ksym_entry);
	size_t total = strings;
	struct ksym_table *t;
	struct ksym_entry *e;
	size_t pos = 0;

	for (size_t i = 0; i < n; i++)
		total += strlen(syms[i].name) + 1;
	t = malloc(total);
	assert_non_null(t);
	t->count = n;
	t->strings_offset = strings;
	e = (struct ksym_entry *)(t + 1);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(syms[i].name) + 1;

		e[i].addr = syms[i].addr;
		e[i].size = syms[i].size;
		e[i].name_offset = (uint32_t)pos;
		memcpy((char *)t + strings + pos, syms[i].name, len);
		pos += len;
	}
	return t;
}

static void expect(const struct ksym_table *t, uint64_t addr,
		   const char *name, uint64_t off)
{
	uint64_t got = 0xdead;
	const char *s = symtab_lookup(t, addr, &got);

	if (!name) {
		if (s)
			fail_msg("0x%llx: expected no symbol, got %s",
				 (unsigned long long)addr, s);
		assert_int_equal(got, 0xdead); /* offset untouched */
		return;
	}
	if (!s)
		fail_msg("0x%llx: expected %s, got NULL", (unsigned long long)addr,
			 name);
	assert_string_equal(s, name);
	assert_int_equal(got, off);
}

static void test_basic(void **state)
{
	static const struct sym syms[] = {
		{ KBASE + 0x000, 0x40, "_start" },
		{ KBASE + 0x040, 0x1c0, "kmain" },
		{ KBASE + 0x200, 0x10, "halt" },
	};
	struct ksym_table *t = build(syms, 3);

	(void)state;
	expect(t, 0, NULL, 0);
	expect(t, KBASE - 1, NULL, 0);
	expect(t, KBASE, "_start", 0);
	expect(t, KBASE + 0x3f, "_start", 0x3f);
	expect(t, KBASE + 0x40, "kmain", 0);
	expect(t, KBASE + 0x123, "kmain", 0xe3);
	expect(t, KBASE + 0x200, "halt", 0);
	expect(t, KBASE + 0x20f, "halt", 0xf);
	expect(t, KBASE + 0x210, NULL, 0);     /* past the last symbol */
	expect(t, UINT64_MAX, NULL, 0);
	/* The offset pointer is optional. */
	assert_string_equal(symtab_lookup(t, KBASE + 0x41, NULL), "kmain");
	free(t);
}

static void test_empty_and_null(void **state)
{
	struct ksym_table *t = build(NULL, 0);

	(void)state;
	expect(t, KBASE, NULL, 0);
	expect(t, 0, NULL, 0);
	assert_null(symtab_lookup(NULL, KBASE, NULL));
	free(t);
}

static void test_single(void **state)
{
	static const struct sym syms[] = { { 0x1000, 1, "only" } };
	struct ksym_table *t = build(syms, 1);

	(void)state;
	expect(t, 0xfff, NULL, 0);
	expect(t, 0x1000, "only", 0);
	expect(t, 0x1001, NULL, 0);
	free(t);
}

/* Gaps (a hand-made table) and zero-sized entries find nothing. */
static void test_gaps_and_zero_sizes(void **state)
{
	static const struct sym syms[] = {
		{ 0x1000, 0x10, "a" },
		{ 0x1100, 0x00, "empty" },
		{ 0x1200, 0x10, "b" },
	};
	struct ksym_table *t = build(syms, 3);

	(void)state;
	expect(t, 0x100f, "a", 0xf);
	expect(t, 0x1010, NULL, 0);
	expect(t, 0x1100, NULL, 0);
	expect(t, 0x11ff, NULL, 0);
	expect(t, 0x1200, "b", 0);
	free(t);
}

/* Aliases share an address and size (gensyms.py gives both the full size);
 * the lookup consistently answers with the last one. */
static void test_aliases(void **state)
{
	static const struct sym syms[] = {
		{ 0x2000, 0x20, "__memcpy" },
		{ 0x2000, 0x20, "memcpy" },
		{ 0x2020, 0x08, "next" },
	};
	struct ksym_table *t = build(syms, 3);

	(void)state;
	expect(t, 0x2000, "memcpy", 0);
	expect(t, 0x201f, "memcpy", 0x1f);
	expect(t, 0x2020, "next", 0);
	free(t);
}

/* Against a linear scan on a large table with irregular sizes. */
static void test_many(void **state)
{
	enum { N = 1000 };
	static struct sym syms[N];
	static char names[N][16];
	struct ksym_table *t;
	uint64_t addr = KBASE;

	(void)state;
	for (int i = 0; i < N; i++) {
		uint32_t size = (uint32_t)(1 + (i * 7919u) % 300);

		snprintf(names[i], sizeof(names[i]), "fn%d", i);
		syms[i] = (struct sym){ addr, size, names[i] };
		addr += size;
	}
	t = build(syms, N);
	for (uint64_t a = KBASE - 2; a < addr + 2; a += 3) {
		const char *want = NULL;
		uint64_t off = 0;

		for (int i = 0; i < N; i++)
			if (a >= syms[i].addr && a - syms[i].addr < syms[i].size) {
				want = syms[i].name;
				off = a - syms[i].addr;
			}
		expect(t, a, want, off);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_gaps_and_zero_sizes),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
