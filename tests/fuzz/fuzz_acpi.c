/* SPDX-License-Identifier: MIT */
/*
 * lib/acpi.c: the firmware's RSDP, XSDT/RSDT, FADT and DSDT (with \_S5),
 * reached through a fake physical memory made of the input's chunks
 * (acpi_input.h). Every map hands out a fresh heap copy of exactly the bytes
 * asked for, so ASan catches any read past what was mapped. A flag makes
 * every checksum right first, so the fuzzer gets past them.
 *
 * Invariants: only the documented return values; every failure has a
 * message; no map asks for more than the 16 MiB table bound; a table found
 * has the signature asked for, a sane length, and a zero checksum (re-checked
 * here from the chunks); a decoded FADT is a valid FACP table, names the DSDT
 * its fields name, has reset/sleep registers valid only with an address, and
 * \_S5 valid exactly when acpi_aml_find_s5 finds it in that DSDT (same
 * values); after a failure \_S5 is not claimed; the PM1 and sleep-control
 * values carry SLP_EN and only the sleep type's three bits.
 */
#include <anvil/acpi.h>

#include "acpi_input.h"
#include "fuzz.h"

#define MAX_CHUNKS 64u
#define MAX_MAPS 1024u
#define ERR_LEN 160u
#define SDT_HEADER 36u
#define TABLE_MAX (16u << 20)
#define FADT_V1 116u

struct chunk {
	uint64_t pa;
	size_t len;
	uint8_t *bytes;
};

static struct chunk chunks[MAX_CHUNKS];
static unsigned nchunks;
static void *maps[MAX_MAPS];
static unsigned nmaps;

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The bytes at [pa, pa + len) if one chunk holds them (the first that does). */
static const uint8_t *phys(uint64_t pa, size_t len)
{
	for (unsigned i = 0; i < nchunks; i++) {
		const struct chunk *c = &chunks[i];

		if (pa >= c->pa && pa - c->pa <= c->len && len <= c->len - (pa - c->pa))
			return c->bytes + (pa - c->pa);
	}
	return NULL;
}

static const void *fake_map(void *ctx, uint64_t pa, size_t len)
{
	const uint8_t *src = phys(pa, len);

	(void)ctx;
	FUZZ_CHECK(len <= TABLE_MAX, "map of %zu bytes at 0x%llx, above the table bound", len,
		   (unsigned long long)pa);
	if (!src || nmaps == MAX_MAPS)
		return NULL;
	maps[nmaps] = fz_copy(src, len);
	return maps[nmaps++];
}

static void fix_sums(uint8_t *rsdp, size_t rsdp_len)
{
	for (unsigned i = 0; i < nchunks; i++) {
		struct chunk *c = &chunks[i];
		uint32_t len = c->len >= SDT_HEADER ? (uint32_t)le(c->bytes + 4, 4) : 0;

		if (len >= SDT_HEADER && len <= c->len) {
			c->bytes[9] = 0;
			c->bytes[9] = (uint8_t)-sum(c->bytes, len);
		}
	}
	if (rsdp_len >= 20) {
		rsdp[8] = 0;
		rsdp[8] = (uint8_t)-sum(rsdp, 20);
	}
	if (rsdp_len == ACPI_IN_RSDP_MAX && le(rsdp + 20, 4) == ACPI_IN_RSDP_MAX) {
		rsdp[32] = 0;
		rsdp[32] = (uint8_t)-sum(rsdp, ACPI_IN_RSDP_MAX);
	}
}

/* A table acpi.c may hand back: signature, length, all mapped, checksum zero. */
static const uint8_t *valid_table(uint64_t pa, const char *sig, uint32_t *len_out)
{
	const uint8_t *h = phys(pa, SDT_HEADER), *t;
	uint32_t len;

	FUZZ_CHECK(h != NULL, "table at 0x%llx: no header there", (unsigned long long)pa);
	FUZZ_CHECK(memcmp(h, sig, 4) == 0, "table at 0x%llx: signature %.4s, want %.4s",
		   (unsigned long long)pa, (const char *)h, sig);
	len = (uint32_t)le(h + 4, 4);
	FUZZ_CHECK(len >= SDT_HEADER && len <= TABLE_MAX, "table at 0x%llx: length %u",
		   (unsigned long long)pa, len);
	t = phys(pa, len);
	FUZZ_CHECK(t != NULL && sum(t, len) == 0, "table at 0x%llx: unmapped or bad checksum",
		   (unsigned long long)pa);
	*len_out = len;
	return t;
}

