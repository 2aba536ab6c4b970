/* SPDX-License-Identifier: MIT */
/*
 * The VMX backend's private state (docs/vmx.md). Files, one concept each,
 * mirroring arch/x86_64/svm/:
 *   vmx_probe.c    capability MSRs, control selection, IA32_FEATURE_CONTROL, VMXON
 *   vmx_vmcs.c     VMREAD/VMWRITE failures by name, VMCLEAR/VMPTRLD, INVEPT/INVVPID
 *   vmx_vm.c       per VM: EPT, VPID, MSR and I/O bitmaps, what the translation reaches
 *   vmx_vcpu.c     per vCPU: the VMCS's host, guest and control state, registers, the entry loop
 *   vmx_events.c   event injection: IDT-vectoring re-injection, interrupt and NMI windows
 *   vmx_exit.c     VM exit to exit record, skipping an instruction, CR accesses
 *   vmx_spp.c      EPT sub-page write permissions: requests, SPPT misses, SPP faults
 *   vmx_test.c     test services, the last-exit record, closing cases
 *   vmentry.S      VMLAUNCH/VMRESUME with every guest GPR, full and minimal
 */
#ifndef VMX_H
#define VMX_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/vm.h>

#include "asid.h"
#include "npt.h"
#include "sppt.h"
#include "vmcs.h"
#include "vmx_caps.h"
#include "vmx_exit_info.h"
#include "x86_vcpu.h"

/* What vmx_probe() found and chose (SDM Vol 3D Appendix A). */
struct vmx_caps {
	uint64_t basic, misc, ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool true_ctls;
	/* The controls every VMCS starts with (allowed-0 bits included). */
	uint32_t pin, proc, proc2, exit, entry;
	bool vpid, spp, ept_ad, preemption_timer, virtual_nmi, nmi_window, ins_outs_info;
	bool invept_single, invvpid_single;
	uint32_t vpids; /* VPIDs 1..vpids-1 handed out */
};
extern struct vmx_caps vmx_caps;
extern struct asid_pool vmx_vpids;   /* asid.c's allocator serves VPIDs too */
extern uint64_t vmx_vmxon_pa;        /* the boot CPU's VMXON region (one CPU runs guests) */

/* Guest GPRs, all of them (VMX keeps none in the VMCS but RSP); vmentry.S depends on the order. */
struct vmx_gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Events on their way into the guest (vmx_events.c). */
struct vmx_events {
	uint32_t reinject;         /* VM-entry interruption info recovered from IDT-vectoring info, or 0 */
	uint32_t reinject_error;
	uint32_t reinject_len;     /* software events: the instruction length to deliver with */
	uint32_t exception;        /* an exception the hypervisor injects next (interruption info), or 0 */
	uint32_t exception_error;
	bool nmi_pending;
	bool intr_pending;
	uint8_t intr_vector;
	uint64_t reinjected;
};

/* A VM exit's information fields, kept for the payload's last-exit records. */
#define VMX_REASONS 80u          /* basic exit reasons 0..79 (SDM Vol 3C Appendix C) */
#define VMX_NO_EXIT 0xffffffffu  /* .reason of a record no exit has filled */
#define VMX_EXIT_RING 16u        /* exits kept for ANVIL_VMX_TEST_LAST_EXIT (a power of two) */
struct vmx_exit_fields {
	uint32_t reason, insn_len, insn_info, intr_info, intr_error, idt_info, idt_error;
	uint64_t qual, gpa, gla;
};

struct vmx_vcpu {
	struct x86_vcpu x86; /* first: the x86 exit handlers use it */
	uint64_t vmcs_pa;
	struct vmx_gprs gprs;
	bool launched;
	uint32_t proc;            /* primary controls as in the VMCS (the windows change them) */
	uint64_t cr0_mask, cr4_mask;
	uint64_t cr0_shadow, cr4_shadow; /* the guest's view of the host-owned bits */
	uint64_t cr2;             /* VMX does not switch CR2: kept here while the host runs */
	uint8_t tpr;              /* CR8 as the guest sees it (CR8 accesses exit) */
	uint32_t preempt_ticks;   /* the time slice in VMX-preemption-timer units, 0: no timer */
	bool slice_reload;        /* the next entry starts a fresh slice */
	struct vmx_events ev;
	/* The last VMX_EXIT_RING exits, newest at ring[head]: this exit (vmx_exit_now()). */
	struct vmx_exit_fields ring[VMX_EXIT_RING];
	unsigned head;
	uint64_t exits;
	/* The instruction decoder checked against the CPU's exit instruction length */
	uint64_t decode_checked, decode_mismatches, decode_first_ip, decode_first_len;
};

struct vmx_vm {
	struct npt ept;
	bool ept_stale;          /* translations changed since the last INVEPT */
	uint32_t vpid;
	bool vpid_needs_flush;
	uint64_t msr_bitmap_pa;
	uint64_t io_bitmap_pa;   /* A and B, contiguous */
	struct sppt sppt;
	struct spp_records *spp; /* what the payload asked for (sppt.h), NULL without SPP */
	uint64_t misconfig_gpa;  /* ANVIL_VMX_TEST_EPT_MISCONFIGURE: the leaf made W-only, or ~0 */
	uint32_t misconfig_access;
	uint64_t misconfigs;     /* EPT misconfiguration exits the test op caused and repaired */
	uint64_t spp_misses;     /* SPPT-miss exits filled */
	struct vmx_vcpu vcpu;
};

