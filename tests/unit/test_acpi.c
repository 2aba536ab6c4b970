/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for lib/acpi.c. ACPI tables are built by hand (offsets
 * from the ACPI 6.x spec tables, not the library's structs) in a fake
 * physical memory whose map() hands out exact-size heap copies, so ASan
 * catches any read beyond what the library asked to map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/acpi.h>

#define LOW_BASE    0x7fe0000ull   /* fake RAM below 4 GiB */
#define LOW_SIZE    0x10000u
#define HIGH_BASE   0x100000000ull /* fake RAM above 4 GiB */
#define HIGH_SIZE   0x1000u
#define MAX_MAPS    256

#define XSDT_PA     (LOW_BASE + 0x1000)
#define RSDT_PA     (LOW_BASE + 0x1800)
#define APIC_PA     (LOW_BASE + 0x2000)
#define FADT_PA     (LOW_BASE + 0x3000)
#define OLD_FADT_PA (LOW_BASE + 0x3800)
#define DSDT_PA     (LOW_BASE + 0x5000)
#define X_DSDT_PA   (HIGH_BASE + 0x100)

/* FADT field offsets (ACPI 6.x Table 5.9). */
#define FADT_DSDT        40
#define FADT_SMI_CMD     48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT    64
#define FADT_PM1B_CNT    68
#define FADT_FLAGS       112
#define FADT_RESET_REG   116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT      140
#define FADT_X_PM1A_CNT  172
#define FADT_X_PM1B_CNT  184
#define FADT_SLEEP_CTL   244
#define FADT_LEN_V6      276
#define FADT_LEN_V1      116

struct fake_mem {
	uint8_t low[LOW_SIZE];
	uint8_t high[HIGH_SIZE];
	void *maps[MAX_MAPS];
	int nmaps;
};

static struct fake_mem *mem;

static uint8_t *phys(uint64_t pa)
{
	if (pa >= LOW_BASE && pa < LOW_BASE + LOW_SIZE)
		return mem->low + (pa - LOW_BASE);
	if (pa >= HIGH_BASE && pa < HIGH_BASE + HIGH_SIZE)
		return mem->high + (pa - HIGH_BASE);
	fail_msg("test bug: 0x%llx outside fake memory", (unsigned long long)pa);
	return NULL;
}

static const void *fake_map(void *ctx, uint64_t pa, size_t len)
{
	struct fake_mem *m = ctx;
	const uint8_t *src = NULL;
	void *copy;

	if (pa >= LOW_BASE && pa - LOW_BASE <= LOW_SIZE &&
	    len <= LOW_SIZE - (pa - LOW_BASE))
		src = m->low + (pa - LOW_BASE);
	else if (pa >= HIGH_BASE && pa - HIGH_BASE <= HIGH_SIZE &&
		 len <= HIGH_SIZE - (pa - HIGH_BASE))
		src = m->high + (pa - HIGH_BASE);
	if (!src || m->nmaps == MAX_MAPS)
		return NULL;
	copy = malloc(len ? len : 1);
	memcpy(copy, src, len);
	m->maps[m->nmaps++] = copy;
	return copy;
}

static const struct acpi_view *view(void)
{
	static struct acpi_view v;

	v.map = fake_map;
	v.ctx = mem;
	return &v;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Header (5.2.6): signature, length, revision, checksum at 9. */
static void fix_checksum(uint64_t pa)
{
	uint8_t *t = phys(pa);
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 |
		       (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;

	t[9] = 0;
	t[9] = (uint8_t)(0x100 - sum(t, len));
}

static uint8_t *put_table(uint64_t pa, const char *sig, uint8_t rev,
			  const void *body, uint32_t body_len)
{
	uint8_t *t = phys(pa);

	memset(t, 0, 36);
	memcpy(t, sig, 4);
	put32(t + 4, 36 + body_len);
	t[8] = rev;
	memcpy(t + 10, "ANVIL ", 6);
	memcpy(t + 16, "TESTTBL ", 8);
	if (body_len)
		memcpy(t + 36, body, body_len);
	fix_checksum(pa);
	return t;
}

/* RSDP (5.2.5.3) into r[36]; returns its length. */
static size_t make_rsdp(uint8_t *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "ANVIL ", 6);
	r[15] = rev;
	put32(r + 16, rsdt);
	r[8] = (uint8_t)(0x100 - sum(r, 20));
	if (rev < 2)
		return 20;
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	r[32] = (uint8_t)(0x100 - sum(r, 36));
	return 36;
}

static void put_xsdt(const uint64_t *entries, int n)
{
	uint8_t body[8 * 8];

	for (int i = 0; i < n; i++)
		put64(body + 8 * i, entries[i]);
	put_table(XSDT_PA, "XSDT", 1, body, (uint32_t)(8 * n));
}

static void put_rsdt(const uint32_t *entries, int n)
{
	uint8_t body[4 * 8];

	for (int i = 0; i < n; i++)
		put32(body + 4 * i, entries[i]);
	put_table(RSDT_PA, "RSDT", 1, body, (uint32_t)(4 * n));
}

/* Name(_S5_, Package(4){5, 5, 0, 0}) behind some unrelated AML. */
static const uint8_t dsdt_aml[] = {
	0x10, 0x09, 0x5c, 0x00,             /* Scope(\) { ... (junk body) */
	0x08, 'P', 'I', 'C', 'F', 0x00,     /* Name(PICF, Zero) */
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
	0x08, 'X', 'Y', 'Z', '_', 0x01,
};

static void build_world(void)
{
	uint8_t fadt[FADT_LEN_V6 - 36];
	uint8_t apic[8] = { 0 };
	const uint64_t x[] = { APIC_PA, 0, FADT_PA };
	const uint32_t r[] = { (uint32_t)APIC_PA, (uint32_t)OLD_FADT_PA };
	uint8_t *f;

	put_xsdt(x, 3);
	put_rsdt(r, 2);
	put_table(APIC_PA, "APIC", 4, apic, sizeof(apic));
	put_table(DSDT_PA, "DSDT", 2, dsdt_aml, sizeof(dsdt_aml));
	put_table(X_DSDT_PA, "DSDT", 2, dsdt_aml, sizeof(dsdt_aml));
	/* Make the high DSDT distinguishable: _S5 = {7, 6}. */
	phys(X_DSDT_PA)[36 + 19] = 7;
	phys(X_DSDT_PA)[36 + 21] = 6;
	fix_checksum(X_DSDT_PA);

	memset(fadt, 0, sizeof(fadt));
	f = put_table(FADT_PA, "FACP", 6, fadt, sizeof(fadt));
	put32(f + FADT_DSDT, (uint32_t)DSDT_PA);
	put32(f + FADT_SMI_CMD, 0xb2);
	f[FADT_ACPI_ENABLE] = 0xf1;
	put32(f + FADT_PM1A_CNT, 0xdead);   /* the X_ field must win */
	put32(f + FADT_PM1B_CNT, 0);
	put32(f + FADT_FLAGS, 1u << 10);     /* RESET_REG_SUP */
	f[FADT_RESET_REG + 0] = 1;           /* System I/O */
	f[FADT_RESET_REG + 1] = 8;
	f[FADT_RESET_REG + 3] = 1;
	put64(f + FADT_RESET_REG + 4, 0xcf9);
	f[FADT_RESET_VALUE] = 0x06;
	put64(f + FADT_X_DSDT, X_DSDT_PA);
	f[FADT_X_PM1A_CNT + 0] = 1;
	f[FADT_X_PM1A_CNT + 1] = 16;
	put64(f + FADT_X_PM1A_CNT + 4, 0x604);
	fix_checksum(FADT_PA);

	/* An ACPI 1.0 FADT, reachable only through the RSDT. */
	memset(fadt, 0, sizeof(fadt));
	f = put_table(OLD_FADT_PA, "FACP", 1, fadt, FADT_LEN_V1 - 36);
	put32(f + FADT_DSDT, (uint32_t)DSDT_PA);
	put32(f + FADT_PM1A_CNT, 0xb004);
	put32(f + FADT_PM1B_CNT, 0xb104);
	fix_checksum(OLD_FADT_PA);
}

static int setup(void **state)
{
	(void)state;
	mem = calloc(1, sizeof(*mem));
	build_world();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < mem->nmaps; i++)
		free(mem->maps[i]);
	free(mem);
	return 0;
}

static void assert_err(const char *err, const char *want)
{
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

/* ---- acpi_find_table ------------------------------------------------- */

static void test_find_via_xsdt(void **state)
{
	uint8_t rsdp[36];
	size_t n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	uint64_t pa = 0;
	char err[160] = "";

	(void)state;
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), 0);
	assert_int_equal(pa, FADT_PA); /* not the RSDT's OLD_FADT_PA */
	assert_int_equal(acpi_find_table(view(), rsdp, n, "APIC", &pa, err,
					 sizeof(err)), 0);
	assert_int_equal(pa, APIC_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "HPET", &pa, err,
					 sizeof(err)), ACPI_NOT_FOUND);
	assert_string_equal(err, "acpi: table HPET not found in XSDT at 0x7fe1000");
}

