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

/*
 * What a VM's translation reaches, for the self-test that proves the guest
 * can reach nothing but its own memory (kernel/selftest/vm.c): every leaf
 * of the nested / extended / stage-2 tables, every table page, and every
 * page the backend keeps for the VM (control blocks, permission maps, ...).
 */
struct vm_reach_visitor {
	void (*leaf)(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access);
	void (*table)(void *ctx, uint64_t hpa);
	void (*private_page)(void *ctx, uint64_t hpa, uint64_t size, const char *what);
	void *ctx;
};

/*
 * map(): with the ANVIL_ACCESS_* rights, the memory type. Normal memory by
 * default; VM_MAP_DEVICE for device registers a guest reaches directly (the
 * GIC's virtual CPU interface): never cached or speculated, never executable.
 * A backend without memory types refuses it.
 */
#define VM_MAP_DEVICE (1u << 8)

/* A backend: one hardware virtualization interface. All calls return 0 / -1. */
struct vmm_backend {
	const char *name;
	/* ANVIL_FEAT_* this CPU offers through this backend; 0 (with why) if unusable. */
	uint64_t (*probe)(char *why, size_t why_len);
	int (*enable)(char *why, size_t why_len); /* once, before the first VM */
	int (*vm_create)(struct vm *vm);
	void (*vm_destroy)(struct vm *vm);
	int (*map)(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access);
	int (*unmap)(struct vm *vm, uint64_t gpa, uint64_t size);
	int (*set_access)(struct vm *vm, uint64_t gpa, uint32_t access);
	/* The nested access rights of the page at gpa (ANVIL_ACCESS_*, 0: not present);
	   false if nothing maps it. */
	bool (*gpa_access)(struct vm *vm, uint64_t gpa, uint32_t *access);
	int (*vcpu_setup)(struct vcpu *v, const struct vcpu_entry *e);
	/* Enter the guest until one exit the kernel must see; fill *exit. */
	int (*vcpu_run)(struct vcpu *v, struct vm_exit *exit);
	/* Move the guest past the instruction that exited (length known or decoded). */
	int (*skip_instruction)(struct vcpu *v, const struct vm_exit *exit);
	void (*set_ip)(struct vcpu *v, uint64_t ip);
	void (*set_hypercall_result)(struct vcpu *v, uint64_t value);
	int (*inject)(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags);
	/* The guest ran an instruction that does not exist for it: its arch's "undefined instruction". */
	int (*inject_undefined)(struct vcpu *v);
	/* An ANVIL_EXIT_MMIO access was emulated: a read's value into its register, the guest moved on. */
	int (*complete_mmio)(struct vcpu *v, const struct vm_exit *exit, uint64_t value);
	/*
	 * Translate gva through the guest's own page tables for an access of
	 * kind `access` (one ANVIL_ACCESS_* bit) at the guest's privilege: false
	 * if the guest's tables refuse it, with *pf_error the page-fault error
	 * code the CPU would report (x86: P, W, I/D bits; 0 when not present).
	 */
	bool (*gva_to_gpa)(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error);
	/*
	 * ANVIL_HC_ARCH_TEST (a[0] = operation, a[1..3] its arguments); sets
	 * *result. -1 ends the payload as a bad call: *bad_arg names the refused
	 * argument (0: the operation itself), why says what is wrong.
	 */
	int (*arch_test)(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n);
	/* Backend-specific closing cases (e.g. the clean-bit audit), emitted as TAP. */
	void (*report_final)(struct vcpu *v);
	/* Visit everything the VM's translation reaches and every page kept for it. */
	void (*walk_reach)(struct vm *vm, const struct vm_reach_visitor *vis);
};

struct vcpu {
	struct vm *vm;
	enum vcpu_state state;
	void *be;                 /* backend's per-vCPU state */
	bool minimal_exits;       /* ANVIL_HC_MINIMAL_EXITS mode */
};

/* An emulated device's registers (kernel/vm_mmio.c): 0, or -1 to refuse the access. */
struct vm_mmio_region {
	const char *name;
	uint64_t base, size;
	int (*read)(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t *value);
	int (*write)(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t value);
	void *ctx;
};
#define VM_MMIO_MAX 8u

#define VM_REASON_MAX 200
#define VM_DEMAND_MAX 64u /* ANVIL_ACCESS_DEMAND pages waiting for their first touch */

/* Why a payload ended, in the terms a manifest can expect (guest_abi.h). */
struct vm_end_detail {
	uint16_t call;   /* BAD_HYPERCALL: the call number */
	uint8_t arg;     /* BAD_HYPERCALL: the refused argument, ANVIL_EXPECT_ARG_NONE */
	uint8_t access;  /* BAD_MEMORY: the ANVIL_ACCESS_* bit */
	uint64_t value;  /* the argument's value / the guest-physical address */
};

struct vm {
	char name[ANVIL_NAME_MAX];
	const struct vmm_backend *be;
	void *be_vm;                 /* backend's per-VM state */
	struct memslot_set mem;
	uint64_t mem_hpa, mem_size;  /* the one RAM slot at GPA 0 */
	struct vcpu vcpu;

	bool audit;                  /* audit=: check the backend's state tracking at every entry */
	uint64_t requested;          /* the manifest's ANVIL_FEAT_*: what the payload asked the backend for */

	/* Reporting */
	struct tap_writer *tap;
	unsigned cases;               /* reported by the guest */

