/* SPDX-License-Identifier: MIT */
/*
 * Software-generated interrupts: a guest's request decoded into the
 * targets' pending state.
 *
 *  - GICv2: a write to GICD_SGIR (IHI 0048B, GICD_SGIR): TargetListFilter
 *    picks the CPUTargetList, every CPU but the requester, or the requester
 *    alone; each target's SGI gets one instance pending from the requester
 *    (the source CPUID the guest reads back in GICV_IAR 12:10).
 *  - GICv3: a write to ICC_SGI1R_EL1 or ICC_SGI0R_EL1 (IHI 0069, the
 *    register descriptions), trapped at EL2: IRM = 1 targets every PE but
 *    the requester, otherwise Aff3.Aff2.Aff1 and the TargetList bits
 *    (Aff0 = RS * 16 + bit) name them. With one security state an SGI is
 *    forwarded only to targets whose copy of it is in the group of the
 *    register used (SGI0R: group 0, SGI1R: group 1). No source is kept.
 *
 * Both return the number of vCPUs made pending, or a negative vgic_err.
 */
#ifndef ARM64_VGIC_SGI_H
#define ARM64_VGIC_SGI_H

#include <stdint.h>

#include "vgic_vm.h"

int vgic_v2_sgir(struct vgic_vm *vm, unsigned src, uint32_t value);
int vgic_v3_sgi(struct vgic_vm *vm, unsigned src, uint64_t value, unsigned group);

#endif