static void test_find_via_rsdt(void **state)
{
	uint8_t rsdp[36];
	size_t n = make_rsdp(rsdp, 0, (uint32_t)RSDT_PA, 0);
	uint64_t pa = 0;
	char err[160] = "";

	(void)state;
	assert_int_equal(n, 20);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), 0);
	assert_int_equal(pa, OLD_FADT_PA);
	/* Revision 2 without an XSDT falls back to the RSDT too. */
	n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, 0);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), 0);
	assert_int_equal(pa, OLD_FADT_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "SSDT", &pa, err,
					 sizeof(err)), ACPI_NOT_FOUND);
	assert_err(err, "not found in RSDT at 0x7fe1800");
}

static void test_rsdp_errors(void **state)
{
	uint8_t rsdp[36];
	size_t n;
	uint64_t pa;
	char err[160] = "";

	(void)state;
	n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, 19, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_string_equal(err, "acpi: RSDP: copy too short, length (0x13)");

	rsdp[0] = 'X';
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "acpi: RSDP: bad signature");

	n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	rsdp[8]++;
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "acpi: RSDP: checksum mismatch");

	/* Extended checksum: the first 20 bytes are fine, byte 33 is not. */
	n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	rsdp[33] = 1;
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "acpi: RSDP: extended checksum mismatch");

	/* Revision 2 but only the 20-byte part was copied. */
	n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, 20, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "revision 2 but bad length");

	/* Length field larger than the copy. */
	put32(rsdp + 20, 40);
	rsdp[32] = 0;
	rsdp[32] = (uint8_t)(0x100 - sum(rsdp, 36));
	assert_int_equal(acpi_find_table(view(), rsdp, 36, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "revision 2 but bad length (0x28)");

	n = make_rsdp(rsdp, 0, 0, 0);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "neither an XSDT nor an RSDT address");
}

