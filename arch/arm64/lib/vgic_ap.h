/* SPDX-License-Identifier: MIT */
/*
 * The ap_list: one per vCPU, every interrupt that is pending or active on
 * it (or listed in one of its LRs), in the order the LR fill takes them.
 * Fixed capacity in caller storage (an array of record pointers).
 *
 * Each entry falls in one class, and the list is ordered by class, then
 * priority (lower value first), then INTID:
 *
 *   0 DELIVERABLE  pending, not active, enabled, its group enabled in the
 *                  distributor and the CPU interface, priority below the
 *                  priority mask and the running priority: the guest could
 *                  take it now. By priority.
 *   1 ACTIVE       active, or active and pending. By the priority it was
 *                  acknowledged at, so the most recently taken (the next to
 *                  be EOIed) stay in the LRs when active ones overflow.
 *   2 MASKED       pending, not active, its group enabled everywhere, but
 *                  masked by the priority mask or the running priority:
 *                  listable, the hardware delivers it once unmasked (an
 *                  EOI, which may not exit, lowers the running priority).
 *   3 GRP_MASKED   pending, not active, its group disabled in the CPU
 *                  interface only: not listed (the fill asks for the
 *                  VGrp<g>E maintenance interrupt instead and lists it
 *                  after the enable). Ranked apart from MASKED so that it
 *                  never takes an LR an rpr-masked one needs: an EOI that
 *                  lets a MASKED one in may bring no exit at all.
 *   4 BLOCKED      pending, not active, but disabled or in a group disabled
 *                  at the distributor: never listed (enabling it is a
 *                  trapped write, after which the fill looks again).
 *
 * The masks move with every exit (the guest writes PMR, the group enables
 * and the running priority without trapping), so the fill re-sorts with
 * the view the fold read (vgic_ap_sort; insertion sort, near-linear on a
 * list that was sorted at the previous entry).
 */
#ifndef ARM64_VGIC_AP_H
#define ARM64_VGIC_AP_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_irq.h"

enum vgic_ap_class {
	VGIC_AP_DELIVERABLE = 0,
	VGIC_AP_ACTIVE = 1,
	VGIC_AP_MASKED = 2,
	VGIC_AP_GRP_MASKED = 3,
	VGIC_AP_BLOCKED = 4,
	VGIC_AP_CLASS_COUNT
};

/* What deliverability depends on at the moment of the fill. */
struct vgic_ap_view {
	bool dist_grp[2]; /* GICD_CTLR.EnableGrp0/1 */
	bool cpu_grp[2];  /* the CPU interface's group enables (VMCR VENG0/1) */
	uint8_t pmr;      /* deliverable only if priority < pmr */
	uint8_t rpr;      /* ... and priority < running priority */
};

struct vgic_ap {
	struct vgic_irq **slot;
	unsigned cap;
	unsigned len;
};

struct vgic_ap_summary {
	unsigned count[VGIC_AP_CLASS_COUNT];
};

void vgic_ap_init(struct vgic_ap *ap, struct vgic_irq **slots, unsigned cap);

/* Append / remove one record; false if full, present already, or absent. */
bool vgic_ap_add(struct vgic_ap *ap, struct vgic_irq *irq);
bool vgic_ap_remove(struct vgic_ap *ap, struct vgic_irq *irq);
bool vgic_ap_contains(const struct vgic_ap *ap, const struct vgic_irq *irq);

/* Whether the distributor lets its pending state reach the CPU interface. */
bool vgic_ap_forwardable(const struct vgic_irq *irq, const struct vgic_ap_view *v);

enum vgic_ap_class vgic_ap_classify(const struct vgic_irq *irq, const struct vgic_ap_view *v);

/* < 0 if a goes first, > 0 if b does; 0 only for the same record. */
int vgic_ap_cmp(const struct vgic_irq *a, const struct vgic_irq *b, const struct vgic_ap_view *v);

void vgic_ap_sort(struct vgic_ap *ap, const struct vgic_ap_view *v);
bool vgic_ap_is_sorted(const struct vgic_ap *ap, const struct vgic_ap_view *v);

void vgic_ap_summarize(const struct vgic_ap *ap, const struct vgic_ap_view *v,
		       struct vgic_ap_summary *s);

#endif