static void check_fadt(uint64_t pa, const struct acpi_power *pw)
{
	uint32_t len, dlen;
	const uint8_t *f = valid_table(pa, "FACP", &len), *d;
	uint8_t raw[276] = { 0 };
	uint64_t dsdt;
	uint8_t a = 0, b = 0;
	uint8_t *body;
	bool s5;

	FUZZ_CHECK(len >= FADT_V1, "FADT of %u bytes accepted", len);
	memcpy(raw, f, len < sizeof(raw) ? len : sizeof(raw));
	dsdt = le(raw + 140, 8) ? le(raw + 140, 8) : le(raw + 40, 4);
	FUZZ_CHECK(pw->dsdt_pa == dsdt, "dsdt_pa 0x%llx, the FADT names 0x%llx",
		   (unsigned long long)pw->dsdt_pa, (unsigned long long)dsdt);
	FUZZ_CHECK(!pw->reset_valid || pw->reset_reg.address, "reset register valid without an address");
	FUZZ_CHECK(!pw->sleep_ctl_valid || pw->sleep_ctl.address,
		   "sleep control valid without an address");
	FUZZ_CHECK(pw->reset_value == raw[128], "reset value");
	if (!dsdt) {
		FUZZ_CHECK(!pw->s5_valid, "\\_S5 without a DSDT");
		return;
	}
	d = valid_table(dsdt, "DSDT", &dlen);
	body = fz_copy(d + SDT_HEADER, dlen - SDT_HEADER);
	s5 = acpi_aml_find_s5(body, dlen - SDT_HEADER, &a, &b) == 0;
	free(body);
	FUZZ_CHECK(pw->s5_valid == s5, "s5_valid %d, the DSDT says %d", pw->s5_valid, s5);
	if (s5)
		FUZZ_CHECK(pw->slp_typa == a && pw->slp_typb == b, "\\_S5 values differ");
}

static void check_sleep_values(uint8_t typ)
{
	uint16_t pm1 = acpi_pm1_sleep_value(typ);
	uint8_t ctl = acpi_sleep_ctl_value(typ);

	FUZZ_CHECK(pm1 == (uint16_t)((typ & 7u) << 10 | 1u << 13), "PM1 value 0x%x for %u", pm1, typ);
	FUZZ_CHECK(ctl == (uint8_t)((typ & 7u) << 2 | 1u << 5), "sleep control 0x%x for %u", ctl, typ);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	const struct acpi_view v = { fake_map, NULL };
	uint8_t flags = fz_u8(&f), rsdp_len = fz_u8(&f);
	uint8_t rsdp[ACPI_IN_RSDP_MAX];
	char sig[4], *err = (char *)fz_copy_in("", 0, ERR_LEN);
	uint64_t fadt_pa, pa = 0, facp = 0;
	struct acpi_power pw;
	uint8_t *copy;
	size_t got;
	int rc;

	memcpy(rsdp, fz_bytes(&f, sizeof(rsdp), &got), got);
	memset(rsdp + got, 0, sizeof(rsdp) - got);
	memcpy(sig, fz_bytes(&f, sizeof(sig), &got), got);
	memset(sig + got, 0, sizeof(sig) - got);
	fadt_pa = fz_u64(&f);
	if (rsdp_len > ACPI_IN_RSDP_MAX)
		rsdp_len = ACPI_IN_RSDP_MAX;
	nchunks = nmaps = 0;
	while (fz_left(&f) >= ACPI_IN_CHUNK_HEADER && nchunks < MAX_CHUNKS) {
		struct chunk *c = &chunks[nchunks++];
		size_t want;

		c->pa = fz_u64(&f);
		want = fz_u16(&f);
		c->bytes = fz_copy(fz_bytes(&f, want, &c->len), c->len);
	}
	if (flags & ACPI_IN_FIX_SUMS)
		fix_sums(rsdp, rsdp_len);
	/* The parser gets a copy of exactly rsdp_len bytes, as boot_info holds. */
	copy = fz_copy(rsdp, rsdp_len);

	rc = acpi_find_table(&v, copy, rsdp_len, sig, &pa, err, ERR_LEN);
	FUZZ_CHECK(rc == 0 || rc == ACPI_ERR || rc == ACPI_NOT_FOUND, "find returned %d", rc);
	if (rc == 0) {
		uint32_t len;

		valid_table(pa, sig, &len);
	} else {
		FUZZ_CHECK(fz_message(err, ERR_LEN), "find failed without a message");
	}
	if (acpi_find_table(&v, copy, rsdp_len, "FACP", &facp, err, ERR_LEN) != 0)
		facp = fadt_pa;

	memset(&pw, 0x5a, sizeof(pw));
	rc = acpi_parse_fadt(&v, facp, &pw, err, ERR_LEN);
	FUZZ_CHECK(rc == 0 || rc == ACPI_ERR, "parse_fadt returned %d", rc);
	if (rc == 0) {
		check_fadt(facp, &pw);
		check_sleep_values(pw.slp_typa);
		check_sleep_values(pw.slp_typb);
	} else {
		FUZZ_CHECK(fz_message(err, ERR_LEN), "parse_fadt failed without a message");
		FUZZ_CHECK(!pw.s5_valid, "\\_S5 claimed after a failure");
	}
	check_sleep_values(flags);

	for (unsigned i = 0; i < nmaps; i++)
		free(maps[i]);
	for (unsigned i = 0; i < nchunks; i++)
		free(chunks[i].bytes);
	free(copy);
	free(err);
	return 0;
}
