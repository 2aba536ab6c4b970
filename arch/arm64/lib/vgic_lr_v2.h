/* SPDX-License-Identifier: MIT */
/*
 * GICv2 virtual interface control (GICH) and virtual CPU interface (GICV)
 * registers (Arm IHI 0048B, chapter 5 "GIC Support for Virtualization":
 * section 5.3 "GIC virtual interface control registers" and the GICV
 * register map), encoded and decoded to the neutral records of vgic_lr.h.
 * Encoding only. EL2 maps the GICH frame and reads and writes it.
 *
 * GICH_LR<n> (IHI 0048B section 5.3, "List Registers, GICH_LRn"):
 *
 *    31   30   29 28 27      23 22  20 19          10 9            0
 *  +----+----+------+----------+------+--------------+--------------+
 *  | HW |Grp1|State | Priority | res. |  PhysicalID  |  VirtualID   |
 *  +----+----+------+----------+------+--------------+--------------+
 *  HW = 0: PhysicalID is bit 19 EOI, 18:13 reserved, 12:10 CPUID (the
 *  source CPU of an SGI). Priority holds bits 7:3 of the priority: a
 *  GICv2 LR has 32 priority levels whatever the distributor implements.
 *  State as on GICv3: 00 invalid, 01 pending, 10 active, 11 both.
 *
 * GICv2 has no TDIR: a guest's GICV_DIR write traps only if EL2 leaves the
 * second 4 KiB page of the GICV frame (GICV_DIR at 0x1000) unmapped at
 * stage 2, and then arrives as a data abort at that page.
 */
#ifndef ARM64_VGIC_LR_V2_H
#define ARM64_VGIC_LR_V2_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_lr.h"

#define VGIC_BIT32(n) (1u << (n))
#define VGIC_FIELD32(hi, lo) ((~0u >> (31 - (hi))) & ~((1u << (lo)) - 1))

/* ---- GICH_LR<n> ---- */
#define GICH_LR_VIRTUALID_SHIFT 0
#define GICH_LR_VIRTUALID_MASK VGIC_FIELD32(9, 0)
#define GICH_LR_PHYSICALID_SHIFT 10
#define GICH_LR_PHYSICALID_MASK VGIC_FIELD32(19, 10)   /* HW = 1 */
#define GICH_LR_CPUID_SHIFT 10
#define GICH_LR_CPUID_MASK VGIC_FIELD32(12, 10)        /* HW = 0 */
#define GICH_LR_RES0_HW0 VGIC_FIELD32(18, 13)          /* HW = 0 */
#define GICH_LR_EOI VGIC_BIT32(19)                     /* HW = 0 */
#define GICH_LR_RES0 VGIC_FIELD32(22, 20)
#define GICH_LR_PRIORITY_SHIFT 23
#define GICH_LR_PRIORITY_MASK VGIC_FIELD32(27, 23)     /* priority bits 7:3 */
#define GICH_LR_PRIORITY_DROP 3                        /* bits of priority an LR lacks */
#define GICH_LR_STATE_SHIFT 28
#define GICH_LR_STATE_MASK VGIC_FIELD32(29, 28)
#define GICH_LR_GRP1 VGIC_BIT32(30)
#define GICH_LR_HW VGIC_BIT32(31)
#define GICH_LR_ID_MAX 1023u

_Static_assert(GICH_LR_VIRTUALID_MASK + GICH_LR_PHYSICALID_MASK + GICH_LR_RES0 +
			       GICH_LR_PRIORITY_MASK + GICH_LR_STATE_MASK + GICH_LR_GRP1 + GICH_LR_HW ==
		       ~0u,
	       "GICH_LR with HW = 1: fields tile 32 bits");
_Static_assert(GICH_LR_CPUID_MASK + GICH_LR_RES0_HW0 + GICH_LR_EOI == GICH_LR_PHYSICALID_MASK,
	       "GICH_LR with HW = 0: CPUID, reserved and EOI fill the PhysicalID field");
_Static_assert(GICH_LR_PRIORITY_MASK >> GICH_LR_PRIORITY_SHIFT == 0x1f, "5 priority bits");

