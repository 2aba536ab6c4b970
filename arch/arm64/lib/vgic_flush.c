/* SPDX-License-Identifier: MIT */
/* Guest entry: the LR fill and the maintenance-interrupt policy (see vgic_flush.h). */
#include "vgic_flush.h"

#include <string.h>

#define EOICOUNT_MAX 31u /* 5-bit EOIcount: more out-of-LR EOIs than this could wrap */

/* What the walk over the ap_list learnt besides which records get an LR. */
struct walk {
	struct vgic_irq *chosen[VGIC_LR_MAX];
	unsigned used;
	unsigned wait_prio;      /* best priority pending (not active) outside the LRs */
	bool prompt;             /* an out-of-LR active one whose late deactivation matters */
	bool grp_waiting[2];     /* masked ones outside, per group */
};

static bool bank_clean(const struct vgic_lr_bank *b)
{
	for (unsigned k = 0; k < b->nr; k++)
		if (!vgic_lr_is_empty(&b->lr[k]) || b->owner[k])
			return false;
	return true;
}

/* Deactivating it late (at some later exit, through EOIcount) would be wrong. */
static bool needs_prompt_deactivation(const struct vgic_irq *irq)
{
	return vgic_irq_is_pending(irq) || (irq->trigger == VGIC_LEVEL && irq->line) || irq->hw ||
	       irq->sources;
}

static void note_unlisted(struct walk *w, const struct vgic_irq *irq, enum vgic_ap_class c)
{
	if (c == VGIC_AP_ACTIVE && needs_prompt_deactivation(irq))
		w->prompt = true;
	if ((c == VGIC_AP_DELIVERABLE || c == VGIC_AP_MASKED || c == VGIC_AP_GRP_MASKED) &&
	    irq->priority < w->wait_prio)
		w->wait_prio = irq->priority;
	if (c == VGIC_AP_MASKED || c == VGIC_AP_GRP_MASKED)
		w->grp_waiting[irq->group & 1] = true;
}

/*
 * A one-LR bank cannot ask for an exit when an active HW interrupt in its
 * only LR is deactivated (no EOI bit with HW set, and U would fire at once),
 * so while anything else could use the LR, such an interrupt stays outside:
 * its EOI then counts in EOIcount (LRENPIE) or its DIR traps (TDIR).
 */
static bool gives_way(const struct vgic_irq *irq, enum vgic_ap_class c, unsigned nr,
		      unsigned listable)
{
	return nr == 1 && c == VGIC_AP_ACTIVE && irq->hw && listable > 1;
}

/*
 * BLOCKED ones wait for a trapped distributor write. GRP_MASKED ones (their
 * group off in the CPU interface) wait for the VGrp<g>E maintenance
 * interrupt: in an LR they would only take room, and on GICv2 a pending LR
 * of a disabled group that outranks the others can keep them from being
 * signalled at all (QEMU's GICv2 picks the best pending LR before it
 * looks at its group's enable; docs/vgic.md, "Group enables").
 */
static bool listable(enum vgic_ap_class c)
{
	return c != VGIC_AP_BLOCKED && c != VGIC_AP_GRP_MASKED;
}

static unsigned count_listable(const struct vgic_ap *ap, const struct vgic_ap_view *view)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ap->len; i++)
		n += listable(vgic_ap_classify(ap->slot[i], view));
	return n;
}

static void walk_ap(const struct vgic_ap *ap, const struct vgic_ap_view *view, unsigned nr,
		    struct walk *w, struct vgic_flush_result *out)
{
	unsigned n_listable = nr == 1 ? count_listable(ap, view) : 0; /* only gives_way needs it */

	w->wait_prio = 0x100;
	for (unsigned i = 0; i < ap->len; i++) {
		struct vgic_irq *irq = ap->slot[i];
		enum vgic_ap_class c = vgic_ap_classify(irq, view);

		if (listable(c) && w->used < nr && !gives_way(irq, c, nr, n_listable)) {
			w->chosen[w->used++] = irq;
			out->listed.count[c]++;
		} else {
			note_unlisted(w, irq, c);
			out->unlisted.count[c]++;
		}
	}
}

/* The LR state for a chosen record: see vgic_flush.h for when pending is left out. */
static unsigned lr_state(const struct vgic_irq *irq, const struct vgic_ap_view *view,
			 const struct walk *w)
{
	bool pending;

	if (!vgic_irq_is_active(irq))
		return VGIC_LR_PENDING;
	pending = vgic_irq_is_pending(irq) && vgic_ap_forwardable(irq, view) && !irq->hw &&
		  !irq->sgi_v2 && w->wait_prio >= irq->priority;
	return pending ? VGIC_LR_PENDING_ACTIVE : VGIC_LR_ACTIVE;
}

/* Whether the fold must see this LR's deactivation (HW clear only). */
static bool wants_eoi(const struct vgic_irq *irq, unsigned state)
{
	bool stripped = vgic_irq_is_pending(irq) && !(state & VGIC_LR_PENDING);

	return !irq->hw && ((irq->trigger == VGIC_LEVEL && irq->line) || stripped || irq->sources);
}

