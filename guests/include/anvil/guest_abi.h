/* SPDX-License-Identifier: MIT */
/*
 * The guest ABI: what a payload and the hypervisor agree on. Included by both
 * sides (guests/lib and kernel/), so it holds only constants and plain
 * structs with fixed layouts. Prose: docs/guest-abi.md.
 *
 * Calling convention (x86_64): VMMCALL (SVM) or VMCALL (VMX) with
 *   rax = call number, rdi = a0, rsi = a1, rdx = a2, rcx = a3;
 *   result in rax. Every other register is preserved.
 * arm64: HVC #0 with x0 = ANVIL_ARM64_FID(call number), a fast SMC64/HVC64
 *   function ID in the SMCCC vendor-specific hypervisor range (SMCCC, Arm
 *   DEN 0028, 6.1), x1..x4 = a0..a3; result in x0, every other register
 *   preserved. HVC or SMC with any other function ID is a firmware call
 *   (PSCI, SMCCC_VERSION, ...) answered as firmware would.
 * Call numbers are the same on every arch.
 *
 * A call with bad arguments (a pointer or range outside guest memory, an
 * unknown number, a string longer than ANVIL_STR_MAX) is a contained guest
 * error: the payload ends, reported `not ok` with the reason.
 */
#ifndef ANVIL_GUEST_ABI_H
#define ANVIL_GUEST_ABI_H

#include <stdint.h>

#define ANVIL_ABI_VERSION 3u

enum anvil_hypercall {
	ANVIL_HC_PRINT = 1,           /* a0 = gva of text, a1 = length (<= ANVIL_STR_MAX) */
	ANVIL_HC_REPORT = 2,          /* a0 = ANVIL_VERDICT_*, a1 = gva of case name, a2 = length,
	                                 a3 = gva of a NUL-terminated detail string or 0 (for a
	                                 skip: the reason, required) */
	ANVIL_HC_FINISH = 3,          /* a0 = 0; the payload ends (its reports are final) */
	ANVIL_HC_EXPECT_FAULT = 4,    /* a0 = recovery ip: the next guest memory fault does not
	                                 end the payload; it is recorded and the guest resumes at a0 */
	ANVIL_HC_LAST_FAULT = 5,      /* a0 = gva of a struct anvil_fault (filled); rax = 0 */
	ANVIL_HC_INJECT = 6,          /* a0 = vector, a1 = error code, a2 = ANVIL_INJECT_* flags:
	                                 delivered to the guest on the way back in */
	ANVIL_HC_SET_PAGE_ACCESS = 7, /* a0 = gpa (4 KiB aligned, inside guest memory),
	                                 a1 = ANVIL_ACCESS_* mask (W needs R), or
	                                 ANVIL_ACCESS_DEMAND alone */
	ANVIL_HC_REMAP_PAGE = 8,      /* a0 = gpa to map, a1 = gpa inside guest memory whose
	                                 backing page a0 now also shows (4 KiB aligned) */
	ANVIL_HC_EXIT_COUNT = 9,      /* a0 = enum anvil_exit_kind; rax = exits of that kind so far */
	ANVIL_HC_BENCH = 10,          /* a0 = gva of name, a1 = length, a2 = value, a3 = gva of
	                                 NUL-terminated unit: prints one BENCH line */
	ANVIL_HC_MINIMAL_EXITS = 11,  /* a0 = 1: from now on every VMMCALL/VMCALL except one with
	                                 rax = ANVIL_HC_MINIMAL_EXITS takes the minimal exit path
	                                 (advance ip, re-enter, nothing else); a0 = 0: back to normal */
	ANVIL_HC_ARCH_TEST = 12,      /* a0 = test operation, a1..a3 its arguments: ANVIL_X86_TEST_*,
	                                 ANVIL_NP_TEST_*, ANVIL_SVM_TEST_* below. rax = result */
	ANVIL_HC_UNMAP_PAGE = 13,     /* a0 = gpa of a page remap_page made: removed again (its
	                                 nested tables freed when empty) */
	ANVIL_HC_EXPECT_END = 14,     /* a0 = ANVIL_EXPECT_BAD_HYPERCALL, a1 = call number, a2 = the
	                                 argument (0-3) or ANVIL_EXPECT_ARG_NONE, a3 = its value: the
	                                 payload declares how it is about to end, and is judged on
	                                 that instead of its manifest's expect (the chaos payload) */
	ANVIL_HC_COUNT
};

