// SPDX-License-Identifier: MIT
/*
 * Randomized, seeded property test of the vGIC's LR policy
 * (arch/arm64/lib/vgic_flush.c, vgic_fold.c and everything under them):
 * sequences of guest and hypervisor operations against
 *
 *  - a fake list-register bank that holds the raw ICH_LR<n>_EL2 / GICH_LR<n>
 *    words, ICH_HCR / GICH_HCR and the VMCR the way hardware would, read
 *    and written through its own bit extraction (literal shifts, not the
 *    module's macros), and raises maintenance interrupts from them;
 *  - a model of the guest's CPU interface on top of it: acknowledge the
 *    highest-priority pending LR the priority mask, the running priority
 *    (from the active priorities it keeps) and the group enables let
 *    through; EOI the most recent one (priority drop, and deactivation with
 *    EOImode 0 in its LR; EOIcount + 1 if it is in none, in either EOImode);
 *    DIR in any order with EOImode 1 (trapped when TDIR, or GICv2's
 *    trap_dir, says so; else in its LR, or EOIcount + 1); EOImode changes
 *    (untrapped, seen at the next exit) whenever nothing is active;
 *  - a reference model of what the interrupts must do: per INTID its
 *    pending latch, line, GICv2 SGI sources and active state, changed
 *    exactly as the architecture says by every operation.
 *
 * EL2 is simulated: at every exit (a maintenance interrupt right after the
 * guest instruction that raised it, a trapped DIR, a hypercall, a
 * distributor write, a timer tick) the LRs are decoded with the module's
 * decoders, folded, the exit is handled, the LRs are filled and encoded
 * back.
 *
 * Checked throughout: every acknowledged interrupt is pending and not
 * active in the reference (nothing delivered twice or out of nothing), is
 * enabled, and no deliverable interrupt of higher priority exists
 * (priority order); no LR that signalled an EOI maintenance interrupt is
 * rewritten before the fold has handled it; no maintenance interrupt is
 * asserted at entry (no exit storm); physical deactivations of HW
 * interrupts match their acknowledges; no transition is ever refused. At
 * the end everything is enabled and the guest drains, its handlers
 * sometimes leaving a level-sensitive line high (the interrupt must come
 * back after each deactivation while it stays high): every pending
 * interrupt must arrive (nothing lost, nothing stranded without a
 * maintenance interrupt) and every active state must be released, in the
 * records as in the reference.
 *
 * VGIC_PROP_N (or argv[1]) sets the number of sequences (default 100000),
 * VGIC_PROP_SEED (or argv[2]) the seed (default: from the clock; printed),
 * VGIC_PROP_ONLY replays one sequence of a seed. `make prop N=... SEED=...`.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <vgic_dist.h>
#include <vgic_dist_regs.h>
#include <vgic_flush.h>
#include <vgic_fold.h>
#include <vgic_input.h>
#include <vgic_lr_v2.h>
#include <vgic_lr_v3.h>
#include <vgic_sgi.h>
#include <vgic_vm.h>

#define SPIS 64
#define NR_INTIDS (VGIC_NR_PRIVATE + SPIS)
#define MAX_USED 32
#define MAX_VCPUS 4
#define PINTID_OFFSET 100u /* HW interrupt X is physical X + 100 */

struct ref_irq {
	bool used, latch, line, active, enabled, level, hw, sgi_v2;
	bool held;          /* level: taken in the drain with the line left high */
	uint8_t sources, active_src, prio, group;
	int hw_outstanding; /* acknowledged, not yet deactivated physically */
};

struct act {
	uint32_t intid;
	uint8_t src, gp, group;
};

struct world {
	uint64_t rng;
	/* configuration */
	enum vgic_version ver;
	unsigned nr_lrs, prio_bits, pre_bits, nr_vcpus;
	bool lazy, trap_always;
	/* the model under test */
	struct vgic_vm vm;
	struct vgic_vcpu vcpu[MAX_VCPUS];
	struct vgic_irq spi[SPIS];
	struct vgic_irq *slots[VGIC_AP_SLOTS(MAX_VCPUS, SPIS)];
	/* the fake hardware */
	uint64_t lr[VGIC_LR_MAX];
	uint64_t hcr, vmcr;
	bool v2_trap_dir;
	uint32_t mi_wait; /* LRs that signalled an EOI maintenance interrupt not yet handled */
	/* the guest */
	struct act stack[64];
	unsigned depth;
	struct act dropped[64];
	unsigned ndropped;
	/* the reference */
	struct ref_irq ref[NR_INTIDS];
	bool dist_grp[2];
	uint32_t used[MAX_USED];
	unsigned nused;
	/* outcome */
	bool failed;
	char why[512];
};

struct stats {
	unsigned long long seqs, ops, acks, exits, mis, dir_traps, eoicount, v2, v3;
	unsigned long long npie, uie, lrenpie, tdir, eoi_mi, dir_in_lr, dir_record, overflow;
	unsigned long long level_redelivered;
};

static struct world W;
static struct stats S;
static bool trace; /* VGIC_PROP_TRACE=1 with VGIC_PROP_ONLY: print every step */

#define T(...)                                                                                \
	do {                                                                                  \
		if (trace)                                                                    \
			printf("  " __VA_ARGS__);                                             \
	} while (0)

/* ---- randomness (xorshift64*, one stream per sequence) ---- */

static uint64_t rnd(struct world *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dull;
}

static unsigned below(struct world *w, unsigned n)
{
	return n ? (unsigned)(rnd(w) % n) : 0;
}

static bool chance(struct world *w, unsigned percent)
{
	return below(w, 100) < percent;
}

static bool prop_fail(struct world *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->failed) {
		va_start(ap, fmt);
		vsnprintf(w->why, sizeof(w->why), fmt, ap);
		va_end(ap);
	}
	w->failed = true;
	return false;
}

