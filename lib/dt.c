// SPDX-License-Identifier: MIT
/*
 * The device tree, read through libfdt into struct dt_platform: the blob is
 * validated whole first (header, size, every tag), then each part is
 * looked up by path, compatible or device_type. Every error names the node
 * path (or the offset) and what is wrong.
 */
#include "dt_internal.h"

#include <anvil/strbuf.h>

#include <libfdt.h>
#include <stdint.h>
#include <string.h>

/* ---- /memory and reserved memory ---- */

static int add_range(const struct dt_ctx *c, int node, struct dt_range *list, unsigned *count,
		     unsigned max, const struct dt_range *r, const char *what)
{
	if (*count >= max) {
		struct strbuf sb;

		dt_err_begin(c, &sb, node);
		sb_str(&sb, "more than ");
		sb_dec(&sb, max);
		sb_char(&sb, ' ');
		sb_str(&sb, what);
		sb_str(&sb, " ranges");
		return -1;
	}
	list[(*count)++] = *r;
	return 0;
}

/* Every reg entry of node (non-empty ones) into list. */
static int add_reg_ranges(const struct dt_ctx *c, int node, bool required, struct dt_range *list,
			  unsigned *count, unsigned max, const char *what)
{
	struct dt_reg r;
	struct dt_range range;

	if (dt_reg_open(c, node, required, &r))
		return -1;
	for (unsigned i = 0; i < r.count; i++) {
		if (dt_reg_get(c, &r, i, &range))
			return -1;
		if (range.size && add_range(c, node, list, count, max, &range, what))
			return -1;
	}
	return 0;
}

static int parse_memory(const struct dt_ctx *c)
{
	struct dt_platform *o = c->out;
	int node;

	for (node = fdt_node_offset_by_prop_value(c->fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(c->fdt, node, "device_type", "memory", 7))
		if (dt_enabled(c, node) &&
		    add_reg_ranges(c, node, true, o->mem, &o->mem_count, DT_MAX_MEM, "memory"))
			return -1;
	return node == -FDT_ERR_NOTFOUND ? 0 : dt_fail_fdt(c, -1, "looking for memory nodes", node);
}

static int parse_reserved(const struct dt_ctx *c)
{
	struct dt_platform *o = c->out;
	int n = fdt_num_mem_rsv(c->fdt), node, child;

	if (n < 0)
		return dt_fail_fdt(c, -1, "memory reservation block", n);
	for (int i = 0; i < n; i++) {
		struct dt_range r;
		int rc = fdt_get_mem_rsv(c->fdt, i, &r.base, &r.size);

		if (rc)
			return dt_fail_fdt(c, -1, "memory reservation block", rc);
		if (r.size && r.base + (r.size - 1u) < r.base) { /* as a reg entry may not */
			struct strbuf sb;

			dt_err_begin(c, &sb, -1);
			sb_str(&sb, "memory reservation block entry ");
			sb_dec(&sb, (uint64_t)i);
			sb_str(&sb, " runs past the end of the address space (");
			sb_hex(&sb, r.base, 1);
			sb_str(&sb, " + ");
			sb_hex(&sb, r.size, 1);
			sb_char(&sb, ')');
			return -1;
		}
		if (r.size && add_range(c, -1, o->reserved, &o->reserved_count, DT_MAX_RESERVED, &r,
					"reserved"))
			return -1;
	}
	o->rsvmap_count = o->reserved_count;
	node = fdt_path_offset(c->fdt, "/reserved-memory");
	if (node < 0)
		return 0;
	/* Regions without reg (dynamically placed: size + alloc-ranges) hold nothing fixed. */
	fdt_for_each_subnode(child, c->fdt, node)
		if (dt_enabled(c, child) && add_reg_ranges(c, child, false, o->reserved,
							   &o->reserved_count, DT_MAX_RESERVED,
							   "reserved"))
			return -1;
	return 0;
}

/* ---- PSCI ---- */

static const struct {
	const char *compatible;
	unsigned major, minor;
} psci_compat[] = {
	{ "arm,psci-1.0", 1, 0 },
	{ "arm,psci-0.2", 0, 2 },
	{ "arm,psci", 0, 1 },
};

static int parse_psci(const struct dt_ctx *c)
{
	struct dt_psci *p = &c->out->psci;
	const char *method;
	int node = -1;
	size_t i;

	for (i = 0; i < sizeof(psci_compat) / sizeof(psci_compat[0]) && node < 0; i++)
		node = fdt_node_offset_by_compatible(c->fdt, -1, psci_compat[i].compatible);
	if (node < 0 || !dt_enabled(c, node))
		return 0;
	if (dt_get_string(c, node, "method", &method))
		return -1;
	if (!method)
		return dt_fail(c, node, "PSCI node has no method property (\"smc\" or \"hvc\")");
	if (strcmp(method, "smc") == 0) {
		p->method = DT_PSCI_SMC;
	} else if (strcmp(method, "hvc") == 0) {
		p->method = DT_PSCI_HVC;
	} else {
		struct strbuf sb;

		dt_err_begin(c, &sb, node);
		sb_str(&sb, "method is \"");
		dt_err_text(&sb, method, SIZE_MAX);
		sb_str(&sb, "\", not \"smc\" or \"hvc\"");
		return -1;
	}
	p->major = psci_compat[i - 1].major;
	p->minor = psci_compat[i - 1].minor;
	return 0;
}

/* ---- /chosen bootargs ---- */

static int parse_bootargs(const struct dt_ctx *c)
{
	struct dt_platform *o = c->out;
	int chosen = fdt_path_offset(c->fdt, "/chosen");
	const char *args;
	size_t len;

	if (chosen < 0)
		return 0;
	if (dt_get_string(c, chosen, "bootargs", &args))
		return -1;
	if (!args)
		return 0;
	len = strlen(args);
	if (len >= sizeof(o->bootargs))
		return dt_fail_num(c, chosen, "bootargs is longer than the ", sizeof(o->bootargs) - 1,
				   " characters supported");
	memcpy(o->bootargs, args, len + 1);
	o->has_bootargs = true;
	return 0;
}

int dt_parse(const void *fdt, size_t max_size, struct dt_platform *out, char *err, size_t err_len)
{
	struct dt_ctx c = { .fdt = fdt, .out = out, .err = err, .err_len = err_len, .gic_node = -1 };

	memset(out, 0, sizeof(*out));
	if (err && err_len)
		err[0] = '\0';
	if (dt_check_blob(&c, max_size) || parse_memory(&c) || parse_reserved(&c) ||
	    dt_parse_console(&c) || dt_parse_gic(&c) || dt_parse_timer(&c) || parse_psci(&c) ||
	    parse_bootargs(&c)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->totalsize = fdt_totalsize(fdt);
	return 0;
}

const char *dt_gic_name(enum dt_gic_version v)
{
	switch (v) {
	case DT_GIC_V2: return "GICv2";
	case DT_GIC_V3: return "GICv3";
	case DT_GIC_NONE: break;
	}
	return "none";
}

const char *dt_psci_method_name(enum dt_psci_method m)
{
	switch (m) {
	case DT_PSCI_SMC: return "smc";
	case DT_PSCI_HVC: return "hvc";
	case DT_PSCI_NONE: break;
	}
	return "none";
}
