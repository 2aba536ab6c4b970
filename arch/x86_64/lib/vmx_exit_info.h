/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX exit information decoders: the exit reason, the exit
 * qualification of the exits a hypervisor handles in software (SDM Vol 3C
 * section 28.2.1, "Basic VM-Exit Information"), the instruction information
 * of INS/OUTS (section 28.2.5, "Information for VM Exits Due to Instruction
 * Execution") and the interruption-information fields (sections 25.8.3,
 * 25.9.2, 25.9.3). Section numbers move between SDM editions; the titles
 * cited with them do not.
 * Each decoder fills a small struct from the raw field value the caller
 * read with VMREAD. Pure.
 */
#ifndef X86_VMX_EXIT_INFO_H
#define X86_VMX_EXIT_INFO_H

#include <stdbool.h>
#include <stdint.h>

/* ---- Exit reason (SDM 25.9.1, table "Format of Exit Reason") ---- */

#define VMX_REASON_BASIC_MASK 0xffffu         /* bits 15:0: enum vmx_exit_reason (vmcs.h) */
#define VMX_REASON_ENCLAVE (1u << 27)         /* the exit came from enclave mode */
#define VMX_REASON_PENDING_MTF (1u << 28)     /* SMM exits only */
#define VMX_REASON_FROM_ROOT (1u << 29)       /* SMM exits only */
#define VMX_REASON_ENTRY_FAILURE (1u << 31)   /* VM entry failed (reasons 33, 34, 41) */

struct vmx_exit_reason_info {
	uint16_t basic;
	bool enclave;
	bool pending_mtf;
	bool from_root;
	bool entry_failure;
};

void vmx_exit_reason_decode(uint32_t reason, struct vmx_exit_reason_info *r);

/* ---- EPT violation, exit 48 (SDM 28.2.1, table "Exit Qualification for EPT Violations") ---- */

#define VMX_EPT_QUAL_READ (1ull << 0)         /* the access was a data read */
#define VMX_EPT_QUAL_WRITE (1ull << 1)        /* a data write */
#define VMX_EPT_QUAL_FETCH (1ull << 2)        /* an instruction fetch */
#define VMX_EPT_QUAL_READABLE (1ull << 3)     /* AND of bit 0 (R) over the EPT walk */
#define VMX_EPT_QUAL_WRITABLE (1ull << 4)     /* AND of bit 1 (W) */
#define VMX_EPT_QUAL_EXECUTABLE (1ull << 5)   /* AND of bit 2 (X) */
#define VMX_EPT_QUAL_GLA_VALID (1ull << 7)    /* the guest-linear address field is valid */
#define VMX_EPT_QUAL_GLA_FINAL (1ull << 8)    /* with bit 7: the access was to the GLA's translation */
#define VMX_EPT_QUAL_NMI_UNBLOCKING (1ull << 12)

struct vmx_ept_violation {
	bool read, write, fetch;             /* what the access was (a read-modify-write may set both) */
	bool readable, writable, executable; /* what the translation allowed */
	bool present;        /* one of readable/writable/executable: a permission fault, not a hole */
	bool gla_valid;      /* VMCS_GUEST_LINEAR_ADDR holds the linear address */
	/*
	 * gla_valid only: true if the access was to the guest-physical address
	 * the linear address translates to, false if it was to one of the
	 * guest's own paging-structure entries on the way (then in_walk).
	 */
	bool final_translation;
	bool in_walk;
	bool nmi_unblocking; /* the exit came from an IRET that unblocked NMIs: block them again */
};

void vmx_ept_violation_decode(uint64_t qual, struct vmx_ept_violation *v);

/* ---- SPP-related event, exit 66 (SDM 28.2.1; spec-sheet section C) ---- */

#define VMX_SPP_QUAL_MISS (1ull << 11)           /* 1: SPPT miss, 0: SPPT misconfiguration */
#define VMX_SPP_QUAL_NMI_UNBLOCKING (1ull << 12)

