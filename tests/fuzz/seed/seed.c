/* SPDX-License-Identifier: MIT */
/*
 * The seed writer (see hook.h): each seed_<name> writes the input a unit
 * test passes to <name>, in the format of the fuzz harness for that parser,
 * to $ANVIL_FUZZ_SEEDS/<target>/seed-<hash>, then calls the real <name>.
 * Without ANVIL_FUZZ_SEEDS it only calls through.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <anvil/abi_check.h>
#include <anvil/acpi.h>
#include <anvil/boot_map.h>
#include <anvil/cmdline.h>
#include <anvil/dt.h>
#include <anvil/efi_boot.h>
#include <anvil/elf64.h>
#include <anvil/manifest.h>
#include <anvil/mb2.h>
#include <anvil/memslot.h>
#include <anvil/psf.h>

#include "abi_input.h"
#include "acpi_input.h"
#include "boot_map_input.h"
#include "dt_input.h"
#include "esr.h"
#include "esr_input.h"
#include "fuzz.h"
#include "smccc.h"
#include "vgic_dist.h"
#include "vgic_input.h"
#include "vgic_mmio_input.h"
#include "vgic_sgi.h"
#include "vgic_vm.h"
#include "x86_gwalk.h"
#include "x86_insn.h"
#include "x86_passthrough.h"

#define SEED_MAX (64u << 10) /* larger inputs only slow the fuzzer down */
#define SEEDS_PER_TARGET 500u /* per test binary; the merge step keeps the useful ones */

/* ---- writing one seed ------------------------------------------------------ */

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void seed_write(const char *target, const void *data, size_t n)
{
	const char *dir = getenv("ANVIL_FUZZ_SEEDS");
	char path[4096];
	FILE *out;

	static struct {
		const char *target;
		unsigned written;
	} counts[32];
	unsigned i = 0;

	if (!dir || !*dir || n == 0 || n > SEED_MAX)
		return;
	while (i < 32 && counts[i].target && strcmp(counts[i].target, target) != 0)
		i++;
	if (i == 32)
		return;
	counts[i].target = target;
	if (counts[i].written++ >= SEEDS_PER_TARGET)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return;
	snprintf(path, sizeof(path), "%s/%s/seed-%016llx", dir, target,
		 (unsigned long long)fnv1a(data, n));
	out = fopen(path, "wbx"); /* an existing seed is the same bytes */
	if (!out)
		return;
	fwrite(data, 1, n, out);
	fclose(out);
}

static void seed_write_out(const char *target, const struct fz_out *o)
{
	seed_write(target, o->p, o->n);
}

/* ---- multiboot2, command line, ELF, PSF, instruction bytes ----------------- */

int seed_mb2_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys, struct boot_info *out)
{
	if (magic == MB2_BOOTLOADER_MAGIC && mbi) {
		uint32_t total;

		memcpy(&total, mbi, sizeof(total));
		if (total >= 8 && total <= SEED_MAX) {
			uint8_t *copy = fz_copy(mbi, total);
			uint32_t phys = (uint32_t)mbi_phys;

			memcpy(copy + 4, &phys, sizeof(phys)); /* the harness's address */
			seed_write("mb2", copy, total);
			free(copy);
		}
	}
	return mb2_parse(magic, mbi, mbi_phys, out);
}

int seed_cmdline_parse(const char *line, struct anvil_options *o, cmdline_report_fn report,
		       void *ctx)
{
	if (line)
		seed_write("cmdline", line, strlen(line));
	return cmdline_parse(line, o, report, ctx);
}

bool seed_cmdline_test_selected(const struct anvil_options *o, const char *test_name)
{
	struct fz_out s = { 0 };

	fz_put(&s, "tests=", 6);
	for (unsigned i = 0; i < o->glob_count && i < CMDLINE_MAX_GLOBS; i++) {
		if (i)
			fz_put(&s, ",", 1);
		fz_put(&s, o->globs[i], strnlen(o->globs[i], CMDLINE_GLOB_MAX));
	}
	fz_put(&s, "", 1);
	fz_put(&s, test_name, strlen(test_name));
	seed_write_out("cmdline", &s);
	free(s.p);
	return cmdline_test_selected(o, test_name);
}

