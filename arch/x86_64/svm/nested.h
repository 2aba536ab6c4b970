/* SPDX-License-Identifier: MIT */
/*
 * Nested SVM (docs/nested-svm.md): Anvil is L0, a payload that asked for
 * ANVIL_FEAT_NESTED_SVM is L1 and runs its own guest, L2, with an SVM that
 * Anvil implements in software, whatever the host CPU offers beyond SVM
 * itself.
 *
 *   nested_l1.c   what L1 sees of SVM: CPUID, EFER.SVME, VM_HSAVE_PA,
 *                 VM_CR, VMLOAD, VMSAVE, CLGI, STGI, INVLPGA
 *   nested_run.c  VMRUN from L1 (vmcb12 read, checked, merged into
 *                 vmcb02), exits from L2 (reflected to L1 as #VMEXIT, or
 *                 handled by L0), and the switch between the two VMCBs
 *
 * While L2 runs the vCPU's `vmcb` is vmcb02 and its GPRs are L2's: the
 * shared exit handlers then act on L2, which is what an exit L0 handles
 * for L2 needs. vmcb01 keeps L1's state as it was at its VMRUN, with RIP
 * past the VMRUN, which is what the emulated #VMEXIT resumes.
 */
#ifndef SVM_NESTED_H
#define SVM_NESTED_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/vm.h>

#include "npt.h"
#include "nsvm_cache.h"
#include "nsvm_check.h"
#include "nsvm_state.h"
#include "vmcb.h"

#define NESTED_NASID 16u /* ASIDs L1 is told it has (CPUID Fn8000_000A EBX) */

#define NESTED_SHADOW_TABLES 64u /* shadow table pages per vCPU: used up, the shadow is rebuilt */

struct svm_vcpu;

/* nested_npt.c: L2-physical to host-physical, from L1's nested tables and L0's. */
struct nested_shadow {
	struct npt npt;
	struct npt_ops ops;
	bool valid;
	bool flushed;          /* dropped since the last VMRUN: L2's ASID must be flushed */
	uint64_t l1_ncr3;      /* the vmcb12 nCR3 it shadows ... */
	uint32_t l1_asid;      /* ... under this ASID of L1's */
	unsigned tables;       /* pool pages in use */
	uint64_t rebuilds, recycled, faults_resolved, faults_to_l1;
};

enum nested_npf_result {
	NESTED_NPF_RESOLVED,   /* a shadow leaf was added: resume L2 */
	NESTED_NPF_TO_L1,      /* L1's tables refuse: #VMEXIT(NPF) to L1 */
	NESTED_NPF_L0,         /* L1's tables point outside L1's memory, or L0 refuses: L0's own fault */
	NESTED_NPF_ERROR,      /* no table page even after a rebuild */
};

struct svm_nested {
	bool enabled;          /* the payload asked for ANVIL_FEAT_NESTED_SVM */
	bool svme;             /* L1's EFER.SVME (the hardware's is always set for a guest) */
	uint64_t hsave_pa;     /* L1's VM_HSAVE_PA */
	struct nsvm_state state; /* L1 or L2, and GIF (nsvm_state.h: checked transitions) */
	struct nsvm_cache *cache; /* vmcb12 as L0 uses it, by its clean bits (nsvm_cache.h) */
	struct nsvm_caps caps; /* what the consistency checks allow: the CPU L1 is shown */
	struct vmcb *vmcb01, *vmcb02;
	uint64_t vmcb01_pa, vmcb02_pa;
	uint8_t *msrpm02, *iopm02; /* merged permission maps (L0's | L1's) */
	uint64_t msrpm02_pa, iopm02_pa;
	/* The other VMCB's auditor snapshot and launch state, swapped with the vCPU's. */
	struct vmcb *snapshot_other;
	bool snapshot_other_valid, launched_other;
	uint32_t l2_asid;
	bool l2_flush;         /* INVLPGA, or a new L2 ASID: flush it at the next nested VMRUN */
	uint32_t last_l1_asid; /* the ASID vmcb12 named last time */
	struct nested_shadow shadow;
	/* Counts, for the test services and docs/nested-svm.md */
	uint64_t vmruns, invalid, reflected, l0_handled;
	uint64_t audited;      /* vmcb02 VMRUNs the clean-bit auditor checked */
	uint64_t fields_read;  /* vmcb12 fields the last nested VMRUN read from L1's memory */
};

static inline bool nested_in_l2(const struct svm_nested *n) { return n->enabled && n->state.level == NSVM_IN_L2; }
static inline bool nested_gif(const struct svm_nested *n) { return !n->enabled || n->state.gif; }

/* nested_l1.c */
int nested_setup(struct vcpu *v, struct svm_vcpu *c);
void nested_teardown(struct svm_vcpu *c);
/*
 * An exit of L1 (not L2) that nested SVM answers: CPUID leaves of SVM, the
 * MSRs above, the SVM instructions. true if it did (e rewritten to
 * ANVIL_EXIT_ARCH or to what the core must still do).
 */
bool nested_l1_exit(struct vcpu *v, struct vm_exit *e);
/* The VMCB at L1's RAX (VMRUN, VMLOAD, VMSAVE): NULL if not page aligned in L1's memory. */
struct vmcb *nested_l1_vmcb(struct vcpu *v, uint64_t *gpa);
/* RDMSR/WRMSR IA32_PAT on vmcb's gPAT: true if e was that (answered or #GP). */
bool nested_pat_msr(struct vcpu *v, struct vmcb *vmcb, struct vm_exit *e);
/* L1's CPUID as nested SVM shows it (host answer already through the policy). */
void nested_cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx);

/* nested_npt.c */
/* Before a VMRUN with L1's nested paging: keep the shadow, or start a new one. */
int nested_shadow_prepare(struct nested_shadow *sh, uint64_t l1_ncr3, uint32_t l1_asid, bool flush);
void nested_shadow_drop(struct nested_shadow *sh);
enum nested_npf_result nested_shadow_fault(struct vcpu *v, struct nested_shadow *sh, uint64_t l2_gpa, uint64_t info1,
					   uint64_t *l1_fault_info1, uint64_t *l1_gpa);

/* nested_run.c */
/* The vCPU back on vmcb01 (a payload that ends in L2). */
void nested_leave_l2(struct svm_vcpu *c);
int nested_vmrun(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e);
/* An exception L0 raises in L2: true if it became a #VMEXIT to L1 (L1 intercepts it). */
bool nested_exception_to_l1(struct vcpu *v, struct svm_vcpu *c, uint8_t vector, uint32_t error_code);
/* An exit of L2, decoded into e: reflected to L1 or left to L0. */
void nested_l2_exit(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e);

#endif
