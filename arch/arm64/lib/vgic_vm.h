/* SPDX-License-Identifier: MIT */
/*
 * The vGIC of one VM: its configuration, the records of every interrupt
 * (SGIs and PPIs banked per vCPU, SPIs shared), each vCPU's ap_list, LR
 * bank and what the last exit read of its CPU interface, and the
 * operations that change a record and keep the ap_lists in step with it.
 * The distributor model (vgic_dist.c), the guest-ABI inputs (vgic_input.c),
 * SGI generation (vgic_sgi.c) and the LR fill and fold all change
 * interrupts only through these.
 *
 * Storage is the caller's: vCPUs, SPI records and ap_list slots
 * (VGIC_AP_SLOTS(nr_vcpus, nr_spis) pointers). No allocation, no locks:
 * EL2 serialises access (one vCPU per VM at first; with more, the caller
 * must stop a running vCPU before changing the active state of an
 * interrupt listed in its LRs, which is refused otherwise).
 */
#ifndef ARM64_VGIC_VM_H
#define ARM64_VGIC_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vgic_ap.h"
#include "vgic_irq.h"
#include "vgic_lr.h"

#define VGIC_MAX_SPIS 988u /* INTIDs 32..1019 */
#define VGIC_AP_SLOTS(nr_vcpus, nr_spis) ((nr_vcpus) * (VGIC_NR_PRIVATE + (nr_spis)))

/* Anvil's GICD_IIDR / GICR_IIDR: ProductID 'A' (31:24), implementer JEP106 0x43b (11:0). */
#define VGIC_IIDR_DEFAULT ((0x41u << 24) | 0x43bu)

enum vgic_version {
	VGIC_V2 = 2,
	VGIC_V3 = 3,
};

struct vgic_cfg {
	enum vgic_version version;
	unsigned nr_vcpus;     /* 1..VGIC_MAX_VCPUS */
	unsigned nr_spis;      /* a multiple of 32, up to VGIC_MAX_SPIS rounded down */
	unsigned prio_bits;    /* implemented priority bits, 5..8 (GICv2 LRs hold 5) */
	unsigned nr_lrs;       /* ICH_VTR_EL2 / GICH_VTR ListRegs + 1, 1..VGIC_LR_MAX */
	uint32_t iidr;         /* 0: VGIC_IIDR_DEFAULT */
	bool lazy_lrenp;       /* LRENPIE only where a deferred deactivation matters */
	bool trap_dir_always;  /* trap DIR even without overflow (asymmetric deactivation) */
};

/* What the last exit read of the guest's CPU interface (VMCR and APRs). */
struct vgic_cpuif {
	uint8_t pmr;
	uint8_t rpr;           /* running priority, VGIC_PRIO_IDLE if nothing active */
	bool grp_en[2];
	bool eoimode;
};

struct vgic_vcpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	struct vgic_ap ap;
	struct vgic_cpuif cpuif;
	struct vgic_lr_bank bank;
	uint32_t affinity;     /* MPIDR Aff3:Aff2:Aff1:Aff0, as in GICR_TYPER 63:32 */
	bool rd_sleep;         /* GICR_WAKER.ProcessorSleep */
};

struct vgic_vm {
	struct vgic_cfg cfg;
	struct vgic_vcpu *vcpu;
	struct vgic_irq *spi;
	bool grp_en[2];        /* GICD_CTLR.EnableGrp0 / EnableGrp1 */
	uint8_t prio_mask;     /* the implemented priority bits */
	uint32_t refused;      /* ap_list updates that failed: a bug */
};

enum vgic_err {
	VGIC_OK = 0,
	VGIC_E_CONFIG = -1,    /* a configuration the model cannot hold */
	VGIC_E_INTID = -2,     /* no such interrupt, or not for this operation */
	VGIC_E_STATE = -3,     /* called in the wrong phase (bank loaded or folded) */
	VGIC_E_REFUSED = -4,   /* a transition the state machine refused: a bug */
};

/*
 * Reset state: every interrupt inactive, disabled, group 0, priority 0,
 * SGIs edge, PPIs and SPIs edge (configure with vgic_op_trigger), GICv2
 * SPIs routed nowhere on an SMP VM (ITARGETSR 0) and to vCPU 0 on a
 * uniprocessor, GICv3 SPIs to affinity 0 (vCPU 0), vCPU n at Aff0 = n.
 */
int vgic_vm_init(struct vgic_vm *vm, const struct vgic_cfg *cfg, struct vgic_vcpu *vcpus,
		 struct vgic_irq *spis, struct vgic_irq **ap_slots);

static inline unsigned vgic_nr_irqs(const struct vgic_vm *vm)
{
	return VGIC_NR_PRIVATE + vm->cfg.nr_spis;
}

/* The record of intid as vCPU `vcpu` sees it (private ones are banked); NULL if none. */
struct vgic_irq *vgic_get_irq(struct vgic_vm *vm, unsigned vcpu, uint32_t intid);

struct vgic_ap_view vgic_vcpu_view(const struct vgic_vm *vm, unsigned vcpu);

/*
 * What the guest's CPU interface holds: the fold calls this at every exit;
 * EL2 calls it once with the VMCR it gives a new vCPU, before the first
 * entry (the fill classifies with it).
 */
void vgic_cpuif_load(struct vgic_vm *vm, unsigned vcpu, const struct vgic_vmcr *vmcr,
		     uint8_t rpr);

/* Put irq on the ap_list it belongs on (or none); false if that failed. */
bool vgic_sync(struct vgic_vm *vm, struct vgic_irq *irq);

/* Record changes, each followed by vgic_sync(). false: refused (a bug). */
bool vgic_op_line(struct vgic_vm *vm, struct vgic_irq *irq, bool level);
bool vgic_op_set_pending(struct vgic_vm *vm, struct vgic_irq *irq);   /* ISPENDR */
bool vgic_op_clear_pending(struct vgic_vm *vm, struct vgic_irq *irq); /* ICPENDR */
bool vgic_op_set_active(struct vgic_vm *vm, struct vgic_irq *irq);    /* ISACTIVER */
bool vgic_op_clear_active(struct vgic_vm *vm, struct vgic_irq *irq);  /* ICACTIVER */
bool vgic_op_enable(struct vgic_vm *vm, struct vgic_irq *irq, bool on);
bool vgic_op_priority(struct vgic_vm *vm, struct vgic_irq *irq, uint8_t prio);
bool vgic_op_group(struct vgic_vm *vm, struct vgic_irq *irq, unsigned group);
bool vgic_op_trigger(struct vgic_vm *vm, struct vgic_irq *irq, enum vgic_trigger t);
bool vgic_op_route(struct vgic_vm *vm, struct vgic_irq *irq, uint64_t route);
bool vgic_op_sgi_source(struct vgic_vm *vm, struct vgic_irq *irq, unsigned src);
bool vgic_op_sgi_clear(struct vgic_vm *vm, struct vgic_irq *irq, uint8_t sources);
void vgic_op_dist_enable(struct vgic_vm *vm, unsigned group, bool on);

/* The vCPU a route (ITARGETSR byte or IROUTER) delivers to, VGIC_NO_VCPU if none. */
unsigned vgic_route_target(const struct vgic_vm *vm, uint64_t route);

/* Refused transitions and ap_list failures, summed over every record: 0 unless buggy. */
uint32_t vgic_refused(const struct vgic_vm *vm);

#endif