static void test_root_table_errors(void **state)
{
	uint8_t rsdp[36];
	size_t n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	uint64_t pa;
	char err[160] = "";
	uint8_t *x = phys(XSDT_PA);

	(void)state;
	x[20]++; /* corrupt without fixing the checksum */
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_string_equal(err, "acpi: XSDT at 0x7fe1000: checksum mismatch, sum 0x1");
	x[20]--;

	memcpy(x, "XSDX", 4);
	fix_checksum(XSDT_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_string_equal(err, "acpi: XSDT at 0x7fe1000: signature is \"XSDX\"");
	memcpy(x, "XSDT", 4);

	put32(x + 4, 20);
	fix_checksum(XSDT_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "length shorter than the header: 0x14");

	put32(x + 4, 36 + 8 * 3 + 4); /* not whole entries */
	fix_checksum(XSDT_PA);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "not a whole number of entries");

	put32(x + 4, 0x01000000u); /* 16 MiB: bigger than the fake memory */
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_string_equal(err, "acpi: XSDT at 0x7fe1000: table not mapped, length 0x1000000");

	put32(x + 4, 0x40000000u);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "implausible length 0x40000000");

	/* A table truncated by the end of memory. */
	{
		uint64_t near_end = LOW_BASE + LOW_SIZE - 40;
		uint8_t r2[36];
		size_t n2 = make_rsdp(r2, 2, 0, near_end);
		uint64_t one = APIC_PA;

		put_table(near_end, "XSDT", 1, &one, 4); /* 40 bytes: fits */
		put32(phys(near_end) + 4, 44);            /* claims 44 */
		assert_int_equal(acpi_find_table(view(), r2, n2, "APIC", &pa,
						 err, sizeof(err)), ACPI_ERR);
		assert_err(err, "table not mapped, length 0x2c");
	}

	/* The XSDT itself is not in memory at all. */
	n = make_rsdp(rsdp, 2, 0, 0xdead0000);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_string_equal(err, "acpi: XSDT at 0xdead0000: header not mapped");
}

