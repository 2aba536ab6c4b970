/* SPDX-License-Identifier: MIT */
/*
 * The vgic_mmio harness's input (shared with the seed writer): a VM's
 * configuration, then what its guest does, one operation after another,
 * little-endian, zero once the bytes run out.
 *
 *   u8 config    bit 0: GICv3 (else GICv2); bits 3:1: vCPUs - 1;
 *                bits 5:4: implemented priority bits - 5 (GICv3; GICv2 has 5)
 *   u8 spis      SPIs / 32, modulo 31 (0..960 SPIs)
 *   then operations, each a u8 op:
 *     bits 2:0   enum vm_op
 *     bits 5:3   the vCPU: the accessor (GICD), the redistributor (GICR),
 *                the sender (SGIs; modulo the vCPUs), the caller (lines; modulo)
 *     bits 7:6   the access size: 0: 4, 1: 1, 2: 8, 3: a u8 follows with the
 *                size (any); for VM_SGI bit 6 is the group (ICC_SGI0R/1R)
 *   followed by
 *     GICD/GICR  u24 offset (in the frame, or not), and for a write u64 value
 *     VM_SGI     u64 ICC_SGI<g>R_EL1 value
 *     lines      u16 INTID
 */
#ifndef FUZZ_VGIC_MMIO_INPUT_H
#define FUZZ_VGIC_MMIO_INPUT_H

#include <stdint.h>

#include "fuzz.h"

enum vm_op {
	VM_GICD_READ,
	VM_GICD_WRITE,
	VM_GICR_READ,
	VM_GICR_WRITE,
	VM_SGI,       /* a trapped write of ICC_SGI0R_EL1 / ICC_SGI1R_EL1 (GICv3) */
	VM_ASSERT,    /* the guest ABI's irq_assert */
	VM_DEASSERT,  /* irq_deassert */
	VM_PULSE,     /* irq_pulse */
};

#define VM_CFG_V3 1u
#define VM_MAX_SPIS 960u

static inline uint8_t vm_config_byte(bool v3, unsigned vcpus, unsigned prio_bits)
{
	return (uint8_t)((v3 ? VM_CFG_V3 : 0u) | ((vcpus - 1u) & 7u) << 1 | ((prio_bits - 5u) & 3u) << 4);
}

/* The size code of an access size (3: the size in a byte of its own). */
static inline unsigned vm_size_code(unsigned size)
{
	return size == 4 ? 0u : size == 1 ? 1u : size == 8 ? 2u : 3u;
}

static inline void vm_put_mmio(struct fz_out *o, enum vm_op op, unsigned vcpu, unsigned size,
			       uint32_t offset, uint64_t value)
{
	unsigned code = vm_size_code(size);

	fz_put_le(o, (uint64_t)op | (vcpu & 7u) << 3 | code << 6, 1);
	if (code == 3)
		fz_put_le(o, size, 1);
	fz_put_le(o, offset, 3);
	if (op == VM_GICD_WRITE || op == VM_GICR_WRITE)
		fz_put_le(o, value, 8);
}

#endif
