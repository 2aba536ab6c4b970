/* SPDX-License-Identifier: MIT */
/*
 * The guest ABI: what a payload and the hypervisor agree on. Included by both
 * sides (guests/lib and kernel/), so it holds only constants and plain
 * structs with fixed layouts. Prose: docs/guest-abi.md.
 *
 * Calling convention (x86_64): VMMCALL (SVM) or VMCALL (VMX) with
 *   rax = call number, rdi = a0, rsi = a1, rdx = a2, rcx = a3;
 *   result in rax. Every other register is preserved.
 * arm64 (later): HVC #0 with x0 = call number, x1..x4 = a0..a3, result in x0.
 * Call numbers are the same on every arch.
 *
 * A call with bad arguments (a pointer or range outside guest memory, an
 * unknown number, a string longer than ANVIL_STR_MAX) is a contained guest
 * error: the payload ends, reported `not ok` with the reason.
 */
#ifndef ANVIL_GUEST_ABI_H
#define ANVIL_GUEST_ABI_H

#include <stdint.h>

#define ANVIL_ABI_VERSION 1u

enum anvil_hypercall {
	ANVIL_HC_PRINT = 1,           /* a0 = gva of text, a1 = length (<= ANVIL_STR_MAX) */
	ANVIL_HC_REPORT = 2,          /* a0 = 1 pass / 0 fail, a1 = gva of case name, a2 = length,
	                                 a3 = gva of a NUL-terminated detail string or 0 */
	ANVIL_HC_FINISH = 3,          /* a0 = 0; the payload ends (its reports are final) */
	ANVIL_HC_EXPECT_FAULT = 4,    /* a0 = recovery ip: the next guest memory fault does not
	                                 end the payload; it is recorded and the guest resumes at a0 */
	ANVIL_HC_LAST_FAULT = 5,      /* a0 = gva of a struct anvil_fault (filled); rax = 0 */
	ANVIL_HC_INJECT = 6,          /* a0 = vector, a1 = error code, a2 = ANVIL_INJECT_* flags:
	                                 delivered to the guest on the way back in */
	ANVIL_HC_SET_PAGE_ACCESS = 7, /* a0 = gpa (4 KiB aligned, inside guest memory),
	                                 a1 = ANVIL_ACCESS_* mask (W needs R) */
	ANVIL_HC_REMAP_PAGE = 8,      /* a0 = gpa to map, a1 = gpa inside guest memory whose
	                                 backing page a0 now also shows (4 KiB aligned) */
	ANVIL_HC_EXIT_COUNT = 9,      /* a0 = enum anvil_exit_kind; rax = exits of that kind so far */
	ANVIL_HC_BENCH = 10,          /* a0 = gva of name, a1 = length, a2 = value, a3 = gva of
	                                 NUL-terminated unit: prints one BENCH line */
	ANVIL_HC_MINIMAL_EXITS = 11,  /* a0 = 1: from now on every VMMCALL/VMCALL except one with
	                                 rax = ANVIL_HC_MINIMAL_EXITS takes the minimal exit path
	                                 (advance ip, re-enter, nothing else); a0 = 0: back to normal */
	ANVIL_HC_ARCH_TEST = 12,      /* a0 = backend-specific test operation, a1..a3 its arguments;
	                                 see ANVIL_SVM_TEST_* below. rax = result */
	ANVIL_HC_COUNT
};

#define ANVIL_STR_MAX 256u /* longest string a call may pass */

/* ANVIL_HC_INJECT flags */
#define ANVIL_INJECT_ERROR_CODE 1u /* push a1 as the error code */
#define ANVIL_INJECT_EXTERNAL 2u   /* deliver as an external interrupt, not an exception */

/* Access bits (set_page_access, fault records). */
#define ANVIL_ACCESS_R 1u
#define ANVIL_ACCESS_W 2u
#define ANVIL_ACCESS_X 4u