bool seed_glob_match(const char *pattern, const char *s)
{
	if (pattern && s) {
		struct fz_out o = { 0 };

		fz_put(&o, "", 1);
		fz_put(&o, s, strlen(s) + 1);
		fz_put(&o, pattern, strlen(pattern));
		seed_write_out("cmdline", &o);
		free(o.p);
	}
	return glob_match(pattern, s);
}

int seed_elf64_parse(const void *buf, size_t len, uint16_t machine, struct elf64_image *out,
		     char *err, size_t err_len)
{
	if (buf)
		seed_write("elf", buf, len);
	return elf64_parse(buf, len, machine, out, err, err_len);
}

int seed_payload_image_parse(const void *buf, size_t len, uint16_t machine, const char *arch,
			     struct payload_image *out, char *err, size_t err_len)
{
	if (buf)
		seed_write("elf", buf, len);
	return payload_image_parse(buf, len, machine, arch, out, err, err_len);
}

int seed_psf_parse(const void *buf, size_t len, struct psf_font *out, char *err, size_t err_len)
{
	if (buf) {
		struct fz_out o = { 0 };

		fz_put(&o, "\0", 1); /* no text to draw */
		fz_put(&o, buf, len);
		seed_write_out("psf", &o);
		free(o.p);
	}
	return psf_parse(buf, len, out, err, err_len);
}

int seed_x86_insn_decode(const uint8_t *bytes, size_t n, struct x86_insn *out)
{
	if (bytes)
		seed_write("x86_insn", bytes, n < 64 ? n : 64);
	return x86_insn_decode(bytes, n, out);
}

/* The harness decodes every input in all three modes: the bytes alone. */
int seed_x86_insn_decode_mode(const uint8_t *bytes, size_t n, enum x86_mode mode,
			      struct x86_insn *out)
{
	if (bytes)
		seed_write("x86_insn", bytes, n < 64 ? n : 64);
	return x86_insn_decode_mode(bytes, n, mode, out);
}

/* ---- ACPI: the memory the parser mapped, as chunks ---------------------- */

#define REC_MAX 64u

struct rec_chunk {
	uint64_t pa;
	size_t len;
	uint8_t *bytes;
};

struct recorder {
	const struct acpi_view *inner;
	unsigned n;
	struct rec_chunk c[REC_MAX];
};

static const void *rec_map(void *ctx, uint64_t pa, size_t len)
{
	struct recorder *r = ctx;
	const void *p = r->inner->map(r->inner->ctx, pa, len);
	unsigned i = 0;

	if (!p || len > UINT16_MAX)
		return p;
	for (i = 0; i < r->n; i++) {
		if (pa >= r->c[i].pa && pa - r->c[i].pa + len <= r->c[i].len)
			return p; /* already held */
		if (r->c[i].pa >= pa && r->c[i].pa - pa + r->c[i].len <= len)
			break; /* the new one holds this one: replace it */
	}
	if (i == r->n) {
		if (r->n == REC_MAX)
			return p;
		r->n++;
	} else {
		free(r->c[i].bytes);
	}
	r->c[i] = (struct rec_chunk){ pa, len, fz_copy(p, len) };
	return p;
}

static void rec_write(struct recorder *r, const uint8_t *rsdp, size_t rsdp_len, const char *sig,
		      uint64_t fadt_pa)
{
	uint8_t copy[ACPI_IN_RSDP_MAX] = { 0 };
	struct fz_out o = { 0 };

	if (rsdp_len > ACPI_IN_RSDP_MAX)
		rsdp_len = ACPI_IN_RSDP_MAX;
	if (rsdp)
		memcpy(copy, rsdp, rsdp_len);
	fz_put_le(&o, 0, 1); /* flags: the fixture's checksums are right already */
	fz_put_le(&o, rsdp_len, 1);
	fz_put(&o, copy, sizeof(copy));
	fz_put(&o, sig, 4);
	fz_put_le(&o, fadt_pa, 8);
	for (unsigned i = 0; i < r->n; i++) {
		fz_put_le(&o, r->c[i].pa, 8);
		fz_put_le(&o, r->c[i].len, 2);
		fz_put(&o, r->c[i].bytes, r->c[i].len);
		free(r->c[i].bytes);
	}
	seed_write_out("acpi", &o);
	free(o.p);
}