#define CHECK(cond, ...)                                                                      \
	do {                                                                                  \
		if (!(cond))                                                                  \
			return prop_fail(w, __VA_ARGS__);                                          \
	} while (0)

/* ---- the fake hardware: raw registers, read with literal bit positions ---- */

static bool v3(const struct world *w)
{
	return w->ver == VGIC_V3;
}

static unsigned hw_state(const struct world *w, unsigned k)
{
	return v3(w) ? (unsigned)(w->lr[k] >> 62) : (unsigned)(w->lr[k] >> 28) & 3;
}

static void hw_set_state(struct world *w, unsigned k, unsigned st)
{
	if (v3(w))
		w->lr[k] = (w->lr[k] & ~(3ull << 62)) | ((uint64_t)st << 62);
	else
		w->lr[k] = (w->lr[k] & ~(3ull << 28)) | ((uint64_t)st << 28);
}

static bool hw_hw(const struct world *w, unsigned k)
{
	return (w->lr[k] >> (v3(w) ? 61 : 31)) & 1;
}

static unsigned hw_group(const struct world *w, unsigned k)
{
	return (unsigned)(w->lr[k] >> (v3(w) ? 60 : 30)) & 1;
}

static unsigned hw_prio(const struct world *w, unsigned k)
{
	return v3(w) ? (unsigned)(w->lr[k] >> 48) & 0xff : ((unsigned)(w->lr[k] >> 23) & 0x1f) << 3;
}

static uint32_t hw_vintid(const struct world *w, unsigned k)
{
	return v3(w) ? (uint32_t)w->lr[k] : (uint32_t)w->lr[k] & 0x3ff;
}

static unsigned hw_src(const struct world *w, unsigned k)
{
	return !v3(w) && !hw_hw(w, k) ? (unsigned)(w->lr[k] >> 10) & 7 : 0;
}

static bool hw_eoi(const struct world *w, unsigned k)
{
	return !hw_hw(w, k) && ((w->lr[k] >> (v3(w) ? 41 : 19)) & 1);
}

static uint32_t hw_pintid(const struct world *w, unsigned k)
{
	if (!hw_hw(w, k))
		return 0;
	return v3(w) ? (uint32_t)(w->lr[k] >> 32) & 0x1fff : (uint32_t)(w->lr[k] >> 10) & 0x3ff;
}

static unsigned hw_eoicount(const struct world *w)
{
	return (unsigned)(w->hcr >> 27) & 0x1f;
}

static bool hw_tdir(const struct world *w)
{
	return v3(w) ? (w->hcr >> 14) & 1 : w->v2_trap_dir;
}

static bool vm_eng(const struct world *w, unsigned g)
{
	return (w->vmcr >> g) & 1;
}

static bool vm_eoim(const struct world *w)
{
	return (w->vmcr >> 9) & 1;
}

static unsigned vm_pmr(const struct world *w)
{
	return v3(w) ? (unsigned)(w->vmcr >> 24) & 0xff : ((unsigned)(w->vmcr >> 27) & 0x1f) << 3;
}

static void vm_set(struct world *w, unsigned bit, bool on)
{
	w->vmcr = on ? w->vmcr | (1ull << bit) : w->vmcr & ~(1ull << bit);
}

static void vm_set_pmr(struct world *w, unsigned pmr)
{
	if (v3(w))
		w->vmcr = (w->vmcr & ~(0xffull << 24)) | ((uint64_t)(pmr & 0xff) << 24);
	else
		w->vmcr = (w->vmcr & ~(0x1full << 27)) | ((uint64_t)((pmr >> 3) & 0x1f) << 27);
}

static unsigned gprio(const struct world *w, unsigned prio)
{
	return prio & (0xffu << (8 - w->pre_bits)) & 0xff;
}

static unsigned running(const struct world *w)
{
	unsigned r = 0xff;

	for (unsigned i = 0; i < w->depth; i++)
		if (w->stack[i].gp < r)
			r = w->stack[i].gp;
	return r;
}

/* The maintenance interrupts, from the raw state (IHI 0069 ICH_MISR_EL2). */
static unsigned hw_misr(const struct world *w)
{
	unsigned valid = 0, m = 0;
	bool pending = false, eoi = false;

	if (!(w->hcr & 1))
		return 0;
	for (unsigned k = 0; k < w->nr_lrs; k++) {
		unsigned st = hw_state(w, k);

		valid += st != 0;
		pending |= st == 1;
		eoi |= st == 0 && hw_eoi(w, k);
	}
	m |= eoi ? 0x01 : 0;
	m |= (w->hcr & 0x02) && valid <= 1 ? 0x02 : 0;
	m |= (w->hcr & 0x04) && hw_eoicount(w) ? 0x04 : 0;
	m |= (w->hcr & 0x08) && !pending ? 0x08 : 0;
	m |= (w->hcr & 0x10) && vm_eng(w, 0) ? 0x10 : 0;
	m |= (w->hcr & 0x20) && !vm_eng(w, 0) ? 0x20 : 0;
	m |= (w->hcr & 0x40) && vm_eng(w, 1) ? 0x40 : 0;
	m |= (w->hcr & 0x80) && !vm_eng(w, 1) ? 0x80 : 0;
	return m;
}

/* ---- reference ---- */

static bool ref_pending(const struct ref_irq *r)
{
	return r->latch || r->sources || (r->level && r->line);
}

static bool ref_deliverable(const struct world *w, const struct ref_irq *r)
{
	return r->used && !r->active && ref_pending(r) && r->enabled && w->dist_grp[r->group] &&
	       vm_eng(w, r->group) && r->prio < vm_pmr(w) && gprio(w, r->prio) < running(w);
}

