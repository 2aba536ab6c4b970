/* SPDX-License-Identifier: MIT */
/*
 * arch/arm64/lib/vgic_mmio.c, vgic_dist*.c, vgic_redist.c, vgic_sgi.c,
 * vgic_input.c and vgic_vm.c: the guest drives a fresh vGIC VM (GICv2 or
 * GICv3) with arbitrary distributor and redistributor accesses (offset,
 * size, read or write, value), ICC_SGI<g>R_EL1 writes and the guest ABI's
 * irq_assert/deassert/pulse.
 *
 * Input: vgic_mmio_input.h.
 *
 * The reference here is written from the GIC architecture (IHI 0048B for
 * GICv2, IHI 0069 for GICv3, as vgic_dist.h narrows them: no Security
 * Extensions, affinity routing on, no LPIs): a register layout (which
 * block holds which field of which INTID, which registers are plain), the
 * access rules (natural alignment; 32-bit everywhere, bytes only for
 * IPRIORITYR, ITARGETSR and the GICv2 SGI pending bytes, 64-bit only for
 * GICD_IROUTER, GICR_TYPER, PROPBASER and PENDBASER; the status order:
 * frame of the vCPU, size, frame bounds, alignment, register), and what a
 * read returns, computed from the interrupt records themselves.
 *
 * After every operation:
 *  - the status is the reference's, never REFUSED, and nothing is refused
 *    anywhere (vgic_refused, every record's count);
 *  - a read returns the reference value (0 after a failure) and changes
 *    nothing; a write that fails, or that hits a read-only or reserved
 *    register, changes nothing;
 *  - a write changes only the records its bytes name (the accessor's bank
 *    on GICv2, SPIs in the GICv3 GICD, the redistributor's own 0-31; for
 *    GICD_SGIR that SGI on every vCPU), only the fields its register
 *    governs, and reads back as the architecture says: set/clear pairs
 *    (pending: GICv2 SGIs only through SPENDSGIR; a level interrupt whose
 *    line is high stays pending after ICPENDR), priorities masked to the
 *    implemented bits, SGIs' configuration edge and read-only, ITARGETSR of
 *    INTIDs 0-31 the reader's own bit, RAZ/WI on a uniprocessor, IROUTER
 *    only its RW bits (and a 32-bit half only its half), CTLR and WAKER;
 *  - an SGI write makes exactly the vCPUs it names (in its group) pending;
 *    a line goes where the call says, INTIDs the VM lacks refused;
 *  - every record it touched is consistent: a state, pending exactly when
 *    its inputs say so (latch, level line, GICv2 sources), priority within
 *    the mask, SGIs edge, sources only on GICv2 SGIs and from vCPUs that
 *    exist, target following the route; not pending and not active means
 *    on no ap_list; pending and not active means on its target's; active
 *    on the vCPU it was on (none only if it had no target), however it is
 *    routed meanwhile;
 *  - the ap_lists are a bijection with the records that name an owner:
 *    each entry once, its owner the list's vCPU.
 * Records an operation did not touch are compared with the harness's copy
 * when next touched and at the end, so a change behind an operation's back
 * is caught too.
 */
#include <vgic_dist.h>
#include <vgic_dist_regs.h>
#include <vgic_input.h>
#include <vgic_sgi.h>
#include <vgic_vm.h>

#include "fuzz.h"
#include "vgic_mmio_input.h"

#define MAX_VCPUS 8u
#define NR_RECORDS (MAX_VCPUS * VGIC_NR_PRIVATE + VM_MAX_SPIS)
#define MAX_TOUCH 64u
#define IROUTER_RW 0x000000ff80ffffffull

static struct vgic_vm vm;
static struct vgic_vcpu vcpus[MAX_VCPUS];
static struct vgic_irq spis[VM_MAX_SPIS];
static struct vgic_irq *slots[VGIC_AP_SLOTS(MAX_VCPUS, VM_MAX_SPIS)];

/* The harness's copy of every record, of the distributor enables and each WAKER. */
static struct vgic_irq shadow[NR_RECORDS];
static bool sh_grp[2], sh_sleep[MAX_VCPUS];
static unsigned listed; /* records that name an owner */
static uint32_t mark[NR_RECORDS], mark_gen;

static bool v3;
static unsigned nv, nspi, nirqs;
static uint8_t prio_mask;

/* ---- records ---------------------------------------------------------------- */