int seed_acpi_find_table(const struct acpi_view *v, const uint8_t *rsdp, size_t rsdp_len,
			 const char sig[4], uint64_t *table_pa, char *err, size_t err_len)
{
	struct recorder r = { .inner = v };
	const struct acpi_view rv = { rec_map, &r };
	int rc = acpi_find_table(&rv, rsdp, rsdp_len, sig, table_pa, err, err_len);

	rec_write(&r, rsdp, rsdp_len, sig, 0);
	return rc;
}

int seed_acpi_parse_fadt(const struct acpi_view *v, uint64_t fadt_pa, struct acpi_power *out,
			 char *err, size_t err_len)
{
	struct recorder r = { .inner = v };
	const struct acpi_view rv = { rec_map, &r };
	int rc = acpi_parse_fadt(&rv, fadt_pa, out, err, err_len);

	rec_write(&r, NULL, 0, "FACP", fadt_pa);
	return rc;
}

int seed_acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	if (aml)
		seed_write("acpi_s5", aml, len);
	return acpi_aml_find_s5(aml, len, slp_typa, slp_typb);
}

/* ---- UEFI -------------------------------------------------------------- */

void seed_efi_map_convert(struct boot_info *bi, void *descs, size_t size, size_t desc_size,
			  uint64_t kernel_base, uint64_t kernel_end)
{
	struct fz_out o = { 0 };

	fz_put_le(&o, desc_size > UINT16_MAX ? UINT16_MAX : desc_size, 2);
	fz_put_le(&o, kernel_base, 8);
	fz_put_le(&o, kernel_end, 8);
	fz_put(&o, descs, size);
	seed_write_out("efi_map", &o);
	free(o.p);
	efi_map_convert(bi, descs, size, desc_size, kernel_base, kernel_end);
}

/* flags (bit 0: bytes, else UCS-2), scratch size - 1, self name, text. */
static void efi_cmdline_seed(unsigned flags, size_t cap, const char *self, const void *text,
			     size_t text_len)
{
	struct fz_out o = { 0 };

	fz_put_le(&o, flags, 1);
	fz_put_le(&o, cap >= 1 && cap <= 4096 ? cap - 1 : 4095, 2);
	fz_put(&o, self ? self : "", self ? strlen(self) + 1 : 1);
	fz_put(&o, text, text_len);
	seed_write_out("efi_cmdline", &o);
	free(o.p);
}

size_t seed_efi_cmdline_ucs2_to_ascii(char *dst, size_t cap, const uint16_t *src, size_t n)
{
	size_t len = 0;

	while (len < n && src[len]) /* the converter reads no further */
		len++;
	efi_cmdline_seed(0, cap, "", src, len * 2);
	return efi_cmdline_ucs2_to_ascii(dst, cap, src, n);
}

void seed_efi_cmdline_strip_self(char *s, const char *self_name)
{
	struct fz_out u = { 0 };

	for (const char *c = s; *c; c++)
		fz_put_le(&u, (uint8_t)*c, 2);
	efi_cmdline_seed(0, 4096, self_name, u.p, u.n);
	free(u.p);
	efi_cmdline_strip_self(s, self_name);
}

void seed_efi_cmdline_tidy(char *s)
{
	efi_cmdline_seed(1, 4096, "", s, strlen(s));
	efi_cmdline_tidy(s);
}

void seed_efi_cmdline_store(struct boot_info *bi, const char *s, size_t total, const char *source)
{
	efi_cmdline_seed(1, 4096, "", s, strlen(s));
	efi_cmdline_store(bi, s, total, source);
}

/* ---- boot map: the operations on one map, in order ----------------------- */

static struct fz_out bm_ops;
static const struct boot_info *bm_map;

