// SPDX-License-Identifier: MIT
/*
 * The blob as a whole, before any node is read: the header (libfdt), its
 * size against what the caller can read, and every tag of the structure
 * block.
 */
#include "dt_internal.h"

#include <anvil/strbuf.h>

#include <libfdt.h>
#include <stdint.h>
#include <string.h>

/* ---- The blob as a whole ---- */

static int fail_header(const struct dt_ctx *c, int code)
{
	struct strbuf sb;

	if (code != -FDT_ERR_BADMAGIC)
		return dt_fail_fdt(c, -1, "bad header", code);
	dt_err_begin(c, &sb, -1);
	sb_str(&sb, "bad magic ");
	sb_hex(&sb, fdt_magic(c->fdt), 8);
	sb_str(&sb, " (want 0xd00dfeed): not a device tree blob");
	return -1;
}

/*
 * The structure block is damaged at offset: say what (a libfdt error name
 * or a sentence), where, and in or after which node (its name, when that
 * node's own tag is still readable).
 */
static int fail_structure(const struct dt_ctx *c, int offset, int last_node, const char *what)
{
	struct strbuf sb;
	const char *name = last_node >= 0 ? fdt_get_name(c->fdt, last_node, NULL) : NULL;

	dt_err_begin(c, &sb, -1);
	sb_str(&sb, "structure block is invalid (");
	sb_str(&sb, what);
	sb_str(&sb, ") at structure offset ");
	sb_hex(&sb, (uint64_t)offset, 1);
	if (name) {
		sb_str(&sb, ", in or after node \"");
		if (*name)
			dt_err_text(&sb, name, SIZE_MAX);
		else
			sb_char(&sb, '/');
		sb_char(&sb, '"');
	}
	return -1;
}

/*
 * Walk every tag of the structure block with libfdt's iterator, as
 * fdt_check_full() does (which not every libfdt copy carries): tags in
 * bounds, each past the one before, one root and without a name, nodes
 * balanced, every node name and property (its name in the strings block,
 * its length not negative, its value in bounds) readable, FDT_END at depth
 * 0. After this, libfdt's lookups cannot run off the blob.
 */
static int check_tree(const struct dt_ctx *c)
{
	int offset = 0, next = 0, depth = 0, last_node = -1, roots = 0, len;
	const char *name;
	uint32_t tag;

	for (;; offset = next) {
		tag = fdt_next_tag(c->fdt, offset, &next);
		if (next < 0)
			return fail_structure(c, offset, last_node, fdt_strerror(next));
		if (tag == FDT_BEGIN_NODE) {
			if (depth == 0 && roots++)
				return fail_structure(c, offset, last_node, "a second root node");
			if (!fdt_get_name(c->fdt, offset, &len))
				return fail_structure(c, offset, last_node, fdt_strerror(len));
			/* Devicetree Specification 5.4.1: every path starts at the unnamed root. */
			if (depth == 0 && len != 0)
				return fail_structure(c, offset, last_node, "the root node has a name");
			depth++;
			last_node = offset;
		} else if (tag == FDT_END_NODE) {
			if (--depth < 0)
				return fail_structure(c, offset, last_node, "end of a node never begun");
		} else if (tag == FDT_PROP) {
			if (depth == 0)
				return fail_structure(c, offset, last_node, "a property outside every node");
			/* with a name pointer, libfdt also checks the name in the strings block */
			if (!fdt_getprop_by_offset(c->fdt, offset, &name, &len))
				return fail_structure(c, offset, last_node, fdt_strerror(len));
			/*
			 * libfdt adds the length field to the offset as it is: a
			 * negative one passes its bounds checks and steps back
			 * (0xfffffff4 onto the same tag again, for ever).
			 */
			if (len < 0)
				return fail_structure(c, offset, last_node, "a property of negative length");
		} else if (tag == FDT_END) {
			if (depth != 0 || !roots)
				return fail_structure(c, offset, last_node, "the block ends inside a node");
			return 0;
		}
		if (next <= offset)
			return fail_structure(c, offset, last_node, "a tag that does not advance");
	}
}

int dt_check_blob(const struct dt_ctx *c, size_t max_size)
{
	struct strbuf sb;
	int rc;

	if (!c->fdt)
		return dt_fail(c, -1, "no blob (NULL pointer)");
	if (max_size < sizeof(struct fdt_header))
		return dt_fail_num(c, -1, "blob truncated: ", max_size,
				   " bytes readable, the header alone is 40");
	rc = fdt_check_header(c->fdt);
	if (rc)
		return fail_header(c, rc);
	if (fdt_totalsize(c->fdt) > max_size) {
		dt_err_begin(c, &sb, -1);
		sb_str(&sb, "totalsize ");
		sb_hex(&sb, fdt_totalsize(c->fdt), 1);
		sb_str(&sb, " is more than the ");
		sb_hex(&sb, max_size, 1);
		sb_str(&sb, " bytes readable (truncated blob, or a wrong totalsize)");
		return -1;
	}
	return check_tree(c);
}
