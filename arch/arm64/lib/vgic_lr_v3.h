/* SPDX-License-Identifier: MIT */
/*
 * GICv3 virtual interface control registers (Arm IHI 0069, chapter 12
 * "System register descriptions": ICH_LR<n>_EL2, ICH_HCR_EL2, ICH_VTR_EL2,
 * ICH_VMCR_EL2, ICH_MISR_EL2, ICH_ELRSR_EL2, ICH_EISR_EL2,
 * ICH_AP{0,1}R<n>_EL2), encoded and decoded to the neutral records of
 * vgic_lr.h. Encoding only: no policy. EL2 reads and writes the registers
 * (MRS/MSR S3_4_C12_...) and passes the values through here.
 *
 * ICH_LR<n>_EL2:
 *
 *   63 62  61   60   59   58  56 55     48 47  45 44     32 31          0
 *  +-----+----+-----+-----+------+---------+------+---------+-------------+
 *  |State| HW |Group| NMI | RES0 |Priority | RES0 | pINTID  |   vINTID    |
 *  +-----+----+-----+-----+------+---------+------+---------+-------------+
 *  State: 00 invalid, 01 pending, 10 active, 11 pending and active.
 *  HW = 0: pINTID is RES0 except bit 41, EOI (maintenance interrupt when
 *  the interrupt is deactivated). NMI (bit 59) exists with FEAT_GICv3_NMI
 *  only; Anvil never sets it and treats it as reserved.
 */
#ifndef ARM64_VGIC_LR_V3_H
#define ARM64_VGIC_LR_V3_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_lr.h"

#define VGIC_BIT64(n) (1ull << (n))
#define VGIC_FIELD64(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

/* ---- ICH_LR<n>_EL2 ---- */
#define ICH_LR_VINTID_SHIFT 0
#define ICH_LR_VINTID_MASK VGIC_FIELD64(31, 0)
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK VGIC_FIELD64(44, 32)
#define ICH_LR_EOI VGIC_BIT64(41)                 /* HW = 0 */
#define ICH_LR_RES0_HW0 (VGIC_FIELD64(44, 42) | VGIC_FIELD64(40, 32))
#define ICH_LR_RES0 (VGIC_FIELD64(47, 45) | VGIC_FIELD64(58, 56))
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_PRIORITY_MASK VGIC_FIELD64(55, 48)
#define ICH_LR_NMI VGIC_BIT64(59)
#define ICH_LR_GROUP VGIC_BIT64(60)
#define ICH_LR_HW VGIC_BIT64(61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_STATE_MASK VGIC_FIELD64(63, 62)
#define ICH_LR_PINTID_MAX 0x1fffu                 /* 13 bits */

/* The fields tile the register exactly, in both views of bits 44:32. */
#define ICH_LR_HW1_FIELDS                                                                   \
	(ICH_LR_VINTID_MASK + ICH_LR_PINTID_MASK + ICH_LR_RES0 + ICH_LR_PRIORITY_MASK +     \
	 ICH_LR_NMI + ICH_LR_GROUP + ICH_LR_HW + ICH_LR_STATE_MASK)
#define ICH_LR_HW0_FIELDS                                                                   \
	(ICH_LR_VINTID_MASK + ICH_LR_EOI + ICH_LR_RES0_HW0 + ICH_LR_RES0 +                  \
	 ICH_LR_PRIORITY_MASK + ICH_LR_NMI + ICH_LR_GROUP + ICH_LR_HW + ICH_LR_STATE_MASK)
_Static_assert(ICH_LR_HW1_FIELDS == ~0ull, "ICH_LR with HW = 1: fields tile 64 bits");
_Static_assert(ICH_LR_HW0_FIELDS == ~0ull, "ICH_LR with HW = 0: fields tile 64 bits");
_Static_assert((ICH_LR_PINTID_MASK & ICH_LR_EOI) && (ICH_LR_RES0_HW0 | ICH_LR_EOI) == ICH_LR_PINTID_MASK,
	       "EOI is bit 41 of the pINTID field");