/* A different map (or an emptied one): start over from what it holds now. */
static void bm_start(const struct boot_info *bi, bool fresh)
{
	if (bi == bm_map && !fresh)
		return;
	bm_map = bi;
	bm_ops.n = 0;
	for (uint32_t i = 0; i < bi->region_count && i < BOOT_MAX_REGIONS; i++) {
		fz_put_le(&bm_ops, BM_RAW, 1);
		fz_put_le(&bm_ops, bi->regions[i].base, 8);
		fz_put_le(&bm_ops, bi->regions[i].length, 8);
		fz_put_le(&bm_ops, bi->regions[i].type, 1);
	}
}

static void bm_op(const struct boot_info *bi, unsigned op, uint64_t a, uint64_t b, uint64_t c,
		  unsigned c_bytes, bool write)
{
	bm_start(bi, false);
	if (bm_ops.n > SEED_MAX)
		return;
	fz_put_le(&bm_ops, op, 1);
	if (op == BM_ADD || op == BM_RESERVE || op == BM_FIND) {
		fz_put_le(&bm_ops, a, 8);
		fz_put_le(&bm_ops, b, op == BM_FIND ? 1 : 8);
		fz_put_le(&bm_ops, c, c_bytes);
	}
	if (write)
		seed_write_out("boot_map", &bm_ops);
}

int seed_boot_map_add(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	bm_start(bi, bi->region_count == 0 && bi->error_count == 0);
	bm_op(bi, BM_ADD, base, len, type, 1, false);
	return boot_map_add(bi, base, len, type);
}

void seed_boot_map_sanitize(struct boot_info *bi)
{
	bm_op(bi, BM_SANITIZE, 0, 0, 0, 0, true);
	boot_map_sanitize(bi);
}

int seed_boot_map_sanitize_count(struct boot_info *bi)
{
	bm_op(bi, BM_SANITIZE, 0, 0, 0, 0, true);
	return boot_map_sanitize_count(bi);
}

int seed_boot_map_reserve(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	bm_op(bi, BM_RESERVE, base, len, type, 1, true);
	return boot_map_reserve(bi, base, len, type);
}

int seed_boot_map_find_free(const struct boot_info *bi, uint64_t size, uint64_t align,
			    uint64_t min_addr, uint64_t *out)
{
	unsigned log2 = 64; /* align 0 */

	for (unsigned i = 0; i < 64; i++)
		if (align == 1ull << i)
			log2 = i;
	bm_op(bi, BM_FIND, size, log2, min_addr, 8, true);
	return boot_map_find_free(bi, size, align, min_addr, out);
}

uint64_t seed_boot_map_usable_bytes(const struct boot_info *bi)
{
	bm_op(bi, BM_USABLE, 0, 0, 0, 0, true);
	return boot_map_usable_bytes(bi);
}

/* ---- guest ABI: single checks, and memslot sequences --------------------- */

static void abi_single(unsigned op, const uint64_t *args, unsigned n)
{
	struct fz_out o = { 0 };

	fz_put_le(&o, op, 1);
	for (unsigned i = 0; i < n; i++)
		fz_put_le(&o, args[i], 8);
	seed_write_out("abi", &o);
	free(o.p);
}

const char *seed_abi_call_name(uint64_t nr)
{
	abi_single(ABI_CALL_NAME, &nr, 1);
	return abi_call_name(nr);
}

bool seed_abi_case_name_valid(const char *s)
{
	struct fz_out o = { 0 };
	size_t n = strlen(s) > 255 ? 255 : strlen(s);

	fz_put_le(&o, ABI_CASE_NAME, 1);
	fz_put_le(&o, n, 1);
	fz_put(&o, s, n);
	seed_write_out("abi", &o);
	free(o.p);
	return abi_case_name_valid(s);
}

bool seed_abi_access_valid(uint64_t access)
{
	abi_single(ABI_ACCESS, &access, 1);
	return abi_access_valid(access);
}

const char *seed_abi_inject_problem(uint64_t vector, uint64_t error_code, uint64_t flags)
{
	const uint64_t args[] = { vector, error_code, flags };

	abi_single(ABI_INJECT, args, 3);
	return abi_inject_problem(vector, error_code, flags);
}