static bool phys_deactivate(struct world *w, uint32_t pintid)
{
	uint32_t x = pintid - PINTID_OFFSET;

	CHECK(x < NR_INTIDS && w->ref[x].hw, "physical deactivation of %u: not an HW interrupt",
	      pintid);
	CHECK(w->ref[x].hw_outstanding > 0, "INTID %u deactivated physically twice", x);
	w->ref[x].hw_outstanding--;
	return true;
}

/* ---- EL2: the exit and entry paths ---- */

static struct vgic_lr_bank *bank(struct world *w)
{
	return &w->vcpu[0].bank;
}

static bool el2_read_lrs(struct world *w)
{
	for (unsigned k = 0; k < w->nr_lrs; k++) {
		bool ok = v3(w) ? vgic_v3_lr_decode(w->lr[k], &bank(w)->lr[k])
				: vgic_v2_lr_decode((uint32_t)w->lr[k], &bank(w)->lr[k]);

		CHECK(ok, "LR %u holds reserved bits: %#llx", k, (unsigned long long)w->lr[k]);
	}
	return true;
}

static uint8_t el2_rpr(const struct world *w)
{
	uint32_t ap0[4] = { 0 }, ap1[4] = { 0 }, apr = 0;

	for (unsigned i = 0; i < w->depth; i++) {
		unsigned bit = w->stack[i].gp >> (8 - w->pre_bits);

		if (!v3(w))
			apr |= 1u << bit;
		else if (w->stack[i].group)
			ap1[bit / 32] |= 1u << (bit % 32);
		else
			ap0[bit / 32] |= 1u << (bit % 32);
	}
	return v3(w) ? vgic_v3_rpr(ap0, ap1, w->pre_bits) : vgic_v2_rpr(apr);
}

static bool el2_vmcr(const struct world *w, struct vgic_vmcr *m)
{
	return v3(w) ? vgic_v3_vmcr_decode(w->vmcr, m) : vgic_v2_vmcr_decode((uint32_t)w->vmcr, m);
}

static bool exit_begin(struct world *w)
{
	struct vgic_fold_in in = { .eoicount = (uint8_t)hw_eoicount(w), .rpr = el2_rpr(w) };
	struct vgic_fold_result fo;
	int rc;

	S.exits++;
	T("exit: eoicount %u\n", hw_eoicount(w));
	if (!el2_read_lrs(w))
		return false;
	CHECK(el2_vmcr(w, &in.vmcr), "VMCR has reserved bits");
	CHECK(in.rpr == running(w), "running priority %#x from the APRs, %#x in the guest", in.rpr,
	      running(w));
	S.eoicount += in.eoicount;
	rc = vgic_fold(&w->vm, 0, &in, &fo);
	CHECK(rc == VGIC_OK, "vgic_fold: %d (bad LRs %u)", rc, fo.bad_lrs);
	for (unsigned k = 0; k < w->nr_lrs; k++) {
		if (!(fo.eoi_lrs & (1u << k)))
			continue;
		CHECK(w->mi_wait & (1u << k), "fold handled an EOI for LR %u that signalled none", k);
		S.eoi_mi++;
		w->mi_wait &= ~(1u << k);
	}
	for (unsigned i = 0; i < fo.nr_phys; i++)
		if (!phys_deactivate(w, fo.phys[i]))
			return false;
	return true;
}

/* Each record is on vCPU 0's ap_list exactly when pending, active or listed. */
static bool check_ap_lists(struct world *w)
{
	const struct vgic_ap *ap = &w->vcpu[0].ap;
	unsigned want = 0;

	for (unsigned i = 0; i < w->nused; i++) {
		struct vgic_irq *irq = vgic_get_irq(&w->vm, 0, w->used[i]);
		bool belongs = irq->state != VGIC_IRQ_INACTIVE || vgic_irq_is_listed(irq);

		CHECK(irq->refused == 0, "INTID %u: a transition was refused", irq->intid);
		CHECK((irq->owner == 0) == belongs, "INTID %u (%s) %s the ap_list", irq->intid,
		      vgic_irq_state_name(irq->state), belongs ? "missing from" : "on");
		want += belongs;
	}
	CHECK(ap->len == want, "%u records on the ap_list, %u belong there", ap->len, want);
	for (unsigned i = 0; i < ap->len; i++)
		CHECK(ap->slot[i]->owner == 0, "ap_list entry %u not owned by vCPU 0", i);
	return true;
}

static bool exit_end(struct world *w)
{
	struct vgic_flush_result fl;
	int rc = vgic_flush(&w->vm, 0, &fl);

	CHECK(rc == VGIC_OK, "vgic_flush: %d", rc);
	CHECK(w->mi_wait == 0, "LR %u rewritten while waiting for its EOI maintenance interrupt",
	      (unsigned)__builtin_ctz(w->mi_wait | 0x10000));
	for (unsigned k = 0; k < w->nr_lrs; k++) {
		uint32_t raw32;
		bool ok = v3(w) ? vgic_v3_lr_encode(&bank(w)->lr[k], &w->lr[k])
				: vgic_v2_lr_encode(&bank(w)->lr[k], &raw32);

		if (!v3(w))
			w->lr[k] = raw32;
		CHECK(ok, "LR %u: the fill produced an unencodable entry (INTID %u)", k,
		      bank(w)->lr[k].vintid);
	}
	w->hcr = v3(w) ? vgic_v3_hcr_encode(&fl.hcr) : vgic_v2_hcr_encode(&fl.hcr);
	S.npie += fl.hcr.npie;
	S.uie += fl.hcr.uie;
	S.lrenpie += fl.hcr.lrenpie;
	S.tdir += fl.hcr.tdir && !w->trap_always;
	S.overflow += fl.unlisted.count[VGIC_AP_DELIVERABLE] + fl.unlisted.count[VGIC_AP_ACTIVE] +
			      fl.unlisted.count[VGIC_AP_MASKED] + fl.unlisted.count[VGIC_AP_GRP_MASKED] !=
		      0;
	if (trace) {
		printf("  entry: hcr %#llx trap_dir %d:", (unsigned long long)w->hcr, fl.trap_dir);
		for (unsigned k = 0; k < fl.used; k++)
			printf(" [%u %s p%#x%s]", bank(w)->lr[k].vintid,
			       vgic_irq_state_name(bank(w)->lr[k].state), bank(w)->lr[k].priority,
			       bank(w)->lr[k].eoi ? " eoi" : "");
		printf("\n");
	}
	w->v2_trap_dir = fl.trap_dir;
	CHECK(hw_misr(w) == 0, "maintenance interrupt %#x asserted at entry (HCR %#llx)",
	      hw_misr(w), (unsigned long long)w->hcr);
	CHECK(w->vm.refused == 0 && bank(w)->refused == 0, "the model refused an ap_list or bank change");
	return check_ap_lists(w);
}

