/* SPDX-License-Identifier: MIT */
/*
 * Payload image validation (see anvil/manifest.h). The ELF is checked by
 * elf64_parse() first; the manifest is then the first file bytes of the
 * PT_LOAD segment with the lowest p_paddr, which is where guests/lib's linker
 * script places it. Every message starts with where the problem is.
 */
#include <anvil/manifest.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * The manifest is copied as bytes into the struct: every arch Anvil runs on
 * (and the host running the unit tests) is little-endian, like the images.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "manifest fields are read in host byte order");

#define MANIFEST_MEM_KIB_MIN 256u
#define MANIFEST_MEM_KIB_MAX 65536u
#define MANIFEST_MEM_KIB_ALIGN 4u          /* whole 4 KiB pages */
#define MANIFEST_STACK_BYTES (16u * 1024u) /* kept free at the top for the stack */
#define MANIFEST_FLAGS_KNOWN ANVIL_MANIFEST_BENCH
#define MANIFEST_QUOTE_MAX 24u             /* characters of a bad string shown */

/* What a check works on: where the manifest is, and where to report. */
struct manifest_ctx {
	uint64_t offset; /* file offset of the manifest */
	char *err;
	size_t err_len;
};

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* Write "<prefix>: <message>" into the caller's buffer; returns -1. */
static int manifest_vfail(const struct manifest_ctx *c, const char *prefix, uint64_t offset,
			  const char *fmt, va_list ap)
{
	int n;

	if (!c->err || !c->err_len)
		return -1;
	n = snprintf(c->err, c->err_len, "%s at offset 0x%llx: ", prefix, ull(offset));
	if (n < 0 || (size_t)n >= c->err_len)
		return -1;
	vsnprintf(c->err + n, c->err_len - (size_t)n, fmt, ap);
	return -1;
}

/* A problem inside the manifest. */
__attribute__((format(printf, 2, 3)))
static int manifest_fail(const struct manifest_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	manifest_vfail(c, "manifest", c->offset, fmt, ap);
	va_end(ap);
	return -1;
}

/* A problem with PT_LOAD segment idx (file order); the offset is its file bytes. */
__attribute__((format(printf, 4, 5)))
static int manifest_fail_segment(const struct manifest_ctx *c, uint32_t idx,
				 const struct elf64_segment *s, const char *fmt, ...)
{
	char prefix[24];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "PT_LOAD segment %u", idx);
	va_start(ap, fmt);
	manifest_vfail(c, prefix, s->offset, fmt, ap);
	va_end(ap);
	return -1;
}

