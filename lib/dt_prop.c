// SPDX-License-Identifier: MIT
/*
 * Device-tree reading helpers over libfdt: the error line, string and cell
 * properties, status, and addresses (reg against the parent's
 * #address-cells/#size-cells, translated through every parent's ranges).
 */
#include "dt_internal.h"

#include <anvil/strbuf.h>

#include <libfdt.h>
#include <string.h>

/* ---- Error lines: "dt: <node path>: <what>" ---- */

/* What one byte of blob text takes in an error line. */
static size_t esc_len(unsigned char ch)
{
	return ch == '\\' ? 2 : (ch >= 0x20 && ch < 0x7f) ? 1 : 4;
}

static void esc_put(struct strbuf *sb, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";

	if (ch == '\\') {
		sb_str(sb, "\\\\");
	} else if (ch >= 0x20 && ch < 0x7f) {
		sb_char(sb, (char)ch);
	} else {
		sb_str(sb, "\\x");
		sb_char(sb, hex[ch >> 4]);
		sb_char(sb, hex[ch & 15]);
	}
}

static size_t text_len(const char *s, size_t n, size_t *bytes)
{
	size_t out = 0, i;

	for (i = 0; i < n && s[i]; i++)
		out += esc_len((unsigned char)s[i]);
	*bytes = i;
	return out;
}

/* At most max characters: the whole text, or its start (tail: its end) and "...". */
static void put_text(struct strbuf *sb, const char *s, size_t n, size_t max, bool tail)
{
	size_t i, used = 0, total = text_len(s, n, &n);

	if (total <= max) {
		for (i = 0; i < n; i++)
			esc_put(sb, (unsigned char)s[i]);
		return;
	}
	if (tail) {
		for (i = 0; total - used > max - 3; i++)
			used += esc_len((unsigned char)s[i]);
		sb_str(sb, "...");
		for (; i < n; i++)
			esc_put(sb, (unsigned char)s[i]);
		return;
	}
	for (i = 0; used + esc_len((unsigned char)s[i]) <= max - 3; i++) {
		used += esc_len((unsigned char)s[i]);
		esc_put(sb, (unsigned char)s[i]);
	}
	sb_str(sb, "...");
}

void dt_err_text(struct strbuf *sb, const char *s, size_t n)
{
	put_text(sb, s, n, DT_ERR_TEXT_MAX, false);
}

void dt_err_begin(const struct dt_ctx *c, struct strbuf *sb, int node)
{
	char path[DT_PATH_MAX];

	sb_init(sb, c->err, c->err_len);
	sb_str(sb, "dt: ");
	if (node < 0)
		return;
	if (fdt_get_path(c->fdt, node, path, sizeof(path)) == 0) {
		put_text(sb, path, sizeof(path), DT_ERR_PATH_MAX, true);
	} else {
		sb_str(sb, "node at structure offset ");
		sb_hex(sb, (uint64_t)node, 1);
	}
	sb_str(sb, ": ");
}

int dt_fail(const struct dt_ctx *c, int node, const char *what)
{
	struct strbuf sb;

	dt_err_begin(c, &sb, node);
	sb_str(&sb, what);
	return -1;
}

/* "<before><n><after>", n in decimal. */
int dt_fail_num(const struct dt_ctx *c, int node, const char *before, uint64_t n,
		const char *after)
{
	struct strbuf sb;

	dt_err_begin(c, &sb, node);
	sb_str(&sb, before);
	sb_dec(&sb, n);
	sb_str(&sb, after);
	return -1;
}

/* "<what> (FDT_ERR_...)" for a libfdt error code. */
int dt_fail_fdt(const struct dt_ctx *c, int node, const char *what, int code)
{
	struct strbuf sb;

	dt_err_begin(c, &sb, node);
	sb_str(&sb, what);
	sb_str(&sb, " (");
	sb_str(&sb, fdt_strerror(code));
	sb_char(&sb, ')');
	return -1;
}

/* ---- Properties ---- */

bool dt_enabled(const struct dt_ctx *c, int node)
{
	int len;
	const char *s = fdt_getprop(c->fdt, node, "status", &len);

	if (!s)
		return true;
	return (len == 5 && memcmp(s, "okay", 5) == 0) || (len == 3 && memcmp(s, "ok", 3) == 0);
}

/*
 * A string property: *s NULL if absent, else a NUL-terminated value (the
 * first string of a list). -1 if it is there but not terminated.
 */
int dt_get_string(const struct dt_ctx *c, int node, const char *name, const char **s)
{
	int len;
	const char *p = fdt_getprop(c->fdt, node, name, &len);

	*s = NULL;
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 : dt_fail_fdt(c, node, name, len);
	if (len <= 0 || !memchr(p, '\0', (size_t)len)) {
		struct strbuf sb;

		dt_err_begin(c, &sb, node);
		sb_str(&sb, name);
		sb_str(&sb, " is not a NUL-terminated string");
		return -1;
	}
	*s = p;
	return 0;
}

/* A one-cell property: *v, or dflt if absent. -1 if it is not exactly one cell. */
int dt_get_u32(const struct dt_ctx *c, int node, const char *name, uint32_t dflt, uint32_t *v)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, name, &len);

	*v = dflt;
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 : dt_fail_fdt(c, node, name, len);
	if (len != 4) {
		struct strbuf sb;

		dt_err_begin(c, &sb, node);
		sb_str(&sb, name);
		sb_str(&sb, " is ");
		sb_dec(&sb, (uint64_t)len);
		sb_str(&sb, " bytes, not one cell");
		return -1;
	}
	*v = fdt32_ld(p);
	return 0;
}