#define ANVIL_STR_MAX 256u /* longest string a call may pass */

/* ANVIL_HC_REPORT a0 */
#define ANVIL_VERDICT_FAIL 0u
#define ANVIL_VERDICT_PASS 1u
#define ANVIL_VERDICT_SKIP 2u /* not checked here; the detail says why (TAP "# SKIP") */

/* ANVIL_HC_INJECT flags */
#define ANVIL_INJECT_ERROR_CODE 1u /* push a1 as the error code */
#define ANVIL_INJECT_EXTERNAL 2u   /* deliver as an external interrupt, not an exception */

/* Access bits (set_page_access, fault records). */
#define ANVIL_ACCESS_R 1u
#define ANVIL_ACCESS_W 2u
#define ANVIL_ACCESS_X 4u
/*
 * set_page_access only: the page is not present in the nested tables until
 * the guest first touches it (an access, or the CPU delivering an event
 * through it); then the hypervisor maps it R|W|X and the guest resumes where
 * it was, the interrupted event included. Counted as a fault of kind
 * ANVIL_FAULT_DEMAND.
 */
#define ANVIL_ACCESS_DEMAND 8u

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
	ANVIL_EXIT_PRIV_INSN = 14, /* an instruction that would reach host state (x86: INVD,
	                              WBINVD, XSETBV, MONITOR, MWAIT, RDPRU), emulated or refused */
	ANVIL_EXIT_INTR_WINDOW = 15, /* the guest became able to take a pending interrupt */
	ANVIL_EXIT_TIMESLICE = 16,   /* the hypervisor's own time slice ended (VMX-preemption timer) */
	ANVIL_EXIT_ARCH = 17,        /* resolved by the backend itself (VMX: a CR access to host-owned
	                                bits, an SPPT miss, a deliberate EPT misconfiguration) */
	ANVIL_EXIT_MMIO = 18,        /* a guest access to an emulated device register (decoded) */
	ANVIL_EXIT_SYSREG = 19,      /* arm64: a trapped system-register access (MSR/MRS) */
	ANVIL_EXIT_SMC = 20,         /* arm64: a firmware call (SMC; PSCI, SMCCC) */
	ANVIL_EXIT_KIND_COUNT
};

/* What ANVIL_HC_LAST_FAULT returns. */
enum anvil_fault_kind {
	ANVIL_FAULT_NONE = 0,
	ANVIL_FAULT_NOT_MAPPED = 1, /* no translation for the guest-physical address */
	ANVIL_FAULT_PERMISSION = 2, /* mapped, but the access is not allowed */
	ANVIL_FAULT_DEMAND = 3,     /* an ANVIL_ACCESS_DEMAND page was mapped on first touch */
	ANVIL_FAULT_SPP = 4,        /* a write to a sub-page its page's SPP mask protects */
};

struct anvil_fault {
	uint32_t kind;    /* enum anvil_fault_kind */
	uint32_t access;  /* ANVIL_ACCESS_* of the faulting access (exactly one bit) */
	uint64_t gpa;     /* guest-physical address of the access */
	uint64_t ip;      /* guest ip of the faulting instruction */
	uint64_t count;   /* memory faults the payload has taken so far */
	uint32_t subpage; /* ANVIL_FAULT_SPP: the 128-byte sub-page (0-31) the write hit */
	uint32_t reserved;
};
_Static_assert(sizeof(struct anvil_fault) == 40, "anvil_fault layout is ABI");

/*
 * Test operations (ANVIL_HC_ARCH_TEST a0), in groups: x86 (every x86 backend),
 * nested paging (every backend with NPT, EPT or stage 2), SVM only. An
 * operation a backend does not have ends the payload as a bad hypercall.
 */
#define ANVIL_TEST_UNSUPPORTED ((uint64_t)-1) /* result: not available here (e.g. audit=0) */
#define ANVIL_TEST_DENIED ((uint64_t)-2)      /* result: refused, it would reach host state */