/* Arch-neutral exit kinds, for ANVIL_HC_EXIT_COUNT and the hypervisor's exit record. */
enum anvil_exit_kind {
	ANVIL_EXIT_HYPERCALL = 0,
	ANVIL_EXIT_CPUID = 1,
	ANVIL_EXIT_MSR_READ = 2,
	ANVIL_EXIT_MSR_WRITE = 3,
	ANVIL_EXIT_IO = 4,
	ANVIL_EXIT_HLT = 5,
	ANVIL_EXIT_MEM_FAULT = 6,  /* NPF / EPT violation / stage-2 abort */
	ANVIL_EXIT_INTR = 7,       /* a host interrupt arrived */
	ANVIL_EXIT_NMI = 8,
	ANVIL_EXIT_SHUTDOWN = 9,   /* triple fault */
	ANVIL_EXIT_EXCEPTION = 10, /* an intercepted guest exception */
	ANVIL_EXIT_VIRT_INSN = 11, /* the guest ran a virtualization instruction (VMRUN, ...) */
	ANVIL_EXIT_FAILED_ENTRY = 12, /* the CPU refused the guest state */
	ANVIL_EXIT_UNKNOWN = 13,
	ANVIL_EXIT_KIND_COUNT
};

/* What ANVIL_HC_LAST_FAULT returns. */
enum anvil_fault_kind {
	ANVIL_FAULT_NONE = 0,
	ANVIL_FAULT_NOT_MAPPED = 1, /* no translation for the guest-physical address */
	ANVIL_FAULT_PERMISSION = 2, /* mapped, but the access is not allowed */
};

struct anvil_fault {
	uint32_t kind;    /* enum anvil_fault_kind */
	uint32_t access;  /* ANVIL_ACCESS_* of the faulting access (exactly one bit) */
	uint64_t gpa;     /* guest-physical address of the access */
	uint64_t ip;      /* guest ip of the faulting instruction */
	uint64_t count;   /* memory faults the payload has taken so far */
};
_Static_assert(sizeof(struct anvil_fault) == 32, "anvil_fault layout is ABI");

/*
 * SVM test operations (ANVIL_HC_ARCH_TEST a0). Each changes VMCB state between
 * two VMRUNs through the VMCB accessors, so the clean-bit auditor sees it.
 */
enum anvil_svm_test {
	ANVIL_SVM_TEST_TOUCH_GROUP = 1,   /* a1 = clean-bit number: change a field of that group
	                                     harmlessly (value restored on a later call); rax = 0,
	                                     or -1 if the group has no field this backend uses */
	ANVIL_SVM_TEST_AUDIT_SELFTEST = 2,/* the hypervisor changes a1 = clean-bit group's field
	                                     behind the accessors and runs the auditor on it;
	                                     rax = 1 if the auditor named it, then restores;
	                                     -1 if the auditor is off (audit=0) */
	ANVIL_SVM_TEST_AUDIT_COUNT = 3,   /* rax = VMRUNs audited so far for this payload;
	                                     -1 if the auditor is off (audit=0) */
	ANVIL_SVM_TEST_INTERCEPT_MSR = 4, /* a1 = msr, a2 = 1 read|2 write bits to set, 0 clear */
	ANVIL_SVM_TEST_INTERCEPT_IO = 5,  /* a1 = port, a2 = 1 intercept / 0 pass through */
	ANVIL_SVM_TEST_NPT_PAGE_SIZE = 6, /* a1 = gpa: rax = size of the nested page mapping it
	                                     (4096 or 2097152), 0 if unmapped */
};

/* Hypervisor-emulated test devices, for intercept tests. */
#define ANVIL_TEST_MSR 0x4000a000u      /* read: last value written, starts at ANVIL_TEST_MSR_INIT */
#define ANVIL_TEST_MSR_INIT 0x416e76696cull /* "Anvil" */
#define ANVIL_TEST_PORT 0x0510u          /* 4 bytes wide: OUT stores, IN returns the stored value */