static struct vgic_irq *rec(unsigned vcpu, unsigned intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < nv ? &vcpus[vcpu].priv[intid] : NULL;
	if (intid < nirqs)
		return &spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

static unsigned rec_index(const struct vgic_irq *r)
{
	if (r >= spis && r < spis + VM_MAX_SPIS)
		return MAX_VCPUS * VGIC_NR_PRIVATE + (unsigned)(r - spis);
	for (unsigned v = 0; v < MAX_VCPUS; v++)
		if (r >= vcpus[v].priv && r < vcpus[v].priv + VGIC_NR_PRIVATE)
			return v * VGIC_NR_PRIVATE + (unsigned)(r - vcpus[v].priv);
	FUZZ_CHECK(false, "a pointer to no record of the VM: %p", (const void *)r);
	return 0;
}

static bool pending(const struct vgic_irq *r)
{
	return r->state & VGIC_IRQ_PENDING_BIT;
}

static bool active(const struct vgic_irq *r)
{
	return r->state & VGIC_IRQ_ACTIVE_BIT;
}

/* The vCPU a route names: GICv2 the lowest CPU in the mask, GICv3 IRM or affinity n = vCPU n. */
static unsigned route_target(uint64_t route)
{
	if (!v3) {
		for (unsigned n = 0; n < nv; n++)
			if (route & (1u << n))
				return n;
		return VGIC_NO_VCPU;
	}
	if (route & GICD_IROUTER_IRM)
		return 0;
	uint64_t aff = (route & 0xffffffull) | ((route >> 32) & 0xff) << 24;
	return aff < nv ? (unsigned)aff : VGIC_NO_VCPU;
}

/* A record's own consistency (not its list membership, checked per list). */
static void check_record(const struct vgic_irq *r, unsigned vcpu, unsigned intid)
{
	bool inputs = r->latch || r->sources || (r->trigger == VGIC_LEVEL && r->line);
	uint8_t cpus = (uint8_t)((1u << nv) - 1);

	FUZZ_CHECK(r->intid == intid && r->refused == 0 && r->lr == VGIC_IRQ_UNLISTED &&
			   r->state < VGIC_IRQ_STATE_COUNT,
		   "INTID %u (vCPU %u): intid %u, refused %u, lr %d, state %u", intid, vcpu, r->intid,
		   r->refused, r->lr, r->state);
	FUZZ_CHECK(pending(r) == inputs, "INTID %u (vCPU %u): pending %d, inputs %d (latch %d line %d %s, sources 0x%x)",
		   intid, vcpu, pending(r), inputs, r->latch, r->line,
		   r->trigger == VGIC_LEVEL ? "level" : "edge", r->sources);
	FUZZ_CHECK((r->priority & ~prio_mask) == 0 && r->group <= 1 && r->trigger <= VGIC_LEVEL,
		   "INTID %u: priority 0x%x group %u trigger %u", intid, r->priority, r->group, r->trigger);
	FUZZ_CHECK(intid >= VGIC_NR_SGIS || r->trigger == VGIC_EDGE, "SGI %u is level", intid);
	FUZZ_CHECK(r->sgi_v2 == (!v3 && intid < VGIC_NR_SGIS), "INTID %u sgi_v2 %d", intid, r->sgi_v2);
	FUZZ_CHECK(r->sgi_v2 ? (r->sources & ~cpus) == 0 : r->sources == 0,
		   "INTID %u sources 0x%x", intid, r->sources);
	if (intid < VGIC_NR_PRIVATE) {
		FUZZ_CHECK(r->target == vcpu, "vCPU %u's INTID %u targets %u", vcpu, intid, r->target);
	} else {
		if (v3)
			FUZZ_CHECK((r->route & ~IROUTER_RW) == 0, "INTID %u route 0x%llx", intid,
				   (unsigned long long)r->route);
		else if (nv == 1)
			FUZZ_CHECK(r->route == 1, "uniprocessor INTID %u route 0x%llx", intid,
				   (unsigned long long)r->route);
		else
			FUZZ_CHECK((r->route & ~(uint64_t)cpus) == 0, "INTID %u route 0x%llx", intid,
				   (unsigned long long)r->route);
		FUZZ_CHECK(r->target == route_target(r->route), "INTID %u route 0x%llx, target %u",
			   intid, (unsigned long long)r->route, r->target);
	}
	if (r->state == VGIC_IRQ_INACTIVE)
		FUZZ_CHECK(r->owner == VGIC_NO_VCPU, "inactive INTID %u (vCPU %u) on vCPU %u's list",
			   intid, vcpu, r->owner);
	else if (!active(r))
		FUZZ_CHECK(r->owner == r->target, "pending INTID %u (vCPU %u) on %u's list, targets %u",
			   intid, vcpu, r->owner, r->target);
	else
		FUZZ_CHECK(r->owner != VGIC_NO_VCPU || r->target == VGIC_NO_VCPU,
			   "active INTID %u targets %u but is on no list", intid, r->target);
	FUZZ_CHECK(r->owner == VGIC_NO_VCPU || r->owner < nv, "INTID %u owner %u", intid, r->owner);
	FUZZ_CHECK(intid >= VGIC_NR_PRIVATE || r->owner == VGIC_NO_VCPU || r->owner == vcpu,
		   "vCPU %u's INTID %u on vCPU %u's list", vcpu, intid, r->owner);
}

/* Each list entry once, owned by the list's vCPU, and as many entries as owners. */
static void check_lists(void)
{
	unsigned total = 0;

	mark_gen++;
	for (unsigned v = 0; v < nv; v++) {
		const struct vgic_ap *ap = &vcpus[v].ap;

		FUZZ_CHECK(ap->len <= ap->cap && ap->cap == VGIC_NR_PRIVATE + nspi,
			   "vCPU %u list %u of %u", v, ap->len, ap->cap);
		for (unsigned i = 0; i < ap->len; i++) {
			const struct vgic_irq *r = ap->slot[i];
			unsigned x = rec_index(r);

			FUZZ_CHECK(mark[x] != mark_gen, "INTID %u listed twice", r->intid);
			mark[x] = mark_gen;
			FUZZ_CHECK(r->owner == v, "INTID %u on vCPU %u's list, owner %u", r->intid, v,
				   r->owner);
		}
		total += ap->len;
	}
	FUZZ_CHECK(total == listed, "%u list entries, %u records name an owner", total, listed);
}

/* ---- the touched set ----------------------------------------------------------- */

enum { F_STATE = 1, F_LATCH = 2, F_ENABLED = 4, F_GROUP = 8, F_PRIO = 16, F_TRIGGER = 32,
       F_ROUTE = 64, F_SOURCES = 128, F_LINE = 256, F_ACTIVE_PRIO = 512, F_OWNER = 1024 };

static struct {
	struct vgic_irq *r[MAX_TOUCH];
	struct vgic_irq before[MAX_TOUCH];
	unsigned n, fields;
} touch;

static void touch_add(struct vgic_irq *r)
{
	unsigned x;

	if (!r)
		return;
	for (unsigned i = 0; i < touch.n; i++)
		if (touch.r[i] == r)
			return;
	FUZZ_CHECK(touch.n < MAX_TOUCH, "more than %u records in one operation", MAX_TOUCH);
	x = rec_index(r);
	FUZZ_CHECK(memcmp(r, &shadow[x], sizeof(*r)) == 0,
		   "INTID %u changed behind an operation's back", r->intid);
	touch.r[touch.n] = r;
	touch.before[touch.n++] = *r;
}

/* After the operation: only the allowed fields moved; the records are consistent; copies updated. */
static void touch_done(void)
{
	for (unsigned i = 0; i < touch.n; i++) {
		struct vgic_irq *r = touch.r[i], a = *r;
		const struct vgic_irq *b = &touch.before[i];
		unsigned x = rec_index(r), f = touch.fields;

		if (f & F_STATE) a.state = b->state;
		if (f & F_LATCH) a.latch = b->latch;
		if (f & F_ENABLED) a.enabled = b->enabled;
		if (f & F_GROUP) a.group = b->group;
		if (f & F_PRIO) a.priority = b->priority;
		if (f & F_TRIGGER) a.trigger = b->trigger;
		if (f & F_ROUTE) { a.route = b->route; a.target = b->target; }
		if (f & F_SOURCES) a.sources = b->sources;
		if (f & F_LINE) a.line = b->line;
		if (f & F_ACTIVE_PRIO) a.active_prio = b->active_prio;
		if (f & F_OWNER) a.owner = b->owner;
		FUZZ_CHECK(memcmp(&a, b, sizeof(a)) == 0, "INTID %u: a field the operation does not govern changed",
			   r->intid);
		check_record(r, x < MAX_VCPUS * VGIC_NR_PRIVATE ? x / VGIC_NR_PRIVATE : 0, r->intid);
		/* An active interrupt stays with its vCPU until deactivated, whatever the route says. */
		if (active(b) && active(r) && b->owner != VGIC_NO_VCPU)
			FUZZ_CHECK(r->owner == b->owner, "active INTID %u moved from vCPU %u to %u",
				   r->intid, b->owner, r->owner);
		listed += (r->owner != VGIC_NO_VCPU) - (b->owner != VGIC_NO_VCPU);
		shadow[x] = *r;
	}
}

/* ---- the register layout -------------------------------------------------------- */

enum frame { FR_GICD, FR_GICR };
enum kind { K_GROUP, K_ENABLE, K_PEND, K_ACTIVE, K_PRIO, K_TARGET, K_CFG, K_ROUTE, K_SGISRC };

struct blk {
	uint32_t base, len;
	uint8_t kind, bpi;
	bool clear; /* the clear half of a set/clear pair */
};

static const struct blk v2_blocks[] = {
	{ 0x080, 0x80, K_GROUP, 1, false },  { 0x100, 0x80, K_ENABLE, 1, false },
	{ 0x180, 0x80, K_ENABLE, 1, true },  { 0x200, 0x80, K_PEND, 1, false },
	{ 0x280, 0x80, K_PEND, 1, true },    { 0x300, 0x80, K_ACTIVE, 1, false },
	{ 0x380, 0x80, K_ACTIVE, 1, true },  { 0x400, 0x3fc, K_PRIO, 8, false },
	{ 0x800, 0x3fc, K_TARGET, 8, false }, { 0xc00, 0x100, K_CFG, 2, false },
	{ 0xf10, 0x10, K_SGISRC, 8, true },  { 0xf20, 0x10, K_SGISRC, 8, false },
};

static const struct blk v3_blocks[] = {
	{ 0x080, 0x80, K_GROUP, 1, false },   { 0x100, 0x80, K_ENABLE, 1, false },
	{ 0x180, 0x80, K_ENABLE, 1, true },   { 0x200, 0x80, K_PEND, 1, false },
	{ 0x280, 0x80, K_PEND, 1, true },     { 0x300, 0x80, K_ACTIVE, 1, false },
	{ 0x380, 0x80, K_ACTIVE, 1, true },   { 0x400, 0x3fc, K_PRIO, 8, false },
	{ 0xc00, 0x100, K_CFG, 2, false },    { 0x6000, 0x1fe0, K_ROUTE, 64, false },
};

static const struct blk gicr_blocks[] = {
	{ 0x10080, 4, K_GROUP, 1, false },   { 0x10100, 4, K_ENABLE, 1, false },
	{ 0x10180, 4, K_ENABLE, 1, true },   { 0x10200, 4, K_PEND, 1, false },
	{ 0x10280, 4, K_PEND, 1, true },     { 0x10300, 4, K_ACTIVE, 1, false },
	{ 0x10380, 4, K_ACTIVE, 1, true },   { 0x10400, 0x20, K_PRIO, 8, false },
	{ 0x10c00, 8, K_CFG, 2, false },
};

#define NBLK(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

static const struct blk *find_blk(enum frame fr, uint32_t off)
{
	const struct blk *t = fr == FR_GICR ? gicr_blocks : v3 ? v3_blocks : v2_blocks;
	unsigned n = fr == FR_GICR ? NBLK(gicr_blocks) : v3 ? NBLK(v3_blocks) : NBLK(v2_blocks);

	for (unsigned i = 0; i < n; i++)
		if (off >= t[i].base && off - t[i].base < t[i].len)
			return &t[i];
	return NULL;
}

/* The record a block's INTID is, as `who` (accessor or redistributor) reaches it. */
static struct vgic_irq *space_rec(enum frame fr, unsigned who, unsigned intid)
{
	if (fr == FR_GICR)
		return intid < VGIC_NR_PRIVATE ? rec(who, intid) : NULL;
	if (v3)
		return intid >= VGIC_NR_PRIVATE ? rec(who, intid) : NULL;
	return rec(who, intid);
}

static uint64_t field(const struct blk *b, enum frame fr, unsigned who, unsigned intid)
{
	const struct vgic_irq *r = space_rec(fr, who, intid);

	if (!r)
		return 0;
	switch (b->kind) {
	case K_GROUP: return r->group;
	case K_ENABLE: return r->enabled;
	case K_PEND: return pending(r);
	case K_ACTIVE: return active(r);
	case K_PRIO: return r->priority;
	case K_TARGET: return nv == 1 ? 0 : intid < VGIC_NR_PRIVATE ? 1u << who : r->route;
	case K_CFG: return r->trigger == VGIC_EDGE ? 2 : 0;
	case K_ROUTE: return r->route;
	case K_SGISRC: return r->sources;
	}
	return 0;
}

/* A plain register's value (0 for reserved and write-only ones), by its offset. */
static uint64_t plain_value(enum frame fr, unsigned who, uint32_t reg, unsigned *width)
{
	static const uint8_t id[12] = { 0x04, 0, 0, 0, 0x00, 0xb0, 0, 0, 0x0d, 0xf0, 0x05, 0xb1 };
	uint32_t idb = fr == FR_GICD && !v3 ? 0xfd0 : 0xffd0;

	*width = 4;
	if (reg >= idb && reg < idb + 0x30) {
		unsigned i = (reg - idb) / 4;

		return i == 6 ? (v3 ? 3u : 2u) << 4 | 0x0b : id[i];
	}
	if (fr == FR_GICD) {
		switch (reg) {
		case 0x0: return (vm.grp_en[0] ? 1u : 0u) | (vm.grp_en[1] ? 2u : 0u) | (v3 ? 0x50u : 0u);
		case 0x4: return (nirqs / 32 - 1) | (v3 ? 9u << 19 : (nv - 1) << 5);
		case 0x8: return VGIC_IIDR_DEFAULT;
		default: return 0;
		}
	}
	switch (reg) {
	case 0x4: return VGIC_IIDR_DEFAULT;
	case 0x8:
		*width = 8;
		return (uint64_t)who << 32 | (uint64_t)who << 8 | (who == nv - 1 ? 1u << 4 : 0u);
	case 0x14: return vcpus[who].rd_sleep ? 6 : 0;
	default: return 0;
	}
}

/* Byte `off` of the frame's register image. */
static uint8_t image_byte(enum frame fr, unsigned who, uint32_t off)
{
	const struct blk *b = find_blk(fr, off);
	uint32_t rel;
	unsigned width;
	uint64_t v;

	if (!b) {
		uint32_t reg = fr == FR_GICR && off >= 0x8 && off < 0x10 ? 0x8 : off & ~3u;

		v = plain_value(fr, who, reg, &width);
		return (uint8_t)(v >> (8 * (off - reg)));
	}
	rel = off - b->base;
	if (b->bpi == 64)
		return (uint8_t)(field(b, fr, who, rel / 8) >> (8 * (rel % 8)));
	if (b->bpi == 8)
		return (uint8_t)field(b, fr, who, rel);
	v = 0;
	for (unsigned k = 0; k < 8u / b->bpi; k++)
		v |= field(b, fr, who, rel * 8 / b->bpi + k) << (k * b->bpi);
	return (uint8_t)v;
}

static uint64_t image(enum frame fr, unsigned who, uint32_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)image_byte(fr, who, off + i) << (8 * i);
	return v;
}

