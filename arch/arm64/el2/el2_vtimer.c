/* SPDX-License-Identifier: MIT */
/*
 * The guest's virtual timer as a level-sensitive PPI of the vGIC
 * (docs/vgic.md, "The virtual timer").
 *
 * The guest owns CNTV_CTL_EL0 and CNTV_CVAL_EL0 (untrapped: Arm ARM D11.2,
 * the virtual timer is always accessible at EL1). Its output is the
 * condition ENABLE && ISTATUS && !IMASK (D11.2.4, CNTV_CTL_EL0), a level
 * signal on the virtual timer's PPI (the device tree's, 27 on QEMU virt).
 * It is not HW-mapped (no LR HW bit): the line is sampled, and the model's
 * record of the PPI follows it.
 *
 *   entry   sample CNTV_CTL_EL0; the record's line follows the condition
 *           (vgic_irq_assert / vgic_irq_deassert). While the condition
 *           holds the physical PPI stays masked at the host GIC (it would
 *           fire at every entry); while it does not, the physical PPI is
 *           unmasked, whatever the guest's ENABLE and IMASK say: the guest
 *           may arm its timer and see it fire without any exit in
 *           between, and the physical output is the same condition, so
 *           it fires exactly when the line must rise. (Unmasking only
 *           while the timer looked armed at entry left a timer enabled
 *           after the last exit unnoticed until the next tick: found by
 *           vgic_timer/fires_once on GICv2.)
 *   firing  a physical IRQ exit; the host's handler masks the PPI and ends
 *           it (arm64_gic_guest_ppi_taken); the next entry sees the
 *           condition and raises the line.
 *   EOI     a level interrupt whose line is high goes into its LR with the
 *           EOI bit (vgic_flush), so the guest's deactivation exits and the
 *           next entry samples again: reprogrammed or masked, the line
 *           drops; still firing, the interrupt is pending again.
 *
 * Nothing is lost between those points: the guest does not run between an
 * exit and the next entry, and a condition that starts while the guest
 * runs is the physical interrupt's business.
 */
#include <anvil/console.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"
#include "vgic_input.h"

#define CNTV_CTL_ENABLE (1ull << 0)
#define CNTV_CTL_IMASK (1ull << 1)
#define CNTV_CTL_ISTATUS (1ull << 2)
#define VTIMER_PPI_DEFAULT 27u

static uint32_t vtimer_intid; /* 0: no virtual timer for guests */

int el2_vtimer_probe(void)
{
	uint32_t intid = arm64_platform.timer_virt_irq ? arm64_platform.timer_virt_irq : VTIMER_PPI_DEFAULT;
	if (arm64_gic_claim_guest_ppi(intid)) {
		klog(LOG_WARN, "vGIC: the virtual timer's PPI %u is unusable: guests get no timer interrupt",
		     (unsigned)intid);
		return -1;
	}
	vtimer_intid = intid;
	return 0;
}

uint32_t el2_vtimer_intid(void)
{
	return vtimer_intid;
}

/* A new vCPU: the timer quiet (el1_reset cleared CNTV_CTL_EL0), its PPI level-sensitive, the line low. */
int el2_vtimer_reset(struct el2_vgic *g)
{
	g->vtimer_level = false;
	g->vtimer_fires = 0;
	arm64_gic_guest_ppi_arm(false);
	if (!vtimer_intid)
		return 0;
	struct vgic_irq *irq = vgic_get_irq(&g->vm, 0, vtimer_intid);
	return irq && vgic_op_trigger(&g->vm, irq, VGIC_LEVEL) ? 0 : -1;
}

bool el2_vtimer_entry(struct el2_vgic *g)
{
	if (!vtimer_intid)
		return true;
	uint64_t ctl = read_sysreg(cntv_ctl_el0);
	bool armed = (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE;
	bool level = armed && (ctl & CNTV_CTL_ISTATUS);
	if (level != g->vtimer_level) {
		int r = level ? vgic_irq_assert(&g->vm, 0, vtimer_intid) : vgic_irq_deassert(&g->vm, 0, vtimer_intid);
		if (r != VGIC_OK)
			return false;
		g->vtimer_level = level;
		g->vtimer_fires += level;
	}
	arm64_gic_guest_ppi_arm(!level);
	return true;
}

/* The VM ends: its timer stopped, the physical PPI masked until the next guest arms one. */
void el2_vtimer_stop(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	arm64_gic_guest_ppi_arm(false);
}
