/* SPDX-License-Identifier: MIT */
/*
 * Guest exit: fold the LRs back into the records, act on EOIcount, and
 * emulate trapped deactivations (docs/vgic.md, "EOImode 0 and 1").
 *
 * EL2 decodes every LR into vm->vcpu[vcpu].bank.lr[] and reads EOIcount,
 * the VMCR and the running priority (from the APRs) before vgic_fold().
 * The fold then, for this vCPU:
 *
 *  1. if this entry ran with EOImode 0 (the cpuif state the fill used, not
 *     the VMCR read now: the guest changes EOImode without trapping),
 *     deactivates EOIcount interrupts among those active outside the LRs,
 *     highest priority first (the priority they were acknowledged at; the
 *     order an EOImode 0 guest must have EOIed them in, most recent
 *     first). Their HW ones are returned for EL2 to deactivate physically.
 *     EOIcount beyond the candidates (a guest EOIing what it never took)
 *     is counted and ignored. With EOImode 1 the count (EOIRs that found no
 *     LR only dropped the priority) is ignored: DIR traps instead;
 *  2. replays each LR into its record (vgic_irq_unlist: what the guest
 *     acknowledged and deactivated), handles an LR that signals an EOI
 *     maintenance interrupt (the record resamples its inputs: a level line
 *     still high makes it pending again) and empties every LR. An LR is
 *     reusable only after this: ELRSR semantics, so an LR waiting for its
 *     EOI maintenance interrupt is never overwritten unseen;
 *  3. keeps the CPU interface state (PMR, group enables, running priority,
 *     EOImode) for the next fill's classification.
 *
 * vgic_dir() emulates a trapped deactivation by INTID: ICV_DIR_EL1 with
 * ICH_HCR_EL2.TDIR on GICv3, a GICV_DIR write to the unmapped second page on
 * GICv2. Called while the bank is loaded (the fast path: the LRs as read
 * from hardware are current, and an interrupt listed there is deactivated
 * in its LR, which EL2 writes back) or after the fold (on the records).
 */
#ifndef ARM64_VGIC_FOLD_H
#define ARM64_VGIC_FOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_lr.h"
#include "vgic_vm.h"

#define VGIC_PHYS_MAX 32u /* EOIcount (31) plus one DIR */

/* What EL2 read at the exit, besides the LRs. */
struct vgic_fold_in {
	uint8_t eoicount;       /* ICH_HCR_EL2.EOIcount / GICH_HCR.EOICount */
	struct vgic_vmcr vmcr;
	uint8_t rpr;            /* vgic_v3_rpr() / vgic_v2_rpr() of the APRs */
};

struct vgic_fold_result {
	uint32_t eoi_lrs;       /* LRs whose EOI maintenance interrupt was handled */
	unsigned eoicount_used;
	unsigned eoicount_excess;
	unsigned nr_phys;       /* HW interrupts deactivated here, not by the LRs: */
	uint32_t phys[VGIC_PHYS_MAX]; /* EL2 writes each to ICC_DIR_EL1 / GICC_DIR */
	unsigned bad_lrs;       /* LRs the hardware cannot have produced (counted as refused) */
};

/* VGIC_E_STATE unless the bank is loaded; VGIC_E_REFUSED if a replay was refused. */
int vgic_fold(struct vgic_vm *vm, unsigned vcpu, const struct vgic_fold_in *in,
	      struct vgic_fold_result *out);

enum vgic_dir_outcome {
	VGIC_DIR_IN_LR = 0,     /* deactivated in bank.lr[lr]: write that LR back */
	VGIC_DIR_RECORD = 1,    /* deactivated in the record (outside the LRs) */
	VGIC_DIR_IGNORED = 2,   /* nothing active by that INTID: the guest's mistake */
};

struct vgic_dir_result {
	enum vgic_dir_outcome outcome;
	int lr;
	bool refill;            /* now pending outside the LRs: fold and flush before resuming */
	bool phys;              /* EL2 deactivates pintid at the physical GIC */
	uint32_t pintid;
};

/*
 * `value` is what the guest wrote: INTID 23:0 on GICv3; on GICv2 INTID 9:0
 * and, for an SGI, the source CPUID 12:10.
 */
int vgic_dir(struct vgic_vm *vm, unsigned vcpu, uint32_t value, struct vgic_dir_result *out);

#endif