static bool plain_exit(struct world *w)
{
	return exit_begin(w) && exit_end(w);
}

/* Taken right after the guest instruction that raised it. */
static bool maintenance(struct world *w)
{
	if (!hw_misr(w))
		return true;
	S.mis++;
	return plain_exit(w);
}

/* ---- the guest ---- */

/* The CPU interface's highest-priority pending LR the masks let through, or -1. */
static int hppi(const struct world *w)
{
	int best = -1;
	unsigned bestp = 0x100;

	for (unsigned k = 0; k < w->nr_lrs; k++) {
		unsigned p = hw_prio(w, k);

		if (hw_state(w, k) != 1 || !vm_eng(w, hw_group(w, k)) || p >= vm_pmr(w) ||
		    gprio(w, p) >= running(w))
			continue;
		if (p < bestp) {
			best = (int)k;
			bestp = p;
		}
	}
	return best;
}

static bool check_priority_order(struct world *w, uint32_t x, unsigned p)
{
	for (unsigned i = 0; i < w->nused; i++) {
		const struct ref_irq *r = &w->ref[w->used[i]];

		CHECK(w->used[i] == x || !ref_deliverable(w, r) || r->prio >= p,
		      "priority order: took INTID %u (%#x) while %u (%#x) was deliverable", x, p,
		      w->used[i], r->prio);
	}
	return true;
}

static bool guest_ack(struct world *w, bool *acked)
{
	int k = hppi(w);
	uint32_t x;
	unsigned s, p;
	struct ref_irq *r;
	bool pending;

	*acked = false;
	if (k < 0)
		return true;
	x = hw_vintid(w, (unsigned)k);
	s = hw_src(w, (unsigned)k);
	p = hw_prio(w, (unsigned)k);
	CHECK(x < NR_INTIDS && w->ref[x].used, "LR %d delivered INTID %u, never configured", k, x);
	r = &w->ref[x];
	pending = r->sgi_v2 ? (r->sources >> s) & 1 : ref_pending(r);
	CHECK(pending && !r->active, "INTID %u (source %u) delivered while %s in the reference", x,
	      s, r->active ? "active" : "not pending");
	CHECK(r->enabled && w->dist_grp[r->group], "INTID %u delivered while disabled", x);
	CHECK(hw_group(w, (unsigned)k) == r->group && p == r->prio,
	      "INTID %u listed with group %u priority %#x, is %u %#x", x, hw_group(w, (unsigned)k),
	      p, r->group, r->prio);
	if (!check_priority_order(w, x, p))
		return false;
	T("ack %u src %u prio %#x (LR %d)\n", x, s, p, k);
	hw_set_state(w, (unsigned)k, 2);
	w->stack[w->depth++] = (struct act){ x, (uint8_t)s, (uint8_t)gprio(w, p), (uint8_t)r->group };
	if (r->sgi_v2)
		r->sources &= (uint8_t)~(1u << s);
	else
		r->latch = false;
	r->active = true;
	r->active_src = (uint8_t)s;
	if (r->hw)
		r->hw_outstanding++;
	S.acks++;
	*acked = true;
	return true;
}

/* The LR holding this interrupt (and GICv2 SGI source) active, or -1. */
static int hw_find_active(const struct world *w, const struct act *a)
{
	for (unsigned k = 0; k < w->nr_lrs; k++)
		if (hw_vintid(w, k) == a->intid && hw_src(w, k) == a->src && (hw_state(w, k) & 2))
			return (int)k;
	return -1;
}

/* EOIcount + 1, 5 bits, wrapping (IHI 0069 ICH_HCR_EL2, IHI 0048B GICH_HCR). */
static void hw_count_eoi(struct world *w)
{
	w->hcr = (w->hcr & ~(0x1full << 27)) | ((uint64_t)((hw_eoicount(w) + 1) & 0x1f) << 27);
}

/*
 * What hardware does for a deactivation by INTID that no trap intercepts
 * (an EOImode 0 EOIR, an EOImode 1 DIR): in the matching LR, or EOIcount + 1
 * if there is none.
 */
static bool hw_deactivate(struct world *w, const struct act *a)
{
	struct ref_irq *r = &w->ref[a->intid];
	int lr = hw_find_active(w, a);
	unsigned k, st;

	CHECK(r->active && r->active_src == a->src, "the guest deactivates %u, not active", a->intid);
	r->active = false;
	if (lr < 0) {
		hw_count_eoi(w);
		return true;
	}
	k = (unsigned)lr;
	st = hw_state(w, k);
	hw_set_state(w, k, st & 1);
	if (hw_hw(w, k) && !phys_deactivate(w, hw_pintid(w, k)))
		return false;
	if ((st & 1) == 0 && hw_eoi(w, k))
		w->mi_wait |= 1u << k;
	return true;
}