/* ---- GICH_HCR ---- */
#define GICH_HCR_EN VGIC_BIT32(0)
#define GICH_HCR_UIE VGIC_BIT32(1)
#define GICH_HCR_LRENPIE VGIC_BIT32(2)
#define GICH_HCR_NPIE VGIC_BIT32(3)
#define GICH_HCR_VGRP0EIE VGIC_BIT32(4)
#define GICH_HCR_VGRP0DIE VGIC_BIT32(5)
#define GICH_HCR_VGRP1EIE VGIC_BIT32(6)
#define GICH_HCR_VGRP1DIE VGIC_BIT32(7)
#define GICH_HCR_RES0 VGIC_FIELD32(26, 8)
#define GICH_HCR_EOICOUNT_SHIFT 27
#define GICH_HCR_EOICOUNT_MASK VGIC_FIELD32(31, 27)
_Static_assert(VGIC_FIELD32(7, 0) + GICH_HCR_RES0 + GICH_HCR_EOICOUNT_MASK == ~0u,
	       "GICH_HCR: enables 7:0, EOICount 31:27");

/* ---- GICH_VTR ---- */
#define GICH_VTR_LISTREGS_MASK VGIC_FIELD32(5, 0)      /* number of LRs - 1 */
#define GICH_VTR_PREBITS_SHIFT 26
#define GICH_VTR_PREBITS_MASK VGIC_FIELD32(28, 26)
#define GICH_VTR_PRIBITS_SHIFT 29
#define GICH_VTR_PRIBITS_MASK VGIC_FIELD32(31, 29)
_Static_assert(GICH_VTR_LISTREGS_MASK + VGIC_FIELD32(25, 6) + GICH_VTR_PREBITS_MASK +
			       GICH_VTR_PRIBITS_MASK ==
		       ~0u,
	       "GICH_VTR fields tile the register");

/* ---- GICH_VMCR ---- */
#define GICH_VMCR_VMGRP0EN VGIC_BIT32(0)
#define GICH_VMCR_VMGRP1EN VGIC_BIT32(1)
#define GICH_VMCR_VMACKCTL VGIC_BIT32(2)
#define GICH_VMCR_VMFIQEN VGIC_BIT32(3)
#define GICH_VMCR_VMCBPR VGIC_BIT32(4)
#define GICH_VMCR_VEM VGIC_BIT32(9)                    /* GICV_CTLR.EOImode */
#define GICH_VMCR_VMABP_SHIFT 18                       /* GICV_ABPR: group 1 */
#define GICH_VMCR_VMABP_MASK VGIC_FIELD32(20, 18)
#define GICH_VMCR_VMBP_SHIFT 21                        /* GICV_BPR: group 0 */
#define GICH_VMCR_VMBP_MASK VGIC_FIELD32(23, 21)
#define GICH_VMCR_VMPRIMASK_SHIFT 27                   /* GICV_PMR bits 7:3 */
#define GICH_VMCR_VMPRIMASK_MASK VGIC_FIELD32(31, 27)
#define GICH_VMCR_RES0 (VGIC_FIELD32(26, 24) | VGIC_FIELD32(17, 10) | VGIC_FIELD32(8, 5))
_Static_assert(VGIC_FIELD32(4, 0) + GICH_VMCR_VEM + GICH_VMCR_VMABP_MASK + GICH_VMCR_VMBP_MASK +
			       GICH_VMCR_VMPRIMASK_MASK + GICH_VMCR_RES0 ==
		       ~0u,
	       "GICH_VMCR fields tile the register");

/* ---- GICH_MISR: the ICH_MISR_EL2 layout, bits 7:0 ---- */
#define GICH_MISR_RES0 VGIC_FIELD32(31, 8)

