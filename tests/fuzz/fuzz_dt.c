/* SPDX-License-Identifier: MIT */
/*
 * lib/dt.c, dt_blob.c, dt_prop.c, dt_console.c, dt_gic.c: the device tree
 * the boot loader or the firmware hands the arm64 kernel, read through the
 * host's libfdt.
 *
 * Input: a flags byte (dt_input.h: which error buffer), then the blob; all
 * of it is readable and nothing more. The blob ends against a PROT_NONE
 * page and the bytes around it are ASan-poisoned, so a read past its end
 * faults even from libfdt, whose code is not instrumented (and ASan's
 * string interceptors check libfdt's strlen/memchr/memcmp too).
 *
 * Invariants: 0 or -1 only. A refused blob leaves *out all zero (it was
 * filled with garbage first) and one line in the buffer: "dt: " and what
 * is wrong, printable ASCII only (no line break a console would split it
 * at), shorter than DT_ERR_MAX (dt.h: a buffer that long always holds the
 * whole line); a smaller buffer holds its prefix, terminated; the result
 * does not depend on the buffer (none, small, exact, large). An accepted
 * blob leaves the buffer empty and *out within its stated bounds: counts
 * within their arrays and the entries past them zero; every range non-empty
 * where counted and not running past 2^64; the reservation block's entries
 * re-read here from the blob, in order, inside totalsize; strings
 * terminated in their fields, paths absolute; interrupts of a valid type
 * for the GIC version, number within the type's range, INTID = base +
 * number, trigger within its mask, a CPU mask only on a GICv2 PPI; absent
 * parts all zero; totalsize the header's and within the input. Checked
 * against libfdt here: a GIC is found exactly when an enabled node has one
 * of the three compatibles, of the version of the first compatible in the
 * parser's order that has one; bootargs equal /chosen's property; PSCI's
 * method and version those of an enabled PSCI node.
 */
#include <anvil/dt.h>

#include <libfdt.h>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dt_input.h"
#include "fuzz.h"

