/* SPDX-License-Identifier: MIT */
/* The SVM backend's private state (docs/svm.md). */
#ifndef SVM_H
#define SVM_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/vm.h>

#include "asid.h"
#include "npt.h"
#include "svm_perm.h"
#include "vmcb.h"
#include "x86_vcpu.h"

/* CPUID Fn8000_000A EDX (APM Vol 3, Appendix E.4.10). */
#define SVM_CPUID_NP (1u << 0)
#define SVM_CPUID_NRIPS (1u << 3)
#define SVM_CPUID_VMCB_CLEAN (1u << 5)
#define SVM_CPUID_FLUSH_BY_ASID (1u << 6)
#define SVM_CPUID_DECODE_ASSISTS (1u << 7)

#define SVM_AUDIT_KEEP 4u  /* findings kept for the report */

struct svm_caps {
	uint32_t features; /* Fn8000_000A EDX */
	uint32_t nasid;
	bool nrips, vmcb_clean, flush_by_asid;
};
extern struct svm_caps svm_caps;
extern struct asid_pool svm_asids;

/* Guest GPRs not kept in the VMCB (RAX and RSP are); vmrun.S depends on the order. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

struct svm_vcpu {
	struct x86_vcpu x86; /* first: the x86 exit handlers use it */
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	struct svm_gprs gprs;
	bool launched;
	int last_cpu;
	/* Clean-bit auditor */
	struct vmcb *snapshot;
	bool snapshot_valid;
	uint64_t audited, findings;
	struct vmcb_audit_finding kept[SVM_AUDIT_KEEP];
	uint64_t kept_at[SVM_AUDIT_KEEP];
	/* The instruction decoder checked against NRIP where the CPU saves it */
	uint64_t decode_checked, decode_mismatches, decode_first_ip, decode_first_nrip_len;
	/* Test service toggles (ANVIL_SVM_TEST_TOUCH_GROUP) */
	uint32_t touched;
};

struct svm_vm {
	struct npt npt;
	uint32_t asid;
	bool asid_needs_flush;
	uint64_t msrpm_pa[2]; /* two identical maps: PERM_MAP tests switch between them */
	unsigned msrpm_cur;
	uint64_t iopm_pa;
	struct svm_vcpu vcpu;
};

static inline struct svm_vm *svm_vm_of(struct vm *vm) { return vm->be_vm; }
static inline struct svm_vcpu *svm_vcpu_of(struct vcpu *v) { return v->be; }

/* vmrun.S: host VMSAVE, load guest GPRs, VMLOAD/VMRUN/VMSAVE, store them, host VMLOAD. */
void svm_vmrun(uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa);

/* svm_exit.c */
void svm_decode_exit(struct vcpu *v, struct vm_exit *e);
int svm_skip_instruction(struct vcpu *v, const struct vm_exit *e);

/* svm_test.c */
int svm_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, char *why, size_t n);
void svm_report_final(struct vcpu *v);
void svm_audit_before_vmrun(struct svm_vcpu *s);

#endif