const char *seed_x86_msr_passthrough_denied(uint64_t msr)
{
	abi_single(ABI_MSR, &msr, 1);
	return x86_msr_passthrough_denied(msr);
}

const char *seed_x86_port_passthrough_denied(uint64_t port)
{
	abi_single(ABI_PORT, &port, 1);
	return x86_port_passthrough_denied(port);
}

static struct fz_out slot_ops;

static void slot_op(unsigned op, const uint64_t *args, unsigned n, bool write)
{
	if (slot_ops.n > SEED_MAX)
		return;
	fz_put_le(&slot_ops, op, 1);
	for (unsigned i = 0; i < n; i++)
		fz_put_le(&slot_ops, args[i], 8);
	if (write)
		seed_write_out("abi", &slot_ops);
}

void seed_memslot_init(struct memslot_set *s)
{
	slot_ops.n = 0;
	slot_op(ABI_SLOT_INIT, NULL, 0, false);
	memslot_init(s);
}

int seed_memslot_add(struct memslot_set *s, const struct memslot *m, char *err, size_t err_len)
{
	if (m) {
		const uint64_t args[] = { m->gpa, m->size, m->hpa };

		slot_op(ABI_SLOT_ADD, args, 3, false);
		fz_put_le(&slot_ops, m->id, 4);
	}
	return memslot_add(s, m, err, err_len);
}

int seed_memslot_remove(struct memslot_set *s, uint64_t gpa)
{
	slot_op(ABI_SLOT_REMOVE, &gpa, 1, true);
	return memslot_remove(s, gpa);
}

const struct memslot *seed_memslot_find(const struct memslot_set *s, uint64_t gpa)
{
	slot_op(ABI_SLOT_FIND, &gpa, 1, true);
	return memslot_find(s, gpa);
}

bool seed_memslot_translate(const struct memslot_set *s, uint64_t gpa, uint64_t len, uint64_t *hpa)
{
	const uint64_t args[] = { gpa, len };

	slot_op(ABI_SLOT_TRANSLATE, args, 2, true);
	return memslot_translate(s, gpa, len, hpa);
}

bool seed_memslot_backs_host_range(const struct memslot_set *s, uint64_t hpa, uint64_t len)
{
	const uint64_t args[] = { hpa, len };

	slot_op(ABI_SLOT_BACKS, args, 2, true);
	return memslot_backs_host_range(s, hpa, len);
}

/* ---- guest page walk: the entries it read, as a flat memory ------------- */

struct walk_rec {
	x86_gwalk_read_fn read;
	void *ctx;
	unsigned n;
	uint64_t gpa[8], val[8];
};

static bool rec_read(void *ctx, uint64_t gpa, uint64_t *val)
{
	struct walk_rec *w = ctx;
	bool ok = w->read(w->ctx, gpa, val);

	if (ok && w->n < 8) {
		w->gpa[w->n] = gpa;
		w->val[w->n++] = *val;
	}
	return ok;
}

enum x86_gwalk_result seed_x86_gwalk(uint64_t cr3, uint64_t gva, x86_gwalk_read_fn read, void *ctx,
				     uint64_t *gpa, uint32_t *flags)
{
	struct walk_rec w = { read, ctx, 0, { 0 }, { 0 } };
	enum x86_gwalk_result r = x86_gwalk(cr3, gva, rec_read, &w, gpa, flags);
	uint64_t top = 0;
	struct fz_out o = { 0 };

	for (unsigned i = 0; i < w.n; i++)
		top = w.gpa[i] + 8 > top ? w.gpa[i] + 8 : top;
	if (top <= SEED_MAX - 16) {
		fz_put_le(&o, cr3, 8);
		fz_put_le(&o, gva, 8);
		for (uint64_t a = 0; a < top; a += 8) {
			uint64_t v = 0;

			for (unsigned i = 0; i < w.n; i++)
				if (w.gpa[i] == a)
					v = w.val[i];
			fz_put_le(&o, v, 8);
		}
		seed_write_out("x86_gwalk", &o);
		free(o.p);
	}
	return r;
}