#define REGION (128u << 10) /* the guarded copy; a longer input gets a heap copy */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* [guard page][REGION bytes][guard page], mapped once. */
static uint8_t *region(void)
{
	static uint8_t *data;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (!data) {
		uint8_t *m = mmap(NULL, REGION + 2 * page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		FUZZ_CHECK(m != MAP_FAILED, "mmap of the guarded region failed");
		FUZZ_CHECK(mprotect(m, page, PROT_NONE) == 0 &&
				   mprotect(m + page + REGION, page, PROT_NONE) == 0,
			   "mprotect of the guard pages failed");
		data = m + page;
	}
	return data;
}

/* The blob's n bytes, 8-byte aligned (libfdt wants that), ending as close to the guard as that allows. */
static uint8_t *place(const uint8_t *src, size_t n)
{
	uint8_t *data = region();
	size_t n8 = (n + 7u) & ~(size_t)7u;
	uint8_t *blob = data + REGION - n8;

	ASAN_UNPOISON_MEMORY_REGION(data, REGION);
	memset(blob + n, 0, n8 - n);
	if (n)
		memcpy(blob, src, n);
	ASAN_POISON_MEMORY_REGION(data, REGION - n8);
	ASAN_POISON_MEMORY_REGION(blob + n, n8 - n);
	return blob;
}

/* ---- an accepted blob ---------------------------------------------------- */

static void check_range(const struct dt_range *r, bool counted, const char *what, unsigned i)
{
	if (counted)
		FUZZ_CHECK(r->size != 0, "%s[%u] is empty", what, i);
	FUZZ_CHECK(r->size == 0 || r->base + (r->size - 1) >= r->base,
		   "%s[%u] [0x%llx, +0x%llx) runs past 2^64", what, i, (unsigned long long)r->base,
		   (unsigned long long)r->size);
}

static void check_list(const struct dt_range *list, unsigned count, unsigned max, const char *what)
{
	FUZZ_CHECK(count <= max, "%s count %u > %u", what, count, max);
	for (unsigned i = 0; i < max; i++) {
		if (i < count)
			check_range(&list[i], true, what, i);
		else
			FUZZ_CHECK(list[i].base == 0 && list[i].size == 0, "%s[%u] past the count", what, i);
	}
}

/* The reservation block, read here: entries until the one of size 0 (libfdt's terminator). */
static void check_rsvmap(const struct dt_platform *o, const uint8_t *blob)
{
	uint32_t total = be32(blob + 4), off = be32(blob + 16);
	unsigned i = 0;

	for (;; i++) {
		uint64_t at = (uint64_t)off + 16u * i;

		FUZZ_CHECK(at + 16u <= total, "reservation entry %u at 0x%llx is outside totalsize 0x%x",
			   i, (unsigned long long)at, total);
		if (be64(blob + at + 8) == 0)
			break;
		FUZZ_CHECK(i < o->rsvmap_count, "reservation entry %u not reported (%u reported)", i,
			   o->rsvmap_count);
		FUZZ_CHECK(o->reserved[i].base == be64(blob + at) && o->reserved[i].size == be64(blob + at + 8),
			   "reserved[%u] is not reservation entry %u", i, i);
	}
	FUZZ_CHECK(i == o->rsvmap_count, "%u reservation entries, rsvmap_count %u", i, o->rsvmap_count);
	FUZZ_CHECK(o->rsvmap_count <= o->reserved_count, "rsvmap_count %u > reserved_count %u",
		   o->rsvmap_count, o->reserved_count);
}

static void check_string(const char *s, size_t cap, bool path, const char *what)
{
	FUZZ_CHECK(fz_terminated(s, cap), "%s is not terminated in its %zu bytes", what, cap);
	if (path)
		FUZZ_CHECK(s[0] == '/', "%s \"%s\" is not an absolute path", what, s);
}

static void check_irq(const struct dt_irq *i, enum dt_gic_version v, const char *what)
{
	static const uint32_t max[] = { 987, 15, 1023, 63 }, base[] = { 32, 16, 4096, 1056 };

	if (!i->present) {
		FUZZ_CHECK(all_zero(i, sizeof(*i)), "%s absent but not zero", what);
		return;
	}
	FUZZ_CHECK((unsigned)i->type <= DT_IRQ_EPPI, "%s type %u", what, (unsigned)i->type);
	FUZZ_CHECK(i->type <= DT_IRQ_PPI || v == DT_GIC_V3, "%s: extended type %u without GICv3",
		   what, (unsigned)i->type);
	FUZZ_CHECK(i->number <= max[i->type], "%s number %u > %u", what, i->number, max[i->type]);
	FUZZ_CHECK(i->intid == base[i->type] + i->number, "%s INTID %u for type %u number %u", what,
		   i->intid, (unsigned)i->type, i->number);
	FUZZ_CHECK(i->trigger <= DT_IRQ_TRIGGER_MASK, "%s trigger 0x%x", what, i->trigger);
	FUZZ_CHECK(i->cpu_mask <= 0xffu && (i->cpu_mask == 0 || (v == DT_GIC_V2 && i->type == DT_IRQ_PPI)),
		   "%s CPU mask 0x%x", what, i->cpu_mask);
}

static bool enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	return !s || (len == 5 && memcmp(s, "okay", 5) == 0) || (len == 3 && memcmp(s, "ok", 3) == 0);
}

/* The first enabled node compatible with c, or -1. */
static int find_enabled(const void *fdt, const char *c)
{
	for (int n = fdt_node_offset_by_compatible(fdt, -1, c); n >= 0;
	     n = fdt_node_offset_by_compatible(fdt, n, c))
		if (enabled(fdt, n))
			return n;
	return -1;
}

static void check_gic(const struct dt_platform *o, const void *fdt)
{
	const struct dt_gic *g = &o->gic;
	enum dt_gic_version want = DT_GIC_NONE;

	if (find_enabled(fdt, "arm,gic-v3") >= 0)
		want = DT_GIC_V3;
	else if (find_enabled(fdt, "arm,gic-400") >= 0 || find_enabled(fdt, "arm,cortex-a15-gic") >= 0)
		want = DT_GIC_V2;
	FUZZ_CHECK(g->version == want, "GIC version %d, the tree has %d", (int)g->version, (int)want);
	if (g->version == DT_GIC_NONE) {
		FUZZ_CHECK(all_zero(g, sizeof(*g)), "no GIC, but the GIC fields are set");
		FUZZ_CHECK(!o->timer.present, "a timer without a GIC");
		return;
	}
	check_string(g->path, sizeof(g->path), true, "GIC path");
	FUZZ_CHECK(g->interrupt_cells == 3 || (g->interrupt_cells == 4 && g->version == DT_GIC_V3),
		   "#interrupt-cells %u", g->interrupt_cells);
	check_range(&g->gicd, false, "gicd", 0);
	check_range(&g->gicc, false, "gicc", 0);
	check_range(&g->gich, false, "gich", 0);
	check_range(&g->gicv, false, "gicv", 0);
	if (g->version == DT_GIC_V2) {
		FUZZ_CHECK(g->gicr_count == 0 && all_zero(g->gicr, sizeof(g->gicr)), "GICv2 with GICRs");
	} else {
		FUZZ_CHECK(g->gicr_count >= 1 && g->gicr_count <= DT_MAX_GICR, "gicr_count %u",
			   g->gicr_count);
		for (unsigned i = 0; i < DT_MAX_GICR; i++) {
			if (i < g->gicr_count)
				check_range(&g->gicr[i], false, "gicr", i);
			else
				FUZZ_CHECK(g->gicr[i].base == 0 && g->gicr[i].size == 0, "gicr[%u] past the count", i);
		}
		FUZZ_CHECK(g->virt == g->maintenance.present, "GICv3 virt %d, maintenance %d", g->virt,
			   g->maintenance.present);
	}
	check_irq(&g->maintenance, g->version, "maintenance interrupt");
}

