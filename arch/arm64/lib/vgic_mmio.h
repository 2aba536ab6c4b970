/* SPDX-License-Identifier: MIT */
/*
 * The table machinery behind vgic_dist.h: one row per register or block
 * of registers, a dispatcher that checks size and alignment and splits a
 * per-interrupt access into fields, and the per-interrupt accessors the
 * GICD and GICR tables share. Internal to the vGIC.
 */
#ifndef ARM64_VGIC_MMIO_H
#define ARM64_VGIC_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_dist.h"
#include "vgic_vm.h"

#define VGIC_ACC_8 (1u << 0)
#define VGIC_ACC_32 (1u << 2)
#define VGIC_ACC_64 (1u << 3)
#define VGIC_ACC_8_32 (VGIC_ACC_8 | VGIC_ACC_32)
#define VGIC_ACC_32_64 (VGIC_ACC_32 | VGIC_ACC_64)

/* Which records a per-interrupt register reaches. */
enum vgic_mmio_space {
	VGIC_SPACE_BANKED,   /* GICv2 GICD: INTIDs 0-31 are the accessor's own */
	VGIC_SPACE_SPIS,     /* GICv3 GICD: SPIs only, 0-31 RAZ/WI */
	VGIC_SPACE_PRIVATE,  /* GICv3 SGI_base frame: the redistributor's 0-31 */
};

struct vgic_mmio_ctx {
	struct vgic_vm *vm;
	unsigned vcpu;       /* the accessor */
	unsigned rd;         /* the redistributor (GICR frames) */
	enum vgic_mmio_space space;
	bool refused;        /* set by an accessor whose operation was refused */
};

struct vgic_reg {
	uint32_t offset;
	uint32_t len;        /* bytes */
	uint8_t bpi;         /* bits per interrupt (1, 2, 8, 64); 0: a plain register */
	uint8_t width;       /* plain: register width in bytes, 4 or 8 */
	uint8_t sizes;       /* VGIC_ACC_* accepted */
	bool w1;             /* per-interrupt: a field written as 0 changes nothing (set/clear) */
	/* per-interrupt: the field's value, and a write of it (NULL: RAZ / WI) */
	uint64_t (*get)(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
	void (*set)(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t field);
	/* plain: `rel` is the register's offset inside the row (NULL: RAZ / WI) */
	uint64_t (*read)(const struct vgic_mmio_ctx *c, uint32_t rel);
	void (*write)(struct vgic_mmio_ctx *c, uint32_t rel, uint64_t value);
};

enum vgic_mmio_status vgic_mmio_dispatch(const struct vgic_reg *table, unsigned rows,
					 uint32_t frame_size, struct vgic_mmio_ctx *c,
					 uint32_t offset, unsigned size, bool write,
					 uint64_t *val);

/* Shared per-interrupt accessors (the GICD and SGI-frame layouts agree). */
uint64_t vgic_mmio_get_group(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
void vgic_mmio_set_group(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
uint64_t vgic_mmio_get_enabled(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
void vgic_mmio_set_enable(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
void vgic_mmio_clear_enable(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
uint64_t vgic_mmio_get_pending(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
void vgic_mmio_set_pending(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
void vgic_mmio_clear_pending(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
uint64_t vgic_mmio_get_active(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
void vgic_mmio_set_active(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
void vgic_mmio_clear_active(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
uint64_t vgic_mmio_get_priority(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
void vgic_mmio_set_priority(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);
uint64_t vgic_mmio_get_config(const struct vgic_mmio_ctx *c, const struct vgic_irq *irq);
void vgic_mmio_set_config(struct vgic_mmio_ctx *c, struct vgic_irq *irq, uint64_t f);

/* GICD_IIDR / GICR_IIDR, and the CoreSight-style ID block at the end of a frame. */
uint64_t vgic_mmio_read_iidr(const struct vgic_mmio_ctx *c, uint32_t rel);
uint64_t vgic_mmio_read_id(const struct vgic_mmio_ctx *c, uint32_t rel); /* rel from PIDR4 */

/* The per-version GICD tables (vgic_dist_v2.c, vgic_dist_v3.c). */
enum vgic_mmio_status vgic_gicd_v2_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
					  unsigned size, bool write, uint64_t *val);
enum vgic_mmio_status vgic_gicd_v3_access(struct vgic_vm *vm, unsigned vcpu, uint32_t offset,
					  unsigned size, bool write, uint64_t *val);

#define VGIC_ID_BLOCK_OFFSET 0xffd0u /* PIDR4 in a 64 KiB frame; 0xfd0 on GICv2 */
#define VGIC_ID_BLOCK_LEN 0x30u

#endif
