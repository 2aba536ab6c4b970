/* SPDX-License-Identifier: MIT */
/*
 * ACPI table walking (RSDP -> XSDT/RSDT -> table), FADT decoding and the
 * \_S5 sleep-type lookup in the DSDT's AML. Raw layouts below are copied out
 * of mapped memory with memcpy, so alignment never matters.
 */
#include <anvil/acpi.h>

#include <stdio.h>
#include <string.h>

/* RSDP (5.2.5.3). The first 20 bytes are the ACPI 1.0 structure. */
struct acpi_rsdp_raw {
	char signature[8];     /* "RSD PTR " */
	uint8_t checksum;      /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;      /* 0 for ACPI 1.0, 2 for 2.0+ */
	uint32_t rsdt_address;
	uint32_t length;       /* of the whole structure (revision >= 2) */
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over length bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp_raw) == 36, "RSDP is 36 bytes");
_Static_assert(offsetof(struct acpi_rsdp_raw, rsdt_address) == 16, "RSDP");
_Static_assert(offsetof(struct acpi_rsdp_raw, xsdt_address) == 24, "RSDP");

#define ACPI_RSDP_V1_LEN    20u
#define ACPI_RSDP_SIG       "RSD PTR "

/* System description table header (5.2.6). */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length;       /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;      /* all length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");

/* Sanity bound; real DSDTs are tens to hundreds of KiB. */
#define ACPI_MAX_TABLE_LEN  (16u << 20)

/* Generic Address Structure (5.2.3.2). */
struct acpi_gas_raw {
	uint8_t space;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas_raw) == 12, "GAS is 12 bytes");

/* FADT (5.2.9, Table 5.9), up to the fields Anvil uses. */
struct acpi_fadt_raw {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas_raw reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t fadt_minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas_raw x_pm1a_evt_blk;
	struct acpi_gas_raw x_pm1b_evt_blk;
	struct acpi_gas_raw x_pm1a_cnt_blk;
	struct acpi_gas_raw x_pm1b_cnt_blk;
	struct acpi_gas_raw x_pm2_cnt_blk;
	struct acpi_gas_raw x_pm_tmr_blk;
	struct acpi_gas_raw x_gpe0_blk;
	struct acpi_gas_raw x_gpe1_blk;
	struct acpi_gas_raw sleep_control_reg;
	struct acpi_gas_raw sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));
_Static_assert(offsetof(struct acpi_fadt_raw, dsdt) == 40, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, smi_cmd) == 48, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, acpi_enable) == 52, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, pm1a_cnt_blk) == 64, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, flags) == 112, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, reset_reg) == 116, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, reset_value) == 128, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, x_dsdt) == 140, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, x_pm1a_cnt_blk) == 172, "FADT");
_Static_assert(offsetof(struct acpi_fadt_raw, sleep_control_reg) == 244, "FADT");
_Static_assert(sizeof(struct acpi_fadt_raw) == 276, "FADT (6.x) is 276 bytes");

#define ACPI_FADT_V1_LEN          116u /* ACPI 1.0 FADT ends before RESET_REG */
#define ACPI_FADT_RESET_REG_SUP   (1u << 10)
#define ACPI_FADT_HW_REDUCED      (1u << 20)
#define ACPI_FADT_REV_RESET       2u   /* RESET_REG defined from FADT rev 2 */
#define ACPI_IO_PORT_MAX          0xffffu

#define ACPI_PM1_SLP_TYP_SHIFT    10u
#define ACPI_PM1_SLP_EN           (1u << 13)
#define ACPI_SLEEP_CTL_TYP_SHIFT  2u
#define ACPI_SLEEP_CTL_TYP_MASK   0x7u
#define ACPI_SLEEP_CTL_SLP_EN     (1u << 5)

/* ---- error reporting ---------------------------------------------------- */