static void check_timer(const struct dt_platform *o, const void *fdt)
{
	const struct dt_timer *t = &o->timer;

	if (!t->present) {
		FUZZ_CHECK(all_zero(t, sizeof(*t)), "no timer, but timer fields are set");
		return;
	}
	FUZZ_CHECK(fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer") >= 0 ||
			   fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer") >= 0,
		   "a timer, but no timer node");
	FUZZ_CHECK(t->sec_phys.present && t->phys.present && t->virt.present && t->hyp_phys.present,
		   "timer present without its four interrupts");
	check_irq(&t->sec_phys, o->gic.version, "secure physical timer");
	check_irq(&t->phys, o->gic.version, "physical timer");
	check_irq(&t->virt, o->gic.version, "virtual timer");
	check_irq(&t->hyp_phys, o->gic.version, "hypervisor physical timer");
	check_irq(&t->hyp_virt, o->gic.version, "hypervisor virtual timer");
}

static void check_psci(const struct dt_platform *o, const void *fdt)
{
	const struct dt_psci *p = &o->psci;
	const char *compat, *method;
	int node, len;

	if (p->method == DT_PSCI_NONE) {
		FUZZ_CHECK(p->major == 0 && p->minor == 0, "no PSCI, version %u.%u", p->major, p->minor);
		return;
	}
	FUZZ_CHECK(p->method == DT_PSCI_SMC || p->method == DT_PSCI_HVC, "PSCI method %d", (int)p->method);
	if (p->major == 1 && p->minor == 0)
		compat = "arm,psci-1.0";
	else if (p->major == 0 && p->minor == 2)
		compat = "arm,psci-0.2";
	else if (p->major == 0 && p->minor == 1)
		compat = "arm,psci";
	else
		FUZZ_CHECK(false, "PSCI version %u.%u", p->major, p->minor);
	node = fdt_node_offset_by_compatible(fdt, -1, compat);
	FUZZ_CHECK(node >= 0 && enabled(fdt, node), "PSCI %u.%u but no enabled %s node", p->major,
		   p->minor, compat);
	method = fdt_getprop(fdt, node, "method", &len);
	FUZZ_CHECK(method && len > 0 && memchr(method, '\0', (size_t)len) &&
			   strcmp(method, p->method == DT_PSCI_SMC ? "smc" : "hvc") == 0,
		   "PSCI method %d is not the node's", (int)p->method);
}

static void check_console(const struct dt_platform *o)
{
	const struct dt_uart *u = &o->console;
	uint64_t baud = 0;

	if (!u->present) {
		FUZZ_CHECK(all_zero(u, sizeof(*u)), "no console, but console fields are set");
		return;
	}
	check_string(u->path, sizeof(u->path), true, "console path");
	check_string(u->options, sizeof(u->options), false, "console options");
	check_range(&u->reg, false, "console reg", 0);
	if (!u->from_stdout_path)
		FUZZ_CHECK(u->options[0] == '\0' && u->baud == 0, "options without stdout-path");
	for (const char *c = u->options; *c >= '0' && *c <= '9'; c++)
		baud = baud * 10 + (uint64_t)(*c - '0');
	FUZZ_CHECK(baud == u->baud, "baud %u, options \"%s\"", u->baud, u->options);
}

