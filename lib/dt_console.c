// SPDX-License-Identifier: MIT
/*
 * The console: /chosen stdout-path (a path or an /aliases name, then
 * options), else the first enabled PL011; its reg translated to the CPU's.
 */
#include "dt_internal.h"

#include <anvil/strbuf.h>

#include <libfdt.h>
#include <stdint.h>
#include <string.h>


static int console_at(const struct dt_ctx *c, int node, bool from_stdout_path)
{
	struct dt_uart *u = &c->out->console;
	struct dt_reg r;
	int rc;

	if (!dt_enabled(c, node))
		return dt_fail(c, node, "the console (stdout-path) is disabled");
	if (dt_reg_open(c, node, true, &r) || dt_reg_get(c, &r, 0, &u->reg))
		return -1;
	rc = fdt_get_path(c->fdt, node, u->path, sizeof(u->path));
	if (rc)
		return dt_fail_fdt(c, node, "console path", rc);
	u->present = true;
	u->pl011 = fdt_node_check_compatible(c->fdt, node, "arm,pl011") == 0;
	u->from_stdout_path = from_stdout_path;
	return 0;
}

/* The options after ':' ("115200n8"): kept as written, the leading digits as the baud rate. */
static int console_options(const struct dt_ctx *c, int chosen, const char *opt)
{
	struct dt_uart *u = &c->out->console;
	size_t len = strlen(opt);
	uint64_t baud = 0;

	if (len >= sizeof(u->options))
		return dt_fail_num(c, chosen, "stdout-path options are longer than ", sizeof(u->options) - 1,
				   " characters");
	memcpy(u->options, opt, len + 1);
	for (const char *p = opt; *p >= '0' && *p <= '9'; p++) {
		baud = baud * 10 + (uint64_t)(*p - '0');
		if (baud > UINT32_MAX)
			return dt_fail(c, chosen, "stdout-path baud rate is out of range");
	}
	u->baud = (uint32_t)baud;
	return 0;
}

/* The length of the alias name that starts stdout-path sp (its node part plen long). */
static size_t alias_len(const char *sp, size_t plen)
{
	const char *slash = memchr(sp, '/', plen);

	return slash ? (size_t)(slash - sp) : plen;
}

/* "dt: /chosen: stdout-path "<sp>"" */
static void stdout_path_err(const struct dt_ctx *c, struct strbuf *sb, int chosen, const char *sp)
{
	dt_err_begin(c, sb, chosen);
	sb_str(sb, "stdout-path \"");
	dt_err_text(sb, sp, SIZE_MAX);
	sb_char(sb, '"');
}

/*
 * *alias: what the alias that starts stdout-path stands for; NULL when it
 * starts with '/'. The value must be a NUL-terminated absolute path (as the
 * Devicetree Specification 3.3 has it): libfdt (1.6.1, and Linux's copy the
 * kernel builds) resolves an alias by looking its value up as a path,
 * aliases included, so one that is not absolute recurses (one naming
 * itself until the stack is gone), and its strlen runs off one without a
 * NUL.
 */
static int stdout_alias(const struct dt_ctx *c, int chosen, const char *sp, size_t plen,
			const char **alias)
{
	size_t alen = alias_len(sp, plen);
	int aliases, len = 0;
	const char *v = NULL;
	struct strbuf sb;

	*alias = NULL;
	if (sp[0] == '/')
		return 0;
	aliases = fdt_path_offset(c->fdt, "/aliases");
	if (aliases >= 0)
		v = fdt_getprop_namelen(c->fdt, aliases, sp, (int)alen, &len);
	if (v && len > 0 && memchr(v, '\0', (size_t)len) && v[0] == '/') {
		*alias = v;
		return 0;
	}
	stdout_path_err(c, &sb, chosen, sp);
	if (!v) {
		sb_str(&sb, " names an alias that /aliases does not have");
		return -1;
	}
	sb_str(&sb, ": alias ");
	dt_err_text(&sb, sp, alen);
	if (len <= 0 || !memchr(v, '\0', (size_t)len)) {
		sb_str(&sb, " is not a NUL-terminated string");
		return -1;
	}
	sb_str(&sb, " is \"");
	dt_err_text(&sb, v, SIZE_MAX);
	sb_str(&sb, "\", not an absolute path");
	return -1;
}

/* stdout-path sp (its node part plen long, through alias if one) names no node: code says why. */
static int fail_stdout_node(const struct dt_ctx *c, int chosen, const char *sp, size_t plen,
			    const char *alias, int code)
{
	struct strbuf sb;

	stdout_path_err(c, &sb, chosen, sp);
	if (alias) {
		sb_str(&sb, " (");
		dt_err_text(&sb, sp, alias_len(sp, plen));
		sb_str(&sb, " = \"");
		dt_err_text(&sb, alias, SIZE_MAX);
		sb_str(&sb, "\")");
	}
	sb_str(&sb, " names a node that is not in the tree (");
	sb_str(&sb, fdt_strerror(code));
	sb_char(&sb, ')');
	return -1;
}

/* "path-or-alias[:options]" (Devicetree Specification 3.6, /chosen stdout-path). */
static int console_from_stdout_path(const struct dt_ctx *c, int chosen, const char *sp)
{
	const char *colon = strchr(sp, ':'), *alias;
	size_t plen = colon ? (size_t)(colon - sp) : strlen(sp);
	int node;

	if (plen == 0)
		return dt_fail(c, chosen, "stdout-path names no node");
	if (stdout_alias(c, chosen, sp, plen, &alias))
		return -1;
	/* libfdt resolves the alias itself (and a path below it). */
	node = fdt_path_offset_namelen(c->fdt, sp, (int)plen);
	if (node < 0)
		return fail_stdout_node(c, chosen, sp, plen, alias, node);
	if (colon && console_options(c, chosen, colon + 1))
		return -1;
	return console_at(c, node, true);
}

int dt_parse_console(const struct dt_ctx *c)
{
	int chosen = fdt_path_offset(c->fdt, "/chosen");
	const char *sp = NULL;
	int node;

	if (chosen >= 0 && (dt_get_string(c, chosen, "stdout-path", &sp) ||
			    (!sp && dt_get_string(c, chosen, "linux,stdout-path", &sp))))
		return -1;
	if (sp)
		return console_from_stdout_path(c, chosen, sp);
	/* No stdout-path: the first enabled PL011, if any. */
	for (node = fdt_node_offset_by_compatible(c->fdt, -1, "arm,pl011"); node >= 0;
	     node = fdt_node_offset_by_compatible(c->fdt, node, "arm,pl011"))
		if (dt_enabled(c, node))
			return console_at(c, node, false);
	return 0;
}
