// SPDX-License-Identifier: MIT
/*
 * What the device-tree fuzz harness (tests/fuzz/fuzz_dt.c) and reading
 * libfdt alongside it found in lib/dt*.c, each a test that failed before
 * its fix (docs/fuzzing.md lists them):
 *  - error lines carried the blob's bytes raw (node names, stdout-path,
 *    alias values, the PSCI method): a control character or a newline in a
 *    name split the "one line" on the console, and long names or strings
 *    ran the line past DT_ERR_MAX, which dt.h promises always holds it;
 *  - a reservation block entry running past 2^64 was accepted (a reg entry
 *    that does is refused), and so was a reg entry that only runs past 2^64
 *    once a parent's ranges have translated it;
 *  - a root node with a name was accepted, and every path reported from
 *    that tree was relative;
 *  - a property whose length field is negative (0xfffffff4) made libfdt's
 *    tag iterator return the same offset again: the walk over the
 *    structure block never ended; smaller negative lengths passed it and
 *    reached the code that sizes arrays by them;
 *  - an /aliases value that is not an absolute path sent libfdt (1.6.1,
 *    and Linux's copy the kernel builds) back into the alias lookup with
 *    it: an alias naming itself recursed until the stack overflowed, and
 *    one without a NUL was read past its end by strlen.
 * The trees are built here with libfdt's sequential-write API.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <anvil/dt.h>
#include <libfdt.h>

#define BLOB_MAX 8192

static uint8_t blob[BLOB_MAX];
static struct dt_platform plat;
static char err[DT_ERR_MAX];

static void ok(int rc)
{
	if (rc)
		fail_msg("libfdt sequential write: %s", fdt_strerror(rc));
}

static void prop_u32(const char *name, uint32_t v)
{
	ok(fdt_property_u32(blob, name, v));
}

static void prop_cells(const char *name, const uint32_t *v, unsigned n)
{
	fdt32_t be[16];

	assert_true(n <= 16);
	for (unsigned i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	ok(fdt_property(blob, name, be, (int)(n * 4)));
}

/* Header, reservation block (one entry if size != 0), an empty-named root with 2/2 cells. */
static void begin(uint64_t rsv_base, uint64_t rsv_size, const char *root_name)
{
	ok(fdt_create(blob, BLOB_MAX));
	if (rsv_size)
		ok(fdt_add_reservemap_entry(blob, rsv_base, rsv_size));
	ok(fdt_finish_reservemap(blob));
	ok(fdt_begin_node(blob, root_name));
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
}

static size_t finish(void)
{
	ok(fdt_end_node(blob)); /* the root */
	ok(fdt_finish(blob));
	return fdt_totalsize(blob);
}

/* A /memory node named name, its reg n cells (2/2 cells: 16 bytes an entry). */
static void memory_node(const char *name, unsigned reg_cells)
{
	static const uint32_t reg[4] = { 0, 0x40000000, 0, 0x20000000 };

	ok(fdt_begin_node(blob, name));
	ok(fdt_property_string(blob, "device_type", "memory"));
	prop_cells("reg", reg, reg_cells);
	ok(fdt_end_node(blob));
}

static void chosen(const char *stdout_path)
{
	ok(fdt_begin_node(blob, "chosen"));
	ok(fdt_property_string(blob, "stdout-path", stdout_path));
	ok(fdt_end_node(blob));
}