/* ---- the device tree: a flags byte for the error buffer, then the blob ---- */

int seed_dt_parse(const void *fdt, size_t max_size, struct dt_platform *out, char *err,
		  size_t err_len)
{
	if (fdt && max_size < SEED_MAX) {
		struct fz_out o = { 0 };
		unsigned flags = DT_IN_ERR_LARGE;

		if (!err || !err_len)
			flags = DT_IN_ERR_NONE;
		else if (err_len < DT_ERR_MAX)
			flags = DT_IN_ERR_SMALL | (unsigned)((err_len - 1) % 16) << 2;
		else if (err_len == DT_ERR_MAX)
			flags = DT_IN_ERR_EXACT;
		fz_put_le(&o, flags, 1);
		fz_put(&o, fdt, max_size);
		seed_write_out("dt", &o);
		free(o.p);
	}
	return dt_parse(fdt, max_size, out, err, err_len);
}

/* ---- a trap to EL2: ESR, FAR, and for an HVC/SMC its registers (esr_input.h) ---- */

static void esr_seed(uint64_t esr, uint64_t far, unsigned cut, unsigned fsc,
		     const struct smccc_policy *p, const uint64_t *regs)
{
	struct fz_out o = { 0 };

	fz_put_le(&o, esr, 8);
	fz_put_le(&o, far, 8);
	fz_put_le(&o, cut, 1);
	fz_put_le(&o, fsc, 1);
	if (p && regs) {
		fz_put_le(&o, (p->smccc_minor >= 2 ? ESR_IN_POLICY_SMCCC_1_2 : 0u) |
				      (p->workarounds_unaffected ? ESR_IN_POLICY_UNAFFECTED : 0u), 1);
		fz_put_le(&o, p->mpidr, 8);
		for (unsigned i = 0; i < 4; i++)
			fz_put_le(&o, regs[i], 8);
	}
	seed_write_out("esr", &o);
	free(o.p);
}

bool seed_esr_dabt_decode(uint64_t esr, struct esr_dabt *d)
{
	esr_seed(esr, 0, 0, 0, NULL, NULL);
	return esr_dabt_decode(esr, d);
}

bool seed_esr_iabt_decode(uint64_t esr, struct esr_iabt *i)
{
	esr_seed(esr, 0, 0, 0, NULL, NULL);
	return esr_iabt_decode(esr, i);
}

bool seed_esr_sysreg_decode(uint64_t esr, struct esr_sysreg *s)
{
	esr_seed(esr, 0, 0, 0, NULL, NULL);
	return esr_sysreg_decode(esr, s);
}

bool seed_esr_wfx_decode(uint64_t esr, struct esr_wfx *w)
{
	esr_seed(esr, 0, 0, 0, NULL, NULL);
	return esr_wfx_decode(esr, w);
}

/* The code as the DFSC of a data abort from EL1 (IFSC of an instruction abort), and raw. */
struct esr_fsc seed_esr_fsc_decode(unsigned fsc, bool data)
{
	esr_seed((uint64_t)(data ? ESR_EC_DABT_LOWER : ESR_EC_IABT_LOWER) << ESR_EC_SHIFT | ESR_IL |
			 (fsc & ESR_FSC_MASK),
		 0, 0, fsc & 0xffu, NULL, NULL);
	return esr_fsc_decode(fsc, data);
}

bool seed_esr_format(char *buf, size_t len, uint64_t esr, uint64_t far)
{
	esr_seed(esr, far, len < 255 ? (unsigned)len : 255u, 0, NULL, NULL);
	return esr_format(buf, len, esr, far);
}

/* An HVC #0 from AArch64 with the function ID in X0. */
struct smccc_fid seed_smccc_fid_decode(uint32_t fid)
{
	const struct smccc_policy p = { .smccc_minor = 1 };
	const uint64_t regs[4] = { fid, 0, 0, 0 };