static void acpi_sig_text(const void *sig, char out[5])
{
	const uint8_t *s = sig;

	for (int i = 0; i < 4; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	out[4] = '\0';
}

/* "acpi: <table> at 0x<pa>: <what>" */
static int acpi_fail(char *err, size_t err_len, const char *table, uint64_t pa,
		     const char *what)
{
	if (err && err_len)
		snprintf(err, err_len, "acpi: %s at 0x%llx: %s", table,
			 (unsigned long long)pa, what);
	return ACPI_ERR;
}

static int acpi_fail_val(char *err, size_t err_len, const char *table,
			 uint64_t pa, const char *what, uint64_t val)
{
	if (err && err_len)
		snprintf(err, err_len, "acpi: %s at 0x%llx: %s 0x%llx", table,
			 (unsigned long long)pa, what, (unsigned long long)val);
	return ACPI_ERR;
}

/* The RSDP is a copy, so its errors name no address. */
static int acpi_rsdp_fail(char *err, size_t err_len, const char *what,
			  uint64_t val)
{
	if (err && err_len)
		snprintf(err, err_len, "acpi: RSDP: %s (0x%llx)", what,
			 (unsigned long long)val);
	return ACPI_ERR;
}

/* ---- tables ------------------------------------------------------------- */

static uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

/*
 * Map and validate the table at pa: header readable, signature (if sig is
 * not NULL), length sane and mapped, checksum zero. name labels errors.
 */
static int acpi_map_table(const struct acpi_view *v, uint64_t pa,
			  const char *sig, const char *name,
			  const uint8_t **table, uint32_t *len,
			  char *err, size_t err_len)
{
	struct acpi_sdt_header hdr;
	const uint8_t *p = v->map(v->ctx, pa, sizeof(hdr));
	uint8_t sum;

	if (!p)
		return acpi_fail(err, err_len, name, pa, "header not mapped");
	memcpy(&hdr, p, sizeof(hdr));
	if (sig && memcmp(hdr.signature, sig, 4) != 0) {
		char found[5], what[48];

		acpi_sig_text(hdr.signature, found);
		snprintf(what, sizeof(what), "signature is \"%s\"", found);
		return acpi_fail(err, err_len, name, pa, what);
	}
	if (hdr.length < sizeof(hdr))
		return acpi_fail_val(err, err_len, name, pa,
				     "length shorter than the header:", hdr.length);
	if (hdr.length > ACPI_MAX_TABLE_LEN)
		return acpi_fail_val(err, err_len, name, pa,
				     "implausible length", hdr.length);
	p = v->map(v->ctx, pa, hdr.length);
	if (!p)
		return acpi_fail_val(err, err_len, name, pa,
				     "table not mapped, length", hdr.length);
	sum = acpi_sum(p, hdr.length);
	if (sum != 0)
		return acpi_fail_val(err, err_len, name, pa,
				     "checksum mismatch, sum", sum);
	*table = p;
	*len = hdr.length;
	return 0;
}

struct acpi_root {
	uint64_t pa;
	const char *name;     /* "XSDT" or "RSDT" */
	uint32_t entry_size;  /* 8 or 4 */
};

static int acpi_check_rsdp(const uint8_t *rsdp, size_t rsdp_len,
			   struct acpi_root *root, char *err, size_t err_len)
{
	struct acpi_rsdp_raw r = { 0 };

	if (!rsdp || rsdp_len < ACPI_RSDP_V1_LEN)
		return acpi_rsdp_fail(err, err_len, "copy too short, length",
				      rsdp_len);
	memcpy(&r, rsdp, rsdp_len < sizeof(r) ? rsdp_len : sizeof(r));
	if (memcmp(r.signature, ACPI_RSDP_SIG, sizeof(r.signature)) != 0)
		return acpi_rsdp_fail(err, err_len, "bad signature, first byte",
				      rsdp[0]);
	if (acpi_sum(rsdp, ACPI_RSDP_V1_LEN) != 0)
		return acpi_rsdp_fail(err, err_len, "checksum mismatch, sum",
				      acpi_sum(rsdp, ACPI_RSDP_V1_LEN));
	if (r.revision >= 2) {
		if (rsdp_len < sizeof(r) || r.length < sizeof(r) ||
		    r.length > rsdp_len)
			return acpi_rsdp_fail(err, err_len,
					      "revision 2 but bad length",
					      r.length);
		if (acpi_sum(rsdp, r.length) != 0)
			return acpi_rsdp_fail(err, err_len,
					      "extended checksum mismatch, sum",
					      acpi_sum(rsdp, r.length));
		if (r.xsdt_address) {
			*root = (struct acpi_root){ r.xsdt_address, "XSDT", 8 };
			return 0;
		}
	}
	if (!r.rsdt_address)
		return acpi_rsdp_fail(err, err_len,
				      "neither an XSDT nor an RSDT address, revision",
				      r.revision);
	*root = (struct acpi_root){ r.rsdt_address, "RSDT", 4 };
	return 0;
}

static uint64_t acpi_root_entry(const uint8_t *p, uint32_t entry_size)
{
	uint64_t pa64;
	uint32_t pa32;

	if (entry_size == sizeof(pa64)) {
		memcpy(&pa64, p, sizeof(pa64));
		return pa64;
	}
	memcpy(&pa32, p, sizeof(pa32));
	return pa32;
}

int acpi_find_table(const struct acpi_view *v, const uint8_t *rsdp,
		    size_t rsdp_len, const char sig[4], uint64_t *table_pa,
		    char *err, size_t err_len)
{
	struct acpi_root root;
	const uint8_t *rt;
	uint32_t rt_len, count;
	char want[5];

	if (acpi_check_rsdp(rsdp, rsdp_len, &root, err, err_len))
		return ACPI_ERR;
	if (acpi_map_table(v, root.pa, root.name, root.name, &rt, &rt_len, err,
			   err_len))
		return ACPI_ERR;
	if ((rt_len - sizeof(struct acpi_sdt_header)) % root.entry_size)
		return acpi_fail_val(err, err_len, root.name, root.pa,
				     "length is not a whole number of entries:",
				     rt_len);
	count = (rt_len - sizeof(struct acpi_sdt_header)) / root.entry_size;
	acpi_sig_text(sig, want);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *entry = rt + sizeof(struct acpi_sdt_header) +
				       (size_t)i * root.entry_size;
		uint64_t pa = acpi_root_entry(entry, root.entry_size);
		const uint8_t *hdr, *table;
		uint32_t len;

		if (!pa)
			continue;
		hdr = v->map(v->ctx, pa, sizeof(struct acpi_sdt_header));
		if (!hdr) {
			char what[64];

			snprintf(what, sizeof(what),
				 "entry %u: table at 0x%llx not mapped", i,
				 (unsigned long long)pa);
			return acpi_fail(err, err_len, root.name, root.pa, what);
		}
		if (memcmp(hdr, sig, 4) != 0)
			continue;
		if (acpi_map_table(v, pa, sig, want, &table, &len, err, err_len))
			return ACPI_ERR;
		*table_pa = pa;
		return 0;
	}
	if (err && err_len)
		snprintf(err, err_len, "acpi: table %s not found in %s at 0x%llx",
			 want, root.name, (unsigned long long)root.pa);
	return ACPI_NOT_FOUND;
}

