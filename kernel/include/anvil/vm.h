/* SPDX-License-Identifier: MIT */
/*
 * Virtual machines, arch-neutral. A VM owns guest memory (memslots backed by
 * host pages), one vCPU with a checked run state, the test-service state the
 * guest ABI exposes, and a backend (SVM, VMX, ...) chosen at run time. The
 * run loop (vm_run.c) turns each exit into a struct vm_exit and dispatches it
 * through a table of handlers. Design: docs/architecture.md, docs/svm.md.
 */
#ifndef ANVIL_VM_H
#define ANVIL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/guest_abi.h>
#include <anvil/memslot.h>
#include <anvil/vcpu_state.h>
#include <anvil/vm_exit.h>

struct vm;
struct vcpu;
struct tap_writer;

/* How a payload's run ended (compared with manifest.expect). */
enum vm_outcome {
	VM_OUTCOME_RUNNING = 0,
	VM_OUTCOME_FINISHED,      /* the guest called finish */
	VM_OUTCOME_TRIPLE_FAULT,
	VM_OUTCOME_TIMEOUT,
	VM_OUTCOME_BAD_MEMORY,    /* touched guest-physical memory outside its memslots */
	VM_OUTCOME_BAD_HYPERCALL,
	VM_OUTCOME_GUEST_ERROR,   /* anything else the guest did that ends it */
	VM_OUTCOME_HV_ERROR,      /* the hypervisor could not go on */
};

/* Where and how a vCPU starts (filled by the arch guest setup). */
struct vcpu_entry {
	uint64_t ip, sp, arg0;
	uint64_t page_table_root; /* guest-physical root of the guest's own page tables */
	uint64_t mem_size;
};

/* A backend: one hardware virtualization interface. All calls return 0 / -1. */
struct vmm_backend {
	const char *name;
	/* ANVIL_FEAT_* this CPU offers through this backend; 0 (with why) if unusable. */
	uint64_t (*probe)(char *why, size_t why_len);
	int (*enable)(char *why, size_t why_len); /* once, before the first VM */
	int (*vm_create)(struct vm *vm);
	void (*vm_destroy)(struct vm *vm);
	int (*map)(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access);
	int (*set_access)(struct vm *vm, uint64_t gpa, uint32_t access);
	int (*vcpu_setup)(struct vcpu *v, const struct vcpu_entry *e);
	/* Enter the guest until one exit the kernel must see; fill *exit. */
	int (*vcpu_run)(struct vcpu *v, struct vm_exit *exit);
	/* Move the guest past the instruction that exited (length known or decoded). */
	int (*skip_instruction)(struct vcpu *v, const struct vm_exit *exit);
	void (*set_ip)(struct vcpu *v, uint64_t ip);
	void (*set_hypercall_result)(struct vcpu *v, uint64_t value);
	int (*inject)(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags);
	bool (*gva_to_gpa)(struct vcpu *v, uint64_t gva, uint64_t *gpa);
	/* ANVIL_HC_ARCH_TEST; sets *result; -1 (with why) ends the payload as a bad call. */
	int (*arch_test)(struct vcpu *v, const uint64_t a[4], uint64_t *result, char *why, size_t n);
	/* Backend-specific closing cases (e.g. the clean-bit audit), emitted as TAP. */
	void (*report_final)(struct vcpu *v);
};

struct vcpu {
	struct vm *vm;
	enum vcpu_state state;
	void *be;                 /* backend's per-vCPU state */
	bool minimal_exits;       /* ANVIL_HC_MINIMAL_EXITS mode */
};

#define VM_REASON_MAX 200

struct vm {
	char name[ANVIL_NAME_MAX];
	const struct vmm_backend *be;
	void *be_vm;                 /* backend's per-VM state */
	struct memslot_set mem;
	uint64_t mem_hpa, mem_size;  /* the one RAM slot at GPA 0 */
	struct vcpu vcpu;

	bool audit;                  /* audit=: check the backend's state tracking at every entry */

	/* Reporting */
	struct tap_writer *tap;
	unsigned cases;               /* reported by the guest */

	/* Outcome */
	enum vm_outcome outcome;
	char reason[VM_REASON_MAX];

	/* Test services (guest ABI) */
	uint64_t exit_counts[ANVIL_EXIT_KIND_COUNT];
	bool fault_expected;
	uint64_t fault_recovery_ip;
	struct anvil_fault last_fault;
	uint64_t fault_count;
	uint64_t test_msr;           /* ANVIL_TEST_MSR */
	uint32_t test_port;          /* ANVIL_TEST_PORT */
};

/* The backend for this CPU (first one whose probe succeeds), or NULL. */
const struct vmm_backend *vmm_backend(uint64_t *features, char *why, size_t why_len);

/* Create a VM with mem_size bytes of RAM at GPA 0 (2 MiB aligned host memory). */
int vm_create(struct vm *vm, const struct vmm_backend *be, const char *name, uint64_t mem_size,
	      char *err, size_t err_len);
void vm_destroy(struct vm *vm);
/* Host pointer for [gpa, gpa+len) if it is inside one memslot, else NULL. */
void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
/* Copy from guest-virtual memory, page by page; false if any byte is not guest memory. */
bool vm_read_gva(struct vcpu *v, uint64_t gva, void *buf, size_t len);
bool vm_write_gva(struct vcpu *v, uint64_t gva, const void *buf, size_t len);

/* End the payload: sets outcome and reason (first call wins), stops the vCPU. */
void vm_end(struct vm *vm, enum vm_outcome o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* One TAP line "<payload>/<case>". */
void vm_report(struct vm *vm, bool ok, const char *case_name, const char *detail);
void vm_report_skip(struct vm *vm, const char *case_name, const char *reason);

/* Run the vCPU until the payload ends (outcome set). */
void vm_run(struct vcpu *v);

const char *vm_outcome_name(enum vm_outcome o);

#endif