	esr_seed((uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT | ESR_IL, 0, 0, 0, &p, regs);
	return smccc_fid_decode(fid);
}

void seed_smccc_emulate(const struct smccc_policy *p, const uint64_t regs[4], struct smccc_result *r)
{
	esr_seed((uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT | ESR_IL, 0, 0, 0, p, regs);
	smccc_emulate(p, regs, r);
}

/* ---- the vGIC: a VM's configuration, then what its guest did (vgic_mmio_input.h) ---- */

static struct fz_out vm_ops;
static const struct vgic_vm *vm_seq;

static void vm_op_done(void)
{
	if (vm_ops.n <= SEED_MAX)
		seed_write_out("vgic_mmio", &vm_ops);
}

int seed_vgic_vm_init(struct vgic_vm *vm, const struct vgic_cfg *cfg, struct vgic_vcpu *vcpus,
		      struct vgic_irq *spis, struct vgic_irq **ap_slots)
{
	int rc = vgic_vm_init(vm, cfg, vcpus, spis, ap_slots);

	vm_seq = NULL;
	if (rc == VGIC_OK && cfg->nr_spis <= VM_MAX_SPIS) {
		vm_ops.n = 0;
		fz_put_le(&vm_ops, vm_config_byte(cfg->version == VGIC_V3, cfg->nr_vcpus, cfg->prio_bits), 1);
		fz_put_le(&vm_ops, cfg->nr_spis / 32, 1);
		vm_seq = vm;
	}
	return rc;
}

static void vm_mmio(const struct vgic_vm *vm, bool gicr, unsigned vcpu, uint32_t offset,
		    unsigned size, bool write, uint64_t val)
{
	if (vm != vm_seq || vcpu > 7 || offset >= 1u << 24)
		return;
	vm_put_mmio(&vm_ops, gicr ? (write ? VM_GICR_WRITE : VM_GICR_READ)
				  : (write ? VM_GICD_WRITE : VM_GICD_READ),
		    vcpu, size, offset, val);
	vm_op_done();
}

enum vgic_mmio_status seed_vgic_gicd_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
					    unsigned size, bool write, uint64_t *val)
{
	vm_mmio(vm, false, vcpu, offset, size, write, write ? *val : 0);
	return vgic_gicd_access(vm, vcpu, offset, size, write, val);
}

enum vgic_mmio_status seed_vgic_gicr_access(struct vgic_vm *vm, unsigned rd, uint32_t offset,
					    unsigned size, bool write, uint64_t *val)
{
	vm_mmio(vm, true, rd, offset, size, write, write ? *val : 0);
	return vgic_gicr_access(vm, rd, offset, size, write, val);
}

/* The harness sends GICv2 SGIs the way the guest does: a write of GICD_SGIR. */
int seed_vgic_v2_sgir(struct vgic_vm *vm, unsigned src, uint32_t value)
{
	vm_mmio(vm, false, src, 0xf00, 4, true, value);
	return vgic_v2_sgir(vm, src, value);
}

int seed_vgic_v3_sgi(struct vgic_vm *vm, unsigned src, uint64_t value, unsigned group)
{
	if (vm == vm_seq && src <= 7) {
		fz_put_le(&vm_ops, VM_SGI | src << 3 | (group & 1u) << 6, 1);
		fz_put_le(&vm_ops, value, 8);
		vm_op_done();
	}
	return vgic_v3_sgi(vm, src, value, group);
}

static void vm_line(const struct vgic_vm *vm, enum vm_op op, unsigned vcpu, uint32_t intid)
{
	if (vm != vm_seq || vcpu > 7 || intid > UINT16_MAX)
		return;
	fz_put_le(&vm_ops, op | vcpu << 3, 1);
	fz_put_le(&vm_ops, intid, 2);
	vm_op_done();
}

int seed_vgic_irq_assert(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	vm_line(vm, VM_ASSERT, vcpu, intid);
	return vgic_irq_assert(vm, vcpu, intid);
}

int seed_vgic_irq_deassert(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	vm_line(vm, VM_DEASSERT, vcpu, intid);
	return vgic_irq_deassert(vm, vcpu, intid);
}

int seed_vgic_irq_pulse(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	vm_line(vm, VM_PULSE, vcpu, intid);
	return vgic_irq_pulse(vm, vcpu, intid);
}