/* ---- access rules ---------------------------------------------------------------- */

static bool in(uint32_t off, uint32_t lo, uint32_t len)
{
	return off >= lo && off - lo < len;
}

static enum vgic_mmio_status ref_status(enum frame fr, unsigned who, uint32_t off, unsigned size)
{
	uint32_t fs = fr == FR_GICR ? GICR_SIZE : v3 ? GICD_V3_SIZE : GICD_V2_SIZE;

	if (who >= nv || (fr == FR_GICR && !v3))
		return VGIC_MMIO_BAD_FRAME;
	if (size != 1 && size != 4 && size != 8)
		return VGIC_MMIO_BAD_SIZE;
	if (off >= fs || fs - off < size)
		return VGIC_MMIO_BAD_FRAME;
	if (off % size)
		return VGIC_MMIO_UNALIGNED;
	if (size == 4)
		return VGIC_MMIO_OK;
	if (size == 1) {
		bool ok = fr == FR_GICR ? in(off, 0x10400, 0x20)
			  : in(off, 0x400, 0x3fc) || in(off, 0x800, 0x3fc) ||
				    (!v3 && in(off, 0xf10, 0x20));

		return ok ? VGIC_MMIO_OK : VGIC_MMIO_BAD_SIZE;
	}
	if (fr == FR_GICR)
		return in(off, 0x8, 8) || in(off, 0x70, 0x10) ? VGIC_MMIO_OK : VGIC_MMIO_BAD_SIZE;
	return v3 && in(off, 0x6000, 0x1fe0) ? VGIC_MMIO_OK : VGIC_MMIO_BAD_SIZE;
}