enum anvil_x86_test {
	/*
	 * a1 = msr, a2 = ANVIL_X86_INTERCEPT_READ|WRITE to intercept, 0 to pass through.
	 * Passing through is allowed only for the test MSR and IA32_TSC_AUX; any other
	 * MSR (or one above 32 bits) returns ANVIL_TEST_DENIED and stays intercepted.
	 */
	ANVIL_X86_TEST_INTERCEPT_MSR = 0x100,
	/* a1 = port, a2 = 1 intercept / 0 pass through (port 0x80 only; else DENIED) */
	ANVIL_X86_TEST_INTERCEPT_IO = 0x101,
};
#define ANVIL_X86_INTERCEPT_READ 1u
#define ANVIL_X86_INTERCEPT_WRITE 2u

enum anvil_np_test {
	/* a1 = gpa: rax = size of the nested page mapping it (4096 or 2097152), 0 if unmapped */
	ANVIL_NP_TEST_PAGE_SIZE = 0x200,
	/* a1 = gpa of a remap_page alias, a2 = gpa in guest memory: point the alias at that
	   page WITHOUT flushing the guest's TLB (the test of stale translations) */
	ANVIL_NP_TEST_REPOINT_NO_FLUSH = 0x201,
};

/*
 * SVM test operations. Each changes VMCB state between two VMRUNs through the
 * VMCB accessors, so the clean-bit auditor sees it.
 *
 * ANVIL_SVM_TEST_TOUCH_GROUP a1 = clean-bit group (APM Vol 2 §15.15.3),
 * a2 = 1 to set the new value, 0 to put the old one back, a3 = argument.
 * Each new value has an effect the guest can observe:
 *   0 INTERCEPTS  #UD is intercepted: it exits (ANVIL_EXIT_EXCEPTION) and is
 *                 then delivered to the guest as before
 *   1 PERM_MAP    the second pair of permission maps, whose I/O map also
 *                 intercepts port 0x80 (an IN from it exits: ANVIL_EXIT_IO)
 *   2 ASID        on: a fresh ASID; off: the previous ASID again, reused
 *   3 INTR        V_IRQ with vector a3: a virtual interrupt the guest takes
 *                 once its IF is set
 *   4 NPT         nested tables that also map ANVIL_SVM_NPT_ALT_GPA to the
 *                 page of guest-physical a3 (and gPAT entry 7 = UC-)
 *   5 CR          CR4.TSD set         6 DR   DR6.B0 (bit 0) set
 *   7 DT          GDTR limit + 8      8 SEG  ES selector 0
 *   9 CR2         CR2 = a3
 * 10 LBR, 11 AVIC and 12 CET return ANVIL_TEST_UNSUPPORTED: those features
 * are off, so no value in their group changes what the guest sees.
 */
#define ANVIL_SVM_NPT_ALT_GPA 0xe0000000ull /* 3.5 GiB: guest memory (<= 64 MiB) is never there, the guest maps it */
enum anvil_svm_test {
	ANVIL_SVM_TEST_TOUCH_GROUP = 0x300,   /* see above; rax = 0 or ANVIL_TEST_UNSUPPORTED */
	ANVIL_SVM_TEST_AUDIT_SELFTEST = 0x301,/* the hypervisor changes a1 = clean-bit group's field
	                                         behind the accessors and runs the auditor on it;
	                                         rax = 1 if the auditor named it, then restores;
	                                         ANVIL_TEST_UNSUPPORTED if the auditor is off */
	ANVIL_SVM_TEST_AUDIT_COUNT = 0x302,   /* rax = VMRUNs audited so far for this payload;
	                                         ANVIL_TEST_UNSUPPORTED if the auditor is off */
	ANVIL_SVM_TEST_NESTED_STATS = 0x303,  /* a1 = ANVIL_NESTED_STAT_*: rax = that count of nested SVM
	                                         (docs/nested-svm.md); ANVIL_TEST_UNSUPPORTED if the
	                                         payload did not ask for ANVIL_FEAT_NESTED_SVM */
};

enum anvil_nested_stat {
	ANVIL_NESTED_STAT_VMRUNS = 0,          /* VMRUNs L1 executed */
	ANVIL_NESTED_STAT_REFLECTED = 1,       /* #VMEXITs delivered to L1 (VMEXIT_INVALID not counted) */
	ANVIL_NESTED_STAT_INVALID = 2,         /* VMRUNs answered with VMEXIT_INVALID */
	ANVIL_NESTED_STAT_AUDITED = 3,         /* vmcb02 VMRUNs the clean-bit auditor checked */
	ANVIL_NESTED_STAT_FIELDS_READ = 4,     /* vmcb12 fields the last VMRUN read from L1's memory */
	ANVIL_NESTED_STAT_SHADOW_FAULTS = 5,   /* L2 nested page faults resolved in the shadow tables */
	ANVIL_NESTED_STAT_SHADOW_REBUILDS = 6, /* times the shadow tables started empty */
	ANVIL_NESTED_STAT_L0_HANDLED = 7,      /* L2 exits L0 handled without L1 */
};

