// SPDX-License-Identifier: MIT
/*
 * Host tests for lib/dt.c. Two sources of blobs:
 *  - tests/unit/dt/<name>.dts, compiled by dtc at build time into the build
 *    directory (DT_FIXTURES): the QEMU virt trees for GICv3 and GICv2 and a
 *    board with buses, aliases and reservations;
 *  - trees built here with libfdt's sequential-write API from a description
 *    (struct tree) that each broken case changes in one place.
 * Then every byte of a real blob is damaged in turn, and every truncation
 * tried: the parser must refuse or accept, never crash (ASan) or half-fill.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/dt.h>
#include <libfdt.h>

#ifndef DT_FIXTURES
#error "DT_FIXTURES: the directory of the compiled tests/unit/dt fixtures (tests/unit/build.mk)"
#endif

static void *load(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	long n;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s.dtb", DT_FIXTURES, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (built from tests/unit/dt/%s.dts by dtc)", path, name);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static struct dt_platform plat;
static char err[DT_ERR_MAX];

static void expect_ok(const void *blob, size_t size)
{
	int rc = dt_parse(blob, size, &plat, err, sizeof(err));

	if (rc)
		fail_msg("dt_parse: %s", err);
	assert_string_equal(err, "");
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Refused with an error containing want, and *out left zeroed. */
static void expect_error(const void *blob, size_t size, const char *want)
{
	memset(&plat, 0xa5, sizeof(plat));
	assert_int_equal(dt_parse(blob, size, &plat, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
	assert_memory_equal(err, "dt: ", 4);
	assert_true(all_zero(&plat, sizeof(plat)));
}

static void expect_range(const struct dt_range *r, uint64_t base, uint64_t size)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
}

static void expect_irq(const struct dt_irq *i, enum dt_irq_type type, uint32_t num, uint32_t intid,
		       uint32_t trigger, uint32_t cpu_mask)
{
	assert_true(i->present);
	assert_int_equal(i->type, type);
	assert_int_equal(i->number, num);
	assert_int_equal(i->intid, intid);
	assert_int_equal(i->trigger, trigger);
	assert_int_equal(i->cpu_mask, cpu_mask);
}

/* ---- The QEMU virt trees ---- */

static void test_qemu_virt_gicv3(void **state)
{
	size_t size;
	void *blob = load("qemu-virt-gicv3", &size);

	(void)state;
	expect_ok(blob, size);
	assert_int_equal(plat.totalsize, size);
	assert_int_equal(plat.mem_count, 1);
	expect_range(&plat.mem[0], 0x40000000, 0x20000000);
	assert_int_equal(plat.reserved_count, 0);
	/* Console: the PL011 stdout-path names, no options. */
	assert_true(plat.console.present);
	assert_true(plat.console.pl011);
	assert_true(plat.console.from_stdout_path);
	assert_string_equal(plat.console.path, "/pl011@9000000");
	expect_range(&plat.console.reg, 0x9000000, 0x1000);
	assert_int_equal(plat.console.baud, 0);
	/* GICv3: GICD, one redistributor region for 123 CPUs, maintenance PPI 9 (INTID 25). */
	assert_int_equal(plat.gic.version, DT_GIC_V3);
	assert_string_equal(plat.gic.path, "/intc@8000000");
	expect_range(&plat.gic.gicd, 0x8000000, 0x10000);
	assert_int_equal(plat.gic.gicr_count, 1);
	expect_range(&plat.gic.gicr[0], 0x80a0000, 0xf60000);
	expect_range(&plat.gic.gicc, 0, 0);
	assert_true(plat.gic.virt);
	expect_irq(&plat.gic.maintenance, DT_IRQ_PPI, 9, 25, DT_IRQ_LEVEL_HIGH, 0);
	assert_int_equal(plat.gic.interrupt_cells, 3);
	/* Timer PPIs 13, 14, 11, 10: INTIDs 29, 30, 27, 26; no EL2 virtual timer in QEMU 7.2. */
	assert_true(plat.timer.present);
	assert_true(plat.timer.always_on);
	expect_irq(&plat.timer.sec_phys, DT_IRQ_PPI, 13, 29, DT_IRQ_LEVEL_HIGH, 0);
	expect_irq(&plat.timer.phys, DT_IRQ_PPI, 14, 30, DT_IRQ_LEVEL_HIGH, 0);
	expect_irq(&plat.timer.virt, DT_IRQ_PPI, 11, 27, DT_IRQ_LEVEL_HIGH, 0);
	expect_irq(&plat.timer.hyp_phys, DT_IRQ_PPI, 10, 26, DT_IRQ_LEVEL_HIGH, 0);
	assert_false(plat.timer.hyp_virt.present);
	/* PSCI 1.0 through SMC (virtualization=on puts the monitor in EL3). */
	assert_int_equal(plat.psci.method, DT_PSCI_SMC);
	assert_int_equal(plat.psci.major, 1);
	assert_int_equal(plat.psci.minor, 0);
	assert_true(plat.has_bootargs);
	assert_string_equal(plat.bootargs, "tests=cpu/* loglevel=debug");
	assert_string_equal(dt_gic_name(plat.gic.version), "GICv3");
	assert_string_equal(dt_psci_method_name(plat.psci.method), "smc");
	free(blob);
}

static void test_qemu_virt_gicv2(void **state)
{
	size_t size;
	void *blob = load("qemu-virt-gicv2", &size);

	(void)state;
	expect_ok(blob, size);
	assert_int_equal(plat.gic.version, DT_GIC_V2);
	expect_range(&plat.gic.gicd, 0x8000000, 0x10000);
	expect_range(&plat.gic.gicc, 0x8010000, 0x10000);
	expect_range(&plat.gic.gich, 0x8030000, 0x10000);
	expect_range(&plat.gic.gicv, 0x8040000, 0x10000);
	assert_int_equal(plat.gic.gicr_count, 0);
	assert_true(plat.gic.virt);
	/* GICv2 PPI flags carry a CPU mask in bits 15:8. */
	expect_irq(&plat.gic.maintenance, DT_IRQ_PPI, 9, 25, DT_IRQ_LEVEL_HIGH, 0x1);
	expect_irq(&plat.timer.hyp_phys, DT_IRQ_PPI, 10, 26, DT_IRQ_LEVEL_HIGH, 0x1);
	expect_irq(&plat.timer.virt, DT_IRQ_PPI, 11, 27, DT_IRQ_LEVEL_HIGH, 0x1);
	assert_false(plat.has_bootargs);
	assert_string_equal(plat.bootargs, "");
	assert_string_equal(dt_gic_name(plat.gic.version), "GICv2");
	free(blob);
}

static void test_board_buses_aliases_reservations(void **state)
{
	size_t size;
	void *blob = load("board-soc", &size);

	(void)state;
	expect_ok(blob, size);
	/* Two reg entries in one node; the disabled node and the empty range are skipped. */
	assert_int_equal(plat.mem_count, 2);
	expect_range(&plat.mem[0], 0x0, 0x3b400000);
	expect_range(&plat.mem[1], 0x100000000ull, 0x40000000);
	/* The reservation block, then the fixed /reserved-memory region (not the dynamic one). */
	assert_int_equal(plat.rsvmap_count, 1);
	assert_int_equal(plat.reserved_count, 2);
	expect_range(&plat.reserved[0], 0x80000000, 0x10000);
	expect_range(&plat.reserved[1], 0x3b400000, 0x100000);
	/* stdout-path "serial0:115200n8" through /aliases; the bus moves the address. */
	assert_true(plat.console.present && plat.console.pl011 && plat.console.from_stdout_path);
	assert_string_equal(plat.console.path, "/soc@fe000000/serial@201000");
	expect_range(&plat.console.reg, 0xfe201000, 0x200);
	assert_int_equal(plat.console.baud, 115200);
	assert_string_equal(plat.console.options, "115200n8");
	/* A GIC-400 without GICH/GICV: no virtualization parts, no maintenance interrupt. */
	assert_int_equal(plat.gic.version, DT_GIC_V2);
	expect_range(&plat.gic.gicd, 0xff841000, 0x1000);
	expect_range(&plat.gic.gicc, 0xff842000, 0x2000);
	expect_range(&plat.gic.gich, 0, 0);
	assert_false(plat.gic.virt);
	assert_false(plat.gic.maintenance.present);
	/* Level-low PPIs, and the fifth (EL2 virtual) timer. */
	expect_irq(&plat.timer.hyp_virt, DT_IRQ_PPI, 12, 28, DT_IRQ_LEVEL_LOW, 0);
	assert_false(plat.timer.always_on);
	assert_int_equal(plat.psci.method, DT_PSCI_HVC);
	assert_int_equal(plat.psci.major, 0);
	assert_int_equal(plat.psci.minor, 2);
	assert_string_equal(plat.bootargs, "on_finish=poweroff");
	free(blob);
}

/* ---- Trees built with the sequential-write API ---- */

#define BLOB_MAX 8192

/* What to build: the QEMU-like default, each field a knob a broken case turns. */
struct tree {
	uint32_t root_ac, root_sc;
	bool root_ac_two_cells;       /* #address-cells written as 8 bytes */
	unsigned mem_ranges;          /* reg entries of /memory@40000000 */
	int mem_reg_extra_bytes;      /* added to (or cut from) its reg */
	int gic;                      /* 3, 2 or 0 (none) */
	unsigned gic_regs;
	uint32_t gic_cells;
	bool maintenance;
	const char *stdout_path;      /* NULL: none */
	const char *alias_serial0;    /* NULL: no /aliases */
	bool psci;
	const char *psci_method;      /* NULL: no method property */
	unsigned timer_irqs;          /* 0: no timer */
	uint32_t timer_ppi;           /* number of its first PPI */
	uint32_t timer_type;          /* type cell of its first specifier */
	const char *bootargs;
	bool chosen;
	bool pl011;
	unsigned rsvmap;              /* reservation block entries */
	bool timer_parent_not_gic;
};

static struct tree qemu_like(void)
{
	return (struct tree){ .root_ac = 2, .root_sc = 2, .mem_ranges = 1, .gic = 3, .gic_regs = 2,
			      .gic_cells = 3, .maintenance = true, .stdout_path = "/pl011@9000000",
			      .psci = true, .psci_method = "smc", .timer_irqs = 4, .timer_ppi = 13,
			      .timer_type = 1, .chosen = true, .pl011 = true };
}

static void ok_fdt(int rc)
{
	if (rc)
		fail_msg("libfdt sequential write: %s", fdt_strerror(rc));
}

/* Cell c (1 = the lowest 32 bits) of v; 0 above the 64 bits. */
static fdt32_t cell(uint64_t v, unsigned c)
{
	return cpu_to_fdt32(c > 2 ? 0 : (uint32_t)(v >> (32 * (c - 1))));
}

/* reg with n (address, size) pairs at ac/sc cells, plus extra bytes of junk (or fewer). */
static void put_reg(void *fdt, uint32_t ac, uint32_t sc, const uint64_t *pairs, unsigned n, int extra)
{
	fdt32_t cells[128];
	unsigned k = 0;
	int len;

	assert_true(n * (ac + sc) < sizeof(cells) / sizeof(cells[0]));
	for (unsigned i = 0; i < n; i++) {
		for (unsigned c = ac; c > 0; c--)
			cells[k++] = cell(pairs[2 * i], c);
		for (unsigned c = sc; c > 0; c--)
			cells[k++] = cell(pairs[2 * i + 1], c);
	}
	cells[k] = cpu_to_fdt32(0xdeadbeef);
	len = (int)(k * 4) + extra;
	ok_fdt(fdt_property(fdt, "reg", cells, len));
}

static void put_cells(void *fdt, const char *name, const uint32_t *v, unsigned n)
{
	fdt32_t cells[32];

	for (unsigned i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	ok_fdt(fdt_property(fdt, name, cells, (int)(n * 4)));
}

static void build_gic(void *fdt, const struct tree *t)
{
	static const uint64_t v3[] = { 0x8000000, 0x10000, 0x80a0000, 0xf60000, 0x8010000, 0x2000 };
	static const uint64_t v2[] = { 0x8000000, 0x10000, 0x8010000, 0x10000, 0x8030000, 0x10000,
				       0x8040000, 0x10000 };
	const uint32_t maint[] = { 1, 9, 4 };

	ok_fdt(fdt_begin_node(fdt, "intc@8000000"));
	ok_fdt(fdt_property_string(fdt, "compatible", t->gic == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic"));
	ok_fdt(fdt_property_u32(fdt, "#interrupt-cells", t->gic_cells));
	ok_fdt(fdt_property(fdt, "interrupt-controller", NULL, 0));
	put_reg(fdt, t->root_ac, t->root_sc, t->gic == 3 ? v3 : v2, t->gic_regs, 0);
	if (t->maintenance)
		put_cells(fdt, "interrupts", maint, 3);
	ok_fdt(fdt_property_u32(fdt, "phandle", 1));
	ok_fdt(fdt_end_node(fdt));
}

static void build_timer(void *fdt, const struct tree *t)
{
	uint32_t irqs[15] = { t->timer_type, t->timer_ppi, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4, 1, 12, 4 };

	ok_fdt(fdt_begin_node(fdt, "timer"));
	ok_fdt(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	put_cells(fdt, "interrupts", irqs, 3 * t->timer_irqs);
	if (t->timer_parent_not_gic)
		ok_fdt(fdt_property_u32(fdt, "interrupt-parent", 2));
	ok_fdt(fdt_end_node(fdt));
}

static void build_chosen(void *fdt, const struct tree *t)
{
	ok_fdt(fdt_begin_node(fdt, "chosen"));
	if (t->stdout_path)
		ok_fdt(fdt_property_string(fdt, "stdout-path", t->stdout_path));
	if (t->bootargs)
		ok_fdt(fdt_property_string(fdt, "bootargs", t->bootargs));
	ok_fdt(fdt_end_node(fdt));
}

static void build_memory(void *fdt, const struct tree *t)
{
	uint64_t pairs[2 * 20];

	for (unsigned i = 0; i < t->mem_ranges; i++) {
		pairs[2 * i] = 0x40000000ull + i * 0x100000000ull;
		pairs[2 * i + 1] = 0x20000000;
	}
	ok_fdt(fdt_begin_node(fdt, "memory@40000000"));
	ok_fdt(fdt_property_string(fdt, "device_type", "memory"));
	put_reg(fdt, t->root_ac, t->root_sc, pairs, t->mem_ranges, t->mem_reg_extra_bytes);
	ok_fdt(fdt_end_node(fdt));
}

static void build_root_cells(void *fdt, const struct tree *t)
{
	if (t->root_ac_two_cells) {
		const uint32_t two[] = { 0, t->root_ac };

		put_cells(fdt, "#address-cells", two, 2);
	} else {
		ok_fdt(fdt_property_u32(fdt, "#address-cells", t->root_ac));
	}
	ok_fdt(fdt_property_u32(fdt, "#size-cells", t->root_sc));
}

/* The tree t as a blob in buf; its size. */
static size_t build(const struct tree *t, void *buf)
{
	static const uint64_t uart[] = { 0x9000000, 0x1000 };

	ok_fdt(fdt_create(buf, BLOB_MAX));
	for (unsigned i = 0; i < t->rsvmap; i++)
		ok_fdt(fdt_add_reservemap_entry(buf, 0x48000000ull + i * 0x1000, 0x1000));
	ok_fdt(fdt_finish_reservemap(buf));
	ok_fdt(fdt_begin_node(buf, ""));
	build_root_cells(buf, t);
	if (t->gic)
		ok_fdt(fdt_property_u32(buf, "interrupt-parent", 1));
	if (t->alias_serial0) {
		ok_fdt(fdt_begin_node(buf, "aliases"));
		ok_fdt(fdt_property_string(buf, "serial0", t->alias_serial0));
		ok_fdt(fdt_end_node(buf));
	}
	if (t->chosen)
		build_chosen(buf, t);
	build_memory(buf, t);
	if (t->psci) {
		ok_fdt(fdt_begin_node(buf, "psci"));
		ok_fdt(fdt_property_string(buf, "compatible", "arm,psci-1.0"));
		if (t->psci_method)
			ok_fdt(fdt_property_string(buf, "method", t->psci_method));
		ok_fdt(fdt_end_node(buf));
	}
	if (t->pl011) {
		ok_fdt(fdt_begin_node(buf, "pl011@9000000"));
		ok_fdt(fdt_property_string(buf, "compatible", "arm,pl011"));
		put_reg(buf, t->root_ac, t->root_sc, uart, 1, 0);
		ok_fdt(fdt_end_node(buf));
	}
	if (t->gic)
		build_gic(buf, t);
	if (t->timer_irqs)
		build_timer(buf, t);
	ok_fdt(fdt_end_node(buf));
	ok_fdt(fdt_finish(buf));
	return fdt_totalsize(buf);
}

static unsigned char blob[BLOB_MAX];

static size_t built(const struct tree *t)
{
	return build(t, blob);
}

static void test_built_default_parses(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.rsvmap = 2;
	t.bootargs = "x";
	expect_ok(blob, built(&t));
	assert_int_equal(plat.gic.version, DT_GIC_V3);
	assert_int_equal(plat.rsvmap_count, 2);
	expect_range(&plat.reserved[1], 0x48001000, 0x1000);
	assert_string_equal(plat.bootargs, "x");
	/* A buffer larger than the blob is fine: totalsize bounds the parse. */
	expect_ok(blob, BLOB_MAX);
}

static void test_absent_parts_are_not_errors(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.gic = 0;
	t.timer_irqs = 0;
	t.psci = false;
	t.chosen = false;
	t.pl011 = false;
	expect_ok(blob, built(&t));
	assert_int_equal(plat.gic.version, DT_GIC_NONE);
	assert_false(plat.timer.present);
	assert_int_equal(plat.psci.method, DT_PSCI_NONE);
	assert_false(plat.console.present);
	assert_false(plat.has_bootargs);
	assert_int_equal(plat.mem_count, 1);
	assert_string_equal(dt_gic_name(plat.gic.version), "none");
	assert_string_equal(dt_psci_method_name(plat.psci.method), "none");
}

static void test_console_without_stdout_path_is_the_first_pl011(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.stdout_path = NULL;
	expect_ok(blob, built(&t));
	assert_true(plat.console.present);
	assert_false(plat.console.from_stdout_path);
	expect_range(&plat.console.reg, 0x9000000, 0x1000);
}

static void test_stdout_path_alias_and_options(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.alias_serial0 = "/pl011@9000000";
	t.stdout_path = "serial0:115200n8";
	expect_ok(blob, built(&t));
	assert_string_equal(plat.console.path, "/pl011@9000000");
	assert_int_equal(plat.console.baud, 115200);
	assert_string_equal(plat.console.options, "115200n8");
	t.stdout_path = "/pl011@9000000:9600";
	expect_ok(blob, built(&t));
	assert_int_equal(plat.console.baud, 9600);
}

static void test_stdout_path_to_missing_node(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.stdout_path = "/pl011@9000001";
	expect_error(blob, built(&t),
		     "dt: /chosen: stdout-path \"/pl011@9000001\" names a node that is not in the tree");
	t.stdout_path = "serial0:115200n8"; /* no /aliases at all */
	expect_error(blob, built(&t),
		     "dt: /chosen: stdout-path \"serial0:115200n8\" names an alias that /aliases does not have");
	t.alias_serial0 = "/nowhere";
	expect_error(blob, built(&t), "dt: /chosen: stdout-path \"serial0:115200n8\" (serial0 = \"/nowhere\") "
				      "names a node that is not in the tree (FDT_ERR_NOTFOUND)");
	t.stdout_path = ":115200";
	expect_error(blob, built(&t), "dt: /chosen: stdout-path names no node");
	t.alias_serial0 = "/pl011@9000000";
	t.stdout_path = "serial0:1152000000000n8";
	expect_error(blob, built(&t), "baud rate is out of range");
	t.stdout_path = "serial0:115200n8-with-far-too-many-options";
	expect_error(blob, built(&t), "stdout-path options are longer than 15 characters");
}

static void test_bad_address_cells(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.root_ac = 3;
	expect_error(blob, built(&t), "dt: /: #address-cells is 3: only 1 or 2 are supported");
	t.root_ac = 0;
	expect_error(blob, built(&t), "dt: /: #address-cells is 0: only 1 or 2 are supported");
	t = qemu_like();
	t.root_ac_two_cells = true;
	expect_error(blob, built(&t), "dt: /: #address-cells is 8 bytes, not one cell");
	t = qemu_like();
	t.root_sc = 3;
	expect_error(blob, built(&t), "dt: /: #size-cells is 3: only 0, 1 or 2 are supported");
}

static void test_one_cell_addresses(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.root_ac = 1;
	t.root_sc = 1;
	expect_ok(blob, built(&t));
	expect_range(&plat.mem[0], 0x40000000, 0x20000000);
	expect_range(&plat.gic.gicr[0], 0x80a0000, 0xf60000);
}

static void test_reg_of_the_wrong_length(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.mem_reg_extra_bytes = -4;
	expect_error(blob, built(&t),
		     "dt: /memory@40000000: reg is 12 bytes, not a multiple of 16 (#address-cells 2, "
		     "#size-cells 2 of its parent)");
	t.mem_reg_extra_bytes = 2;
	expect_error(blob, built(&t), "reg is 18 bytes, not a multiple of 16");
	t.mem_reg_extra_bytes = -16;
	expect_error(blob, built(&t), "dt: /memory@40000000: reg is 0 bytes");
}

static void test_too_many_memory_ranges(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.mem_ranges = DT_MAX_MEM;
	expect_ok(blob, built(&t));
	assert_int_equal(plat.mem_count, DT_MAX_MEM);
	expect_range(&plat.mem[DT_MAX_MEM - 1], 0x40000000 + (DT_MAX_MEM - 1) * 0x100000000ull,
		     0x20000000);
	t.mem_ranges = DT_MAX_MEM + 1;
	expect_error(blob, built(&t), "dt: /memory@40000000: more than 16 memory ranges");
}

static void test_gic_with_too_few_reg_entries(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.gic_regs = 1;
	expect_error(blob, built(&t),
		     "dt: /intc@8000000: GICv3 reg has 1 entry, needs 2 (GICD and 1 redistributor region)");
	t.gic = 2;
	expect_error(blob, built(&t),
		     "dt: /intc@8000000: GICv2 reg has 1 entry, needs at least 2 (GICD, GICC)");
	t.gic_regs = 2;
	expect_ok(blob, built(&t));
	assert_false(plat.gic.virt);
	t.gic_regs = 4;
	expect_ok(blob, built(&t));
	assert_true(plat.gic.virt);
	expect_range(&plat.gic.gicv, 0x8040000, 0x10000);
	/* GICv3 with the optional legacy CPU interface after the redistributors. */
	t = qemu_like();
	t.gic_regs = 3;
	expect_ok(blob, built(&t));
	expect_range(&plat.gic.gicc, 0x8010000, 0x2000);
}

static void test_gic_interrupt_cells(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.gic_cells = 2;
	expect_error(blob, built(&t), "dt: /intc@8000000: #interrupt-cells is 2, not 3 or 4");
	t.gic = 2;
	t.gic_regs = 2;
	t.gic_cells = 4;
	expect_error(blob, built(&t), "#interrupt-cells is 4, not 3");
}

static void test_bad_interrupt_specifiers(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.timer_irqs = 3;
	expect_error(blob, built(&t),
		     "dt: /timer: timer has 3 interrupts, needs 4 (secure physical, physical, virtual, "
		     "hypervisor physical)");
	t.timer_irqs = 5;
	expect_ok(blob, built(&t));
	expect_irq(&plat.timer.hyp_virt, DT_IRQ_PPI, 12, 28, DT_IRQ_LEVEL_HIGH, 0);
	t.timer_irqs = 4;
	t.timer_ppi = 16;
	expect_error(blob, built(&t),
		     "dt: /timer: secure physical timer: interrupt number 16 is out of range for its type (0..15)");
	t.timer_ppi = 13;
	t.timer_type = 5;
	expect_error(blob, built(&t), "interrupt type 5 is not SPI (0), PPI (1), ESPI (2) or EPPI (3)");
	t.timer_type = 3; /* GICv3.1 extended PPI: accepted on v3 */
	expect_ok(blob, built(&t));
	expect_irq(&plat.timer.sec_phys, DT_IRQ_EPPI, 13, 1069, DT_IRQ_LEVEL_HIGH, 0);
	t.gic = 2;
	expect_error(blob, built(&t), "interrupt type 3 is not SPI (0) or PPI (1)");
	t = qemu_like();
	t.timer_parent_not_gic = true;
	expect_error(blob, built(&t), "dt: /timer: interrupt-parent 2 is no node's phandle");
	t = qemu_like();
	t.gic = 0;
	expect_error(blob, built(&t), "dt: /timer: no GIC to decode the timer's interrupts with");
}

static void test_psci_without_method(void **state)
{
	struct tree t = qemu_like();

	(void)state;
	t.psci_method = NULL;
	expect_error(blob, built(&t), "dt: /psci: PSCI node has no method property (\"smc\" or \"hvc\")");
	t.psci_method = "svc";
	expect_error(blob, built(&t), "dt: /psci: method is \"svc\", not \"smc\" or \"hvc\"");
	t.psci_method = "hvc";
	expect_ok(blob, built(&t));
	assert_int_equal(plat.psci.method, DT_PSCI_HVC);
}

static void test_bootargs_too_long(void **state)
{
	static char args[DT_BOOTARGS_MAX + 1];
	struct tree t = qemu_like();

	(void)state;
	memset(args, 'a', DT_BOOTARGS_MAX - 1);
	args[DT_BOOTARGS_MAX - 1] = '\0';
	t.bootargs = args;
	expect_ok(blob, built(&t));
	assert_int_equal(strlen(plat.bootargs), DT_BOOTARGS_MAX - 1);
	args[DT_BOOTARGS_MAX - 1] = 'a';
	args[DT_BOOTARGS_MAX] = '\0';
	expect_error(blob, built(&t), "dt: /chosen: bootargs is longer than the 1023 characters supported");
}

/* ---- The blob itself ---- */

static size_t default_blob(void)
{
	struct tree t = qemu_like();

	return built(&t);
}

static void set_header(size_t offset, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy(blob + offset, &be, 4);
}

static void test_truncated(void **state)
{
	size_t size = default_blob();

	(void)state;
	expect_error(blob, size - 1, "is more than the ");
	expect_error(blob, size - 1, "bytes readable (truncated blob, or a wrong totalsize)");
	expect_error(blob, 39, "dt: blob truncated: 39 bytes readable, the header alone is 40");
	expect_error(blob, 0, "blob truncated");
	expect_error(NULL, 100, "dt: no blob (NULL pointer)");
}

static void test_bad_magic(void **state)
{
	size_t size = default_blob();

	(void)state;
	blob[0] ^= 0xff;
	expect_error(blob, size, "dt: bad magic 0x2f0dfeed (want 0xd00dfeed): not a device tree blob");
}

static void test_wrong_totalsize(void **state)
{
	size_t size = default_blob();

	(void)state;
	/* Smaller than the blocks it holds: the header does not add up. */
	set_header(offsetof(struct fdt_header, totalsize), (uint32_t)size - 8);
	expect_error(blob, size, "dt: bad header (FDT_ERR_TRUNCATED)");
	/* Larger than what is readable. */
	set_header(offsetof(struct fdt_header, totalsize), (uint32_t)size + 4096);
	expect_error(blob, size, "dt: totalsize ");
	/* Larger, and readable (zeros after it): fine, totalsize may include padding. */
	memset(blob + size, 0, 4096);
	expect_ok(blob, size + 4096);
}

static void test_corrupt_structure_names_the_offset(void **state)
{
	size_t size = default_blob();
	uint32_t off_struct = fdt_off_dt_struct(blob);
	int node = fdt_path_offset(blob, "/memory@40000000");
	char want[96];

	(void)state;
	assert_true(node > 0);
	/* The tag right after the node's name ("memory@40000000\0" padded to 16): a property. */
	set_header(off_struct + (uint32_t)node + 4 + 16, 0x12345678);
	snprintf(want, sizeof(want), "at structure offset 0x%x, in or after node \"memory@40000000\"",
		 node + 4 + 16);
	expect_error(blob, size, "dt: structure block is invalid (FDT_ERR_BADSTRUCTURE)");
	expect_error(blob, size, want);
}

static void test_bad_property_name_and_missing_end(void **state)
{
	size_t size = default_blob();
	int node = fdt_path_offset(blob, "/memory@40000000");
	int prop = fdt_first_property_offset(blob, node);
	uint32_t off_struct = fdt_off_dt_struct(blob);

	(void)state;
	assert_true(prop > 0);
	/* struct fdt_property: tag, len, nameoff: a name offset past the strings block. */
	set_header(off_struct + (uint32_t)prop + 8, 0x7fffffff);
	expect_error(blob, size, "dt: structure block is invalid (FDT_ERR_BADOFFSET) at structure offset");
	expect_error(blob, size, "in or after node \"memory@40000000\"");
	/* The closing FDT_END turned into a NOP: the walk runs off the block. */
	size = default_blob();
	set_header(off_struct + fdt_size_dt_struct(blob) - 4, FDT_NOP);
	expect_error(blob, size, "dt: structure block is invalid (FDT_ERR_TRUNCATED)");
	/* The root's FDT_END_NODE turned into a NOP: the block ends inside a node. */
	size = default_blob();
	set_header(off_struct + fdt_size_dt_struct(blob) - 8, FDT_NOP);
	expect_error(blob, size, "(the block ends inside a node)");
	/* ... and into a second FDT_END_NODE: one end too many. */
	size = default_blob();
	set_header(off_struct + fdt_size_dt_struct(blob) - 4, FDT_END_NODE);
	expect_error(blob, size, "(end of a node never begun)");
}

static void test_bad_version(void **state)
{
	size_t size = default_blob();

	(void)state;
	set_header(offsetof(struct fdt_header, version), 1);
	set_header(offsetof(struct fdt_header, last_comp_version), 1);
	expect_error(blob, size, "dt: bad header (FDT_ERR_BADVERSION)");
}

static void test_error_buffer_small_or_absent(void **state)
{
	char tiny[8];
	size_t size = default_blob();

	(void)state;
	blob[0] ^= 0xff;
	assert_int_equal(dt_parse(blob, size, &plat, NULL, 0), -1);
	assert_int_equal(dt_parse(blob, size, &plat, tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "dt: bad");
}

/* Every single-byte change of a real tree: accepted or refused, never a crash or half a result. */
static void test_every_byte_damaged(void **state)
{
	size_t size;
	unsigned char *good = load("qemu-virt-gicv3", &size);
	unsigned char *copy = malloc(size);
	unsigned refused = 0;

	(void)state;
	assert_non_null(copy);
	for (size_t i = 0; i < size; i++) {
		for (unsigned flip = 0; flip < 2; flip++) {
			memcpy(copy, good, size);
			copy[i] ^= flip ? 0x80 : 0x01;
			memset(&plat, 0xa5, sizeof(plat));
			if (dt_parse(copy, size, &plat, err, sizeof(err))) {
				refused++;
				assert_memory_equal(err, "dt: ", 4);
				assert_true(all_zero(&plat, sizeof(plat)));
			} else {
				assert_string_equal(err, "");
			}
		}
	}
	assert_true(refused > 0);
	free(copy);
	free(good);
}

/* Every prefix of a real tree, as the only readable bytes (and as its totalsize). */
static void test_every_truncation(void **state)
{
	size_t size;
	unsigned char *good = load("qemu-virt-gicv2", &size);

	(void)state;
	for (size_t n = 0; n < size; n++) {
		unsigned char *cut = malloc(n ? n : 1);

		assert_non_null(cut);
		memcpy(cut, good, n);
		assert_int_equal(dt_parse(cut, n, &plat, err, sizeof(err)), -1);
		if (n >= sizeof(struct fdt_header)) { /* and with a header that says n */
			fdt32_t be = cpu_to_fdt32((uint32_t)n);

			memcpy(cut + offsetof(struct fdt_header, totalsize), &be, 4);
			assert_int_equal(dt_parse(cut, n, &plat, err, sizeof(err)), -1);
			assert_memory_equal(err, "dt: ", 4);
		}
		free(cut);
	}
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt_gicv3),
		cmocka_unit_test(test_qemu_virt_gicv2),
		cmocka_unit_test(test_board_buses_aliases_reservations),
		cmocka_unit_test(test_built_default_parses),
		cmocka_unit_test(test_absent_parts_are_not_errors),
		cmocka_unit_test(test_console_without_stdout_path_is_the_first_pl011),
		cmocka_unit_test(test_stdout_path_alias_and_options),
		cmocka_unit_test(test_stdout_path_to_missing_node),
		cmocka_unit_test(test_bad_address_cells),
		cmocka_unit_test(test_one_cell_addresses),
		cmocka_unit_test(test_reg_of_the_wrong_length),
		cmocka_unit_test(test_too_many_memory_ranges),
		cmocka_unit_test(test_gic_with_too_few_reg_entries),
		cmocka_unit_test(test_gic_interrupt_cells),
		cmocka_unit_test(test_bad_interrupt_specifiers),
		cmocka_unit_test(test_psci_without_method),
		cmocka_unit_test(test_bootargs_too_long),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_wrong_totalsize),
		cmocka_unit_test(test_corrupt_structure_names_the_offset),
		cmocka_unit_test(test_bad_property_name_and_missing_end),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_error_buffer_small_or_absent),
		cmocka_unit_test(test_every_byte_damaged),
		cmocka_unit_test(test_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