/* ---- one access ------------------------------------------------------------------ */

/* The records and fields a (successful) write to this register may change. */
static void write_scope(enum frame fr, unsigned who, uint32_t off, unsigned size, uint64_t val)
{
	const struct blk *b = find_blk(fr, off);

	touch.fields = 0;
	if (!b) {
		if (fr == FR_GICD && !v3 && off == GICD_SGIR) {
			for (unsigned t = 0; t < nv; t++)
				touch_add(rec(t, (unsigned)val & 0xfu));
			touch.fields = F_SOURCES | F_STATE | F_OWNER;
		}
		return;
	}
	for (uint32_t o = off; o < off + size; o++) {
		uint32_t rel = o - b->base;

		if (b->kind == K_SGISRC)
			touch_add(rec(who, rel));
		else if (b->bpi >= 8)
			touch_add(space_rec(fr, who, rel / (b->bpi / 8)));
		else
			for (unsigned k = 0; k < 8u / b->bpi; k++)
				touch_add(space_rec(fr, who, rel * 8 / b->bpi + k));
	}
	switch (b->kind) {
	case K_GROUP: touch.fields = F_GROUP; break;
	case K_ENABLE: touch.fields = F_ENABLED | F_OWNER; break;
	case K_PEND: touch.fields = F_LATCH | F_STATE | F_OWNER; break;
	case K_ACTIVE: touch.fields = F_STATE | F_ACTIVE_PRIO | F_OWNER; break;
	case K_PRIO: touch.fields = F_PRIO; break;
	case K_TARGET: case K_ROUTE: touch.fields = F_ROUTE | F_OWNER; break;
	case K_CFG: touch.fields = F_TRIGGER | F_STATE | F_OWNER; break;
	case K_SGISRC: touch.fields = F_SOURCES | F_STATE | F_OWNER; break;
	}
}

