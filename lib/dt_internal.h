/* SPDX-License-Identifier: MIT */
/*
 * What the lib/dt*.c files share, and nothing outside them uses: the parse
 * context, the error line, property and address helpers. The interface is
 * <anvil/dt.h>.
 */
#ifndef ANVIL_DT_INTERNAL_H
#define ANVIL_DT_INTERNAL_H

#include <anvil/dt.h>
#include <anvil/strbuf.h>

#include <libfdt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_ctx {
	const void *fdt;
	struct dt_platform *out;
	char *err;
	size_t err_len;
	int gic_node;          /* the GIC's offset, -1 if none */
};

/*
 * Text from the blob in an error line: printable ASCII as it is, a
 * backslash doubled, every other byte \xNN, so the line stays one line of
 * printable characters whatever the names and strings hold. At most
 * DT_ERR_TEXT_MAX characters of a string (its start, then "..."), and
 * DT_ERR_PATH_MAX of a node path ("...", then its end): with them the
 * longest line fits DT_ERR_MAX.
 */
#define DT_ERR_TEXT_MAX 32u
#define DT_ERR_PATH_MAX 64u
/* n bytes of s (a NUL ends it sooner), escaped, its start if too long. */
void dt_err_text(struct strbuf *sb, const char *s, size_t n);

/* Start the error line "dt: <node path>: " ("dt: " alone for node < 0) in sb. */
void dt_err_begin(const struct dt_ctx *c, struct strbuf *sb, int node);
/* The whole line "dt: <path>: <what>"; -1. */
int dt_fail(const struct dt_ctx *c, int node, const char *what);
/* "... <before><n><after>", n in decimal; -1. */
int dt_fail_num(const struct dt_ctx *c, int node, const char *before, uint64_t n, const char *after);
/* "... <what> (FDT_ERR_...)"; -1. */
int dt_fail_fdt(const struct dt_ctx *c, int node, const char *what, int code);

/* status absent, "okay" or "ok". */
bool dt_enabled(const struct dt_ctx *c, int node);
/* A string property: *s NULL if absent; -1 if present but not NUL-terminated. */
int dt_get_string(const struct dt_ctx *c, int node, const char *name, const char **s);
/* A one-cell property: *v, or dflt if absent; -1 if not exactly one cell. */
int dt_get_u32(const struct dt_ctx *c, int node, const char *name, uint32_t dflt, uint32_t *v);
/* n (<= 2) big-endian cells as one number. */
uint64_t dt_read_cells(const fdt32_t *p, unsigned n);

struct dt_cells {
	unsigned ac, sc;       /* #address-cells and #size-cells a bus gives its children */
};

struct dt_reg {
	int node;
	const fdt32_t *cells;
	struct dt_cells k;
	unsigned count;        /* entries */
};

/* node's reg, checked against its parent's cells; count 0 if absent and !required. */
int dt_reg_open(const struct dt_ctx *c, int node, bool required, struct dt_reg *r);
/* Entry i of an opened reg, its address translated through every parent's ranges. */
int dt_reg_get(const struct dt_ctx *c, const struct dt_reg *r, unsigned i, struct dt_range *out);

/* The parts, each filling its piece of c->out; 0 or -1 with the error line. */
int dt_check_blob(const struct dt_ctx *c, size_t max_size);
int dt_parse_console(const struct dt_ctx *c);
int dt_parse_gic(struct dt_ctx *c);
int dt_parse_timer(const struct dt_ctx *c);

#endif