/*
 * VMX test operations (every backend with VMX and EPT). Sub-page write
 * permissions (SPP, SDM Vol 3C §29.3.4): a protected page is writable only
 * in the 128-byte sub-pages whose bit is set in its mask (bit i: bytes
 * i*128 .. i*128+127); a write to any other sub-page is a memory fault of
 * kind ANVIL_FAULT_SPP naming the sub-page. Reads and fetches are not
 * affected. Without SPP on the CPU both return ANVIL_TEST_UNSUPPORTED.
 */
enum anvil_vmx_test {
	ANVIL_VMX_TEST_SPP_PROTECT = 0x400, /* a1 = gpa (4 KiB aligned, guest RAM mapped R|W|X or already
	                                       protected), a2 = 32-bit mask */
	ANVIL_VMX_TEST_SPP_CLEAR = 0x401,   /* a1 = gpa: the page is an ordinary R|W|X page again
	                                       (a page not protected: nothing happens) */
	ANVIL_VMX_TEST_LAST_EXIT = 0x402,   /* a1 = guest pointer to a struct anvil_vmx_exit, a2 = a basic
	                                       exit reason (0-79): the latest exit with that reason among
	                                       the 15 before this hypercall's own, as the CPU reported it
	                                       (reason 0xffffffff: none) */
	ANVIL_VMX_TEST_EPT_MISCONFIGURE = 0x403, /* a1 = gpa: its EPT leaf becomes write-only (an EPT
	                                       misconfiguration, SDM Vol 3C §29.3.3.1) until an access
	                                       exits with it; the hypervisor then restores it and the
	                                       access restarts. rax = misconfigurations repaired so far */
	ANVIL_VMX_TEST_EPT_AD = 0x404,      /* a1 = gpa: rax = its EPT leaf's accessed (bit 0) and dirty
	                                       (bit 1) flags, which are then cleared; ANVIL_TEST_UNSUPPORTED
	                                       without EPT accessed/dirty flags */
	ANVIL_VMX_TEST_TIMESLICE = 0x405,   /* rax = the hypervisor's time slice in TSC cycles (the
	                                       VMX-preemption timer ends the guest's run at least that
	                                       often); ANVIL_TEST_UNSUPPORTED without the timer */
};
#define ANVIL_SPP_SUBPAGE 128u
#define ANVIL_EPT_ACCESSED 1u
#define ANVIL_EPT_DIRTY 2u

/* What ANVIL_VMX_TEST_LAST_EXIT writes: the VMCS exit-information fields (SDM Vol 3C §25.9). */
struct anvil_vmx_exit {
	uint32_t reason;        /* the full exit reason (basic reason in bits 15:0) */
	uint32_t insn_len;      /* VM-exit instruction length */
	uint32_t insn_info;     /* VM-exit instruction information (string I/O only, else 0) */
	uint32_t intr_info;     /* VM-exit interruption information (exception/NMI exits, else 0) */
	uint32_t intr_error;
	uint32_t idt_info;      /* IDT-vectoring information */
	uint32_t idt_error;
	uint32_t reserved;
	uint64_t qualification;
	uint64_t gpa;           /* EPT violation / misconfiguration / SPP exits, else 0 */
	uint64_t gla;           /* EPT violation / SPP / string I/O exits, else 0 */
};
_Static_assert(sizeof(struct anvil_vmx_exit) == 56, "ABI: struct anvil_vmx_exit is 56 bytes");

/* arm64: the HVC function ID of hypercall n (SMCCC fast call, 64-bit, owner 6). */
#define ANVIL_ARM64_FID_BASE 0xc6000000u
#define ANVIL_ARM64_FID(n) (ANVIL_ARM64_FID_BASE | (uint32_t)(n))