/* Hypervisor CPUID leaves (hypervisor bit CPUID.1:ECX[31] is set). */
#define ANVIL_CPUID_BASE 0x40000000u     /* eax = max leaf, ebx:ecx:edx = "AnvilTestHV\0" */
#define ANVIL_CPUID_SIG_EBX 0x69766e41u  /* "Anvi" */
#define ANVIL_CPUID_SIG_ECX 0x7365546cu  /* "lTes" */
#define ANVIL_CPUID_SIG_EDX 0x00564874u  /* "tHV\0" */
#define ANVIL_CPUID_INFO 0x40000001u     /* eax = ANVIL_ABI_VERSION */

/*
 * Guest-physical layout of an x86 payload. Guest memory is one memslot at
 * GPA 0 of manifest.mem_kib KiB. The hypervisor writes page tables that
 * identity-map the first 4 GiB with 2 MiB pages (so an access outside guest
 * memory reaches the nested page tables and faults there), a flat GDT and the
 * info page; the payload's ELF segments load at or above ANVIL_GUEST_LOAD;
 * rsp starts at the top of guest memory.
 */
#define ANVIL_GUEST_PT_BASE 0x1000ull  /* PML4, PDPT, 4 page directories: 0x1000-0x6fff */
#define ANVIL_GUEST_GDT 0x8000ull      /* null, code64 (0x08), data (0x10) */
#define ANVIL_GUEST_INFO 0x9000ull     /* struct anvil_guest_info */
#define ANVIL_GUEST_LOAD 0x10000ull    /* lowest address a payload segment may use */
#define ANVIL_GUEST_CS 0x08u
#define ANVIL_GUEST_DS 0x10u

#define ANVIL_GUEST_INFO_MAGIC 0x4f464e49544e5641ull /* "AVNTINFO" */
struct anvil_guest_info {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t mem_kib;     /* guest memory size */
	uint64_t tsc_hz;      /* host TSC frequency, 0 if unknown */
	uint64_t features;    /* ANVIL_FEAT_* the backend offers */
	char backend[16];     /* "svm", "vmx", ... */
};

/* CPU features a manifest can require. */
#define ANVIL_FEAT_SVM (1ull << 0)
#define ANVIL_FEAT_NPT (1ull << 1)
#define ANVIL_FEAT_NRIPS (1ull << 2)
#define ANVIL_FEAT_VMCB_CLEAN (1ull << 3)
#define ANVIL_FEAT_VMX (1ull << 8)
#define ANVIL_FEAT_EPT (1ull << 9)

/* What a payload's run is expected to end with (manifest.expect). */
enum anvil_expect {
	ANVIL_EXPECT_PASS = 0,         /* finishes with every case passed */
	ANVIL_EXPECT_TRIPLE_FAULT = 1,
	ANVIL_EXPECT_TIMEOUT = 2,
	ANVIL_EXPECT_BAD_MEMORY = 3,   /* touches guest-physical memory outside its memslots */
	ANVIL_EXPECT_BAD_HYPERCALL = 4,
};

/*
 * The manifest: the first bytes of a payload's lowest loaded segment
 * (guests/lib puts it there), read by the hypervisor before loading.
 */
#define ANVIL_MANIFEST_MAGIC 0x4d4e5641u /* "AVNM" */
#define ANVIL_MANIFEST_VERSION 1u
#define ANVIL_NAME_MAX 32u
struct anvil_manifest {
	uint32_t magic;
	uint16_t version;
	uint16_t size;        /* sizeof(struct anvil_manifest) */
	char name[ANVIL_NAME_MAX]; /* NUL-terminated, [a-z0-9_] */
	char arch[16];        /* "x86_64", "aarch64", "loongarch64" */
	uint64_t features;    /* ANVIL_FEAT_* required */
	uint32_t mem_kib;     /* guest memory, multiple of 4, >= 256, <= 65536 */
	uint32_t timeout_ms;  /* 0: the command line's timeout */
	uint32_t expect;      /* enum anvil_expect */
	uint32_t flags;       /* ANVIL_MANIFEST_* */
};
_Static_assert(sizeof(struct anvil_manifest) == 80, "manifest layout is ABI");

#define ANVIL_MANIFEST_BENCH 1u /* a benchmark: runs only with bench=1 (make bench) */

#endif