/*
 * The EOIR: the priority drop, then with EOImode 0 the deactivation. An
 * EOIR that finds no LR holding the interrupt active increments EOIcount
 * in both EOImodes (IHI 0069 VirtualWriteEOIR0/1, IHI 0048B GICH_HCR.EOICount,
 * as QEMU does): under EOImode 1 that count is a priority drop only, and
 * the interrupt stays active until its DIR.
 */
static bool guest_eoi(struct world *w)
{
	struct act a;

	if (!w->depth)
		return true;
	a = w->stack[--w->depth]; /* priority drop */
	T("eoi %u%s\n", a.intid, vm_eoim(w) ? " (drop only)" : "");
	if (vm_eoim(w)) {
		if (hw_find_active(w, &a) < 0)
			hw_count_eoi(w);
		w->dropped[w->ndropped++] = a;
		return true;
	}
	return hw_deactivate(w, &a);
}

/* A trapped DIR: in place while loaded (the fast path), or after a full fold. */
static bool trapped_dir(struct world *w, const struct act *a)
{
	uint32_t value = a->intid | (v3(w) ? 0 : (uint32_t)a->src << 10);
	struct vgic_dir_result d;
	bool fast = chance(w, 50);
	int rc;

	S.dir_traps++;
	w->ref[a->intid].active = false;
	if (fast) {
		if (!el2_read_lrs(w))
			return false;
	} else if (!exit_begin(w)) {
		return false;
	}
	rc = vgic_dir(&w->vm, 0, value, &d);
	CHECK(rc == VGIC_OK && d.outcome != VGIC_DIR_IGNORED, "DIR of active INTID %u: %d/%d",
	      a->intid, rc, d.outcome);
	if (d.phys && !phys_deactivate(w, d.pintid))
		return false;
	S.dir_in_lr += d.outcome == VGIC_DIR_IN_LR;
	S.dir_record += d.outcome == VGIC_DIR_RECORD;
	if (!fast)
		return exit_end(w);
	if (d.outcome == VGIC_DIR_IN_LR) {
		unsigned k = (unsigned)d.lr;
		uint32_t raw32;

		if (v3(w))
			CHECK(vgic_v3_lr_encode(&bank(w)->lr[k], &w->lr[k]), "re-encode LR %u", k);
		else
			CHECK(vgic_v2_lr_encode(&bank(w)->lr[k], &raw32), "re-encode LR %u", k);
		if (!v3(w))
			w->lr[k] = raw32;
		if (hw_state(w, k) == 0 && hw_eoi(w, k))
			w->mi_wait |= 1u << k;
	}
	return d.refill ? plain_exit(w) : true;
}

static bool guest_dir(struct world *w)
{
	struct act a;
	unsigned i;

	if (!w->ndropped)
		return true;
	switch (below(w, 3)) {
	case 0:
		i = 0; /* in acknowledge order */
		break;
	case 1:
		i = w->ndropped - 1; /* in reverse */
		break;
	default:
		i = below(w, w->ndropped);
		break;
	}
	a = w->dropped[i];
	memmove(&w->dropped[i], &w->dropped[i + 1], (w->ndropped - i - 1) * sizeof(a));
	w->ndropped--;
	T("dir %u%s\n", a.intid, hw_tdir(w) ? " (trapped)" : "");
	if (hw_tdir(w))
		return trapped_dir(w, &a);
	return hw_deactivate(w, &a);
}

/* ---- the hypervisor's side: each is one exit ---- */

static uint32_t pick_used(struct world *w)
{
	return w->used[below(w, w->nused)];
}

static bool do_line(struct world *w, uint32_t x, int how) /* 0 pulse, 1 assert, 2 deassert */
{
	struct ref_irq *r = &w->ref[x];
	int rc;

	if (x < VGIC_NR_SGIS) {
		rc = vgic_irq_pulse(&w->vm, 0, x);
		if (r->sgi_v2)
			r->sources |= 1;
		else
			r->latch = true;
	} else {
		rc = how == 0   ? vgic_irq_pulse(&w->vm, 0, x)
		     : how == 1 ? vgic_irq_assert(&w->vm, 0, x)
				: vgic_irq_deassert(&w->vm, 0, x);
		if (how != 2 && !r->level && !r->line)
			r->latch = true;
		r->line = how == 1;
	}
	CHECK(rc == VGIC_OK, "irq line op on %u: %d", x, rc);
	return true;
}

/* Per-INTID register write: the GICv3 SGI frame for INTIDs 0-31, else the GICD. */
static bool reg_write(struct world *w, uint32_t gicd_off, uint32_t x, unsigned size, uint64_t v)
{
	enum vgic_mmio_status st;

	if (v3(w) && x < VGIC_NR_PRIVATE)
		st = vgic_gicr_write(&w->vm, 0, gicd_off + GICR_SGI_BASE, size, v);
	else
		st = vgic_gicd_write(&w->vm, 0, gicd_off, size, v);
	CHECK(st == VGIC_MMIO_OK, "MMIO write %#x: %d", gicd_off, st);
	return true;
}

static bool bit_write(struct world *w, uint32_t base, uint32_t x)
{
	return reg_write(w, base + 4 * (x / 32), x, 4, 1ull << (x % 32));
}

static bool do_enable(struct world *w, uint32_t x, bool on)
{
	w->ref[x].enabled = on;
	return bit_write(w, on ? GICD_ISENABLER : GICD_ICENABLER, x);
}

static unsigned random_prio(struct world *w)
{
	return below(w, (1u << w->prio_bits) - 1) << (8 - w->prio_bits);
}