/* A printable, bounded copy of a fixed-size field for quoting in a message. */
static void manifest_quote(const char *field, size_t field_len, char *out, size_t out_len)
{
	size_t n = 0;

	for (size_t i = 0; i < field_len && field[i] && n + 1 < out_len; i++) {
		char ch = field[i];

		out[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	out[n] = '\0';
}

static int manifest_check_header(const struct manifest_ctx *c, const struct anvil_manifest *m)
{
	if (m->magic != ANVIL_MANIFEST_MAGIC)
		return manifest_fail(c, "magic 0x%08x, want 0x%08x (\"AVNM\")", m->magic,
				     ANVIL_MANIFEST_MAGIC);
	if (m->version != ANVIL_MANIFEST_VERSION)
		return manifest_fail(c, "version %u, want %u", m->version,
				     ANVIL_MANIFEST_VERSION);
	if (m->size != sizeof(struct anvil_manifest))
		return manifest_fail(c, "size %u, want %zu", m->size,
				     sizeof(struct anvil_manifest));
	return 0;
}

static bool manifest_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static int manifest_check_name(const struct manifest_ctx *c, const struct anvil_manifest *m)
{
	const char *end = memchr(m->name, '\0', sizeof(m->name));

	if (!end)
		return manifest_fail(c, "name is not NUL-terminated within %zu bytes",
				     sizeof(m->name));
	if (end == m->name)
		return manifest_fail(c, "name is empty");
	for (const char *p = m->name; p < end; p++) {
		if (!manifest_name_char(*p))
			return manifest_fail(c, "name has byte 0x%02x at index %td; only "
					     "a-z, 0-9 and _ are allowed",
					     (unsigned char)*p, p - m->name);
	}
	return 0;
}

static int manifest_check_arch(const struct manifest_ctx *c, const struct anvil_manifest *m,
			       const char *arch)
{
	char shown[MANIFEST_QUOTE_MAX];

	if (!memchr(m->arch, '\0', sizeof(m->arch)))
		return manifest_fail(c, "arch is not NUL-terminated within %zu bytes",
				     sizeof(m->arch));
	if (!arch || strcmp(m->arch, arch) != 0) {
		manifest_quote(m->arch, sizeof(m->arch), shown, sizeof(shown));
		return manifest_fail(c, "arch \"%s\", want \"%s\"", shown, arch ? arch : "");
	}
	return 0;
}

static bool manifest_one_access(uint32_t a)
{
	return a == ANVIL_ACCESS_R || a == ANVIL_ACCESS_W || a == ANVIL_ACCESS_X;
}

/* The detailed expectation fields fit the expected outcome (guest_abi.h). */
static int manifest_check_expectation(const struct manifest_ctx *c, const struct anvil_manifest *m)
{
	if (m->reserved)
		return manifest_fail(c, "reserved field is 0x%x, must be 0", m->reserved);
	switch (m->expect) {
	case ANVIL_EXPECT_BAD_HYPERCALL:
		if (m->expect_arg > 3 && m->expect_arg != ANVIL_EXPECT_ARG_NONE)
			return manifest_fail(c, "expect_arg %u is neither an argument (0-3) nor "
					     "ANVIL_EXPECT_ARG_NONE", m->expect_arg);
		if (m->expect_access)
			return manifest_fail(c, "expect_access is for BAD_MEMORY, not a bad hypercall");
		return 0;
	case ANVIL_EXPECT_BAD_MEMORY:
		if (m->expect_call || m->expect_arg)
			return manifest_fail(c, "expect_call/expect_arg are for BAD_HYPERCALL, not "
					     "bad memory");
		if (m->expect_access && !manifest_one_access(m->expect_access))
			return manifest_fail(c, "expect_access 0x%x is not one of R (1), W (2), X (4)",
					     m->expect_access);
		return 0;
	default:
		if (m->expect_value || m->expect_call || m->expect_arg || m->expect_access)
			return manifest_fail(c, "expect_value/call/arg/access set, but expect %u "
					     "has no detail to check", m->expect);
		return 0;
	}
}

static int manifest_check_fields(const struct manifest_ctx *c, const struct anvil_manifest *m)
{
	if (m->mem_kib < MANIFEST_MEM_KIB_MIN || m->mem_kib > MANIFEST_MEM_KIB_MAX)
		return manifest_fail(c, "mem_kib %u is outside [%u, %u]", m->mem_kib,
				     MANIFEST_MEM_KIB_MIN, MANIFEST_MEM_KIB_MAX);
	if (m->mem_kib % MANIFEST_MEM_KIB_ALIGN)
		return manifest_fail(c, "mem_kib %u is not a multiple of %u", m->mem_kib,
				     MANIFEST_MEM_KIB_ALIGN);
	if (m->expect > ANVIL_EXPECT_BAD_HYPERCALL)
		return manifest_fail(c, "expect %u is not a known outcome (0-%u)", m->expect,
				     (unsigned)ANVIL_EXPECT_BAD_HYPERCALL);
	if (m->flags & ~MANIFEST_FLAGS_KNOWN)
		return manifest_fail(c, "flags 0x%x has unknown bits 0x%x", m->flags,
				     m->flags & ~MANIFEST_FLAGS_KNOWN);
	return manifest_check_expectation(c, m);
}

/* Every segment must fit between the hypervisor's pages and the stack. */
static int manifest_check_segments(const struct manifest_ctx *c, const struct elf64_image *img,
				   uint32_t mem_kib)
{
	uint64_t limit = (uint64_t)mem_kib * 1024u - MANIFEST_STACK_BYTES;

	for (uint32_t i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];

		if (s->paddr >= ANVIL_GUEST_LOAD && s->paddr <= limit &&
		    s->memsz <= limit - s->paddr)
			continue;
		return manifest_fail_segment(c, i, s, "physical range [0x%llx, 0x%llx) lies "
					     "outside [0x%llx, 0x%llx), where a payload with "
					     "mem_kib %u may load (the top 16 KiB is its stack)",
					     ull(s->paddr), ull(s->paddr + s->memsz),
					     ull(ANVIL_GUEST_LOAD), ull(limit), mem_kib);
	}
	return 0;
}

/* Index of the PT_LOAD segment with the lowest p_paddr (the first on ties). */
static uint32_t manifest_segment(const struct elf64_image *img)
{
	uint32_t lo = 0;

	for (uint32_t i = 1; i < img->segment_count; i++) {
		if (img->segments[i].paddr < img->segments[lo].paddr)
			lo = i;
	}
	return lo;
}

/* Copy the manifest out of the lowest segment's file bytes. */
static int manifest_read(const uint8_t *buf, const struct elf64_image *img,
			 struct manifest_ctx *c, struct anvil_manifest *m)
{
	uint32_t idx = manifest_segment(img);
	const struct elf64_segment *s = &img->segments[idx];

	c->offset = s->offset;
	if (s->filesz < sizeof(*m))
		return manifest_fail_segment(c, idx, s, "p_filesz 0x%llx of the lowest segment "
					     "(paddr 0x%llx) is too small for the %zu-byte "
					     "manifest", ull(s->filesz), ull(s->paddr), sizeof(*m));
	/* elf64_parse() checked that [offset, +filesz) lies inside the buffer. */
	memcpy(m, buf + s->offset, sizeof(*m));
	return 0;
}

int payload_image_parse(const void *buf, size_t len, uint16_t machine, const char *arch,
			struct payload_image *out, char *err, size_t err_len)
{
	struct manifest_ctx c = { 0, err, err_len };
	struct anvil_manifest *m = &out->manifest;

	memset(&out->manifest, 0, sizeof(out->manifest));
	if (elf64_parse(buf, len, machine, &out->elf, err, err_len) != 0)
		return -1;
	if (manifest_read(buf, &out->elf, &c, m) || manifest_check_header(&c, m) ||
	    manifest_check_name(&c, m) || manifest_check_arch(&c, m, arch) ||
	    manifest_check_fields(&c, m) || manifest_check_segments(&c, &out->elf, m->mem_kib))
		return -1;
	return 0;
}

static const struct {
	uint64_t bit;
	const char *name;
} manifest_features[] = {
	{ ANVIL_FEAT_SVM, "svm" },
	{ ANVIL_FEAT_NPT, "npt" },
	{ ANVIL_FEAT_NRIPS, "nrips" },
	{ ANVIL_FEAT_VMCB_CLEAN, "vmcb_clean" },
	{ ANVIL_FEAT_NESTED_SVM, "nested_svm" },
	{ ANVIL_FEAT_VMX, "vmx" },
	{ ANVIL_FEAT_EPT, "ept" },
	{ ANVIL_FEAT_VPID, "vpid" },
	{ ANVIL_FEAT_SPP, "spp" },
	{ ANVIL_FEAT_VIRT, "virt" },
	{ ANVIL_FEAT_NESTED_PAGING, "nested_paging" },
};

/* Append to buf (always NUL-terminated, silently cut when full). */
__attribute__((format(printf, 4, 5)))
static void manifest_append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

void manifest_feature_names(uint64_t features, char *buf, size_t len)
{
	size_t used = 0;
	uint64_t rest = features;

	if (!buf || !len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(manifest_features) / sizeof(manifest_features[0]); i++) {
		if (!(features & manifest_features[i].bit))
			continue;
		manifest_append(buf, len, &used, "%s%s", used ? "," : "",
				manifest_features[i].name);
		rest &= ~manifest_features[i].bit;
	}
	/* Bits this hypervisor has no name for are still shown, by number. */
	for (unsigned bit = 0; bit < 64; bit++) {
		if (rest & (1ull << bit))
			manifest_append(buf, len, &used, "%sbit%u", used ? "," : "", bit);
	}
}

const char *manifest_expect_name(uint32_t expect)
{
	static const char *const names[] = {
		[ANVIL_EXPECT_PASS] = "pass",
		[ANVIL_EXPECT_TRIPLE_FAULT] = "triple fault",
		[ANVIL_EXPECT_TIMEOUT] = "timeout",
		[ANVIL_EXPECT_BAD_MEMORY] = "bad memory",
		[ANVIL_EXPECT_BAD_HYPERCALL] = "bad hypercall",
	};

	return expect < sizeof(names) / sizeof(names[0]) ? names[expect] : "invalid";
}