static bool one_printable_line(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return false;
	return true;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Refused: the line says want, is printable, fits DT_ERR_MAX; *out zeroed. */
static void expect_error(size_t size, const char *want)
{
	static char large[1024];

	memset(&plat, 0xa5, sizeof(plat));
	assert_int_equal(dt_parse(blob, size, &plat, large, sizeof(large)), -1);
	assert_true(all_zero(&plat, sizeof(plat)));
	if (!strstr(large, want))
		fail_msg("error \"%s\" does not say \"%s\"", large, want);
	if (!one_printable_line(large))
		fail_msg("error \"%s\" is not one line of printable ASCII", large);
	if (strlen(large) >= DT_ERR_MAX)
		fail_msg("error is %zu characters, DT_ERR_MAX is %u: \"%s\"", strlen(large), DT_ERR_MAX,
			 large);
	assert_int_equal(dt_parse(blob, size, &plat, err, sizeof(err)), -1);
	assert_string_equal(err, large);
}

static void expect_ok(size_t size)
{
	if (dt_parse(blob, size, &plat, err, sizeof(err)))
		fail_msg("dt_parse: %s", err);
}

/* ---- error lines ---- */

static void test_node_names_are_escaped_in_errors(void **state)
{
	(void)state;
	/* A newline and a TAP line in a node name, a reg one cell short. */
	begin(0, 0, "");
	memory_node("memory\nok 1 - forged", 3);
	expect_error(finish(), "dt: /memory\\x0aok 1 - forged: reg is 12 bytes");
	/* A byte past ASCII and a backslash. */
	begin(0, 0, "");
	memory_node("m\x9a\\", 3);
	expect_error(finish(), "dt: /m\\x9a\\\\: reg is 12 bytes");
}

static void test_structure_error_names_the_node_escaped(void **state)
{
	size_t size;
	int node, off;

	(void)state;
	begin(0, 0, "");
	memory_node("\x9a", 4);
	size = finish();
	node = fdt_path_offset(blob, "/\x9a");
	assert_true(node > 0);
	/* The tag after the node's name ("\x9a\0" padded to 4): not a tag. */
	off = (int)fdt_off_dt_struct(blob) + node + 4 + 4;
	blob[off] = 0x12;
	expect_error(size, "(FDT_ERR_BADSTRUCTURE) at structure offset 0x");
	expect_error(size, ", in or after node \"\\x9a\"");
}

static void test_long_strings_are_cut_in_errors(void **state)
{
	char sp[301], name[200];

	(void)state;
	/* stdout-path names an alias /aliases does not have: 300 characters of it. */
	memset(sp, 's', sizeof(sp) - 1);
	sp[sizeof(sp) - 1] = '\0';
	begin(0, 0, "");
	chosen(sp);
	expect_error(finish(), "dt: /chosen: stdout-path \"ssssssssss");
	expect_error(fdt_totalsize(blob), "...\" names an alias that /aliases does not have");
	/* The structure block damaged after a node with a 199-character name. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	begin(0, 0, "");
	memory_node(name, 4);
	{
		size_t size = finish();
		int node = fdt_next_node(blob, 0, NULL);

		assert_true(node > 0);
		/* The tag after the name (199 characters and the NUL, padded to 200). */
		blob[fdt_off_dt_struct(blob) + (unsigned)node + 4 + 200] = 0x12;
		expect_error(size, ", in or after node \"nnnnnnnn");
	}
	/* A node path made of escapes: 40 control bytes, 160 characters escaped. */
	memset(name, 1, 40);
	name[40] = '\0';
	begin(0, 0, "");
	memory_node(name, 3);
	expect_error(finish(), ": reg is 12 bytes");
}

static void test_psci_method_escaped(void **state)
{
	(void)state;
	begin(0, 0, "");
	ok(fdt_begin_node(blob, "psci"));
	ok(fdt_property_string(blob, "compatible", "arm,psci-1.0"));
	ok(fdt_property_string(blob, "method", "s\nm\tc"));
	ok(fdt_end_node(blob));
	expect_error(finish(), "dt: /psci: method is \"s\\x0am\\x09c\", not \"smc\" or \"hvc\"");
}

/* ---- ranges past 2^64 ---- */

static void test_reservation_past_2_64_is_refused(void **state)
{
	(void)state;
	begin(0xffffffffffff0000ull, 0x20000, "");
	memory_node("memory@40000000", 4);
	expect_error(finish(), "dt: memory reservation block entry 0 runs past the end of the address space");
	/* One that ends exactly at 2^64 is fine (a reg entry may too). */
	begin(0xfffffffffffff000ull, 0x1000, "");
	memory_node("memory@40000000", 4);
	expect_ok(finish());
	assert_int_equal(plat.rsvmap_count, 1);
	assert_int_equal(plat.reserved[0].base, 0xfffffffffffff000ull);
}

static void test_translated_reg_past_2_64_is_refused(void **state)
{
	/* soc: child 0 -> parent 0xffff_ffff_ffff_f800, 0x1000 bytes; its memory at child 0, 0x1000. */
	static const uint32_t ranges[] = { 0, 0, 0xffffffff, 0xfffff800, 0, 0x1000 };
	static const uint32_t reg[] = { 0, 0, 0, 0x1000 };

	(void)state;
	begin(0, 0, "");
	ok(fdt_begin_node(blob, "soc"));
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	prop_cells("ranges", ranges, 6);
	ok(fdt_begin_node(blob, "memory@0"));
	ok(fdt_property_string(blob, "device_type", "memory"));
	prop_cells("reg", reg, 4);
	ok(fdt_end_node(blob));
	ok(fdt_end_node(blob));
	expect_error(finish(), "dt: /soc/memory@0: reg entry 0 runs past the end of the address space");
}

