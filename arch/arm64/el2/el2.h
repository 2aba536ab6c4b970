/* SPDX-License-Identifier: MIT */
/*
 * The EL2 backend's private state (docs/arm64.md, "Virtualization at EL2").
 * Files, one concept each:
 *   el2_probe.c     is EL2 ours, what stage 2 can translate (VTCR_EL2)
 *   el2_vm.c        per VM: stage-2 tables, VMID, TLB invalidation
 *   el2_vcpu.c      per vCPU: EL1 reset state, HCR_EL2 for the guest, the run loop
 *   el2_exit.c      ESR_EL2 to exit record; skipping, MMIO completion, injection
 *   el2_sysreg.c    trapped system registers: sanitised ID registers
 *   el2_test.c      test operations (stage 2 and arm64)
 *   el2_vgic*.c     the vGIC wired in (el2_vgic.h lists its files)
 *   world_switch.S  the entry and the lower-EL exit path
 */
#ifndef ARM64_EL2_H
#define ARM64_EL2_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/vm.h>

#include "el2_ctx.h"
#include "s2pt.h"

struct el2_caps {
	unsigned parange;         /* ID_AA64MMFR0_EL1.PARange */
	bool vmid16;
	struct s2pt_vtcr vtcr;    /* what every VM's stage 2 uses */
};
extern struct el2_caps el2_caps;

struct el2_vcpu {
	struct el2_ctx ctx;
	uint64_t hcr;             /* HCR_EL2 while the guest runs */
	uint64_t entries;         /* guest entries so far */
	uint64_t minimal_exits;   /* hypercalls the minimal path took */
	bool hvc_fid_ok;          /* the last HVC was in Anvil's range */
};

struct el2_vgic;

struct el2_vm {
	struct s2pt s2;
	struct el2_vgic *vgic;    /* NULL: no virtual GIC on this hardware */
	uint16_t vmid;
	bool tlb_flush;           /* stage 2 changed: invalidate this VMID before the next entry */
	struct el2_vcpu vcpu;
};

static inline struct el2_vm *el2_vm_of(struct vm *vm) { return vm->be_vm; }
static inline struct el2_vcpu *el2_vcpu_of(struct vcpu *v) { return v->be; }

/* el2_probe.c */
uint64_t el2_probe(char *why, size_t n);
int el2_enable(char *why, size_t n);

/* el2_vm.c */
int el2_vm_create(struct vm *vm);
void el2_vm_destroy(struct vm *vm);
int el2_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access);
int el2_unmap(struct vm *vm, uint64_t gpa, uint64_t size);
int el2_set_access(struct vm *vm, uint64_t gpa, uint32_t access);
bool el2_gpa_access(struct vm *vm, uint64_t gpa, uint32_t *access);
void el2_walk_reach(struct vm *vm, const struct vm_reach_visitor *vis);
/* Make s the VM in VTTBR_EL2 (at vCPU set-up: it stays there until the VM is destroyed). */
void el2_vm_activate(struct el2_vm *s);
/* Before an entry: invalidate the VMID's cached translations if stage 2 changed since the last one. */
void el2_vm_flush_if_changed(struct el2_vm *s);

/* el2_vcpu.c */
int el2_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e);
int el2_vcpu_run(struct vcpu *v, struct vm_exit *e);
/* Back to the host's HCR_EL2, MDCR_EL2 and an empty VTTBR_EL2 (when a VM is destroyed). */
void el2_host_controls_restore(void);
bool el2_gva_to_gpa(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error);

/* el2_exit.c */
/* Turn the exit in c (vector kind `kind`) into *e. True: a minimal-path hypercall, handled. */
bool el2_decode_exit(struct vcpu *v, uint64_t kind, struct vm_exit *e);
int el2_skip_instruction(struct vcpu *v, const struct vm_exit *e);
void el2_set_ip(struct vcpu *v, uint64_t ip);
void el2_set_result(struct vcpu *v, uint64_t value);
int el2_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags);
int el2_inject_undefined(struct vcpu *v);
/* A synchronous exception to the guest's EL1 with ESR_EL1 = esr, at the instruction that exited. */
int el2_inject_sync(struct vcpu *v, uint64_t esr);
int el2_complete_mmio(struct vcpu *v, const struct vm_exit *e, uint64_t value);
/* Write a guest register (31: the zero register, ignored). */
void el2_set_reg(struct el2_vcpu *c, unsigned reg, uint64_t value);
uint64_t el2_get_reg(const struct el2_vcpu *c, unsigned reg);

/* el2_sysreg.c */
/* A trapped MRS/MSR (ANVIL_EXIT_SYSREG). 0: resume; -1: the payload ended. */
int el2_sysreg_exit(struct vcpu *v, struct vm_exit *e);
/* The value a guest's read of ID register `encoding` returns (ESR_SYSREG form); false if not an ID register. */
bool el2_id_reg_value(uint32_t encoding, uint64_t *value, uint64_t *raw);
/* The guest's ID_AA64MMFR2_EL1.IDS is non-zero (FEAT_IDST: ID-space reads it lacks report EC 0x18). */
bool el2_guest_has_idst(void);

/* el2_test.c */
int el2_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n);

/* world_switch.S */
void el2_fp_zero(void);

#endif