/* ---- FADT --------------------------------------------------------------- */

static struct acpi_gas acpi_gas_decode(const struct acpi_gas_raw *raw)
{
	return (struct acpi_gas){
		.space = raw->space,
		.bit_width = raw->bit_width,
		.bit_offset = raw->bit_offset,
		.access_size = raw->access_size,
		.address = raw->address,
	};
}

/* An extended block wins when it is a non-zero I/O port (5.2.9: X_ fields). */
static uint32_t acpi_pm1_port(const struct acpi_gas_raw *x, uint32_t legacy)
{
	if (x->address && x->space == ACPI_SPACE_IO &&
	    x->address <= ACPI_IO_PORT_MAX)
		return (uint32_t)x->address;
	return legacy;
}

static int acpi_parse_dsdt(const struct acpi_view *v, struct acpi_power *out,
			   char *err, size_t err_len)
{
	const uint8_t *dsdt;
	uint32_t len;
	const size_t hdr = sizeof(struct acpi_sdt_header);

	if (acpi_map_table(v, out->dsdt_pa, "DSDT", "DSDT", &dsdt, &len, err,
			   err_len))
		return ACPI_ERR;
	out->s5_valid = acpi_aml_find_s5(dsdt + hdr, len - hdr, &out->slp_typa,
					 &out->slp_typb) == 0;
	return 0;
}

