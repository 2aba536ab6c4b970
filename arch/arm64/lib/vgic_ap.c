/* SPDX-License-Identifier: MIT */
/* The per-vCPU ordered list of pending and active interrupts (see vgic_ap.h). */
#include "vgic_ap.h"

#include <stddef.h>
#include <string.h>

void vgic_ap_init(struct vgic_ap *ap, struct vgic_irq **slots, unsigned cap)
{
	ap->slot = slots;
	ap->cap = cap;
	ap->len = 0;
}

static int find(const struct vgic_ap *ap, const struct vgic_irq *irq)
{
	for (unsigned i = 0; i < ap->len; i++)
		if (ap->slot[i] == irq)
			return (int)i;
	return -1;
}

bool vgic_ap_contains(const struct vgic_ap *ap, const struct vgic_irq *irq)
{
	return find(ap, irq) >= 0;
}

bool vgic_ap_add(struct vgic_ap *ap, struct vgic_irq *irq)
{
	if (ap->len >= ap->cap || find(ap, irq) >= 0)
		return false;
	ap->slot[ap->len++] = irq;
	return true;
}

bool vgic_ap_remove(struct vgic_ap *ap, struct vgic_irq *irq)
{
	int i = find(ap, irq);

	if (i < 0)
		return false;
	memmove(&ap->slot[i], &ap->slot[i + 1], (ap->len - (unsigned)i - 1) * sizeof(ap->slot[0]));
	ap->len--;
	return true;
}

bool vgic_ap_forwardable(const struct vgic_irq *irq, const struct vgic_ap_view *v)
{
	return irq->enabled && v->dist_grp[irq->group & 1];
}

enum vgic_ap_class vgic_ap_classify(const struct vgic_irq *irq, const struct vgic_ap_view *v)
{
	if (vgic_irq_is_active(irq))
		return VGIC_AP_ACTIVE;
	if (!vgic_ap_forwardable(irq, v))
		return VGIC_AP_BLOCKED;
	if (!v->cpu_grp[irq->group & 1])
		return VGIC_AP_GRP_MASKED;
	if (irq->priority >= v->pmr || irq->priority >= v->rpr)
		return VGIC_AP_MASKED;
	return VGIC_AP_DELIVERABLE;
}

static unsigned sort_prio(const struct vgic_irq *irq, enum vgic_ap_class c)
{
	return c == VGIC_AP_ACTIVE ? irq->active_prio : irq->priority;
}

int vgic_ap_cmp(const struct vgic_irq *a, const struct vgic_irq *b, const struct vgic_ap_view *v)
{
	enum vgic_ap_class ca = vgic_ap_classify(a, v), cb = vgic_ap_classify(b, v);
	unsigned pa, pb;

	if (ca != cb)
		return (int)ca - (int)cb;
	pa = sort_prio(a, ca);
	pb = sort_prio(b, cb);
	if (pa != pb)
		return (int)pa - (int)pb;
	if (a->intid != b->intid)
		return a->intid < b->intid ? -1 : 1;
	/* Private interrupts of different vCPUs share INTIDs, but never a list. */
	return a == b ? 0 : ((uintptr_t)a < (uintptr_t)b ? -1 : 1);
}

void vgic_ap_sort(struct vgic_ap *ap, const struct vgic_ap_view *v)
{
	for (unsigned i = 1; i < ap->len; i++) {
		struct vgic_irq *x = ap->slot[i];
		unsigned j = i;

		while (j > 0 && vgic_ap_cmp(ap->slot[j - 1], x, v) > 0) {
			ap->slot[j] = ap->slot[j - 1];
			j--;
		}
		ap->slot[j] = x;
	}
}

bool vgic_ap_is_sorted(const struct vgic_ap *ap, const struct vgic_ap_view *v)
{
	for (unsigned i = 1; i < ap->len; i++)
		if (vgic_ap_cmp(ap->slot[i - 1], ap->slot[i], v) > 0)
			return false;
	return true;
}

void vgic_ap_summarize(const struct vgic_ap *ap, const struct vgic_ap_view *v,
		       struct vgic_ap_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < ap->len; i++)
		s->count[vgic_ap_classify(ap->slot[i], v)]++;
}
