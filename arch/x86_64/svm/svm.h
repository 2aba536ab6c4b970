/* SPDX-License-Identifier: MIT */
/*
 * The SVM backend's private state (docs/svm.md). Files, one concept each:
 *   svm_probe.c   CPUID/VM_CR discovery, EFER.SVME, host save areas
 *   svm_vm.c      per VM: nested tables, ASID, permission maps
 *   svm_vcpu.c    per vCPU: the VMCB's initial state, registers, the VMRUN loop
 *   svm_events.c  event injection: re-injection from EXITINTINFO, the interrupt window
 *   svm_exit.c    #VMEXIT to exit record, skipping an instruction
 *   svm_test.c    test services, the clean-bit auditor's part of a run
 *   vmrun.S       the world switch, full and minimal
 */
#ifndef SVM_H
#define SVM_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/vm.h>

#include "asid.h"
#include "nested.h"
#include "npt.h"
#include "svm_perm.h"
#include "x86_passthrough.h"
#include "vmcb.h"
#include "x86_vcpu.h"

/* CPUID Fn8000_000A EDX (APM Vol 3, Appendix E.4.10). */
#define SVM_CPUID_NP (1u << 0)
#define SVM_CPUID_NRIPS (1u << 3)
#define SVM_CPUID_VMCB_CLEAN (1u << 5)
#define SVM_CPUID_FLUSH_BY_ASID (1u << 6)
#define SVM_CPUID_DECODE_ASSISTS (1u << 7)

#define SVM_AUDIT_KEEP 4u  /* findings kept for the report */
#define SVM_IOPM_ALT_PORT X86_PORT_PASSED_AT_START /* the one port the second I/O map intercepts (PERM_MAP touch) */

struct svm_caps {
	uint32_t features; /* Fn8000_000A EDX */
	uint32_t nasid;
	bool nrips, vmcb_clean, flush_by_asid;
};
extern struct svm_caps svm_caps;
extern struct asid_pool svm_asids;
extern uint64_t svm_host_save_pa; /* the host's VMSAVE area */
extern uint64_t svm_hsave_pa;     /* VM_HSAVE_PA: where VMRUN keeps the host's state */

/* Guest GPRs not kept in the VMCB (RAX and RSP are); vmrun.S depends on the order. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Events on their way into the guest (svm_events.c). */
struct svm_events {
	uint64_t reinject;      /* EVENTINJ value recovered from EXITINTINFO (V set), or 0 */
	uint64_t exception;     /* an exception the hypervisor injects next, or 0 */
	bool intr_pending;      /* an external interrupt waits for the guest to take it */
	uint8_t intr_vector;
	bool window_open;       /* V_IRQ + VINTR intercept requested */
	uint64_t reinjected;    /* events re-delivered after an exit cut them off */
};

struct svm_vcpu {
	struct x86_vcpu x86; /* first: the x86 exit handlers use it */
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	struct svm_gprs gprs;
	bool launched;
	int last_cpu;
	struct svm_events ev;
	/* Clean-bit auditor */
	struct vmcb *snapshot;
	bool snapshot_valid;
	uint64_t audited, findings;
	struct vmcb_audit_finding kept[SVM_AUDIT_KEEP];
	uint64_t kept_at[SVM_AUDIT_KEEP];
	struct svm_nested nested; /* nested.h: the payload as a hypervisor (L1) */
	/* The instruction decoder checked against NRIP where the CPU saves it */
	uint64_t decode_checked, decode_mismatches, decode_first_ip, decode_first_nrip_len;
};

struct svm_vm {
	struct npt npt;
	struct npt alt;          /* clean_bits' NPT touch: the same map plus one page (svm_test.c) */
	bool alt_active;
	uint32_t asid;
	bool asid_needs_flush;
	uint32_t asid_before_touch; /* the ASID touch goes back to it */
	uint32_t touched;           /* clean-bit groups whose touch is on (svm_test.c) */
	uint64_t msrpm_pa[2];    /* two identical MSR maps: the PERM_MAP touch switches base */
	uint64_t iopm_pa[2];     /* [1] also intercepts SVM_IOPM_ALT_PORT: the switch is visible */
	unsigned perm_cur;       /* which pair is in the VMCB */
	struct svm_vcpu vcpu;
};