/* One field of a written register after the write, from its value before and the bits written. */
static uint64_t field_after(const struct blk *b, enum frame fr, unsigned who, unsigned intid,
			    uint64_t before, uint64_t w)
{
	const struct vgic_irq *r = space_rec(fr, who, intid);
	uint8_t cpus = (uint8_t)((1u << nv) - 1);

	if (!r)
		return 0;
	switch (b->kind) {
	case K_GROUP: return w & 1;
	case K_ENABLE: case K_ACTIVE: return b->clear ? before & ~w & 1 : (before | w) & 1;
	case K_PEND:
		if (r->sgi_v2 || !(w & 1))
			return before;
		return b->clear ? (r->trigger == VGIC_LEVEL && r->line) : 1;
	case K_PRIO: return w & prio_mask;
	case K_TARGET: return nv == 1 ? 0 : intid < VGIC_NR_PRIVATE ? 1u << who : w & cpus;
	case K_CFG: return intid < VGIC_NR_SGIS ? 2 : w & 2;
	case K_ROUTE: return w & IROUTER_RW;
	case K_SGISRC: return b->clear ? before & ~w & 0xff : (before | (w & cpus)) & 0xff;
	}
	return 0;
}

/* pre: the image of the 8 aligned bytes around the access, before it. */
static void check_write(enum frame fr, unsigned who, uint32_t off, unsigned size, uint64_t val,
			const uint8_t pre[8])
{
	const struct blk *b = find_blk(fr, off);
	uint32_t base8 = off & ~7u;

	if (!b) {
		uint64_t got = image(fr, who, off, size), want = 0;

		for (unsigned i = 0; i < size; i++)
			want |= (uint64_t)pre[off - base8 + i] << (8 * i); /* read-only: as before */
		if (fr == FR_GICD && off == GICD_CTLR)
			want = (val & 3u) | (v3 ? 0x50u : 0u);
		else if (fr == FR_GICR && off == GICR_WAKER)
			want = (val & GICR_WAKER_PROCESSOR_SLEEP) ? 6 : 0;
		FUZZ_CHECK(got == want, "%s 0x%x after writing 0x%llx reads 0x%llx, want 0x%llx",
			   fr == FR_GICD ? "GICD" : "GICR", off, (unsigned long long)val,
			   (unsigned long long)got, (unsigned long long)want);
		return;
	}
	if (b->bpi == 64) { /* one IROUTER, all of it or a 32-bit half */
		unsigned intid = (off - b->base) / 8, half = (off - b->base) % 8;
		uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << (8 * half);
		uint64_t before = 0, w = (size == 8 ? val : (val & 0xffffffffull) << (8 * half));
		uint64_t got = field(b, fr, who, intid), want;

		for (unsigned i = 0; i < 8; i++)
			before |= (uint64_t)pre[i] << (8 * i);
		want = space_rec(fr, who, intid) ? (before & ~mask) | (w & IROUTER_RW & mask) : 0;
		FUZZ_CHECK(got == want, "IROUTER%u after writing 0x%llx (%u bytes at +%u): 0x%llx, want 0x%llx",
			   intid, (unsigned long long)val, size, half, (unsigned long long)got,
			   (unsigned long long)want);
		return;
	}
	for (uint32_t o = off; o < off + size; o++) {
		uint32_t rel = o - b->base;
		uint64_t wbyte = (val >> (8 * (o - off))) & 0xff, pbyte = pre[o - base8];

		if (b->bpi == 8) {
			uint64_t got = image_byte(fr, who, o);
			uint64_t want = field_after(b, fr, who, rel, pbyte, wbyte);

			FUZZ_CHECK(got == want, "byte 0x%x (INTID/SGI %u) after writing 0x%llx: 0x%llx, want 0x%llx",
				   o, rel, (unsigned long long)wbyte, (unsigned long long)got,
				   (unsigned long long)want);
			continue;
		}
		for (unsigned k = 0; k < 8u / b->bpi; k++) {
			unsigned intid = rel * 8 / b->bpi + k, fmask = (1u << b->bpi) - 1;
			uint64_t w = (wbyte >> (k * b->bpi)) & fmask, before = (pbyte >> (k * b->bpi)) & fmask;
			uint64_t got = field(b, fr, who, intid);
			uint64_t want = field_after(b, fr, who, intid, before, w);

			FUZZ_CHECK(got == want, "INTID %u (block 0x%x) after writing %llu: %llu, want %llu",
				   intid, b->base, (unsigned long long)w, (unsigned long long)got,
				   (unsigned long long)want);
		}
	}
}