static void test_entry_errors(void **state)
{
	uint8_t rsdp[36];
	size_t n = make_rsdp(rsdp, 2, (uint32_t)RSDT_PA, XSDT_PA);
	uint64_t pa;
	char err[160] = "";
	const uint64_t bad[] = { APIC_PA, 0xfee00000, FADT_PA };

	(void)state;
	/* The found table's checksum is checked. */
	phys(FADT_PA)[100] ^= 0x55;
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_err(err, "acpi: FACP at 0x7fe3000: checksum mismatch");
	phys(FADT_PA)[100] ^= 0x55;

	/* An entry pointing outside memory is reported with its index. */
	put_xsdt(bad, 3);
	assert_int_equal(acpi_find_table(view(), rsdp, n, "FACP", &pa, err,
					 sizeof(err)), ACPI_ERR);
	assert_string_equal(err, "acpi: XSDT at 0x7fe1000: entry 1: table at 0xfee00000 not mapped");
	/* ... but a match before it is still found. */
	assert_int_equal(acpi_find_table(view(), rsdp, n, "APIC", &pa, err,
					 sizeof(err)), 0);
	assert_int_equal(pa, APIC_PA);
}

/* ---- acpi_parse_fadt ------------------------------------------------- */

static void test_fadt_v6(void **state)
{
	struct acpi_power p;
	char err[160] = "";

	(void)state;
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)), 0);
	assert_int_equal(p.pm1a_cnt, 0x604);
	assert_int_equal(p.pm1b_cnt, 0);
	assert_true(p.reset_valid);
	assert_int_equal(p.reset_reg.space, ACPI_SPACE_IO);
	assert_int_equal(p.reset_reg.bit_width, 8);
	assert_int_equal(p.reset_reg.bit_offset, 0);
	assert_int_equal(p.reset_reg.access_size, 1);
	assert_int_equal(p.reset_reg.address, 0xcf9);
	assert_int_equal(p.reset_value, 6);
	assert_int_equal(p.dsdt_pa, X_DSDT_PA);
	assert_true(p.s5_valid);
	assert_int_equal(p.slp_typa, 7);
	assert_int_equal(p.slp_typb, 6);
	assert_int_equal(p.smi_cmd, 0xb2);
	assert_int_equal(p.acpi_enable, 0xf1);
	assert_false(p.hw_reduced);
	assert_false(p.sleep_ctl_valid);
}

static void test_fadt_v1(void **state)
{
	struct acpi_power p;
	char err[160] = "";

	(void)state;
	assert_int_equal(acpi_parse_fadt(view(), OLD_FADT_PA, &p, err,
					 sizeof(err)), 0);
	assert_int_equal(p.pm1a_cnt, 0xb004);
	assert_int_equal(p.pm1b_cnt, 0xb104);
	assert_false(p.reset_valid);
	assert_int_equal(p.dsdt_pa, DSDT_PA);
	assert_true(p.s5_valid);
	assert_int_equal(p.slp_typa, 5);
	assert_int_equal(p.slp_typb, 5);
	assert_int_equal(p.smi_cmd, 0);
}

/* RESET_REG counts if RESET_REG_SUP is set or the FADT is revision >= 2. */
static void test_fadt_reset_rules(void **state)
{
	struct acpi_power p;
	char err[160] = "";
	uint8_t body[FADT_LEN_V6 - 36] = { 0 };
	uint8_t *f = put_table(OLD_FADT_PA, "FACP", 1, body, 129 - 36);

	(void)state;
	f[FADT_RESET_REG] = 1;
	put64(f + FADT_RESET_REG + 4, 0xcf9);
	f[FADT_RESET_VALUE] = 0x0e;
	fix_checksum(OLD_FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), OLD_FADT_PA, &p, err, sizeof(err)), 0);
	assert_false(p.reset_valid);           /* rev 1, flag clear */
	assert_int_equal(p.dsdt_pa, 0);        /* no DSDT: not an error */
	assert_false(p.s5_valid);

	put32(f + FADT_FLAGS, 1u << 10);
	fix_checksum(OLD_FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), OLD_FADT_PA, &p, err, sizeof(err)), 0);
	assert_true(p.reset_valid);
	assert_int_equal(p.reset_value, 0x0e);

	put32(f + FADT_FLAGS, 0);
	f[8] = 3;                              /* revision 3, flag clear */
	fix_checksum(OLD_FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), OLD_FADT_PA, &p, err, sizeof(err)), 0);
	assert_true(p.reset_valid);

	put64(f + FADT_RESET_REG + 4, 0);      /* supported but zero */
	put32(f + FADT_FLAGS, 1u << 10);
	fix_checksum(OLD_FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), OLD_FADT_PA, &p, err, sizeof(err)), 0);
	assert_false(p.reset_valid);
}