static inline struct svm_vm *svm_vm_of(struct vm *vm) { return vm->be_vm; }
static inline struct svm_vcpu *svm_vcpu_of(struct vcpu *v) { return v->be; }

/* svm_probe.c */
uint64_t svm_probe(char *why, size_t n);
int svm_enable(char *why, size_t n);
uint64_t svm_page_alloc_zeroed(size_t pages);

/* svm_vm.c */
int svm_vm_create(struct vm *vm);
void svm_vm_destroy(struct vm *vm);
int svm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access);
int svm_unmap(struct vm *vm, uint64_t gpa, uint64_t size);
int svm_set_access(struct vm *vm, uint64_t gpa, uint32_t access);
bool svm_gpa_access(struct vm *vm, uint64_t gpa, uint32_t *access);
void svm_walk_reach(struct vm *vm, const struct vm_reach_visitor *vis);
/* Nested translations changed: the guest's TLB entries go before it runs again. */
void svm_flush_guest_tlb(struct svm_vm *s);
/* The MSR / I/O permission maps in use, [0] and [1] kept in step. */
int svm_set_msr_intercept(struct svm_vm *s, uint32_t msr, bool read, bool write);
void svm_set_io_intercept(struct svm_vm *s, uint16_t port, bool on);

/* svm_vcpu.c */
int svm_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e);
int svm_vcpu_run(struct vcpu *v, struct vm_exit *e);
void svm_set_ip(struct vcpu *v, uint64_t ip);
void svm_set_result(struct vcpu *v, uint64_t val);
bool svm_gva_to_gpa(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error);

/* svm_events.c */
int svm_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags);
/*
 * Right before VMRUN: choose what EVENTINJ delivers, open the interrupt
 * window if needed. intr_allowed false: a pending interrupt waits, with no
 * window either (nested SVM: L2 runs, or L1 has GIF clear). The caller
 * skips it when nothing is pending and no window is open (the common case).
 */
void svm_events_before_vmrun(struct svm_vcpu *c, bool intr_allowed);
/*
 * Right after #VMEXIT: keep an event the exit cut off; close a window that
 * opened. The caller skips it unless EXITINTINFO or EVENTINJ is valid or the
 * exit is VINTR.
 */
void svm_events_after_vmexit(struct svm_vcpu *c);

/* vmrun.S: host VMSAVE, load guest GPRs, VMLOAD/VMRUN/VMSAVE, store them, host VMLOAD. */
void svm_vmrun(uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa);
/*
 * The same, but every intercepted VMMCALL whose RAX is not
 * ANVIL_HC_MINIMAL_EXITS is finished right there: RIP advanced (to NRIP, or
 * by 3 bytes without NRIPS), TLB_CONTROL and the clean bits set as after any
 * exit, and VMRUN again. Returns at the first other exit.
 */
void svm_vmrun_minimal(uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa, uint32_t clean_after_exit,
		       uint64_t use_nrip);

/* svm_exit.c */
void svm_decode_exit(struct vcpu *v, struct vm_exit *e);
int svm_skip_instruction(struct vcpu *v, const struct vm_exit *e);
/* Where the intercepted instruction of exit e ends: NRIP, EXITINFO2 for I/O, else decoded (-1 if not). */
int svm_next_rip(struct vcpu *v, const struct vm_exit *e, uint64_t *nrip);

/* svm_test.c */
int svm_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n);
void svm_report_final(struct vcpu *v);
void svm_audit_before_vmrun(struct svm_vcpu *s);
void svm_test_vm_destroy(struct svm_vm *s);

#endif