/*
 * arm64 test operations (the EL2 backend). ID registers a guest reads
 * (HCR_EL2.TID3 traps them) come back with the fields below cleared: the
 * features Anvil does not give guests. AArch32 and reserved ID registers
 * read as zero.
 */
enum anvil_arm64_test {
	ANVIL_ARM64_TEST_ID_RAW = 0x500,        /* a1 = ID register encoding (ESR_EL2 ISS form: op0 << 20 |
	                                           op2 << 17 | op1 << 14 | CRn << 10 | CRm << 1): rax = the
	                                           CPU's own value, before sanitising */
	ANVIL_ARM64_TEST_MINIMAL_COUNT = 0x501, /* rax = hypercalls the minimal exit path took so far */
};

/*
 * arm64 vGIC test operations (docs/vgic.md). The guest's GIC is the
 * version the host has (GICv3: GICD and one redistributor, the CPU
 * interface through ICC_*_EL1; GICv2: GICD and a GICC frame), at the
 * addresses below. Without a vGIC every operation returns
 * ANVIL_TEST_UNSUPPORTED. The line operations take an INTID as the vCPU
 * sees it (SPIs 32 up, PPIs 16-31; SGIs only pulsed) and drive the
 * interrupt's input as its configuration says (GICD_ICFGR): a level
 * interrupt is pending while its line is high, an edge one latches each
 * rising edge. An INTID the VM does not have is a bad argument (a1).
 */
enum anvil_arm64_vgic_test {
	ANVIL_ARM64_TEST_VGIC_INFO = 0x600,     /* rax = GIC version (7:0) | LRs (15:8) | SPIs (31:16) |
	                                           virtual timer PPI (39:32, 0: none) */
	ANVIL_ARM64_TEST_IRQ_ASSERT = 0x601,    /* a1 = INTID: its line goes high */
	ANVIL_ARM64_TEST_IRQ_DEASSERT = 0x602,  /* a1 = INTID: its line goes low */
	ANVIL_ARM64_TEST_IRQ_PULSE = 0x603,     /* a1 = INTID: high, then low (one edge) */
	ANVIL_ARM64_TEST_VGIC_ERRORS = 0x604,   /* rax = state transitions the model refused plus list
	                                           registers that did not encode or decode: 0 */
	ANVIL_ARM64_TEST_VGIC_DIR_TRAPS = 0x605,/* rax = deactivations (DIR) the hypervisor emulated so far */
	ANVIL_ARM64_TEST_VGIC_ENTRIES = 0x606,  /* rax = guest entries of this vCPU so far (one per exit) */
	ANVIL_ARM64_TEST_VTIMER_FIRES = 0x607,  /* a1 = 0: rax = rising edges of the virtual timer's line so far;
	                                           a1 = 1: times its physical PPI brought the guest out */
	ANVIL_ARM64_TEST_IRQ_PULSE_RANGE = 0x608, /* a1 = first INTID, a2 = count (1..64): each pulsed, in order */
};
#define ANVIL_ARM64_VGIC_VERSION(info) ((unsigned)(info) & 0xffu)
#define ANVIL_ARM64_VGIC_LRS(info) ((unsigned)((info) >> 8) & 0xffu)
#define ANVIL_ARM64_VGIC_SPIS(info) ((unsigned)((info) >> 16) & 0xffffu)
#define ANVIL_ARM64_VGIC_VTIMER(info) ((unsigned)((info) >> 32) & 0xffu)
#define ANVIL_ARM64_PULSE_RANGE_MAX 64u
#define ANVIL_ARM64_GICD_GPA 0x08000000ull /* GICD: 64 KiB (GICv3), 4 KiB (GICv2) */
#define ANVIL_ARM64_GICC_GPA 0x08010000ull /* GICv2 GICC: 8 KiB, GICC_DIR at +0x1000 */
#define ANVIL_ARM64_GICR_GPA 0x080a0000ull /* GICv3 redistributor: RD_base, SGI_base at +64 KiB */
#define ANVIL_ARM64_HIDE_PFR0 0x00f0ff0f00000000ull /* ID_AA64PFR0_EL1: SVE 35:32, MPAM 43:40, AMU 47:44,
                                                       RME 55:52 */