/* ---- property lengths ---- */

static void test_negative_property_length_is_refused(void **state)
{
	static const uint32_t lens[] = { 0xfffffff4u, 0xfffffffcu, 0xfffffff0u, 0x80000000u };

	(void)state;
	alarm(10); /* before the fix the first one never returned: die rather than hang */
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t size;
		int node, prop;
		fdt32_t be = cpu_to_fdt32(lens[i]);

		begin(0, 0, "");
		memory_node("memory@40000000", 4);
		size = finish();
		node = fdt_path_offset(blob, "/memory@40000000");
		prop = fdt_first_property_offset(blob, node);
		assert_true(prop > 0);
		/* struct fdt_property: tag, len, nameoff */
		memcpy(blob + fdt_off_dt_struct(blob) + (unsigned)prop + 4, &be, 4);
		expect_error(size, "dt: structure block is invalid (");
		expect_error(size, ", in or after node \"memory@40000000\"");
	}
	alarm(0);
}

/* ---- the root's name ---- */

static void test_named_root_is_refused(void **state)
{
	(void)state;
	begin(0, 0, "x");
	memory_node("memory@40000000", 4);
	expect_error(finish(), "dt: structure block is invalid (the root node has a name) at structure offset 0x0");
}

/* ---- aliases that are not absolute paths ---- */

static void aliases(const char *name, const void *value, int len)
{
	ok(fdt_begin_node(blob, "aliases"));
	ok(fdt_property(blob, name, value, len));
	ok(fdt_end_node(blob));
}

static void test_alias_naming_itself_is_refused(void **state)
{
	(void)state;
	begin(0, 0, "");
	aliases("serial0", "serial0", 8);
	chosen("serial0");
	expect_error(finish(), "dt: /chosen: stdout-path \"serial0\": alias serial0 is \"serial0\", "
			       "not an absolute path");
	/* Two that name each other. */
	begin(0, 0, "");
	ok(fdt_begin_node(blob, "aliases"));
	ok(fdt_property_string(blob, "a", "b"));
	ok(fdt_property_string(blob, "b", "a/x"));
	ok(fdt_end_node(blob));
	chosen("a:115200");
	expect_error(finish(), "dt: /chosen: stdout-path \"a:115200\": alias a is \"b\", not an absolute path");
}

static void test_alias_without_nul_is_refused(void **state)
{
	(void)state;
	begin(0, 0, "");
	aliases("serial0", "/pl011", 6);
	chosen("serial0");
	expect_error(finish(), "dt: /chosen: stdout-path \"serial0\": alias serial0 is not a NUL-terminated string");
	begin(0, 0, "");
	aliases("serial0", "", 0);
	chosen("serial0");
	expect_error(finish(), "alias serial0 is not a NUL-terminated string");
}

static void test_absolute_alias_still_works(void **state)
{
	static const uint32_t reg[] = { 0, 0x9000000, 0, 0x1000 };

	(void)state;
	begin(0, 0, "");
	aliases("serial0", "/pl011@9000000", 15);
	chosen("serial0:115200n8");
	ok(fdt_begin_node(blob, "pl011@9000000"));
	ok(fdt_property_string(blob, "compatible", "arm,pl011"));
	prop_cells("reg", reg, 4);
	ok(fdt_end_node(blob));
	expect_ok(finish());
	assert_true(plat.console.present && plat.console.from_stdout_path);
	assert_string_equal(plat.console.path, "/pl011@9000000");
	assert_int_equal(plat.console.baud, 115200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_names_are_escaped_in_errors),
		cmocka_unit_test(test_structure_error_names_the_node_escaped),
		cmocka_unit_test(test_long_strings_are_cut_in_errors),
		cmocka_unit_test(test_psci_method_escaped),
		cmocka_unit_test(test_reservation_past_2_64_is_refused),
		cmocka_unit_test(test_translated_reg_past_2_64_is_refused),
		cmocka_unit_test(test_negative_property_length_is_refused),
		cmocka_unit_test(test_named_root_is_refused),
		cmocka_unit_test(test_alias_naming_itself_is_refused),
		cmocka_unit_test(test_alias_without_nul_is_refused),
		cmocka_unit_test(test_absolute_alias_still_works),
	};

	return cmocka_run_group_tests_name("dt_fuzz", tests, NULL, NULL);
}