static bool fill_one(struct vgic_lr_bank *b, unsigned k, struct vgic_irq *irq,
		     const struct vgic_ap_view *view, const struct walk *w)
{
	unsigned state = lr_state(irq, view, w);
	uint8_t source = 0;
	struct vgic_lr *lr = &b->lr[k];

	if (!vgic_irq_list(irq, (int)k, state, &source))
		return false;
	*lr = (struct vgic_lr){
		.vintid = irq->intid,
		.pintid = irq->hw ? irq->pintid : 0,
		.state = (uint8_t)state,
		.priority = (state & VGIC_LR_PENDING) ? irq->priority : irq->active_prio,
		.source = irq->sgi_v2 ? source : 0,
		.group1 = irq->group != 0,
		.hw = irq->hw,
		.eoi = wants_eoi(irq, state),
	};
	b->written[k] = *lr;
	b->owner[k] = irq;
	return true;
}

/*
 * One LR in use and others waiting, where U would fire at once: the LR
 * asks for an EOI maintenance interrupt instead; an HW interrupt cannot,
 * so while it is pending NP brings the exit at its acknowledge (it is then
 * active, and gives the LR up: gives_way).
 */
static void one_lr_underflow(struct vgic_lr_bank *b, struct vgic_hcr *h)
{
	if (!b->lr[0].hw)
		b->lr[0].eoi = b->written[0].eoi = true;
	else if (b->lr[0].state & VGIC_LR_PENDING)
		h->npie = true;
}

static void set_policy(const struct vgic_vm *vm, const struct vgic_ap_view *view,
		       const struct walk *w, struct vgic_lr_bank *b, struct vgic_flush_result *out)
{
	const unsigned *unl = out->unlisted.count;
	/* GRP_MASKED ones are not counted: only the group enable (VGrp<g>E) brings them in. */
	unsigned waiting = unl[VGIC_AP_ACTIVE] + unl[VGIC_AP_MASKED];
	bool grp_listed[2] = { false, false };
	struct vgic_hcr *h = &out->hcr;

	for (unsigned k = 0; k < w->used; k++)
		if (b->lr[k].state & VGIC_LR_PENDING)
			grp_listed[b->lr[k].group1] = true;
	memset(h, 0, sizeof(*h));
	h->en = true;
	h->npie = unl[VGIC_AP_DELIVERABLE] > 0;
	h->uie = !h->npie && waiting > 0 && w->used >= 2;
	if (!h->npie && waiting > 0 && w->used == 1)
		one_lr_underflow(b, h);
	h->lrenpie = unl[VGIC_AP_ACTIVE] > 0 &&
		     (!vm->cfg.lazy_lrenp || w->prompt || unl[VGIC_AP_ACTIVE] >= EOICOUNT_MAX);
	h->tdir = unl[VGIC_AP_ACTIVE] > 0 || vm->cfg.trap_dir_always;
	h->vgrp0eie = !view->cpu_grp[0] && w->grp_waiting[0];
	h->vgrp1eie = !view->cpu_grp[1] && w->grp_waiting[1];
	h->vgrp0die = view->cpu_grp[0] && grp_listed[0] && (waiting + unl[VGIC_AP_DELIVERABLE]);
	h->vgrp1die = view->cpu_grp[1] && grp_listed[1] && (waiting + unl[VGIC_AP_DELIVERABLE]);
	out->trap_dir = h->tdir;
	b->hcr = *h;
}

int vgic_flush(struct vgic_vm *vm, unsigned vcpu, struct vgic_flush_result *out)
{
	struct vgic_vcpu *v;
	struct vgic_ap_view view;
	struct walk w = { 0 };

	memset(out, 0, sizeof(*out));
	if (vcpu >= vm->cfg.nr_vcpus)
		return VGIC_E_CONFIG;
	v = &vm->vcpu[vcpu];
	if (v->bank.phase != VGIC_BANK_FOLDED || !bank_clean(&v->bank))
		return VGIC_E_STATE;
	view = vgic_vcpu_view(vm, vcpu);
	/*
	 * The guest's EOIR drops the running priority without changing any
	 * LR when the interrupt it ends is outside them (EOImode 1 always:
	 * the LR stays active until DIR), so no maintenance interrupt sees
	 * it. A pending interrupt masked only by the running priority must be
	 * in an LR by then, ahead of active ones (which, outside, are seen
	 * through EOIcount, LRENPIE and TDIR): classify as if nothing were
	 * running. Found by the vgic_lr_overflow payload (eoimode1_*), which
	 * stalled without it. Under EOImode 0 the same order lets the guest
	 * take a full bank of pending interrupts after its EOI instead of one
	 * fewer (the active one kept an LR until U fired): bench_irq went
	 * from 20 to 16 exits per 64 interrupts through 4 LRs. A one-LR bank
	 * under EOImode 0 keeps the active one in its LR with the EOI bit
	 * instead (one_lr_underflow): evicting it would buy nothing there.
	 */
	if (v->cpuif.eoimode || v->bank.nr > 1)
		view.rpr = VGIC_PRIO_IDLE;
	vgic_ap_sort(&v->ap, &view);
	walk_ap(&v->ap, &view, v->bank.nr, &w, out);
	for (unsigned k = 0; k < w.used; k++)
		if (!fill_one(&v->bank, k, w.chosen[k], &view, &w))
			return VGIC_E_REFUSED;
	out->used = w.used;
	set_policy(vm, &view, &w, &v->bank, out);
	return vgic_bank_load(&v->bank) ? VGIC_OK : VGIC_E_STATE;
}