	/* Outcome */
	enum vm_outcome outcome;
	char reason[VM_REASON_MAX];
	struct vm_end_detail end;
	uint64_t timeout_ms;          /* the watchdog's deadline, for the TIMEOUT reason */

	/* Test services (guest ABI) */
	uint64_t exit_counts[ANVIL_EXIT_KIND_COUNT];
	bool fault_expected;
	uint64_t fault_recovery_ip;
	struct anvil_fault last_fault;
	uint64_t fault_count;
	uint64_t test_msr;           /* ANVIL_TEST_MSR */
	uint32_t test_port;          /* ANVIL_TEST_PORT */
	uint64_t demand[VM_DEMAND_MAX]; /* gpas of ANVIL_ACCESS_DEMAND pages not yet touched */
	unsigned demand_count;
	struct vm_mmio_region mmio[VM_MMIO_MAX];
	unsigned mmio_count;
	/* ANVIL_HC_EXPECT_END: the ending the payload declared at run time (judged instead of the manifest's). */
	bool end_declared;
	uint32_t declared_expect;     /* enum anvil_expect */
	struct vm_end_detail declared;
};

/* The backend for this CPU (first one whose probe succeeds), or NULL. */
const struct vmm_backend *vmm_backend(uint64_t *features, char *why, size_t why_len);

/* Create a VM with mem_size bytes of RAM at GPA 0 (2 MiB aligned host memory). */
int vm_create(struct vm *vm, const struct vmm_backend *be, const char *name, uint64_t mem_size,
	      char *err, size_t err_len);
void vm_destroy(struct vm *vm);
/* Host pointer for [gpa, gpa+len) if it is inside one memslot, else NULL. */
void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
/*
 * Why a copy to or from guest-virtual memory failed (docs/guest-abi.md,
 * "Memory the hypervisor touches for the guest"): the guest's own page
 * tables refused it (guest_pt: a #PF the guest would have taken, with its
 * error code), or the page's nested access rights did (a memory fault, as
 * the guest's own access would have been), or nothing is there.
 */
struct vm_copy_fault {
	bool guest_pt;
	uint32_t pf_error;   /* guest_pt */
	uint64_t gva;        /* the first byte refused */
	uint64_t gpa;        /* !guest_pt */
	uint32_t access;     /* ANVIL_ACCESS_R or _W */
	bool in_memory;      /* !guest_pt: gpa is guest memory (a permission fault) */
};
/*
 * Copy from / to guest-virtual memory with the rights a CPL 0 access of the
 * guest would need, page by page. False (and *f filled, if given) at the
 * first byte that is refused; earlier pages may have been copied.
 */
bool vm_copy_from_guest(struct vcpu *v, uint64_t gva, void *buf, size_t len, struct vm_copy_fault *f);
bool vm_copy_to_guest(struct vcpu *v, uint64_t gva, const void *buf, size_t len, struct vm_copy_fault *f);
static inline bool vm_read_gva(struct vcpu *v, uint64_t gva, void *buf, size_t len)
{
	return vm_copy_from_guest(v, gva, buf, len, NULL);
}
static inline bool vm_write_gva(struct vcpu *v, uint64_t gva, const void *buf, size_t len)
{
	return vm_copy_to_guest(v, gva, buf, len, NULL);
}

/*
 * A guest memory fault (a nested page fault, or a hypervisor access on the
 * guest's behalf that its rights refuse): recorded for last_fault; resumed at
 * the recovery ip if the guest expected it, else the payload ends with
 * BAD_MEMORY. An untouched ANVIL_ACCESS_DEMAND page is mapped instead and
 * the access restarts. 0: resume the guest; -1: the payload ended.
 */
int vm_guest_fault(struct vcpu *v, uint64_t gpa, uint32_t access, uint64_t ip, bool in_walk);
/* The same for a write that sub-page permissions refused (kind ANVIL_FAULT_SPP, with the sub-page). */
int vm_guest_spp_fault(struct vcpu *v, uint64_t gpa, uint64_t ip);
/* gpa's page is an untouched demand page: map it now (true), as a first touch does. */
bool vm_demand_map(struct vm *vm, uint64_t gpa);

/* End the payload: sets outcome and reason (first call wins), stops the vCPU. */
void vm_end(struct vm *vm, enum vm_outcome o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* vm_end(), also recording the detail a manifest can expect (first call wins). */
void vm_end_detail(struct vm *vm, enum vm_outcome o, struct vm_end_detail d, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* One TAP line "<payload>/<case>". */
void vm_report(struct vm *vm, bool ok, const char *case_name, const char *detail);
void vm_report_skip(struct vm *vm, const char *case_name, const char *reason);

/* Register an emulated device's range (no overlap, at most VM_MMIO_MAX); -1 if refused. */
int vm_mmio_add(struct vm *vm, const struct vm_mmio_region *r);
/* An emulated device's range contains gpa (a backend decodes such an access as ANVIL_EXIT_MMIO). */
bool vm_mmio_claims(const struct vm *vm, uint64_t gpa);
/* ANVIL_EXIT_MMIO (the run loop's handler). */
int vm_exit_mmio(struct vcpu *v, struct vm_exit *e);

/* Run the vCPU until the payload ends (outcome set). */
void vm_run(struct vcpu *v);

const char *vm_outcome_name(enum vm_outcome o);

#endif
