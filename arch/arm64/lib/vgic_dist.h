/* SPDX-License-Identifier: MIT */
/*
 * The guest's view of the distributor (GICv2 and GICv3 GICD) and, on
 * GICv3, of each vCPU's redistributor (the RD_base and SGI_base frames,
 * 128 KiB per vCPU): a read or write at an offset in a frame, emulated on
 * the model. EL2 turns a stage-2 data abort on a frame (mapped with no
 * access) into one call, and back into the register the guest named.
 *
 * Every register is a row of a table (vgic_dist_v2.c, vgic_dist_v3.c,
 * vgic_redist.c): per-interrupt registers (one bit, two bits or a byte per
 * INTID, or 64 bits for GICD_IROUTER) go through per-record accessors
 * that call the vgic_vm operations, so a write to ISPENDR makes the record
 * pending and puts it on its vCPU's ap_list; plain registers have a read
 * and a write function.
 *
 * Access rules (IHI 0048B 4.1.4, IHI 0069 "GIC memory-mapped register
 * access"): a naturally aligned access of a size the register supports
 * (32 bits everywhere; bytes also for IPRIORITYR, ITARGETSR and the GICv2
 * SGI pending registers; 64 bits, or either 32-bit half, for GICD_IROUTER,
 * GICR_TYPER, GICR_PROPBASER and GICR_PENDBASER). Anything else is
 * refused with a status and no effect (a read returns 0): what the guest
 * sees then is EL2's choice (ignore, or an external abort). Reserved
 * offsets are RAZ/WI to 32-bit accesses, read-only registers ignore
 * writes, write-only ones (GICD_SGIR) read as 0, and bits for INTIDs the VM
 * does not implement are RAZ/WI.
 */
#ifndef ARM64_VGIC_DIST_H
#define ARM64_VGIC_DIST_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_vm.h"

enum vgic_mmio_status {
	VGIC_MMIO_OK = 0,
	VGIC_MMIO_BAD_SIZE = 1,   /* a size this register does not take */
	VGIC_MMIO_UNALIGNED = 2,
	VGIC_MMIO_BAD_FRAME = 3,  /* outside the frame, or no such frame (GICR on GICv2) */
	VGIC_MMIO_REFUSED = 4,    /* the model refused a transition: a bug */
};

/* `vcpu` is the accessing vCPU (GICv2 banks INTIDs 0-31 and SGIR's source by it). */
enum vgic_mmio_status vgic_gicd_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
				       unsigned size, bool write, uint64_t *val);

/* `rd` is the redistributor's vCPU; offset 0x10000 and up is its SGI_base frame. */
enum vgic_mmio_status vgic_gicr_access(struct vgic_vm *vm, unsigned rd, uint32_t offset,
				       unsigned size, bool write, uint64_t *val);

static inline enum vgic_mmio_status vgic_gicd_read(struct vgic_vm *vm, unsigned vcpu,
						   uint32_t offset, unsigned size, uint64_t *val)
{
	return vgic_gicd_access(vm, vcpu, offset, size, false, val);
}

static inline enum vgic_mmio_status vgic_gicd_write(struct vgic_vm *vm, unsigned vcpu,
						    uint32_t offset, unsigned size, uint64_t val)
{
	return vgic_gicd_access(vm, vcpu, offset, size, true, &val);
}

static inline enum vgic_mmio_status vgic_gicr_read(struct vgic_vm *vm, unsigned rd,
						   uint32_t offset, unsigned size, uint64_t *val)
{
	return vgic_gicr_access(vm, rd, offset, size, false, val);
}

static inline enum vgic_mmio_status vgic_gicr_write(struct vgic_vm *vm, unsigned rd,
						    uint32_t offset, unsigned size, uint64_t val)
{
	return vgic_gicr_access(vm, rd, offset, size, true, &val);
}

#endif