uint64_t dt_read_cells(const fdt32_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(p + i);
	return v;
}

/* ---- Addresses: reg, #address-cells / #size-cells, ranges ---- */

/* The cells bus gives its children; addresses and sizes must fit 64 bits. */
static int bus_cells(const struct dt_ctx *c, int bus, struct dt_cells *k)
{
	uint32_t ac, sc;

	if (dt_get_u32(c, bus, "#address-cells", 2, &ac) || dt_get_u32(c, bus, "#size-cells", 1, &sc))
		return -1;
	if (ac < 1 || ac > 2)
		return dt_fail_num(c, bus, "#address-cells is ", ac, ": only 1 or 2 are supported");
	if (sc > 2)
		return dt_fail_num(c, bus, "#size-cells is ", sc, ": only 0, 1 or 2 are supported");
	k->ac = ac;
	k->sc = sc;
	return 0;
}

/* The entry of ranges (child address, parent address, size) on bus that holds *addr; translate it. */
static int translate_one(const struct dt_ctx *c, int bus, int grand, uint64_t *addr)
{
	struct dt_cells child, parent;
	int len;
	const fdt32_t *r = fdt_getprop(c->fdt, bus, "ranges", &len);
	unsigned entry;

	if (!r)
		return dt_fail(c, bus, "no ranges property: its children's addresses cannot be translated");
	if (len == 0)
		return 0; /* identity */
	if (bus_cells(c, bus, &child) || bus_cells(c, grand, &parent))
		return -1;
	entry = (child.ac + parent.ac + child.sc) * 4u;
	if ((unsigned)len % entry)
		return dt_fail_num(c, bus, "ranges is ", (uint64_t)len, " bytes, not a multiple of its entry size");
	for (unsigned i = 0; i < (unsigned)len / entry; i++) {
		const fdt32_t *e = r + i * (entry / 4u);
		uint64_t cbase = dt_read_cells(e, child.ac);
		uint64_t pbase = dt_read_cells(e + child.ac, parent.ac);
		uint64_t size = dt_read_cells(e + child.ac + parent.ac, child.sc);

		if (*addr >= cbase && *addr - cbase < size) {
			*addr = pbase + (*addr - cbase);
			return 0;
		}
	}
	{
		struct strbuf sb;

		dt_err_begin(c, &sb, bus);
		sb_str(&sb, "address ");
		sb_hex(&sb, *addr, 1);
		sb_str(&sb, " of a child is outside every ranges entry");
	}
	return -1;
}

/* A bus address of node's reg into a CPU physical address, through every parent's ranges. */
static int translate(const struct dt_ctx *c, int node, uint64_t *addr)
{
	int bus = fdt_parent_offset(c->fdt, node);

	while (bus > 0) { /* the root (offset 0) translates nothing */
		int grand = fdt_parent_offset(c->fdt, bus);

		if (grand < 0)
			return dt_fail_fdt(c, bus, "no parent", grand);
		if (translate_one(c, bus, grand, addr))
			return -1;
		bus = grand;
	}
	return 0;
}

/* node's reg property, checked against its parent's cells; count 0 if absent and !required. */
int dt_reg_open(const struct dt_ctx *c, int node, bool required, struct dt_reg *r)
{
	int len, parent = fdt_parent_offset(c->fdt, node);
	unsigned entry;

	memset(r, 0, sizeof(*r));
	r->node = node;
	if (parent < 0)
		return dt_fail_fdt(c, node, "no parent", parent);
	if (bus_cells(c, parent, &r->k))
		return -1;
	r->cells = fdt_getprop(c->fdt, node, "reg", &len);
	if (!r->cells) {
		if (len != -FDT_ERR_NOTFOUND)
			return dt_fail_fdt(c, node, "reg", len);
		return required ? dt_fail(c, node, "no reg property") : 0;
	}
	entry = (r->k.ac + r->k.sc) * 4u;
	if (len == 0 || (unsigned)len % entry) {
		struct strbuf sb;

		dt_err_begin(c, &sb, node);
		sb_str(&sb, "reg is ");
		sb_dec(&sb, (uint64_t)len);
		sb_str(&sb, " bytes, not a multiple of ");
		sb_dec(&sb, entry);
		sb_str(&sb, " (#address-cells ");
		sb_dec(&sb, r->k.ac);
		sb_str(&sb, ", #size-cells ");
		sb_dec(&sb, r->k.sc);
		sb_str(&sb, " of its parent)");
		return -1;
	}
	r->count = (unsigned)len / entry;
	return 0;
}

/* Entry i of an opened reg, its address translated to the CPU's. */
int dt_reg_get(const struct dt_ctx *c, const struct dt_reg *r, unsigned i, struct dt_range *out)
{
	const fdt32_t *e = r->cells + i * (r->k.ac + r->k.sc);

	out->base = dt_read_cells(e, r->k.ac);
	out->size = dt_read_cells(e + r->k.ac, r->k.sc);
	if (out->size && out->base + (out->size - 1u) < out->base)
		return dt_fail_num(c, r->node, "reg entry ", i, " runs past the end of the address space");
	if (translate(c, r->node, &out->base))
		return -1;
	/* A parent's ranges may move it up to where it no longer fits. */
	if (out->size && out->base + (out->size - 1u) < out->base)
		return dt_fail_num(c, r->node, "reg entry ", i,
				   " runs past the end of the address space once translated");
	return 0;
}