/* GICD_SGIR (GICv2): who gets SGI (val & 15) from `who`. */
static uint32_t sgir_targets(unsigned who, uint64_t val)
{
	uint32_t all = (1u << nv) - 1;

	switch ((val >> 24) & 3) {
	case 0: return (uint32_t)(val >> 16) & 0xff & all;
	case 1: return all & ~(1u << who);
	case 2: return 1u << who;
	default: return 0;
	}
}

static void do_mmio(enum frame fr, bool write, unsigned who, uint32_t off, unsigned size, uint64_t val)
{
	enum vgic_mmio_status want = ref_status(fr, who, off, size), got;
	uint64_t v = write ? val : 0xdeadbeefcafef00dull;
	uint8_t pre[8] = { 0 };
	uint8_t sgi_src_before[MAX_VCPUS] = { 0 };
	bool grp_before[2] = { vm.grp_en[0], vm.grp_en[1] };

	touch.n = 0;
	touch.fields = 0;
	if (want == VGIC_MMIO_OK && write) {
		write_scope(fr, who, off, size, val);
		for (unsigned i = 0; i < 8; i++)
			pre[i] = image_byte(fr, who, (off & ~7u) + i);
		if (fr == FR_GICD && !v3 && off == GICD_SGIR)
			for (unsigned t = 0; t < nv; t++)
				sgi_src_before[t] = vcpus[t].priv[val & 0xf].sources;
	}
	got = fr == FR_GICD ? vgic_gicd_access(&vm, who, off, size, write, &v)
			    : vgic_gicr_access(&vm, who, off, size, write, &v);
	FUZZ_CHECK(got == want, "%s %s vCPU %u offset 0x%x size %u: status %d, want %d",
		   fr == FR_GICD ? "GICD" : "GICR", write ? "write" : "read", who, off, size, (int)got,
		   (int)want);
	if (!write) {
		uint64_t ref = want == VGIC_MMIO_OK ? image(fr, who, off, size) : 0;

		FUZZ_CHECK(v == ref, "%s read vCPU %u offset 0x%x size %u: 0x%llx, want 0x%llx",
			   fr == FR_GICD ? "GICD" : "GICR", who, off, size, (unsigned long long)v,
			   (unsigned long long)ref);
	} else if (want == VGIC_MMIO_OK) {
		check_write(fr, who, off, size, val, pre);
		if (fr == FR_GICD && !v3 && off == GICD_SGIR) {
			uint32_t t_mask = sgir_targets(who, val);

			for (unsigned t = 0; t < nv; t++)
				FUZZ_CHECK(vcpus[t].priv[val & 0xf].sources ==
						   (sgi_src_before[t] | ((t_mask >> t) & 1 ? 1u << who : 0u)),
					   "SGIR 0x%llx from %u: vCPU %u's sources 0x%x",
					   (unsigned long long)val, who, t, vcpus[t].priv[val & 0xf].sources);
		}
	}
	/* Only a write of GICD_CTLR moves the enables, only a write of GICR_WAKER its bit. */
	if (!(write && want == VGIC_MMIO_OK && fr == FR_GICD && off == GICD_CTLR))
		FUZZ_CHECK(vm.grp_en[0] == grp_before[0] && vm.grp_en[1] == grp_before[1],
			   "the distributor enables changed");
	sh_grp[0] = vm.grp_en[0];
	sh_grp[1] = vm.grp_en[1];
	for (unsigned t = 0; t < nv; t++) {
		if (!(write && want == VGIC_MMIO_OK && fr == FR_GICR && off == GICR_WAKER && t == who))
			FUZZ_CHECK(vcpus[t].rd_sleep == sh_sleep[t], "vCPU %u's WAKER changed", t);
		sh_sleep[t] = vcpus[t].rd_sleep;
	}
	touch_done();
}