static bool do_priority(struct world *w, uint32_t x)
{
	w->ref[x].prio = (uint8_t)random_prio(w);
	return reg_write(w, GICD_IPRIORITYR + x, x, 1, w->ref[x].prio);
}

static bool do_pend_reg(struct world *w, uint32_t x, bool set)
{
	struct ref_irq *r = &w->ref[x];

	if (!r->sgi_v2)
		r->latch = set;
	return bit_write(w, set ? GICD_ISPENDR : GICD_ICPENDR, x);
}

static bool do_dist_ctlr(struct world *w, unsigned v)
{
	w->dist_grp[0] = v & 1;
	w->dist_grp[1] = (v >> 1) & 1;
	CHECK(vgic_gicd_write(&w->vm, 0, GICD_CTLR, 4, v) == VGIC_MMIO_OK, "GICD_CTLR");
	return true;
}

/* An SGI to vCPU 0 from any vCPU of the VM (the others never run here). */
static bool do_sgi(struct world *w, uint32_t x)
{
	unsigned src = below(w, w->nr_vcpus), group = below(w, 2);
	struct ref_irq *r = &w->ref[x];
	int n;

	if (!v3(w)) {
		uint32_t v = src ? (0u << 24) | (1u << 16) | x : (2u << 24) | x;

		r->sources |= (uint8_t)(1u << src);
		CHECK(vgic_gicd_write(&w->vm, src, GICD_SGIR, 4, v) == VGIC_MMIO_OK, "GICD_SGIR");
		return true;
	}
	n = vgic_v3_sgi(&w->vm, src, ((uint64_t)x << 24) | 1, group);
	if (r->group == group)
		r->latch = true;
	CHECK(n == (r->group == group), "ICC_SGI%uR_EL1 reached %d vCPUs", group ? 1 : 0, n);
	return true;
}

/* Many at once: 4x to 16x the LRs made pending in one exit (as far as there are). */
static bool burst(struct world *w)
{
	unsigned n = w->nr_lrs * (4 + below(w, 13));

	if (n > 2 * w->nused)
		n = 2 * w->nused;

	for (unsigned i = 0; i < n; i++) {
		uint32_t x = pick_used(w);
		const struct ref_irq *r = &w->ref[x];

		if (!(r->hw && r->active) && !do_line(w, x, r->level ? 1 : 0))
			return false;
	}
	return true;
}

static bool hyp_op(struct world *w)
{
	uint32_t x = pick_used(w);
	struct ref_irq *r = &w->ref[x];
	unsigned op = below(w, 100);
	bool ok;

	if (!exit_begin(w))
		return false;
	T("hyp op %u on %u\n", op, x);
	if (op < 35) {
		/* an HW interrupt's physical source cannot fire again while it is active */
		ok = r->hw && r->active ? true : do_line(w, x, r->hw ? 0 : (int)below(w, 3));
	} else if (op < 43) {
		ok = do_enable(w, x, chance(w, 70));
	} else if (op < 50) {
		ok = do_priority(w, x);
	} else if (op < 58) {
		bool set = chance(w, 60);

		ok = (set && r->hw && r->active) ? true : do_pend_reg(w, x, set);
	} else if (op < 61) {
		ok = do_dist_ctlr(w, chance(w, 85) ? 3 : below(w, 4));
	} else if (op < 70) {
		uint32_t sgi = x < VGIC_NR_SGIS ? x : below(w, VGIC_NR_SGIS);

		ok = w->ref[sgi].used ? do_sgi(w, sgi) : true;
	} else if (op < 90) {
		ok = burst(w);
	} else {
		ok = true; /* a timer tick, a WFI */
	}
	return ok && exit_end(w);
}

/* Several in a row (nested interrupts, or an EOImode 1 guest taking all first). */
static bool guest_repeat(struct world *w, bool ack)
{
	unsigned n = 2 + below(w, 8);
	bool acked = true;

	for (unsigned i = 0; i < n && acked; i++) {
		if (ack ? !guest_ack(w, &acked) : !guest_eoi(w))
			return false;
		if (!maintenance(w))
			return false;
	}
	return true;
}

static bool guest_op(struct world *w)
{
	unsigned op = below(w, 100);
	bool acked;

	if (op < 25)
		return guest_ack(w, &acked);
	if (op < 33)
		return guest_repeat(w, true);
	if (op < 43)
		return guest_eoi(w);
	if (op < 49)
		return guest_repeat(w, false);
	if (op < 57)
		return guest_dir(w);
	if (op < 59) {
		vm_set_pmr(w, chance(w, 60) ? 0xff : below(w, 256));
		return true;
	}
	if (op < 63) {
		vm_set(w, below(w, 2), chance(w, 65));
		return true;
	}
	if (op < 64 && !w->depth && !w->ndropped) {
		vm_set(w, 9, !vm_eoim(w));
		return true;
	}
	return hyp_op(w);
}

/* ---- one sequence ---- */

static bool configure_irq(struct world *w, uint32_t x)
{
	struct ref_irq *r = &w->ref[x];

	*r = (struct ref_irq){ .used = true, .sgi_v2 = !v3(w) && x < VGIC_NR_SGIS };
	r->level = x >= VGIC_NR_SGIS && chance(w, 30);
	r->hw = x >= VGIC_NR_PRIVATE && !r->level && chance(w, 15);
	r->group = (uint8_t)below(w, 2);
	r->prio = (uint8_t)random_prio(w);
	if (!reg_write(w, GICD_IPRIORITYR + x, x, 1, r->prio))
		return false;
	if (!v3(w) && w->nr_vcpus > 1 && x >= VGIC_NR_PRIVATE &&
	    !reg_write(w, GICD_ITARGETSR + x, x, 1, 1))
		return false;
	if (r->hw) {
		struct vgic_irq *irq = vgic_get_irq(&w->vm, 0, x);

		irq->hw = true;
		irq->pintid = x + PINTID_OFFSET;
	}
	return chance(w, 85) ? do_enable(w, x, true) : true;
}