struct vmx_spp_event {
	bool miss;           /* fill the SPPT (sppt_fill()); false: a misconfiguration */
	bool nmi_unblocking;
};

void vmx_spp_event_decode(uint64_t qual, struct vmx_spp_event *e);

/* ---- I/O instruction, exit 30 (SDM 28.2.1, table "Exit Qualification for I/O Instructions") ---- */

#define VMX_IO_QUAL_SIZE_MASK 0x7ull         /* bits 2:0: 0 = 1 byte, 1 = 2, 3 = 4 */
#define VMX_IO_QUAL_IN (1ull << 3)           /* direction: 1 = IN, 0 = OUT */
#define VMX_IO_QUAL_STRING (1ull << 4)
#define VMX_IO_QUAL_REP (1ull << 5)
#define VMX_IO_QUAL_IMM (1ull << 6)          /* operand encoding: 1 = immediate, 0 = DX */
#define VMX_IO_QUAL_PORT_SHIFT 16u           /* bits 31:16 */
#define VMX_IO_QUAL_PORT_MASK (0xffffull << VMX_IO_QUAL_PORT_SHIFT)

struct vmx_io_exit {
	uint16_t port;
	uint8_t size;        /* bytes: 1, 2 or 4 */
	bool in, string, rep, imm;
};

/* false (size 0) if bits 2:0 hold one of the unused size encodings (2, 4-7). */
bool vmx_io_exit_decode(uint64_t qual, struct vmx_io_exit *io);

/*
 * ---- Control-register access, exit 28 (SDM 28.2.1, table "Exit
 * Qualification for Control-Register Accesses") ----
 */

#define VMX_CR_QUAL_CR_MASK 0xfull           /* bits 3:0: the control register */
#define VMX_CR_QUAL_TYPE_SHIFT 4u            /* bits 5:4: enum vmx_cr_access_type */
#define VMX_CR_QUAL_TYPE_MASK (3ull << VMX_CR_QUAL_TYPE_SHIFT)
#define VMX_CR_QUAL_LMSW_MEMORY (1ull << 6)  /* LMSW operand: 1 = memory, 0 = register */
#define VMX_CR_QUAL_GPR_SHIFT 8u             /* bits 11:8: MOV CR's register */
#define VMX_CR_QUAL_GPR_MASK (0xfull << VMX_CR_QUAL_GPR_SHIFT)
#define VMX_CR_QUAL_LMSW_SRC_SHIFT 16u       /* bits 31:16: LMSW's source data */
#define VMX_CR_QUAL_LMSW_SRC_MASK (0xffffull << VMX_CR_QUAL_LMSW_SRC_SHIFT)

enum vmx_cr_access_type {
	VMX_CR_MOV_TO = 0,
	VMX_CR_MOV_FROM = 1,
	VMX_CR_CLTS = 2,
	VMX_CR_LMSW = 3,
};

struct vmx_cr_access {
	uint8_t cr;                     /* 0, 3, 4 or 8 (CLTS and LMSW: 0) */
	enum vmx_cr_access_type type;
	bool lmsw_memory;
	/* MOV CR: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15 */
	uint8_t gpr;
	uint16_t lmsw_source;           /* LMSW: the 16-bit operand (only bits 3:0 reach CR0) */
};

void vmx_cr_access_decode(uint64_t qual, struct vmx_cr_access *c);

/*
 * ---- VM-exit instruction information for INS/OUTS (SDM 28.2.5, table
 * "Format of the VM-Exit Instruction-Information Field as Used for INS and
 * OUTS"). Filled only if IA32_VMX_BASIC bit 54 is set
 * (vmx_basic_ins_outs_info()); otherwise undefined. ----
 */