static void test_fadt_x_pm1_not_io(void **state)
{
	struct acpi_power p;
	char err[160] = "";
	uint8_t *f = phys(FADT_PA);

	(void)state;
	f[FADT_X_PM1A_CNT] = 0;                /* memory space: keep legacy */
	put32(f + FADT_PM1A_CNT, 0x404);
	f[FADT_X_PM1B_CNT] = 1;                /* I/O, non-zero: wins */
	put64(f + FADT_X_PM1B_CNT + 4, 0x408);
	put32(f + FADT_PM1B_CNT, 0x999);
	put64(f + FADT_X_DSDT, 0);             /* legacy DSDT then */
	fix_checksum(FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)), 0);
	assert_int_equal(p.pm1a_cnt, 0x404);
	assert_int_equal(p.pm1b_cnt, 0x408);
	assert_int_equal(p.dsdt_pa, DSDT_PA);
	assert_int_equal(p.slp_typa, 5);
}

/* A hardware-reduced FADT like QEMU loongarch64 virt's. */
static void test_fadt_hw_reduced(void **state)
{
	static const uint8_t aml[] = {
		0x08, '\\', '_', 'S', '5', '_', 0x12, 0x05, 0x02,
		0x0a, 0x05, 0x00,
	};
	struct acpi_power p;
	char err[160] = "";
	uint8_t *f = phys(FADT_PA);

	(void)state;
	put_table(DSDT_PA, "DSDT", 2, aml, sizeof(aml));
	put32(f + FADT_FLAGS, 1u << 20);
	put32(f + FADT_PM1A_CNT, 0);
	memset(f + FADT_X_PM1A_CNT, 0, 12);
	memset(f + FADT_RESET_REG, 0, 12);
	put64(f + FADT_X_DSDT, 0);
	f[FADT_SLEEP_CTL] = 0;                 /* system memory */
	f[FADT_SLEEP_CTL + 1] = 8;
	f[FADT_SLEEP_CTL + 3] = 1;
	put64(f + FADT_SLEEP_CTL + 4, 0x100e001c);
	fix_checksum(FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)), 0);
	assert_true(p.hw_reduced);
	assert_int_equal(p.pm1a_cnt, 0);
	assert_false(p.reset_valid);
	assert_true(p.sleep_ctl_valid);
	assert_int_equal(p.sleep_ctl.space, ACPI_SPACE_MEMORY);
	assert_int_equal(p.sleep_ctl.address, 0x100e001c);
	assert_true(p.s5_valid);
	assert_int_equal(p.slp_typa, 5);
	assert_int_equal(p.slp_typb, 0);
	assert_int_equal(acpi_sleep_ctl_value(p.slp_typa), 0x34);
}