/* IGROUPR and ICFGR, one write per word (unused INTIDs keep their reset values). */
static bool write_groups_and_config(struct world *w)
{
	for (uint32_t base = 0; base < NR_INTIDS; base += 32) {
		uint64_t grp = 0, cfg[2] = { 0, 0 };

		for (uint32_t i = 0; i < 32; i++) {
			const struct ref_irq *r = &w->ref[base + i];

			cfg[i / 16] |= (uint64_t)(r->used && r->level ? 0 : 2) << (2 * (i % 16));
			grp |= (uint64_t)(r->used && r->group) << i;
		}
		if (!reg_write(w, GICD_IGROUPR + base / 8, base, 4, grp) ||
		    !reg_write(w, GICD_ICFGR + base / 4, base, 4, cfg[0]) ||
		    !reg_write(w, GICD_ICFGR + base / 4 + 4, base, 4, cfg[1]))
			return false;
	}
	return true;
}

static bool setup(struct world *w, uint64_t seed)
{
	struct vgic_cfg cfg;
	struct vgic_vmcr vmcr;
	bool pick[NR_INTIDS] = { false };

	memset(w, 0, sizeof(*w));
	w->rng = seed | 1;
	w->ver = chance(w, 50) ? VGIC_V3 : VGIC_V2;
	w->nr_lrs = 1 + below(w, chance(w, 50) ? 4 : VGIC_LR_MAX); /* QEMU has 4 */
	w->prio_bits = v3(w) ? 5 + below(w, 4) : 5;
	w->pre_bits = w->prio_bits > 7 ? 7 : w->prio_bits;
	w->nr_vcpus = 1 + below(w, MAX_VCPUS);
	w->lazy = chance(w, 50);
	w->trap_always = chance(w, 20);
	cfg = (struct vgic_cfg){ .version = w->ver, .nr_vcpus = w->nr_vcpus, .nr_spis = SPIS,
				 .prio_bits = w->prio_bits, .nr_lrs = w->nr_lrs,
				 .lazy_lrenp = w->lazy, .trap_dir_always = w->trap_always };
	CHECK(vgic_vm_init(&w->vm, &cfg, w->vcpu, w->spi, w->slots) == VGIC_OK, "vgic_vm_init");
	w->nused = 1 + below(w, MAX_USED);
	for (unsigned i = 0; i < w->nused; i++) {
		uint32_t x;

		do
			x = chance(w, 20) ? below(w, VGIC_NR_PRIVATE) : VGIC_NR_PRIVATE + below(w, SPIS);
		while (pick[x]);
		pick[x] = true;
		w->used[i] = x;
		if (!configure_irq(w, x))
			return false;
	}
	if (!write_groups_and_config(w) || !do_dist_ctlr(w, chance(w, 85) ? 3 : below(w, 4)))
		return false;
	vm_set_pmr(w, chance(w, 80) ? 0xff : below(w, 256));
	vm_set(w, 0, chance(w, 80));
	vm_set(w, 1, chance(w, 80));
	vm_set(w, 9, chance(w, 50));
	CHECK(el2_vmcr(w, &vmcr), "initial VMCR");
	vgic_cpuif_load(&w->vm, 0, &vmcr, VGIC_PRIO_IDLE);
	return exit_end(w); /* the first entry */
}

/*
 * With nothing to take in the LRs, nothing to EOI or deactivate and no
 * maintenance interrupt on its way, a deliverable interrupt waits for an
 * exit that nothing guarantees: stranded.
 */
static bool check_not_stranded(struct world *w)
{
	for (unsigned i = 0; i < w->nused; i++)
		CHECK(!ref_deliverable(w, &w->ref[w->used[i]]),
		      "stranded: INTID %u deliverable, not in the LRs, no maintenance interrupt",
		      w->used[i]);
	return true;
}

/*
 * The guest's handler of a level-sensitive interrupt it just took in the
 * drain: most of the time it clears the device (a trapped access, one exit)
 * before the EOI; otherwise it leaves the line high, and the interrupt must
 * come back after its deactivation, for as long as the line stays high.
 */
static bool handle_level(struct world *w)
{
	uint32_t x = w->stack[w->depth - 1].intid;
	struct ref_irq *r = &w->ref[x];

	if (!r->level)
		return true;
	if (r->held)
		S.level_redelivered++;
	r->held = false;
	if (!r->line)
		return true;
	if (chance(w, 40)) {
		r->held = true;
		return true;
	}
	T("device clears %u\n", x);
	return exit_begin(w) && do_line(w, x, 2) && exit_end(w);
}

/*
 * Enable everything, quiet the edge-triggered lines (level ones stay high
 * until the guest's handler clears them), open the priority mask (an exit
 * follows: the guest's PMR write is not seen otherwise), then enable the
 * CPU interface's groups (VGrpEIE must bring the waiting ones in) and let
 * the guest take all there is.
 */