int acpi_parse_fadt(const struct acpi_view *v, uint64_t fadt_pa,
		    struct acpi_power *out, char *err, size_t err_len)
{
	struct acpi_fadt_raw f;
	const uint8_t *p;
	uint32_t len;
	bool reset_defined;

	memset(out, 0, sizeof(*out));
	if (acpi_map_table(v, fadt_pa, "FACP", "FADT", &p, &len, err, err_len))
		return ACPI_ERR;
	if (len < ACPI_FADT_V1_LEN)
		return acpi_fail_val(err, err_len, "FADT", fadt_pa,
				     "shorter than an ACPI 1.0 FADT, length", len);
	/* Fields past the table's length (older revisions) read as zero. */
	memset(&f, 0, sizeof(f));
	memcpy(&f, p, len < sizeof(f) ? len : sizeof(f));

	out->hw_reduced = f.flags & ACPI_FADT_HW_REDUCED;
	out->pm1a_cnt = acpi_pm1_port(&f.x_pm1a_cnt_blk, f.pm1a_cnt_blk);
	out->pm1b_cnt = acpi_pm1_port(&f.x_pm1b_cnt_blk, f.pm1b_cnt_blk);
	out->smi_cmd = f.smi_cmd;
	out->acpi_enable = f.acpi_enable;

	reset_defined = (f.flags & ACPI_FADT_RESET_REG_SUP) ||
			f.hdr.revision >= ACPI_FADT_REV_RESET;
	out->reset_reg = acpi_gas_decode(&f.reset_reg);
	out->reset_value = f.reset_value;
	out->reset_valid = reset_defined && f.reset_reg.address != 0;

	out->sleep_ctl = acpi_gas_decode(&f.sleep_control_reg);
	out->sleep_ctl_valid = f.sleep_control_reg.address != 0;

	out->dsdt_pa = f.x_dsdt ? f.x_dsdt : f.dsdt;
	if (!out->dsdt_pa)
		return 0;
	return acpi_parse_dsdt(v, out, err, err_len);
}

