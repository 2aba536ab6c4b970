/* SPDX-License-Identifier: MIT */
/*
 * Guest entry: fill the LRs from the head of the vCPU's ap_list and decide
 * which maintenance interrupts bring the guest back out (docs/vgic.md,
 * "The overflow policy").
 *
 * vgic_flush() sorts the ap_list with the CPU interface state the last
 * exit read, lists the first nr LRs' worth of entries that may be listed
 * (BLOCKED ones never are), and sets, in the bank and the result:
 *
 *   NPIE     deliverable pending interrupts did not fit: then every LR holds
 *            one, and "no LR pending" means the guest took them all;
 *   UIE      otherwise, active or masked interrupts did not fit and at
 *            least two LRs are used: refill when the LRs drain to one;
 *            with a single LR (where U would fire at once) the listed
 *            interrupt gets the EOI bit instead; an HW one cannot have
 *            it, so NPIE brings the exit at its acknowledge, and an
 *            active HW interrupt gives the one LR up to any other
 *            listable interrupt and waits outside, where LRENPIE or TDIR
 *            sees its deactivation;
 *   LRENPIE  active interrupts live outside the LRs: their deactivation by
 *            EOIR counts in EOIcount, and the exit brings the fold to act on
 *            it (with lazy_lrenp only when acting late would matter: the
 *            interrupt would become pending again, is HW, or EOIcount could
 *            wrap);
 *   TDIR     active interrupts live outside the LRs (or trap_dir_always):
 *            a DIR for one of them must name it (EOImode 1). GICv2 has no
 *            TDIR: trap_dir tells EL2 to keep GICV_DIR's page unmapped;
 *   VGrpNEIE the guest's group N is disabled and unlisted interrupts of it
 *            wait: exit when the guest enables it;
 *   VGrpNDIE the group is enabled, holds LRs with pending interrupts, and
 *            others wait outside: exit when the guest disables it.
 *
 * Each of these can be asserted only by something the guest does after the
 * entry, never by the state written (no maintenance interrupt at entry, so
 * no exit storm). Per LR: an active+pending interrupt goes in as active only
 * (its pending part stays in the record, the LR gets the EOI bit) when it
 * is HW, a GICv2 SGI (the pending instance may have another source) or a
 * higher-priority pending interrupt waits outside, so that the guest's
 * deactivation cannot make it deliverable ahead of that one. A
 * level-sensitive interrupt whose line is high gets the EOI bit, so the
 * line is sampled again when the guest deactivates it.
 */
#ifndef ARM64_VGIC_FLUSH_H
#define ARM64_VGIC_FLUSH_H

#include <stdbool.h>

#include "vgic_ap.h"
#include "vgic_lr.h"
#include "vgic_vm.h"

struct vgic_flush_result {
	struct vgic_hcr hcr;            /* EL2 encodes it into ICH_HCR_EL2 / GICH_HCR */
	bool trap_dir;                  /* v3: hcr.tdir; v2: unmap the GICV_DIR page */
	unsigned used;                  /* LRs 0..used-1 hold interrupts, the rest are 0 */
	struct vgic_ap_summary listed;
	struct vgic_ap_summary unlisted;
};

/*
 * VGIC_E_STATE if the bank is loaded already (or holds anything): the fold
 * must come first. The LRs to write are vm->vcpu[vcpu].bank.lr[0..nr-1].
 */
int vgic_flush(struct vgic_vm *vm, unsigned vcpu, struct vgic_flush_result *out);

#endif
