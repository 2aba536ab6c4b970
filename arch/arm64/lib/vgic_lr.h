/* SPDX-License-Identifier: MIT */
/*
 * The abstract list-register bank: the GIC virtual interface control state
 * (ICH_*_EL2 on GICv3, GICH_* on GICv2) decoded into version-neutral
 * records, and what the hardware derives from it: which LRs are empty
 * (ELRSR), which signal an EOI maintenance interrupt (EISR), and which
 * maintenance interrupts are asserted (MISR). vgic_lr_v3.c and vgic_lr_v2.c
 * translate to and from the registers; vgic_flush.c and vgic_fold.c decide
 * what goes in.
 *
 * A bank moves between two phases, each change checked:
 *
 *   FOLDED --vgic_flush() (guest entry)--> LOADED
 *   LOADED --vgic_fold()  (guest exit)---> FOLDED
 *
 * LOADED: lr[] is what the hardware holds while the guest runs (EL2 writes
 * it on entry; on exit it decodes the registers back into lr[] before the
 * fold); written[] and owner[] remember what the fill put in each LR.
 * FOLDED: every LR is empty and owns nothing; the records are authoritative.
 */
#ifndef ARM64_VGIC_LR_H
#define ARM64_VGIC_LR_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_irq.h"

#define VGIC_LR_MAX 16u /* ICH_LR0..15_EL2; the GICv2 bank here is held to the same */

/* An LR's State field, the same code on both versions (ICH_LR<n>_EL2 63:62, GICH_LR<n> 29:28). */
enum vgic_lr_state {
	VGIC_LR_INVALID = 0,
	VGIC_LR_PENDING = 1,
	VGIC_LR_ACTIVE = 2,
	VGIC_LR_PENDING_ACTIVE = 3,
};

_Static_assert((int)VGIC_LR_PENDING == (int)VGIC_IRQ_PENDING &&
		       (int)VGIC_LR_ACTIVE == (int)VGIC_IRQ_ACTIVE &&
		       (int)VGIC_LR_PENDING_ACTIVE == (int)VGIC_IRQ_ACTIVE_PENDING,
	       "a record's state and an LR's State field share one encoding");

struct vgic_lr {
	uint32_t vintid;
	uint32_t pintid;  /* hw: the physical INTID deactivated with the virtual one */
	uint8_t state;    /* enum vgic_lr_state */
	uint8_t priority;
	uint8_t source;   /* GICv2 SGI with hw clear: the source CPU (CPUID) */
	bool group1;
	bool hw;
	bool eoi;         /* hw clear: maintenance interrupt when it is deactivated */
};

/* ICH_HCR_EL2 / GICH_HCR, the fields the policy uses (TDIR is v3 only). */
struct vgic_hcr {
	bool en;
	bool uie;       /* underflow: at most one LR valid */
	bool lrenpie;   /* EOIcount non-zero */
	bool npie;      /* no LR pending */
	bool vgrp0eie;
	bool vgrp0die;
	bool vgrp1eie;
	bool vgrp1die;
	bool tdir;      /* trap ICV_DIR_EL1 */
	uint8_t eoicount;
};

/* ICH_MISR_EL2 / GICH_MISR: the maintenance interrupts asserted. */
struct vgic_misr {
	bool eoi;
	bool u;
	bool lrenp;
	bool np;
	bool vgrp0e;
	bool vgrp0d;
	bool vgrp1e;
	bool vgrp1d;
};

/* ICH_VMCR_EL2 / GICH_VMCR: the guest's CPU interface controls. */
struct vgic_vmcr {
	uint8_t pmr;   /* an 8-bit priority (GICv2 holds its top 5 bits) */
	uint8_t bpr0;
	uint8_t bpr1;
	bool eng0;
	bool eng1;
	bool ackctl;
	bool fiqen;
	bool cbpr;
	bool eoim;     /* EOImode: 1 splits priority drop (EOIR) and deactivation (DIR) */
};

enum vgic_bank_phase {
	VGIC_BANK_FOLDED = 0,
	VGIC_BANK_LOADED = 1,
};

struct vgic_lr_bank {
	unsigned nr;                          /* implemented LRs, 1..VGIC_LR_MAX */
	uint8_t phase;                        /* enum vgic_bank_phase */
	struct vgic_lr lr[VGIC_LR_MAX];
	struct vgic_lr written[VGIC_LR_MAX];
	struct vgic_irq *owner[VGIC_LR_MAX];
	struct vgic_hcr hcr;                  /* what the last fill asked for */
	uint32_t refused;                     /* illegal phase changes */
};

/* ELRSR: invalid and not waiting for an EOI maintenance interrupt (IHI 0069 ICH_ELRSR_EL2). */
static inline bool vgic_lr_is_empty(const struct vgic_lr *lr)
{
	return lr->state == VGIC_LR_INVALID && (lr->hw || !lr->eoi);
}

/* EISR: deactivated with the EOI bit and HW clear (IHI 0069 ICH_EISR_EL2). */
static inline bool vgic_lr_signals_eoi(const struct vgic_lr *lr)
{
	return lr->state == VGIC_LR_INVALID && !lr->hw && lr->eoi;
}

void vgic_bank_init(struct vgic_lr_bank *bank, unsigned nr);

/* The phase changes; false (and counted) when not in the phase they leave. */
bool vgic_bank_load(struct vgic_lr_bank *bank);
bool vgic_bank_unload(struct vgic_lr_bank *bank);

uint32_t vgic_lr_elrsr(const struct vgic_lr *lr, unsigned n);
uint32_t vgic_lr_eisr(const struct vgic_lr *lr, unsigned n);

/*
 * The maintenance interrupts the hardware asserts for these LRs, HCR and
 * VMCR (IHI 0069 ICH_MISR_EL2, IHI 0048 GICH_MISR): EOI any EISR bit; U
 * with UIE and at most one LR valid; LRENP with LRENPIE and EOIcount
 * non-zero; NP with NPIE and no LR in the pending state; VGrpNE/D with the
 * enable bit and VENGn set / clear. Nothing without En.
 */
struct vgic_misr vgic_misr_compute(const struct vgic_lr *lr, unsigned n,
				   const struct vgic_hcr *hcr, const struct vgic_vmcr *vmcr);

static inline bool vgic_misr_any(const struct vgic_misr *m)
{
	return m->eoi || m->u || m->lrenp || m->np || m->vgrp0e || m->vgrp0d || m->vgrp1e ||
	       m->vgrp1d;
}

#endif