static void test_fadt_errors(void **state)
{
	struct acpi_power p;
	char err[160] = "";
	uint8_t *f = phys(FADT_PA);
	static const uint8_t no_s5[] = { 0x08, 'X', 'S', '5', '_', 0x12, 0x03,
					 0x01, 0x00 };

	(void)state;
	assert_int_equal(acpi_parse_fadt(view(), APIC_PA, &p, err, sizeof(err)),
			 ACPI_ERR);
	assert_string_equal(err, "acpi: FADT at 0x7fe2000: signature is \"APIC\"");

	assert_int_equal(acpi_parse_fadt(view(), 0x1000, &p, err, sizeof(err)),
			 ACPI_ERR);
	assert_string_equal(err, "acpi: FADT at 0x1000: header not mapped");

	put32(f + 4, 100);
	fix_checksum(FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)),
			 ACPI_ERR);
	assert_err(err, "shorter than an ACPI 1.0 FADT, length 0x64");
	put32(f + 4, FADT_LEN_V6);
	fix_checksum(FADT_PA);

	f[FADT_RESET_VALUE]++;
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)),
			 ACPI_ERR);
	assert_err(err, "acpi: FADT at 0x7fe3000: checksum mismatch");
	f[FADT_RESET_VALUE]--;

	/* A broken DSDT is an error naming it; what came before survives. */
	phys(X_DSDT_PA)[40] ^= 1;
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)),
			 ACPI_ERR);
	assert_string_equal(err, "acpi: DSDT at 0x100000100: checksum mismatch, sum 0x1");
	assert_true(p.reset_valid);
	assert_int_equal(p.pm1a_cnt, 0x604);
	assert_false(p.s5_valid);
	phys(X_DSDT_PA)[40] ^= 1;

	put64(f + FADT_X_DSDT, 0x200000000ull);
	fix_checksum(FADT_PA);
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)),
			 ACPI_ERR);
	assert_string_equal(err, "acpi: DSDT at 0x200000000: header not mapped");

	/* A DSDT without \_S5 is fine, just no S5. */
	put64(f + FADT_X_DSDT, 0);
	fix_checksum(FADT_PA);
	put_table(DSDT_PA, "DSDT", 2, no_s5, sizeof(no_s5));
	assert_int_equal(acpi_parse_fadt(view(), FADT_PA, &p, err, sizeof(err)), 0);
	assert_false(p.s5_valid);
}

static void test_sleep_values(void **state)
{
	(void)state;
	assert_int_equal(acpi_pm1_sleep_value(0), 0x2000); /* QEMU/Bochs PIIX4 S5 */
	assert_int_equal(acpi_pm1_sleep_value(5), 0x3400);
	assert_int_equal(acpi_pm1_sleep_value(7), 0x3c00);
	assert_int_equal(acpi_sleep_ctl_value(0), 0x20);
	assert_int_equal(acpi_sleep_ctl_value(5), 0x34);
}

/* ---- acpi_aml_find_s5 ------------------------------------------------ */

/* Run the finder on an exact-size heap copy. */
static int find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, aml, len);
	rc = acpi_aml_find_s5(copy, len, a, b);
	free(copy);
	return rc;
}

#define FIND(arr, a, b) find_s5(arr, sizeof(arr), a, b)