uint16_t acpi_pm1_sleep_value(uint8_t slp_typ)
{
	return (uint16_t)((slp_typ & ACPI_SLEEP_CTL_TYP_MASK)
			  << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
}

uint8_t acpi_sleep_ctl_value(uint8_t slp_typ)
{
	return (uint8_t)((slp_typ & ACPI_SLEEP_CTL_TYP_MASK)
			 << ACPI_SLEEP_CTL_TYP_SHIFT | ACPI_SLEEP_CTL_SLP_EN);
}

/* ---- AML: \_S5 ---------------------------------------------------------- */

/* AML opcodes and prefixes (20.2). */
#define AML_ZERO_OP     0x00u
#define AML_ONE_OP      0x01u
#define AML_NAME_OP     0x08u
#define AML_BYTE_PREFIX 0x0au
#define AML_WORD_PREFIX 0x0bu
#define AML_DWORD_PREFIX 0x0cu
#define AML_QWORD_PREFIX 0x0eu
#define AML_PACKAGE_OP  0x12u
#define AML_ROOT_CHAR   0x5cu /* '\' */
#define AML_S5_NAME     "_S5_"
#define AML_NAMESEG_LEN 4u

/* PkgLength lead byte (20.2.4): bits 7:6 count the bytes that follow. */
#define AML_PKGLEN_FOLLOW_SHIFT 6u
#define AML_PKGLEN_SHORT_MASK   0x3fu /* one-byte form: bits 5:0 */
#define AML_PKGLEN_LOW_MASK     0x0fu /* multi-byte form: bits 3:0 ... */
#define AML_PKGLEN_RSVD_MASK    0x30u /* ... and bits 5:4 must be zero */

/*
 * Decode a PkgLength at p[0..len): *pkglen counts the PkgLength bytes
 * themselves plus everything up to the end of the package. Returns the
 * number of PkgLength bytes, 0 if malformed.
 */
static size_t aml_pkglen(const uint8_t *p, size_t len, uint32_t *pkglen)
{
	size_t follow;
	uint32_t v;

	if (len == 0)
		return 0;
	follow = p[0] >> AML_PKGLEN_FOLLOW_SHIFT;
	if (follow == 0) {
		*pkglen = p[0] & AML_PKGLEN_SHORT_MASK;
		return 1;
	}
	if ((p[0] & AML_PKGLEN_RSVD_MASK) || 1 + follow > len)
		return 0;
	v = p[0] & AML_PKGLEN_LOW_MASK;
	for (size_t i = 1; i <= follow; i++)
		v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	*pkglen = v;
	return 1 + follow;
}

/* Decode an integer data object at p[*pos..end); -1 if it is anything else. */
static int aml_integer(const uint8_t *p, size_t *pos, size_t end, uint64_t *val)
{
	size_t size;

	if (*pos >= end)
		return -1;
	switch (p[*pos]) {
	case AML_ZERO_OP:
		*val = 0;
		*pos += 1;
		return 0;
	case AML_ONE_OP:
		*val = 1;
		*pos += 1;
		return 0;
	case AML_BYTE_PREFIX:  size = 1; break;
	case AML_WORD_PREFIX:  size = 2; break;
	case AML_DWORD_PREFIX: size = 4; break;
	case AML_QWORD_PREFIX: size = 8; break;
	default:
		return -1;
	}
	if (end - *pos - 1 < size)
		return -1;
	*val = 0;
	for (size_t i = 0; i < size; i++)
		*val |= (uint64_t)p[*pos + 1 + i] << (8 * i);
	*pos += 1 + size;
	return 0;
}

/* p points just after PackageOp: PkgLength NumElements PackageElementList. */
static int aml_s5_package(const uint8_t *p, size_t len, uint8_t *typa,
			  uint8_t *typb)
{
	uint32_t pkglen;
	size_t n = aml_pkglen(p, len, &pkglen);
	size_t pos, end;
	uint64_t a, b;
	uint8_t count;

	if (n == 0 || pkglen < n + 1 || pkglen > len)
		return -1;
	end = pkglen;
	pos = n;
	count = p[pos++];
	if (count == 0 || aml_integer(p, &pos, end, &a))
		return -1;
	if (count == 1) {
		*typa = (uint8_t)a;
		*typb = (uint8_t)(a >> 8);
		return 0;
	}
	if (aml_integer(p, &pos, end, &b))
		return -1;
	*typa = (uint8_t)a;
	*typb = (uint8_t)b;
	return 0;
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		     uint8_t *slp_typb)
{
	if (!aml)
		return -1;
	for (size_t i = 0; i < len; i++) {
		size_t j = i + 1;

		if (aml[i] != AML_NAME_OP)
			continue;
		if (j < len && aml[j] == AML_ROOT_CHAR)
			j++;
		if (len - j < AML_NAMESEG_LEN + 1 ||
		    memcmp(aml + j, AML_S5_NAME, AML_NAMESEG_LEN) != 0)
			continue;
		j += AML_NAMESEG_LEN;
		if (aml[j] != AML_PACKAGE_OP)
			continue;
		j++;
		if (aml_s5_package(aml + j, len - j, slp_typa, slp_typb) == 0)
			return 0;
	}
	return -1;
}