_Static_assert(ICH_LR_PRIORITY_MASK >> ICH_LR_PRIORITY_SHIFT == 0xff, "8 priority bits");
_Static_assert(ICH_LR_STATE_MASK >> ICH_LR_STATE_SHIFT == 3, "2 state bits");

/* ---- ICH_HCR_EL2 ---- */
#define ICH_HCR_EN VGIC_BIT64(0)
#define ICH_HCR_UIE VGIC_BIT64(1)
#define ICH_HCR_LRENPIE VGIC_BIT64(2)
#define ICH_HCR_NPIE VGIC_BIT64(3)
#define ICH_HCR_VGRP0EIE VGIC_BIT64(4)
#define ICH_HCR_VGRP0DIE VGIC_BIT64(5)
#define ICH_HCR_VGRP1EIE VGIC_BIT64(6)
#define ICH_HCR_VGRP1DIE VGIC_BIT64(7)
#define ICH_HCR_VSGIEOICOUNT VGIC_BIT64(8)   /* GICv4.1 */
#define ICH_HCR_TC VGIC_BIT64(10)
#define ICH_HCR_TALL0 VGIC_BIT64(11)
#define ICH_HCR_TALL1 VGIC_BIT64(12)
#define ICH_HCR_TSEI VGIC_BIT64(13)
#define ICH_HCR_TDIR VGIC_BIT64(14)
#define ICH_HCR_DVIM VGIC_BIT64(15)          /* FEAT_GICv3_NMI */
#define ICH_HCR_EOICOUNT_SHIFT 27
#define ICH_HCR_EOICOUNT_MASK VGIC_FIELD64(31, 27)
#define ICH_HCR_RES0 (VGIC_FIELD64(63, 32) | VGIC_FIELD64(26, 16) | VGIC_BIT64(9))
_Static_assert((VGIC_FIELD64(15, 0) & ~VGIC_BIT64(9)) + ICH_HCR_RES0 + ICH_HCR_EOICOUNT_MASK == ~0ull,
	       "ICH_HCR_EL2: bits 15:0 but 9, EOIcount 31:27, the rest RES0");
_Static_assert(ICH_HCR_EOICOUNT_MASK >> ICH_HCR_EOICOUNT_SHIFT == 0x1f, "5-bit EOIcount");

/* ---- ICH_MISR_EL2 (bits 7:0; GICH_MISR has the same layout) ---- */
#define ICH_MISR_EOI VGIC_BIT64(0)
#define ICH_MISR_U VGIC_BIT64(1)
#define ICH_MISR_LRENP VGIC_BIT64(2)
#define ICH_MISR_NP VGIC_BIT64(3)
#define ICH_MISR_VGRP0E VGIC_BIT64(4)
#define ICH_MISR_VGRP0D VGIC_BIT64(5)
#define ICH_MISR_VGRP1E VGIC_BIT64(6)
#define ICH_MISR_VGRP1D VGIC_BIT64(7)
#define ICH_MISR_RES0 VGIC_FIELD64(63, 8)

/* ---- ICH_VTR_EL2 ---- */
#define ICH_VTR_LISTREGS_MASK VGIC_FIELD64(4, 0)   /* number of LRs - 1 */
#define ICH_VTR_DVIM VGIC_BIT64(18)
#define ICH_VTR_TDS VGIC_BIT64(19)                 /* ICH_HCR_EL2.TDIR is implemented */
#define ICH_VTR_NV4 VGIC_BIT64(20)
#define ICH_VTR_A3V VGIC_BIT64(21)
#define ICH_VTR_SEIS VGIC_BIT64(22)
#define ICH_VTR_IDBITS_SHIFT 23
#define ICH_VTR_IDBITS_MASK VGIC_FIELD64(25, 23)   /* 0: 16-bit vINTIDs, 1: 24-bit */
#define ICH_VTR_PREBITS_SHIFT 26
#define ICH_VTR_PREBITS_MASK VGIC_FIELD64(28, 26)  /* preemption bits - 1 */
#define ICH_VTR_PRIBITS_SHIFT 29
#define ICH_VTR_PRIBITS_MASK VGIC_FIELD64(31, 29)  /* priority bits - 1 */
_Static_assert(ICH_VTR_LISTREGS_MASK + VGIC_FIELD64(17, 5) + ICH_VTR_DVIM + ICH_VTR_TDS +
			       ICH_VTR_NV4 + ICH_VTR_A3V + ICH_VTR_SEIS + ICH_VTR_IDBITS_MASK +
			       ICH_VTR_PREBITS_MASK + ICH_VTR_PRIBITS_MASK + VGIC_FIELD64(63, 32) ==
		       ~0ull,
	       "ICH_VTR_EL2 fields tile the register (17:5 and 63:32 RES0)");