static void check_bootargs(const struct dt_platform *o, const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len = 0;
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;

	check_string(o->bootargs, sizeof(o->bootargs), false, "bootargs");
	FUZZ_CHECK(o->has_bootargs == (args != NULL), "has_bootargs %d, property %s", o->has_bootargs,
		   args ? "present" : "absent");
	if (args)
		FUZZ_CHECK(len > 0 && memchr(args, '\0', (size_t)len) && strcmp(args, o->bootargs) == 0,
			   "bootargs \"%s\" is not /chosen's", o->bootargs);
}

static void check_accepted(const struct dt_platform *o, const uint8_t *blob, size_t n)
{
	FUZZ_CHECK(n >= 40 && o->totalsize == be32(blob + 4) && o->totalsize <= n,
		   "totalsize 0x%x, header 0x%x, input %zu", o->totalsize, n >= 8 ? be32(blob + 4) : 0, n);
	check_list(o->mem, o->mem_count, DT_MAX_MEM, "mem");
	check_list(o->reserved, o->reserved_count, DT_MAX_RESERVED, "reserved");
	check_rsvmap(o, blob);
	check_console(o);
	check_gic(o, blob);
	check_timer(o, blob);
	check_psci(o, blob);
	check_bootargs(o, blob);
}

/* ---- the message ----------------------------------------------------------- */

static void check_message(const char *err)
{
	size_t len = strlen(err);

	FUZZ_CHECK(len > 4 && memcmp(err, "dt: ", 4) == 0, "error \"%s\" is not \"dt: <what>\"", err);
	FUZZ_CHECK(len < DT_ERR_MAX, "error line is %zu characters, DT_ERR_MAX is %u: \"%s\"", len,
		   DT_ERR_MAX, err);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(err[i] >= 0x20 && err[i] < 0x7f, "error has byte 0x%02x at %zu: \"%s\"",
			   (unsigned char)err[i], i, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dt_platform out, ref;
	struct fz f = fz_init(data, size);
	uint8_t flags = fz_u8(&f);
	size_t n, cap = 0;
	const uint8_t *src = fz_rest(&f, &n);
	uint8_t *heap = NULL, *blob;
	char *err = NULL, *full = calloc(DT_IN_LARGE, 1);
	int rc, rc_ref;

	FUZZ_CHECK(full != NULL, "out of memory");
	if (n <= REGION) {
		blob = place(src, n);
	} else {
		heap = fz_copy(src, n);
		blob = heap;
	}
	switch (flags & 3u) {
	case DT_IN_ERR_EXACT: cap = DT_ERR_MAX; break;
	case DT_IN_ERR_LARGE: cap = DT_IN_LARGE; break;
	case DT_IN_ERR_SMALL: cap = 1u + (flags >> 2) % 16u; break;
	default: cap = 0; break;
	}
	if (cap) {
		err = malloc(cap);
		FUZZ_CHECK(err != NULL, "out of memory");
		memset(err, 'x', cap);
	}

	/* The reference: the largest buffer. */
	memset(&ref, 0x5a, sizeof(ref));
	memset(full, 'x', DT_IN_LARGE);
	rc_ref = dt_parse(blob, n, &ref, full, DT_IN_LARGE);
	FUZZ_CHECK(rc_ref == 0 || rc_ref == -1, "dt_parse returned %d", rc_ref);
	FUZZ_CHECK(fz_terminated(full, DT_IN_LARGE), "error buffer not terminated");
	if (rc_ref == 0) {
		FUZZ_CHECK(full[0] == '\0', "accepted, but the error says \"%s\"", full);
		check_accepted(&ref, blob, n);
	} else {
		FUZZ_CHECK(all_zero(&ref, sizeof(ref)), "refused (\"%s\") but *out is not zeroed", full);
		check_message(full);
	}

	/* The same with the input's buffer (or none). */
	memset(&out, 0xa5, sizeof(out));
	rc = dt_parse(blob, n, &out, err, cap);
	FUZZ_CHECK(rc == rc_ref, "%d with a %zu-byte buffer, %d with a large one", rc, cap, rc_ref);
	FUZZ_CHECK(memcmp(&out, &ref, sizeof(out)) == 0, "*out depends on the error buffer");
	if (cap) {
		size_t want = strlen(full) < cap - 1 ? strlen(full) : cap - 1;

		FUZZ_CHECK(fz_terminated(err, cap), "%zu-byte error buffer not terminated", cap);
		FUZZ_CHECK(strlen(err) == want && memcmp(err, full, want) == 0,
			   "the %zu-byte buffer holds \"%s\", not the start of \"%s\"", cap, err, full);
	}
	free(err);
	free(full);
	free(heap);
	return 0;
}