/* ---- GICH frame offsets (IHI 0048B section 5.3, the register map) ---- */
enum gich_offset {
	GICH_HCR = 0x000,
	GICH_VTR = 0x004,
	GICH_VMCR = 0x008,
	GICH_MISR = 0x010,
	GICH_EISR0 = 0x020,
	GICH_EISR1 = 0x024,
	GICH_ELRSR0 = 0x030,
	GICH_ELRSR1 = 0x034,
	GICH_APR = 0x0f0,
	GICH_LR0 = 0x100, /* GICH_LR<n> at 0x100 + 4n, n < 64 */
	GICH_FRAME_SIZE = 0x200,
};
#define GICH_LR(n) (GICH_LR0 + 4u * (n))
_Static_assert(GICH_LR(63) + 4 == GICH_FRAME_SIZE, "64 LRs end the GICH frame");
_Static_assert(GICH_EISR1 == GICH_EISR0 + 4 && GICH_ELRSR1 == GICH_ELRSR0 + 4,
	       "LRs 32-63 have the second status word");

/* ---- GICV frame offsets: the GICC layout (IHI 0048B section 5.5, "GIC virtual CPU interface registers") ---- */
enum gicv_offset {
	GICV_CTLR = 0x0000,
	GICV_PMR = 0x0004,
	GICV_BPR = 0x0008,
	GICV_IAR = 0x000c,
	GICV_EOIR = 0x0010,
	GICV_RPR = 0x0014,
	GICV_HPPIR = 0x0018,
	GICV_ABPR = 0x001c,
	GICV_AIAR = 0x0020,
	GICV_AEOIR = 0x0024,
	GICV_AHPPIR = 0x0028,
	GICV_APR0 = 0x00d0,
	GICV_NSAPR0 = 0x00e0,
	GICV_IIDR = 0x00fc,
	GICV_DIR = 0x1000,      /* the second 4 KiB page: unmapped to trap DIR */
	GICV_FRAME_SIZE = 0x2000,
};
#define GICV_DIR_PAGE 0x1000u
_Static_assert(GICV_DIR == GICV_DIR_PAGE && GICV_DIR_PAGE % 0x1000 == 0,
	       "GICV_DIR starts its own page, so it can be trapped alone");
_Static_assert(GICV_IIDR < GICV_DIR_PAGE, "every other GICV register is in the first page");

/* An EOIR/DIR/IAR value: INTID 9:0, and for SGIs the source CPUID 12:10. */
#define GICV_INTID_MASK VGIC_FIELD32(9, 0)
#define GICV_CPUID_SHIFT 10
#define GICV_CPUID_MASK VGIC_FIELD32(12, 10)

struct vgic_v2_vtr {
	unsigned nr_lrs;    /* ListRegs + 1 */
	unsigned pre_bits;
	unsigned pri_bits;
};

/*
 * false if a field does not fit: IDs beyond 10 bits, a source CPU above 7
 * or with HW, HW with EOI, an HW PhysicalID that is an SGI, priority bits
 * 2:0 set (the LR drops them).
 */
bool vgic_v2_lr_encode(const struct vgic_lr *lr, uint32_t *raw);
bool vgic_v2_lr_decode(uint32_t raw, struct vgic_lr *lr); /* false if a reserved bit is set */

uint32_t vgic_v2_hcr_encode(const struct vgic_hcr *hcr);  /* TDIR has no GICH_HCR bit */
bool vgic_v2_hcr_decode(uint32_t raw, struct vgic_hcr *hcr);

uint32_t vgic_v2_misr_encode(const struct vgic_misr *misr);
bool vgic_v2_misr_decode(uint32_t raw, struct vgic_misr *misr);

bool vgic_v2_vtr_decode(uint32_t raw, struct vgic_v2_vtr *vtr);

uint32_t vgic_v2_vmcr_encode(const struct vgic_vmcr *vmcr); /* PMR bits 2:0 are dropped */
bool vgic_v2_vmcr_decode(uint32_t raw, struct vgic_vmcr *vmcr);

/* GICH_ELRSR<w> / GICH_EISR<w> (w = 0: LRs 0-31, 1: LRs 32-63) from decoded LRs. */
uint32_t vgic_v2_elrsr(const struct vgic_lr *lr, unsigned n, unsigned w);
uint32_t vgic_v2_eisr(const struct vgic_lr *lr, unsigned n, unsigned w);

/* The running priority from GICH_APR: bit i is the group priority i << 3. */
uint8_t vgic_v2_rpr(uint32_t apr);

#endif