/* ---- ICH_VMCR_EL2 ---- */
#define ICH_VMCR_VENG0 VGIC_BIT64(0)
#define ICH_VMCR_VENG1 VGIC_BIT64(1)
#define ICH_VMCR_VACKCTL VGIC_BIT64(2)
#define ICH_VMCR_VFIQEN VGIC_BIT64(3)
#define ICH_VMCR_VCBPR VGIC_BIT64(4)
#define ICH_VMCR_VEOIM VGIC_BIT64(9)
#define ICH_VMCR_VBPR1_SHIFT 18
#define ICH_VMCR_VBPR1_MASK VGIC_FIELD64(20, 18)
#define ICH_VMCR_VBPR0_SHIFT 21
#define ICH_VMCR_VBPR0_MASK VGIC_FIELD64(23, 21)
#define ICH_VMCR_VPMR_SHIFT 24
#define ICH_VMCR_VPMR_MASK VGIC_FIELD64(31, 24)
#define ICH_VMCR_RES0 (VGIC_FIELD64(63, 32) | VGIC_FIELD64(17, 10) | VGIC_FIELD64(8, 5))
_Static_assert(VGIC_FIELD64(4, 0) + ICH_VMCR_VEOIM + ICH_VMCR_VBPR1_MASK + ICH_VMCR_VBPR0_MASK +
			       ICH_VMCR_VPMR_MASK + ICH_VMCR_RES0 ==
		       ~0ull,
	       "ICH_VMCR_EL2 fields tile the register");

struct vgic_v3_vtr {
	unsigned nr_lrs;    /* ListRegs + 1 */
	unsigned id_bits;   /* 16 or 24 */
	unsigned pre_bits;  /* PREbits + 1 */
	unsigned pri_bits;  /* PRIbits + 1 */
	bool seis;
	bool a3v;
	bool nv4;
	bool tds;
	bool dvim;
};

/*
 * false if a field does not fit: a source CPU (GICv3 LRs have none), HW
 * with EOI, a pINTID that is an SGI or wider than 13 bits, a bad state.
 */
bool vgic_v3_lr_encode(const struct vgic_lr *lr, uint64_t *raw);
/* Decodes every field; false if a RES0 bit (or NMI) is set. */
bool vgic_v3_lr_decode(uint64_t raw, struct vgic_lr *lr);

uint64_t vgic_v3_hcr_encode(const struct vgic_hcr *hcr);
bool vgic_v3_hcr_decode(uint64_t raw, struct vgic_hcr *hcr);

bool vgic_v3_misr_decode(uint64_t raw, struct vgic_misr *misr);
uint64_t vgic_v3_misr_encode(const struct vgic_misr *misr);

bool vgic_v3_vtr_decode(uint64_t raw, struct vgic_v3_vtr *vtr);

uint64_t vgic_v3_vmcr_encode(const struct vgic_vmcr *vmcr);
bool vgic_v3_vmcr_decode(uint64_t raw, struct vgic_vmcr *vmcr);

/*
 * The running priority from ICH_AP0R<n>_EL2 and ICH_AP1R<n>_EL2
 * (1 << (pre_bits - 5) registers of each): bit i of the combined vector is
 * the group priority i << (8 - pre_bits); the lowest set bit is running.
 * VGIC_PRIO_IDLE with none set.
 */
uint8_t vgic_v3_rpr(const uint32_t *ap0r, const uint32_t *ap1r, unsigned pre_bits);

#endif
