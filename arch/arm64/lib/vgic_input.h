/* SPDX-License-Identifier: MIT */
/*
 * The guest-ABI test services that let a payload make a device "raise" an
 * interrupt (the hypercalls irq_assert, irq_deassert and irq_pulse): an
 * input line driven on the model, level or edge as the interrupt's
 * configuration (GICD_ICFGR) says.
 *
 *   assert    the line goes high. Level-sensitive: pending while it stays
 *             high (and again after each deactivation). Edge-triggered:
 *             one edge, latched, if the line was low.
 *   deassert  the line goes low. Level-sensitive: no longer pending (an
 *             instance already acknowledged stays active). Edge: nothing.
 *   pulse     assert then deassert: one latched edge for an edge-triggered
 *             interrupt whose line was low; a level-sensitive one ends as
 *             it would on a wire after a pulse shorter than an acknowledge:
 *             not pending (unless ISPENDR latched it).
 *             SGIs take pulses only: a GICv2 SGI from the calling vCPU as
 *             its source, a GICv3 SGI latched.
 *
 * INTIDs are as vCPU `vcpu` sees them (PPIs and SGIs are its own).
 * VGIC_E_INTID for an INTID the VM does not have, or assert/deassert of an
 * SGI; VGIC_E_REFUSED if the state machine refused (a bug).
 */
#ifndef ARM64_VGIC_INPUT_H
#define ARM64_VGIC_INPUT_H

#include <stdint.h>

#include "vgic_vm.h"

int vgic_irq_assert(struct vgic_vm *vm, unsigned vcpu, uint32_t intid);
int vgic_irq_deassert(struct vgic_vm *vm, unsigned vcpu, uint32_t intid);
int vgic_irq_pulse(struct vgic_vm *vm, unsigned vcpu, uint32_t intid);

#endif