/* ---- SGIs and lines ------------------------------------------------------------- */

static void do_sgi(unsigned src, unsigned group, uint64_t val)
{
	unsigned intid = (unsigned)(val >> 24) & 0xf, want = 0;
	bool irm = (val >> 40) & 1;
	int got;

	touch.n = 0;
	touch.fields = F_LATCH | F_STATE | F_OWNER;
	if (v3)
		for (unsigned t = 0; t < nv; t++)
			touch_add(rec(t, intid));
	for (unsigned t = 0; v3 && t < nv; t++) {
		/* vCPU t is affinity 0.0.0.t: Aff3 (55:48), Aff2 (39:32), Aff1 (23:16) and RS (47:44) 0 */
		bool named = irm ? t != src
				 : ((val >> 16) & 0xff) == 0 && ((val >> 32) & 0xff) == 0 &&
					   ((val >> 44) & 0xf) == 0 && ((val >> 48) & 0xff) == 0 &&
					   ((val >> t) & 1);

		if (named && vcpus[t].priv[intid].group == (group & 1))
			want |= 1u << t;
	}
	got = vgic_v3_sgi(&vm, src, val, group);
	if (!v3) {
		FUZZ_CHECK(got == VGIC_E_CONFIG, "an ICC_SGI write on GICv2: %d", got);
	} else {
		FUZZ_CHECK(got == __builtin_popcount(want), "ICC_SGI%uR 0x%llx from %u: %d vCPUs, want %d",
			   group, (unsigned long long)val, src, got, __builtin_popcount(want));
		for (unsigned t = 0; t < nv; t++)
			if (want & (1u << t))
				FUZZ_CHECK(pending(&vcpus[t].priv[intid]), "SGI %u not pending on vCPU %u",
					   intid, t);
	}
	touch_done();
}

static void do_line(enum vm_op op, unsigned vcpu, unsigned intid)
{
	struct vgic_irq *r = rec(vcpu, intid);
	bool pre_line = r && r->line, pre_pend = r && pending(r);
	int got, want = (!r || (intid < VGIC_NR_SGIS && op != VM_PULSE)) ? VGIC_E_INTID : VGIC_OK;

	touch.n = 0;
	touch.fields = F_LINE | F_LATCH | F_STATE | F_OWNER | F_SOURCES;
	touch_add(r);
	got = op == VM_ASSERT ? vgic_irq_assert(&vm, vcpu, intid)
	      : op == VM_DEASSERT ? vgic_irq_deassert(&vm, vcpu, intid)
				  : vgic_irq_pulse(&vm, vcpu, intid);
	FUZZ_CHECK(got == want, "line op %d vCPU %u INTID %u: %d, want %d", (int)op, vcpu, intid, got, want);
	if (got == VGIC_OK && intid >= VGIC_NR_SGIS) {
		bool edge = r->trigger == VGIC_EDGE;

		FUZZ_CHECK(r->line == (op == VM_ASSERT), "INTID %u line %d after op %d", intid, r->line, (int)op);
		if (op == VM_ASSERT)
			FUZZ_CHECK(pending(r) == (!edge || !pre_line || pre_pend),
				   "INTID %u after assert: pending %d", intid, pending(r));
		if (op == VM_PULSE && edge)
			FUZZ_CHECK(pending(r) == (!pre_line || pre_pend), "INTID %u after a pulse: pending %d",
				   intid, pending(r));
		if (op == VM_DEASSERT && edge)
			FUZZ_CHECK(pending(r) == pre_pend, "edge INTID %u after deassert: pending %d", intid,
				   pending(r));
	} else if (got == VGIC_OK) {
		FUZZ_CHECK(pending(r), "SGI %u not pending after a pulse", intid);
		FUZZ_CHECK(v3 || (r->sources & (1u << vcpu)), "SGI %u: no source %u after a pulse", intid,
			   vcpu);
	}
	if (got != VGIC_OK)
		touch.fields = 0;
	touch_done();
}

