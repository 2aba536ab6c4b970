/* SPDX-License-Identifier: MIT */
/* irq_assert, irq_deassert, irq_pulse on the model (see vgic_input.h). */
#include "vgic_input.h"

#include <stddef.h>

static struct vgic_irq *line_irq(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_SGIS)
		return NULL; /* SGIs have no line */
	return vgic_get_irq(vm, vcpu, intid);
}

static int drive(struct vgic_vm *vm, unsigned vcpu, uint32_t intid, bool level)
{
	struct vgic_irq *irq = line_irq(vm, vcpu, intid);

	if (!irq)
		return VGIC_E_INTID;
	return vgic_op_line(vm, irq, level) ? VGIC_OK : VGIC_E_REFUSED;
}

int vgic_irq_assert(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	return drive(vm, vcpu, intid, true);
}

int vgic_irq_deassert(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	return drive(vm, vcpu, intid, false);
}

static int pulse_sgi(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
	bool ok;

	if (!irq)
		return VGIC_E_INTID;
	ok = irq->sgi_v2 ? vgic_op_sgi_source(vm, irq, vcpu) : vgic_op_set_pending(vm, irq);
	return ok ? VGIC_OK : VGIC_E_REFUSED;
}

int vgic_irq_pulse(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	int err;

	if (intid < VGIC_NR_SGIS)
		return pulse_sgi(vm, vcpu, intid);
	err = drive(vm, vcpu, intid, true);
	return err == VGIC_OK ? drive(vm, vcpu, intid, false) : err;
}