#define ANVIL_ARM64_HIDE_PFR1 0x000000000f000f00ull /* ID_AA64PFR1_EL1: MTE 11:8, SME 27:24 */
#define ANVIL_ARM64_HIDE_DFR0 0x0000000000000f00ull /* ID_AA64DFR0_EL1: PMUVer 11:8 */
#define ANVIL_ARM64_ID_REG(op0, op1, crn, crm, op2) \
	((uint32_t)(op0) << 20 | (uint32_t)(op2) << 17 | (uint32_t)(op1) << 14 | (uint32_t)(crn) << 10 | \
	 (uint32_t)(crm) << 1)

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
	char backend[16];     /* "svm", "vmx", ...: also picks the hypercall instruction */
	uint64_t chaos_seed;  /* the chaos payload's seed (command line chaos=<seed>, else chosen at boot) */
	uint32_t chaos_iterations; /* its sequence length (chaos=<seed>:<n>, default ANVIL_CHAOS_DEFAULT_N) */
	uint32_t reserved;
};
_Static_assert(sizeof(struct anvil_guest_info) == 64, "info page layout is ABI");
#define ANVIL_CHAOS_DEFAULT_N 2000u

/*
 * CPU features a manifest can require. A generic payload asks for the
 * neutral ones (any backend of its arch runs it); a backend-specific one
 * names its backend's features.
 */
#define ANVIL_FEAT_VIRT (1ull << 16)           /* neutral: a virtualization backend (SVM, VMX, EL2) */
#define ANVIL_FEAT_NESTED_PAGING (1ull << 17)  /* neutral: NPT, EPT or stage 2 */
#define ANVIL_FEAT_SVM (1ull << 0)
#define ANVIL_FEAT_NPT (1ull << 1)
#define ANVIL_FEAT_NRIPS (1ull << 2)
#define ANVIL_FEAT_VMCB_CLEAN (1ull << 3)
#define ANVIL_FEAT_NESTED_SVM (1ull << 4)      /* SVM for the payload itself (L1), in software (docs/nested-svm.md) */
#define ANVIL_FEAT_VMX (1ull << 8)
#define ANVIL_FEAT_EPT (1ull << 9)
#define ANVIL_FEAT_VPID (1ull << 10)
#define ANVIL_FEAT_SPP (1ull << 11)            /* EPT sub-page write permissions */
#define ANVIL_FEAT_GENERIC (ANVIL_FEAT_VIRT | ANVIL_FEAT_NESTED_PAGING)

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
#define ANVIL_MANIFEST_VERSION 2u
#define ANVIL_NAME_MAX 32u
struct anvil_manifest {
	uint32_t magic;
	uint16_t version;
	uint16_t size;        /* sizeof(struct anvil_manifest) */
	char name[ANVIL_NAME_MAX]; /* NUL-terminated, [a-z0-9_] */
	char arch[16];        /* "x86_64", "arm64", "loongarch64" */
	uint64_t features;    /* ANVIL_FEAT_* required */
	uint32_t mem_kib;     /* guest memory, multiple of 4, >= 256, <= 65536 */
	uint32_t timeout_ms;  /* 0: the command line's timeout */
	uint32_t expect;      /* enum anvil_expect */
	uint32_t flags;       /* ANVIL_MANIFEST_* */
	/*
	 * The expected ending in detail (expect != PASS), so a payload is judged
	 * on why it ended, not only how (0 where not used):
	 *  BAD_HYPERCALL: expect_call = the call number, expect_arg = the argument
	 *    (0-3) the hypervisor refused or ANVIL_EXPECT_ARG_NONE (the number itself
	 *    was bad), expect_value = that argument's value;
	 *  BAD_MEMORY: expect_value = the guest-physical address, expect_access = the
	 *    ANVIL_ACCESS_* bit of the access.
	 */
	uint64_t expect_value;
	uint16_t expect_call;
	uint8_t expect_arg;
	uint8_t expect_access;
	uint32_t reserved;    /* 0 */
};
_Static_assert(sizeof(struct anvil_manifest) == 96, "manifest layout is ABI");
_Static_assert(__builtin_offsetof(struct anvil_manifest, expect_value) == 80, "manifest layout is ABI");
_Static_assert(__builtin_offsetof(struct anvil_manifest, expect_call) == 88, "manifest layout is ABI");
#define ANVIL_EXPECT_ARG_NONE 0xffu

#define ANVIL_MANIFEST_BENCH 1u /* a benchmark: runs only with bench=1 (make bench) */

#endif