static inline struct vmx_vm *vmx_vm_of(struct vm *vm) { return vm->be_vm; }
static inline struct vmx_exit_fields *vmx_exit_now(struct vmx_vcpu *c) { return &c->ring[c->head]; }
static inline struct vmx_vcpu *vmx_vcpu_of(struct vcpu *v) { return v->be; }

/* vmx_probe.c */
uint64_t vmx_probe(char *why, size_t n);
int vmx_enable(char *why, size_t n);
uint64_t vmx_page_alloc_zeroed(size_t pages);
/* The time slice (10 ms of TSC) in VMX-preemption-timer ticks; 0 without the timer. */
uint32_t vmx_slice_ticks(void);

/* vmx_vmcs.c: the typed accessors are in vmx_ops.h */
extern uint64_t vmx_current_vmcs;       /* VMPTRLD's last operand, ~0: none */
extern uint64_t vmx_vmcs_failure_count; /* VMREAD/VMWRITE failures since boot */
int vmx_vmcs_load(uint64_t pa);      /* VMPTRLD unless pa is current */
int vmx_vmcs_clear(uint64_t pa);
void vmx_vmcs_forget(uint64_t pa);   /* pa is freed: no longer current */
void vmx_invept(const struct vmx_vm *s);
void vmx_invvpid(uint32_t vpid);
/* VMREAD/VMWRITE failures since boot, and the first one by name (vmx_ops.h records them). */
uint64_t vmx_vmcs_failures(char *first, size_t n);

/* vmx_vm.c */
int vmx_vm_create(struct vm *vm);
void vmx_vm_destroy(struct vm *vm);
int vmx_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access);
int vmx_unmap(struct vm *vm, uint64_t gpa, uint64_t size);
int vmx_set_access(struct vm *vm, uint64_t gpa, uint32_t access);
bool vmx_gpa_access(struct vm *vm, uint64_t gpa, uint32_t *access);
void vmx_walk_reach(struct vm *vm, const struct vm_reach_visitor *vis);
int vmx_set_msr_intercept(struct vmx_vm *s, uint32_t msr, bool read, bool write);
void vmx_set_io_intercept(struct vmx_vm *s, uint16_t port, bool on);
extern const struct npt_ops vmx_table_ops;

/* vmx_vcpu.c */
int vmx_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e);
int vmx_vcpu_run(struct vcpu *v, struct vm_exit *e);
void vmx_set_ip(struct vcpu *v, uint64_t ip);
void vmx_set_result(struct vcpu *v, uint64_t val);
bool vmx_gva_to_gpa(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error);
void vmx_set_proc(struct vmx_vcpu *c, uint32_t proc);

/* vmx_events.c */
int vmx_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags);
/* Right before entry, when something is pending (ev nonzero); opens a window if it must wait. */
void vmx_events_before_entry(struct vmx_vcpu *c);
/* Right after an exit: keep an event whose delivery the exit cut short; close a window that opened. */
void vmx_events_after_exit(struct vmx_vcpu *c);
static inline bool vmx_events_pending(const struct vmx_events *ev)
{
	return ev->reinject | ev->exception | ev->nmi_pending | ev->intr_pending;
}

/* vmx_exit.c */
void vmx_decode_exit(struct vcpu *v, struct vm_exit *e);
int vmx_skip_instruction(struct vcpu *v, const struct vm_exit *e);

/* vmx_spp.c */
int vmx_spp_protect(struct vm *vm, uint64_t gpa, uint32_t mask, uint64_t *result, int *bad_arg);
int vmx_spp_clear(struct vm *vm, uint64_t gpa, uint64_t *result, int *bad_arg);
/* An EPT violation by a write: true if it hit a page SPP protects (the fault is SPP's). */
bool vmx_spp_owns_fault(struct vmx_vm *s, uint64_t gpa);
/* Exit reason 66: fill an SPPT miss (0) or end the payload naming the misconfiguration (-1). */
int vmx_spp_event(struct vcpu *v, uint64_t qual, uint64_t gpa);
void vmx_spp_vm_destroy(struct vmx_vm *s);

/* vmx_test.c */
int vmx_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n);
void vmx_report_final(struct vcpu *v);
/* Exit reason 49: repair the test op's misconfiguration (0), else end the payload naming it (-1). */
int vmx_ept_misconfig(struct vcpu *v, uint64_t gpa);

/* vmentry.S: 0 after a VM exit (guest GPRs stored), else 1 = VMfailInvalid, 2 = VMfailValid. */
int vmx_vmenter(struct vmx_gprs *gprs, uint64_t launched);
/*
 * The same, but every VMCALL whose RAX is not ANVIL_HC_MINIMAL_EXITS is
 * finished right there: RIP advanced by the exit instruction length, STI /
 * MOV-SS blocking left as it is, VMRESUME. Returns at the first other exit.
 */
int vmx_vmenter_minimal(struct vmx_gprs *gprs, uint64_t launched);
void vmx_exit_landing(void);

#endif