static void test_aml_element_encodings(void **state)
{
	static const uint8_t one_byte[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x07,
	};
	static const uint8_t word_dword[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x0a, 0x02,
		0x0b, 0x03, 0x00, 0x0c, 0x04, 0x00, 0x00, 0x00,
	};
	static const uint8_t qword_zero[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x0d, 0x03,
		0x0e, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01,
	};
	static const uint8_t packed_single[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x07, 0x05,
	};
	uint8_t a = 0xee, b = 0xee;

	(void)state;
	assert_int_equal(FIND(one_byte, &a, &b), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 7);
	assert_int_equal(FIND(word_dword, &a, &b), 0);
	assert_int_equal(a, 3);
	assert_int_equal(b, 4);
	assert_int_equal(FIND(qword_zero, &a, &b), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 0);
	assert_int_equal(FIND(packed_single, &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 5);
}

static void test_aml_multibyte_pkglen(void **state)
{
	/* 2-byte PkgLength 0x47 (71): lead 0x47 = 1 following byte, low nibble 7;
	 * next byte 0x04 gives bits 11:4. Padding fills the declared length. */
	uint8_t two[6 + 71];
	/* 4-byte form of the small length 0x10: lead 0xc0, bytes 0x01 0 0. */
	static const uint8_t four[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x01, 0x00, 0x00,
		0x04, 0x0a, 0x05, 0x0a, 0x06, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00,
	};
	/* 3-byte form claiming 0x1004 bytes: more than the buffer. */
	static const uint8_t too_long[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x84, 0x00, 0x01,
		0x02, 0x00, 0x00,
	};
	/* Reserved bits 5:4 set in a multi-byte lead byte. */
	static const uint8_t reserved[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x50, 0x00, 0x02, 0x00, 0x00,
	};
	uint8_t a, b;

	(void)state;
	memset(two, 0, sizeof(two));
	memcpy(two, (const uint8_t[]){ 0x08, '_', 'S', '5', '_', 0x12 }, 6);
	two[6] = 0x47;
	two[7] = 0x04;
	two[8] = 0x02;
	two[9] = 0x0a;
	two[10] = 0x03;
	two[11] = 0x01;
	assert_int_equal(FIND(two, &a, &b), 0);
	assert_int_equal(a, 3);
	assert_int_equal(b, 1);
	/* One byte short of the declared package: malformed. */
	assert_int_equal(find_s5(two, sizeof(two) - 1, &a, &b), -1);

	assert_int_equal(FIND(four, &a, &b), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 6);
	assert_int_equal(FIND(too_long, &a, &b), -1);
	assert_int_equal(FIND(reserved, &a, &b), -1);
}

static void test_aml_not_a_package(void **state)
{
	/* Method(_S5_, 0) { Return(Package(){5,5}) }: a method, not a Name. */
	static const uint8_t method[] = {
		0x14, 0x0d, '_', 'S', '5', '_', 0x00,
		0xa4, 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x05,
	};
	/* Name(_S5_, 5): an integer, not a package. */
	static const uint8_t integer[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	/* Name(_S4_, Package...) and Name(_S5X...) do not count. */
	static const uint8_t other[] = {
		0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00,
		0x08, '_', 'S', '5', 'X', 0x12, 0x04, 0x02, 0x00, 0x00,
	};
	/* Elements that are not integer constants (a string, a name). */
	static const uint8_t not_int[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02,
		0x0d, 'a', 0x00, 0x0a, 0x05,
	};
	static const uint8_t empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	/* Declared length too small to hold the elements it lists. */
	static const uint8_t short_pkg[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0a, 0x05, 0x0a, 0x05,
	};
	uint8_t a, b;

	(void)state;
	assert_int_equal(FIND(method, &a, &b), -1);
	assert_int_equal(FIND(integer, &a, &b), -1);
	assert_int_equal(FIND(other, &a, &b), -1);
	assert_int_equal(FIND(not_int, &a, &b), -1);
	assert_int_equal(FIND(empty, &a, &b), -1);
	assert_int_equal(FIND(short_pkg, &a, &b), -1);
	assert_int_equal(acpi_aml_find_s5(NULL, 0, &a, &b), -1);
	assert_int_equal(find_s5(method, 0, &a, &b), -1);
}

static void test_aml_skips_decoys(void **state)
{
	/* The method and a malformed Name come first; the real one wins. */
	static const uint8_t aml[] = {
		0x14, 0x0d, '_', 'S', '5', '_', 0x00,
		0xa4, 0x12, 0x06, 0x02, 0x0a, 0x01, 0x0a, 0x01,
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0d, 0x00, 0x00,
		0x08, '\\', '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x04, 0x00,
	};
	uint8_t a = 0xee, b = 0xee;

	(void)state;
	assert_int_equal(FIND(aml, &a, &b), 0);
	assert_int_equal(a, 4);
	assert_int_equal(b, 0);
}

/* Every prefix of a valid stream: fails until the whole package is there. */
static void test_aml_every_truncation(void **state)
{
	static const uint8_t aml[] = {
		0x10, 0x05, 0x5c, 0x00, 0x00,
		0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0a, 0x02,
		0x0c, 0x05, 0x00, 0x00, 0x00, 0x0b, 0x06, 0x00, 0x00, 0x00,
	};
	const size_t need = 22; /* through the end of the package (pkglen 10) */
	uint8_t a, b;

	(void)state;
	for (size_t n = 0; n <= sizeof(aml); n++) {
		int rc = find_s5(aml, n, &a, &b);

		if (n < need) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(a, 5);
			assert_int_equal(b, 6);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_via_xsdt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_via_rsdt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_table_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_reset_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_x_pm1_not_io, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_hw_reduced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_errors, setup, teardown),
		cmocka_unit_test(test_sleep_values),
		cmocka_unit_test(test_aml_element_encodings),
		cmocka_unit_test(test_aml_multibyte_pkglen),
		cmocka_unit_test(test_aml_not_a_package),
		cmocka_unit_test(test_aml_skips_decoys),
		cmocka_unit_test(test_aml_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
