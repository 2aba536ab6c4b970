/* SPDX-License-Identifier: MIT */
/*
 * The vGIC wired into the EL2 backend (docs/vgic.md, "The EL2 wiring").
 * The pure model (arch/arm64/lib/vgic_*.c) decides; these files only move
 * its decisions in and out of the hardware:
 *
 *   el2_vgic.c      per VM: the model's storage, the guest's GIC frames,
 *                   the pre-entry flush and the post-exit fold
 *   el2_vgic_io.c   the guest's trapped accesses: GICD/GICR MMIO, GICv2's
 *                   GICV_DIR page, ICC_SGI*R_EL1 and ICV_DIR_EL1, and the
 *                   test operations that drive interrupt lines
 *   el2_vgic_v3.c   the GICv3 virtual interface: ICH_*_EL2 system registers
 *   el2_vgic_v2.c   the GICv2 virtual interface: the GICH MMIO frame
 *
 * The guest's frames sit at fixed guest-physical addresses (guest_abi.h
 * ANVIL_ARM64_GICD_GPA, _GICR_GPA, _GICC_GPA): GICD and GICR stay unmapped
 * at stage 2, so every access faults into the model; on GICv2 the
 * physical GICV frame's first page is mapped (Device) where the guest's
 * GICC is, and its second page (GICV_DIR) only while DIR need not trap.
 */
#ifndef ARM64_EL2_VGIC_H
#define ARM64_EL2_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/vm.h>

#include "vgic_fold.h"
#include "vgic_flush.h"
#include "vgic_vm.h"

#define EL2_VGIC_SPIS 64u /* INTIDs 32..95 */
#define EL2_VGIC_VCPUS 1u

/* What the hardware's virtual interface offers (ICH_VTR_EL2 / GICH_VTR). */
struct el2_vgic_caps {
	unsigned nr_lrs;
	unsigned pre_bits;
	unsigned pri_bits;
	bool tds;          /* v3: ICH_HCR_EL2.TDIR exists */
};

/*
 * One version's register moves. save() reads every LR the last load()
 * wrote into bank->lr[], EOIcount, the VMCR and the running priority,
 * then turns the interface's maintenance requests off (so the maintenance
 * interrupt is deasserted before the host takes its interrupts).
 */
struct el2_vgic_ops {
	enum vgic_version version;
	int (*probe)(struct el2_vgic_caps *caps, char *why, size_t n);
	void (*reset)(const struct el2_vgic_caps *caps);       /* a new vCPU: empty LRs, APRs, VMCR */
	bool (*load)(const struct vgic_lr_bank *bank, unsigned nr, const struct vgic_hcr *hcr,
		     const struct el2_vgic_caps *caps);
	bool (*save)(struct vgic_lr_bank *bank, unsigned nr, struct vgic_fold_in *in,
		     const struct el2_vgic_caps *caps);
	bool (*write_lr)(const struct vgic_lr *lr, unsigned n); /* one LR back (a DIR in place) */
	uint32_t (*misr)(void);                                  /* ICH_MISR_EL2 / GICH_MISR */
	void (*write_hcr)(const struct vgic_hcr *hcr);
};
extern const struct el2_vgic_ops el2_vgic_v3_ops;
extern const struct el2_vgic_ops el2_vgic_v2_ops;

struct el2_vgic {
	struct vgic_vm vm;
	struct vgic_vcpu vcpu[EL2_VGIC_VCPUS];
	struct vgic_irq spi[EL2_VGIC_SPIS];
	struct vgic_irq *ap_slots[VGIC_AP_SLOTS(EL2_VGIC_VCPUS, EL2_VGIC_SPIS)];
	const struct el2_vgic_ops *ops;
	struct el2_vgic_caps caps;
	unsigned loaded;        /* LRs the last entry wrote (the ones save() reads back) */
	bool dir_mapped;        /* v2: GICV_DIR's page is mapped at stage 2 */
	uint32_t hw_errors;     /* LRs the model produced that did not encode, reads that did not decode */
	uint64_t maint_exits;   /* entries with a maintenance request, for the test operations */
	uint64_t dir_traps;     /* trapped DIR writes (ICV_DIR_EL1 / the GICV_DIR page) */
	uint64_t entry_masked;  /* entries whose maintenance condition held already: its enable dropped */
	bool vtimer_level;      /* the virtual timer's output as the model's line has it */
	uint64_t vtimer_fires;  /* rising edges of that line */
};

struct el2_vm;
struct el2_vcpu;

/* el2_vgic.c */
/* Once, before the first VM: the hardware interface and the maintenance interrupt. */
int el2_vgic_probe(char *why, size_t n);
int el2_vgic_create(struct vm *vm);
void el2_vgic_destroy(struct vm *vm);
/* A payload's vCPU starts: every interrupt reset, the CPU interface empty. */
int el2_vgic_reset(struct vm *vm);
/* Before every entry (false: the model produced something the hardware cannot hold). */
bool el2_vgic_entry(struct vm *vm);
/* After every exit, before it is handled. */
bool el2_vgic_exit(struct vm *vm);
/* The physical frame page backing guest-physical `hpa` is the guest's GIC CPU interface. */
bool el2_vgic_is_cpuif_page(uint64_t hpa, uint64_t size);
struct el2_vgic *el2_vgic_of(struct vm *vm);

/* el2_vtimer.c: the guest's virtual timer as a level PPI (docs/vgic.md, "The virtual timer") */
int el2_vtimer_probe(void);
uint32_t el2_vtimer_intid(void); /* 0: none */
int el2_vtimer_reset(struct el2_vgic *g);
bool el2_vtimer_entry(struct el2_vgic *g); /* false: the model refused the line change */
void el2_vtimer_stop(void);

/* el2_vgic_io.c */
int el2_vgic_add_regions(struct vm *vm, struct el2_vgic *g);
/* A trapped system register the vGIC owns: true if handled (*rc: 0 resume, -1 ended). */
bool el2_vgic_sysreg(struct vcpu *v, struct vm_exit *e, int *rc);
/* ANVIL_ARM64_TEST_VGIC_*: true if a[0] is one (result or refusal filled). */
bool el2_vgic_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why,
		   size_t n, int *rc);

#endif