#define VMX_INSN_INFO_ADDR_SIZE_SHIFT 7u     /* bits 9:7: 0 = 16-bit, 1 = 32-bit, 2 = 64-bit */
#define VMX_INSN_INFO_ADDR_SIZE_MASK (7u << VMX_INSN_INFO_ADDR_SIZE_SHIFT)
#define VMX_INSN_INFO_SEG_SHIFT 15u          /* bits 17:15: enum vmx_seg */
#define VMX_INSN_INFO_SEG_MASK (7u << VMX_INSN_INFO_SEG_SHIFT)

enum vmx_seg { VMX_SEG_ES, VMX_SEG_CS, VMX_SEG_SS, VMX_SEG_DS, VMX_SEG_FS, VMX_SEG_GS };

struct vmx_ins_outs {
	uint8_t addr_size;   /* bytes: 2, 4 or 8 */
	/* enum vmx_seg; OUTS only: INS always writes through ES, and leaves these bits undefined */
	uint8_t seg;
};

/* false (addr_size 0) on an unused address-size encoding, or a segment number above GS. */
bool vmx_ins_outs_decode(uint32_t info, struct vmx_ins_outs *o);

/*
 * ---- Interruption information: VM-entry (event injection, SDM 25.8.3),
 * VM-exit (25.9.2) and IDT-vectoring (25.9.3) ----
 */

#define VMX_INTR_INFO_VECTOR_MASK 0xffu        /* bits 7:0 */
#define VMX_INTR_INFO_TYPE_SHIFT 8u            /* bits 10:8: enum vmx_intr_type */
#define VMX_INTR_INFO_TYPE_MASK (7u << VMX_INTR_INFO_TYPE_SHIFT)
#define VMX_INTR_INFO_ERROR_CODE (1u << 11)    /* an error code is delivered / was saved */
#define VMX_INTR_INFO_NMI_UNBLOCKING (1u << 12) /* VM-exit field only */
#define VMX_INTR_INFO_VALID (1u << 31)
/* Bits that must be 0: 30:12 at entry, 30:13 in the two exit fields. */
#define VMX_INTR_INFO_ENTRY_RSVD_MASK 0x7ffff000u
#define VMX_INTR_INFO_EXIT_RSVD_MASK 0x7fffe000u

enum vmx_intr_type {
	VMX_INTR_EXTERNAL = 0,
	VMX_INTR_RESERVED = 1,
	VMX_INTR_NMI = 2,
	VMX_INTR_HW_EXCEPTION = 3,
	VMX_INTR_SW_INTERRUPT = 4,      /* INT n */
	VMX_INTR_PRIV_SW_EXCEPTION = 5, /* INT1 (ICEBP) */
	VMX_INTR_SW_EXCEPTION = 6,      /* INT3, INTO */
	VMX_INTR_OTHER = 7,             /* entry only: a pending MTF exit */
};

/* Which field the value came from: bit 12 means something different in each. */
enum vmx_intr_field {
	VMX_INTR_FIELD_ENTRY,          /* VMCS_ENTRY_INTR_INFO: bit 12 reserved */
	VMX_INTR_FIELD_EXIT,           /* VMCS_EXIT_INTR_INFO: bit 12 NMI unblocking due to IRET */
	VMX_INTR_FIELD_IDT_VECTORING,  /* VMCS_IDT_VECTORING_INFO: bit 12 undefined */
};

struct vmx_intr_info {
	bool valid;
	uint8_t vector;
	enum vmx_intr_type type;
	bool error_code;
	bool nmi_unblocking;           /* VMX_INTR_FIELD_EXIT only, else false */
};

/*
 * Decode one of the three fields. false if bits the field reserves are set
 * (for the entry field: VM entry would fail).
 */
bool vmx_intr_info_decode(uint32_t info, enum vmx_intr_field field, struct vmx_intr_info *i);

/* The VM-entry interruption information injecting vector as type (valid set). */
uint32_t vmx_intr_info_make(uint8_t vector, enum vmx_intr_type type, bool error_code);

/* "external interrupt", "NMI", "hardware exception", ...; "reserved" for type 1 and above 7. */
const char *vmx_intr_type_name(uint32_t type);

#endif
