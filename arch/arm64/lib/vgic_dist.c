/* SPDX-License-Identifier: MIT */
/* The distributor frame of either version (see vgic_dist.h). */
#include "vgic_dist.h"

#include "vgic_mmio.h"

enum vgic_mmio_status vgic_gicd_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
				       unsigned size, bool write, uint64_t *val)
{
	if (vcpu >= vm->cfg.nr_vcpus) {
		if (!write)
			*val = 0;
		return VGIC_MMIO_BAD_FRAME;
	}
	if (vm->cfg.version == VGIC_V2)
		return vgic_gicd_v2_access(vm, vcpu, offset, size, write, val);
	return vgic_gicd_v3_access(vm, vcpu, offset, size, write, val);
}