static bool drain(struct world *w)
{
	const unsigned limit = 4000; /* every step takes or ends one instance, or exits once */

	if (!exit_begin(w))
		return false;
	for (unsigned i = 0; i < w->nused; i++) {
		uint32_t x = w->used[i];

		if (x >= VGIC_NR_SGIS && !w->ref[x].level && w->ref[x].line && !do_line(w, x, 2))
			return false;
		if (!w->ref[x].enabled && !do_enable(w, x, true))
			return false;
	}
	vm_set_pmr(w, 0xff);
	if (!do_dist_ctlr(w, 3) || !exit_end(w))
		return false;
	vm_set(w, 0, true);
	vm_set(w, 1, true);
	if (!maintenance(w))
		return false;
	for (unsigned n = 0; n < limit; n++) {
		bool acked;

		if (w->ndropped) {
			if (!guest_dir(w) || !maintenance(w))
				return false;
		} else if (w->depth && (chance(w, 50) || hppi(w) < 0)) {
			if (!guest_eoi(w) || !maintenance(w))
				return false;
		} else {
			if (!guest_ack(w, &acked) || !maintenance(w))
				return false;
			if (acked && !handle_level(w))
				return false;
			if (acked || w->depth || hppi(w) >= 0)
				continue;
			if (!check_not_stranded(w) || !plain_exit(w)) /* the guest waits: a tick */
				return false;
			if (hppi(w) >= 0)
				continue;
			for (unsigned i = 0; i < w->nused; i++) {
				const struct ref_irq *r = &w->ref[w->used[i]];

				CHECK(!ref_pending(r), "lost: INTID %u pending and never delivered",
				      w->used[i]);
				CHECK(!r->active, "INTID %u still active in the reference", w->used[i]);
			}
			return true;
		}
	}
	return prop_fail(w, "the drain did not settle in %u steps", limit);
}

static bool final_checks(struct world *w)
{
	if (!plain_exit(w) || !exit_begin(w))
		return false;
	for (unsigned i = 0; i < w->nused; i++) {
		uint32_t x = w->used[i];
		const struct vgic_irq *irq = vgic_get_irq(&w->vm, 0, x);

		CHECK(irq->state == VGIC_IRQ_INACTIVE && !irq->latch && !irq->sources,
		      "INTID %u left %s in the model", x, vgic_irq_state_name(irq->state));
		CHECK(w->ref[x].hw_outstanding == 0, "INTID %u: %d physical deactivations missing",
		      x, w->ref[x].hw_outstanding);
	}
	CHECK(w->vcpu[0].ap.len == 0, "%u records left on the ap_list", w->vcpu[0].ap.len);
	CHECK(w->mi_wait == 0, "EOI maintenance left unhandled");
	CHECK(vgic_refused(&w->vm) == 0, "the model refused a transition");
	return true;
}

static bool run_sequence(struct world *w, uint64_t seed)
{
	unsigned ops;

	if (!setup(w, seed))
		return false;
	if (v3(w))
		S.v3++;
	else
		S.v2++;
	ops = 1 + below(w, 40);
	for (unsigned i = 0; i < ops; i++) {
		S.ops++;
		if (!guest_op(w) || !maintenance(w))
			return false;
	}
	return drain(w) && final_checks(w);
}

/* ---- driver ---- */

static uint64_t seq_seed(uint64_t seed, uint64_t i)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * (i + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned long long n_seqs = 100000;
static uint64_t master_seed;
static long long only = -1;

static void test_property(void **state)
{
	unsigned long long first = only >= 0 ? (unsigned long long)only : 0;
	unsigned long long last = only >= 0 ? first + 1 : n_seqs;
	time_t t0 = time(NULL);

	(void)state;
	for (unsigned long long i = first; i < last; i++) {
		if (!run_sequence(&W, seq_seed(master_seed, i))) {
			print_message("vgic_prop: sequence %llu failed (%s, %u LRs, prio bits %u, "
				      "%u vCPUs, lazy %d, trap_dir_always %d): %s\n",
				      i, W.ver == VGIC_V3 ? "GICv3" : "GICv2", W.nr_lrs, W.prio_bits,
				      W.nr_vcpus, W.lazy, W.trap_always, W.why);
			print_message("vgic_prop: replay with VGIC_PROP_SEED=%llu VGIC_PROP_ONLY=%llu\n",
				      (unsigned long long)master_seed, i);
			fail_msg("property violated");
		}
		S.seqs++;
	}
	print_message("vgic_prop: seed=%llu sequences=%llu (v2 %llu, v3 %llu) ops=%llu acks=%llu "
		      "exits=%llu maintenance=%llu in %ld s\n",
		      (unsigned long long)master_seed, S.seqs, S.v2, S.v3, S.ops, S.acks, S.exits,
		      S.mis, (long)(time(NULL) - t0));
	print_message("vgic_prop: entries with overflow=%llu npie=%llu uie=%llu lrenpie=%llu "
		      "tdir=%llu; eoicount=%llu eoi_mi=%llu dir_traps=%llu (in_lr %llu, record "
		      "%llu) level_redelivered=%llu\n",
		      S.overflow, S.npie, S.uie, S.lrenpie, S.tdir, S.eoicount, S.eoi_mi, S.dir_traps,
		      S.dir_in_lr, S.dir_record, S.level_redelivered);
}

int main(int argc, char **argv)
{
	const char *n = getenv("VGIC_PROP_N"), *seed = getenv("VGIC_PROP_SEED");
	const char *one = getenv("VGIC_PROP_ONLY");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property),
	};

	if (argc > 1)
		n = argv[1];
	if (argc > 2)
		seed = argv[2];
	if (n && *n)
		n_seqs = strtoull(n, NULL, 0);
	master_seed = seed && *seed ? strtoull(seed, NULL, 0)
				    : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
	if (one && *one)
		only = strtoll(one, NULL, 0);
	trace = only >= 0 && getenv("VGIC_PROP_TRACE") != NULL;
	printf("# vgic_prop: seed=%llu sequences=%llu%s\n", (unsigned long long)master_seed, n_seqs,
	       only >= 0 ? " (one replayed)" : "");
	fflush(stdout);
	return cmocka_run_group_tests_name("vgic_prop", tests, NULL, NULL);
}
