/* SPDX-License-Identifier: MIT */
/* Guest exit: the LR fold, EOIcount, and trapped DIR (see vgic_fold.h). */
#include "vgic_fold.h"

#include <stddef.h>
#include <string.h>

#include "vgic_lr_v2.h"

#define V3_DIR_INTID_MASK 0x00ffffffu /* ICV_DIR_EL1 INTID, 23:0 */

static void add_phys(struct vgic_fold_result *out, uint32_t pintid)
{
	if (out->nr_phys < VGIC_PHYS_MAX)
		out->phys[out->nr_phys++] = pintid;
}

/* The active interrupt outside the LRs the guest EOIed first: highest priority. */
static struct vgic_irq *next_eoi_candidate(const struct vgic_ap *ap)
{
	struct vgic_irq *best = NULL;

	for (unsigned i = 0; i < ap->len; i++) {
		struct vgic_irq *irq = ap->slot[i];

		if (!vgic_irq_is_active(irq) || vgic_irq_is_listed(irq))
			continue;
		if (!best || irq->active_prio < best->active_prio ||
		    (irq->active_prio == best->active_prio && irq->intid < best->intid))
			best = irq;
	}
	return best;
}

static bool apply_eoicount(struct vgic_vm *vm, struct vgic_vcpu *v, unsigned count,
			   struct vgic_fold_result *out)
{
	bool ok = true;

	for (unsigned i = 0; i < count; i++) {
		struct vgic_irq *irq = next_eoi_candidate(&v->ap);

		if (!irq) {
			out->eoicount_excess = count - i;
			break;
		}
		ok &= vgic_irq_deactivate(irq);
		ok &= vgic_sync(vm, irq);
		if (irq->hw)
			add_phys(out, irq->pintid);
		out->eoicount_used++;
	}
	return ok;
}

/* The hardware changes only an LR's State: anything else changed is corruption. */
static bool lr_consistent(const struct vgic_lr *r, const struct vgic_lr *w)
{
	return r->vintid == w->vintid && r->hw == w->hw && r->pintid == w->pintid &&
	       r->group1 == w->group1 && r->source == w->source && r->eoi == w->eoi &&
	       r->priority == w->priority;
}

static bool fold_lr(struct vgic_vm *vm, struct vgic_lr_bank *b, unsigned k,
		    struct vgic_fold_result *out)
{
	struct vgic_irq *irq = b->owner[k];
	const struct vgic_lr *r = &b->lr[k];
	const struct vgic_lr *w = &b->written[k];
	bool ok = true;

	if (!irq) {
		if (r->state != VGIC_LR_INVALID)
			out->bad_lrs++;
	} else {
		if (!lr_consistent(r, w))
			out->bad_lrs++;
		if (vgic_lr_signals_eoi(r))
			out->eoi_lrs |= 1u << k;
		ok = vgic_irq_unlist(irq, (int)k, w->state, r->state, w->priority);
		ok &= vgic_sync(vm, irq);
	}
	memset(&b->lr[k], 0, sizeof(b->lr[k]));
	memset(&b->written[k], 0, sizeof(b->written[k]));
	b->owner[k] = NULL;
	return ok;
}

int vgic_fold(struct vgic_vm *vm, unsigned vcpu, const struct vgic_fold_in *in,
	      struct vgic_fold_result *out)
{
	struct vgic_vcpu *v;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (vcpu >= vm->cfg.nr_vcpus)
		return VGIC_E_CONFIG;
	v = &vm->vcpu[vcpu];
	if (v->bank.phase != VGIC_BANK_LOADED)
		return VGIC_E_STATE;
	/*
	 * EOIcount counts EOIRs that found no LR in either EOImode (IHI 0069
	 * VirtualWriteEOIR0/1; IHI 0048B GICH_HCR.EOICount; QEMU does so): under
	 * EOImode 1 those only dropped the priority, their DIR (trapped: TDIR)
	 * deactivates (found by the vgic_lr_overflow payload, eoimode1_*).
	 *
	 * Which EOImode counted is the one of this entry (v->cpuif, read at the
	 * last exit, what the fill classified with), not the VMCR read now: the
	 * guest writes EOImode without trapping, and may do so once its EOIs
	 * are done, so an exit can show EOImode 1 with a count of EOImode 0
	 * deactivations (found by the property test). Only interrupts active
	 * outside the LRs at entry can be counted, and a guest that changes
	 * EOImode with none active has EOIed all of those before the change.
	 */
	ok = v->cpuif.eoimode ? true : apply_eoicount(vm, v, in->eoicount, out);
	for (unsigned k = 0; k < v->bank.nr; k++)
		ok &= fold_lr(vm, &v->bank, k, out);
	vgic_cpuif_load(vm, vcpu, &in->vmcr, in->rpr);
	v->bank.refused += out->bad_lrs;
	if (!vgic_bank_unload(&v->bank))
		return VGIC_E_STATE;
	return ok ? VGIC_OK : VGIC_E_REFUSED;
}

/* ---- trapped DIR ---- */

static void dir_in_lr(struct vgic_lr *lr, int k, struct vgic_dir_result *out)
{
	lr->state &= (uint8_t)~VGIC_LR_ACTIVE;
	out->outcome = VGIC_DIR_IN_LR;
	out->lr = k;
	out->phys = lr->hw;
	out->pintid = lr->hw ? lr->pintid : 0;
}

static int dir_record(struct vgic_vm *vm, struct vgic_irq *irq, struct vgic_dir_result *out)
{
	if (!vgic_irq_deactivate(irq) || !vgic_sync(vm, irq))
		return VGIC_E_REFUSED;
	out->outcome = VGIC_DIR_RECORD;
	out->refill = vgic_irq_is_pending(irq);
	out->phys = irq->hw;
	out->pintid = irq->hw ? irq->pintid : 0;
	return VGIC_OK;
}

int vgic_dir(struct vgic_vm *vm, unsigned vcpu, uint32_t value, struct vgic_dir_result *out)
{
	bool v2 = vm->cfg.version == VGIC_V2;
	uint32_t intid = v2 ? (value & GICV_INTID_MASK) : (value & V3_DIR_INTID_MASK);
	uint8_t src = v2 ? (uint8_t)((value & GICV_CPUID_MASK) >> GICV_CPUID_SHIFT) : 0;
	struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
	struct vgic_lr *lr;

	memset(out, 0, sizeof(*out));
	out->outcome = VGIC_DIR_IGNORED;
	out->lr = -1;
	if (!irq)
		return VGIC_OK;
	if (vgic_irq_is_listed(irq)) {
		/* the LR is the truth while loaded: the record is as it was listed */
		if (irq->owner != vcpu)
			return VGIC_E_STATE; /* live in another vCPU's LRs: stop that one first */
		lr = &vm->vcpu[vcpu].bank.lr[irq->lr];
		if (lr->vintid == intid && (lr->state & VGIC_LR_ACTIVE) &&
		    (!irq->sgi_v2 || lr->source == src))
			dir_in_lr(lr, irq->lr, out);
		return VGIC_OK;
	}
	if (!vgic_irq_is_active(irq) || (irq->sgi_v2 && irq->active_source != src))
		return VGIC_OK;
	return dir_record(vm, irq, out);
}