/* ---- the whole VM ------------------------------------------------------------------ */

static void check_all(void)
{
	for (unsigned v = 0; v < nv; v++)
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
			FUZZ_CHECK(memcmp(&vcpus[v].priv[i], &shadow[v * VGIC_NR_PRIVATE + i],
					  sizeof(struct vgic_irq)) == 0,
				   "vCPU %u's INTID %u changed behind an operation's back", v, i);
			check_record(&vcpus[v].priv[i], v, i);
		}
	for (unsigned i = 0; i < nspi; i++) {
		FUZZ_CHECK(memcmp(&spis[i], &shadow[MAX_VCPUS * VGIC_NR_PRIVATE + i], sizeof(spis[i])) == 0,
			   "INTID %u changed behind an operation's back", VGIC_NR_PRIVATE + i);
		check_record(&spis[i], 0, VGIC_NR_PRIVATE + i);
	}
	for (unsigned v = 0; v < nv; v++)
		FUZZ_CHECK(vcpus[v].affinity == v && vcpus[v].bank.refused == 0 &&
				   vcpus[v].rd_sleep == sh_sleep[v],
			   "vCPU %u: affinity 0x%x, bank refused %u", v, vcpus[v].affinity,
			   vcpus[v].bank.refused);
	FUZZ_CHECK(vm.grp_en[0] == sh_grp[0] && vm.grp_en[1] == sh_grp[1], "distributor enables");
	FUZZ_CHECK(vm.refused == 0 && vgic_refused(&vm) == 0, "refused: vm %u, all %u", vm.refused,
		   vgic_refused(&vm));
	check_lists();
}

static bool setup(uint8_t cfg_byte, uint8_t spi_byte)
{
	struct vgic_cfg cfg = { 0 };

	v3 = cfg_byte & VM_CFG_V3;
	nv = 1u + ((cfg_byte >> 1) & 7u);
	nspi = (spi_byte % 31u) * 32u;
	nirqs = VGIC_NR_PRIVATE + nspi;
	cfg.version = v3 ? VGIC_V3 : VGIC_V2;
	cfg.nr_vcpus = nv;
	cfg.nr_spis = nspi;
	cfg.prio_bits = v3 ? 5u + ((cfg_byte >> 4) & 3u) : 5u;
	cfg.nr_lrs = 4;
	prio_mask = (uint8_t)(0xffu << (8 - cfg.prio_bits));
	FUZZ_CHECK(vgic_vm_init(&vm, &cfg, vcpus, spis, slots) == VGIC_OK, "init refused a valid config");
	for (unsigned v = 0; v < nv; v++) {
		memcpy(&shadow[v * VGIC_NR_PRIVATE], vcpus[v].priv, sizeof(vcpus[v].priv));
		sh_sleep[v] = vcpus[v].rd_sleep;
		FUZZ_CHECK(sh_sleep[v], "a redistributor awake at reset");
	}
	memcpy(&shadow[MAX_VCPUS * VGIC_NR_PRIVATE], spis, nspi * sizeof(spis[0]));
	sh_grp[0] = sh_grp[1] = false;
	listed = 0;
	check_all();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t cfg_byte = fz_u8(&f), spi_byte = fz_u8(&f);

	setup(cfg_byte, spi_byte);
	while (fz_left(&f)) {
		uint8_t op = fz_u8(&f);
		enum vm_op kind = (enum vm_op)(op & 7u);
		unsigned who = (op >> 3) & 7u, code = op >> 6, sz;

		switch (kind) {
		case VM_GICD_READ: case VM_GICD_WRITE: case VM_GICR_READ: case VM_GICR_WRITE: {
			bool write = kind == VM_GICD_WRITE || kind == VM_GICR_WRITE;
			uint32_t off;
			uint64_t val;

			sz = code == 0 ? 4 : code == 1 ? 1 : code == 2 ? 8 : fz_u8(&f);
			off = (uint32_t)fz_le(&f, 3);
			val = write ? fz_u64(&f) : 0;
			do_mmio(kind <= VM_GICD_WRITE ? FR_GICD : FR_GICR, write, who, off, sz, val);
			break;
		}
		case VM_SGI:
			do_sgi(who % nv, code & 1u, fz_u64(&f));
			break;
		default:
			do_line(kind, who % nv, fz_u16(&f));
			break;
		}
		check_lists();
	}
	check_all();
	return 0;
}
