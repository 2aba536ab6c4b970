/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX: the encodings of the VMCS fields a hypervisor with EPT, VPID,
 * MSR and I/O bitmaps, the preemption timer, SPP, event injection and a
 * 64-bit guest and host uses (SDM Vol 3C Appendix B, "Field Encoding in
 * VMCS"), the basic exit reasons (Appendix C) and the VM-instruction error
 * numbers (section 31.4), with their names. Pure: VMREAD/VMWRITE live in
 * arch/x86_64/vmx/.
 *
 * An encoding is a 32-bit value (SDM Vol 3C section 25.11.2, table
 * "Structure of VMCS Component Encoding"):
 *   bit 0      access type: 0 full, 1 the high 32 bits of a 64-bit field
 *   bits 9:1   index
 *   bits 11:10 type: 0 control, 1 VM-exit information (read-only data),
 *              2 guest state, 3 host state
 *   bit 12     reserved (0)
 *   bits 14:13 width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural width
 *   bits 31:15 reserved (0)
 * VMREAD/VMWRITE of a field with a width the accessor does not expect
 * silently truncates or zero-extends, so every field below is listed with
 * its width in VMCS_FIELDS() and a _Static_assert checks that the width bits
 * of its encoding agree (and that its type bits agree with its group). The
 * accessor for a field then uses VMCS_CTYPE(width).
 */
#ifndef X86_VMCS_H
#define X86_VMCS_H

#include <stdint.h>

/* ---- Encoding structure ---- */

#define VMCS_ENC_ACCESS_HIGH (1u << 0)
#define VMCS_ENC_INDEX_SHIFT 1u
#define VMCS_ENC_INDEX_MASK (0x1ffu << VMCS_ENC_INDEX_SHIFT)
#define VMCS_ENC_TYPE_SHIFT 10u
#define VMCS_ENC_TYPE_MASK (3u << VMCS_ENC_TYPE_SHIFT)
#define VMCS_ENC_WIDTH_SHIFT 13u
#define VMCS_ENC_WIDTH_MASK (3u << VMCS_ENC_WIDTH_SHIFT)
#define VMCS_ENC_RSVD_MASK (0xffff8000u | (1u << 12))

/* Bits 14:13. */
enum vmcs_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3, /* 64 bits on a CPU with Intel 64 */
};

/* Bits 11:10. */
enum vmcs_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_EXIT_INFO = 1, /* read-only data */
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

#define VMCS_ENC_WIDTH(enc) (((uint32_t)(enc) & VMCS_ENC_WIDTH_MASK) >> VMCS_ENC_WIDTH_SHIFT)
#define VMCS_ENC_TYPE(enc) (((uint32_t)(enc) & VMCS_ENC_TYPE_MASK) >> VMCS_ENC_TYPE_SHIFT)
#define VMCS_ENC_INDEX(enc) (((uint32_t)(enc) & VMCS_ENC_INDEX_MASK) >> VMCS_ENC_INDEX_SHIFT)
#define VMCS_ENC_IS_HIGH(enc) (((uint32_t)(enc) & VMCS_ENC_ACCESS_HIGH) != 0)
/* The high 32 bits of a 64-bit field (only a 32-bit VMREAD/VMWRITE needs it). */
#define VMCS_ENC_HIGH(enc) ((uint32_t)(enc) | VMCS_ENC_ACCESS_HIGH)

/*
 * Width tokens of VMCS_FIELDS(): the enum vmcs_width value and the C type a
 * VMREAD/VMWRITE wrapper for the field reads and writes.
 */
#define VMCS_WIDTH_CODE_u16 VMCS_WIDTH_16
#define VMCS_WIDTH_CODE_u64 VMCS_WIDTH_64
#define VMCS_WIDTH_CODE_u32 VMCS_WIDTH_32
#define VMCS_WIDTH_CODE_nat VMCS_WIDTH_NATURAL
#define VMCS_CTYPE_u16 uint16_t
#define VMCS_CTYPE_u64 uint64_t
#define VMCS_CTYPE_u32 uint32_t
#define VMCS_CTYPE_nat uint64_t
#define VMCS_CTYPE(w) VMCS_CTYPE_##w
/* Type tokens: the enum vmcs_type value. */
#define VMCS_TYPE_CODE_ctl VMCS_TYPE_CONTROL
#define VMCS_TYPE_CODE_ro VMCS_TYPE_EXIT_INFO
#define VMCS_TYPE_CODE_guest VMCS_TYPE_GUEST
#define VMCS_TYPE_CODE_host VMCS_TYPE_HOST

/*
 * Every field: X(name, encoding, width, type), grouped as in SDM Appendix B
 * (tables B-1 .. B-14: by width, then by type).
 */
#define VMCS_FIELDS(X) \
	/* 16-bit control fields (B.1.1) */ \
	X(VMCS_VPID,                      0x0000, u16, ctl)   /* virtual-processor identifier */ \
	X(VMCS_POSTED_INTR_VECTOR,        0x0002, u16, ctl)   /* posted-interrupt notification vector */ \
	X(VMCS_EPTP_INDEX,                0x0004, u16, ctl)   /* #VE: which EPTP-list entry is in use */ \
	/* 16-bit guest-state fields (B.1.2) */ \
	X(VMCS_GUEST_ES_SEL,              0x0800, u16, guest) \
	X(VMCS_GUEST_CS_SEL,              0x0802, u16, guest) \
	X(VMCS_GUEST_SS_SEL,              0x0804, u16, guest) \
	X(VMCS_GUEST_DS_SEL,              0x0806, u16, guest) \
	X(VMCS_GUEST_FS_SEL,              0x0808, u16, guest) \
	X(VMCS_GUEST_GS_SEL,              0x080a, u16, guest) \
	X(VMCS_GUEST_LDTR_SEL,            0x080c, u16, guest) \
	X(VMCS_GUEST_TR_SEL,              0x080e, u16, guest) \
	X(VMCS_GUEST_INTR_STATUS,         0x0810, u16, guest) /* virtual-interrupt delivery: RVI, SVI */ \
	X(VMCS_GUEST_PML_INDEX,           0x0812, u16, guest) \
	/* 16-bit host-state fields (B.1.3) */ \
	X(VMCS_HOST_ES_SEL,               0x0c00, u16, host) \
	X(VMCS_HOST_CS_SEL,               0x0c02, u16, host) \
	X(VMCS_HOST_SS_SEL,               0x0c04, u16, host) \
	X(VMCS_HOST_DS_SEL,               0x0c06, u16, host) \
	X(VMCS_HOST_FS_SEL,               0x0c08, u16, host) \
	X(VMCS_HOST_GS_SEL,               0x0c0a, u16, host) \
	X(VMCS_HOST_TR_SEL,               0x0c0c, u16, host) \
	/* 64-bit control fields (B.2.1) */ \
	X(VMCS_IO_BITMAP_A,               0x2000, u64, ctl)   /* ports 0x0000-0x7fff */ \
	X(VMCS_IO_BITMAP_B,               0x2002, u64, ctl)   /* ports 0x8000-0xffff */ \
	X(VMCS_MSR_BITMAP,                0x2004, u64, ctl) \
	X(VMCS_EXIT_MSR_STORE_ADDR,       0x2006, u64, ctl) \
	X(VMCS_EXIT_MSR_LOAD_ADDR,        0x2008, u64, ctl) \
	X(VMCS_ENTRY_MSR_LOAD_ADDR,       0x200a, u64, ctl) \
	X(VMCS_EXECUTIVE_VMCS_PTR,        0x200c, u64, ctl) \
	X(VMCS_PML_ADDR,                  0x200e, u64, ctl) \
	X(VMCS_TSC_OFFSET,                0x2010, u64, ctl) \
	X(VMCS_VIRTUAL_APIC_ADDR,         0x2012, u64, ctl) \
	X(VMCS_APIC_ACCESS_ADDR,          0x2014, u64, ctl) \
	X(VMCS_POSTED_INTR_DESC_ADDR,     0x2016, u64, ctl) \
	X(VMCS_VMFUNC_CTLS,               0x2018, u64, ctl) \
	X(VMCS_EPT_POINTER,               0x201a, u64, ctl)   /* npt_ept_pointer() */ \
	X(VMCS_EOI_EXIT_BITMAP0,          0x201c, u64, ctl) \
	X(VMCS_EOI_EXIT_BITMAP1,          0x201e, u64, ctl) \
	X(VMCS_EOI_EXIT_BITMAP2,          0x2020, u64, ctl) \
	X(VMCS_EOI_EXIT_BITMAP3,          0x2022, u64, ctl) \
	X(VMCS_EPTP_LIST_ADDR,            0x2024, u64, ctl) \
	X(VMCS_VMREAD_BITMAP,             0x2026, u64, ctl) \
	X(VMCS_VMWRITE_BITMAP,            0x2028, u64, ctl) \
	X(VMCS_VE_INFO_ADDR,              0x202a, u64, ctl)   /* virtualization-exception information */ \
	X(VMCS_XSS_EXIT_BITMAP,           0x202c, u64, ctl) \
	X(VMCS_ENCLS_EXIT_BITMAP,         0x202e, u64, ctl) \
	X(VMCS_SPPT_POINTER,              0x2030, u64, ctl)   /* sppt_root_pa() */ \
	X(VMCS_TSC_MULTIPLIER,            0x2032, u64, ctl) \
	X(VMCS_PROC_CTLS3,                0x2034, u64, ctl)   /* tertiary processor-based controls */ \
	/* 64-bit read-only data field (B.2.2) */ \
	X(VMCS_GUEST_PHYS_ADDR,           0x2400, u64, ro)    /* EPT violation / misconfiguration, SPP */ \
	/* 64-bit guest-state fields (B.2.3) */ \
	X(VMCS_LINK_POINTER,              0x2800, u64, guest) /* ~0 unless VMCS shadowing */ \
	X(VMCS_GUEST_DEBUGCTL,            0x2802, u64, guest) \
	X(VMCS_GUEST_PAT,                 0x2804, u64, guest) \
	X(VMCS_GUEST_EFER,                0x2806, u64, guest) \
	X(VMCS_GUEST_PERF_GLOBAL_CTRL,    0x2808, u64, guest) \
	X(VMCS_GUEST_PDPTE0,              0x280a, u64, guest) \
	X(VMCS_GUEST_PDPTE1,              0x280c, u64, guest) \
	X(VMCS_GUEST_PDPTE2,              0x280e, u64, guest) \
	X(VMCS_GUEST_PDPTE3,              0x2810, u64, guest) \
	X(VMCS_GUEST_BNDCFGS,             0x2812, u64, guest) \
	X(VMCS_GUEST_RTIT_CTL,            0x2814, u64, guest) \
	/* 64-bit host-state fields (B.2.4) */ \
	X(VMCS_HOST_PAT,                  0x2c00, u64, host) \
	X(VMCS_HOST_EFER,                 0x2c02, u64, host) \
	X(VMCS_HOST_PERF_GLOBAL_CTRL,     0x2c04, u64, host) \
	/* 32-bit control fields (B.3.1) */ \
	X(VMCS_PIN_CTLS,                  0x4000, u32, ctl)   /* VMX_PIN_* */ \
	X(VMCS_PROC_CTLS,                 0x4002, u32, ctl)   /* VMX_PROC_* */ \
	X(VMCS_EXCEPTION_BITMAP,          0x4004, u32, ctl) \
	X(VMCS_PF_ERROR_MASK,             0x4006, u32, ctl) \
	X(VMCS_PF_ERROR_MATCH,            0x4008, u32, ctl) \
	X(VMCS_CR3_TARGET_COUNT,          0x400a, u32, ctl) \
	X(VMCS_EXIT_CTLS,                 0x400c, u32, ctl)   /* VMX_EXIT_CTL_* */ \
	X(VMCS_EXIT_MSR_STORE_COUNT,      0x400e, u32, ctl) \
	X(VMCS_EXIT_MSR_LOAD_COUNT,       0x4010, u32, ctl) \
	X(VMCS_ENTRY_CTLS,                0x4012, u32, ctl)   /* VMX_ENTRY_CTL_* */ \
	X(VMCS_ENTRY_MSR_LOAD_COUNT,      0x4014, u32, ctl) \
	X(VMCS_ENTRY_INTR_INFO,           0x4016, u32, ctl)   /* event injection: vmx_intr_info_make() */ \
	X(VMCS_ENTRY_EXCEPTION_ERROR,     0x4018, u32, ctl) \
	X(VMCS_ENTRY_INSN_LEN,            0x401a, u32, ctl)   /* software interrupts and exceptions */ \
	X(VMCS_TPR_THRESHOLD,             0x401c, u32, ctl) \
	X(VMCS_PROC_CTLS2,                0x401e, u32, ctl)   /* VMX_PROC2_* */ \
	X(VMCS_PLE_GAP,                   0x4020, u32, ctl) \
	X(VMCS_PLE_WINDOW,                0x4022, u32, ctl) \
	/* 32-bit read-only data fields (B.3.2) */ \
	X(VMCS_INSN_ERROR,                0x4400, u32, ro)    /* vmx_instruction_error_name() */ \
	X(VMCS_EXIT_REASON,               0x4402, u32, ro)    /* vmx_exit_reason_decode() */ \
	X(VMCS_EXIT_INTR_INFO,            0x4404, u32, ro) \
	X(VMCS_EXIT_INTR_ERROR,           0x4406, u32, ro) \
	X(VMCS_IDT_VECTORING_INFO,        0x4408, u32, ro) \
	X(VMCS_IDT_VECTORING_ERROR,       0x440a, u32, ro) \
	X(VMCS_EXIT_INSN_LEN,             0x440c, u32, ro) \
	X(VMCS_EXIT_INSN_INFO,            0x440e, u32, ro) \
	/* 32-bit guest-state fields (B.3.3) */ \
	X(VMCS_GUEST_ES_LIMIT,            0x4800, u32, guest) \
	X(VMCS_GUEST_CS_LIMIT,            0x4802, u32, guest) \
	X(VMCS_GUEST_SS_LIMIT,            0x4804, u32, guest) \
	X(VMCS_GUEST_DS_LIMIT,            0x4806, u32, guest) \
	X(VMCS_GUEST_FS_LIMIT,            0x4808, u32, guest) \
	X(VMCS_GUEST_GS_LIMIT,            0x480a, u32, guest) \
	X(VMCS_GUEST_LDTR_LIMIT,          0x480c, u32, guest) \
	X(VMCS_GUEST_TR_LIMIT,            0x480e, u32, guest) \
	X(VMCS_GUEST_GDTR_LIMIT,          0x4810, u32, guest) \
	X(VMCS_GUEST_IDTR_LIMIT,          0x4812, u32, guest) \
	X(VMCS_GUEST_ES_AR,               0x4814, u32, guest) /* access rights */ \
	X(VMCS_GUEST_CS_AR,               0x4816, u32, guest) \
	X(VMCS_GUEST_SS_AR,               0x4818, u32, guest) \
	X(VMCS_GUEST_DS_AR,               0x481a, u32, guest) \
	X(VMCS_GUEST_FS_AR,               0x481c, u32, guest) \
	X(VMCS_GUEST_GS_AR,               0x481e, u32, guest) \
	X(VMCS_GUEST_LDTR_AR,             0x4820, u32, guest) \
	X(VMCS_GUEST_TR_AR,               0x4822, u32, guest) \
	X(VMCS_GUEST_INTERRUPTIBILITY,    0x4824, u32, guest) /* STI / MOV SS / SMI / NMI blocking */ \
	X(VMCS_GUEST_ACTIVITY_STATE,      0x4826, u32, guest) \
	X(VMCS_GUEST_SMBASE,              0x4828, u32, guest) \
	X(VMCS_GUEST_SYSENTER_CS,         0x482a, u32, guest) \
	X(VMCS_GUEST_PREEMPTION_TIMER,    0x482e, u32, guest) /* 0x482c is not used */ \
	/* 32-bit host-state field (B.3.4) */ \
	X(VMCS_HOST_SYSENTER_CS,          0x4c00, u32, host) \
	/* Natural-width control fields (B.4.1) */ \
	X(VMCS_CR0_GUEST_HOST_MASK,       0x6000, nat, ctl) \
	X(VMCS_CR4_GUEST_HOST_MASK,       0x6002, nat, ctl) \
	X(VMCS_CR0_READ_SHADOW,           0x6004, nat, ctl) \
	X(VMCS_CR4_READ_SHADOW,           0x6006, nat, ctl) \
	X(VMCS_CR3_TARGET0,               0x6008, nat, ctl) \
	X(VMCS_CR3_TARGET1,               0x600a, nat, ctl) \
	X(VMCS_CR3_TARGET2,               0x600c, nat, ctl) \
	X(VMCS_CR3_TARGET3,               0x600e, nat, ctl) \
	/* Natural-width read-only data fields (B.4.2) */ \
	X(VMCS_EXIT_QUALIFICATION,        0x6400, nat, ro) \
	X(VMCS_IO_RCX,                    0x6402, nat, ro)    /* SMIs after an I/O instruction */ \
	X(VMCS_IO_RSI,                    0x6404, nat, ro) \
	X(VMCS_IO_RDI,                    0x6406, nat, ro) \
	X(VMCS_IO_RIP,                    0x6408, nat, ro) \
	X(VMCS_GUEST_LINEAR_ADDR,         0x640a, nat, ro) \
	/* Natural-width guest-state fields (B.4.3) */ \
	X(VMCS_GUEST_CR0,                 0x6800, nat, guest) \
	X(VMCS_GUEST_CR3,                 0x6802, nat, guest) \
	X(VMCS_GUEST_CR4,                 0x6804, nat, guest) \
	X(VMCS_GUEST_ES_BASE,             0x6806, nat, guest) \
	X(VMCS_GUEST_CS_BASE,             0x6808, nat, guest) \
	X(VMCS_GUEST_SS_BASE,             0x680a, nat, guest) \
	X(VMCS_GUEST_DS_BASE,             0x680c, nat, guest) \
	X(VMCS_GUEST_FS_BASE,             0x680e, nat, guest) \
	X(VMCS_GUEST_GS_BASE,             0x6810, nat, guest) \
	X(VMCS_GUEST_LDTR_BASE,           0x6812, nat, guest) \
	X(VMCS_GUEST_TR_BASE,             0x6814, nat, guest) \
	X(VMCS_GUEST_GDTR_BASE,           0x6816, nat, guest) \
	X(VMCS_GUEST_IDTR_BASE,           0x6818, nat, guest) \
	X(VMCS_GUEST_DR7,                 0x681a, nat, guest) \
	X(VMCS_GUEST_RSP,                 0x681c, nat, guest) \
	X(VMCS_GUEST_RIP,                 0x681e, nat, guest) \
	X(VMCS_GUEST_RFLAGS,              0x6820, nat, guest) \
	X(VMCS_GUEST_PENDING_DBG,         0x6822, nat, guest) /* pending debug exceptions */ \
	X(VMCS_GUEST_SYSENTER_ESP,        0x6824, nat, guest) \
	X(VMCS_GUEST_SYSENTER_EIP,        0x6826, nat, guest) \
	/* Natural-width host-state fields (B.4.4) */ \
	X(VMCS_HOST_CR0,                  0x6c00, nat, host) \
	X(VMCS_HOST_CR3,                  0x6c02, nat, host) \
	X(VMCS_HOST_CR4,                  0x6c04, nat, host) \
	X(VMCS_HOST_FS_BASE,              0x6c06, nat, host) \
	X(VMCS_HOST_GS_BASE,              0x6c08, nat, host) \
	X(VMCS_HOST_TR_BASE,              0x6c0a, nat, host) \
	X(VMCS_HOST_GDTR_BASE,            0x6c0c, nat, host) \
	X(VMCS_HOST_IDTR_BASE,            0x6c0e, nat, host) \
	X(VMCS_HOST_SYSENTER_ESP,         0x6c10, nat, host) \
	X(VMCS_HOST_SYSENTER_EIP,         0x6c12, nat, host) \
	X(VMCS_HOST_RSP,                  0x6c14, nat, host) \
	X(VMCS_HOST_RIP,                  0x6c16, nat, host)

#define VMCS_FIELD_ENUM(name, enc, w, t) name = (enc),
enum vmcs_field { VMCS_FIELDS(VMCS_FIELD_ENUM) };
#undef VMCS_FIELD_ENUM

/*
 * Each field's encoding has the width of the C type its accessor uses, the
 * type of its group, the full (not high) access and no reserved bit.
 */
#define VMCS_FIELD_CHECK(name, enc, w, t)                                                  \
	_Static_assert(VMCS_ENC_WIDTH(enc) == VMCS_WIDTH_CODE_##w, "SDM App. B width: " #name); \
	_Static_assert(VMCS_ENC_TYPE(enc) == VMCS_TYPE_CODE_##t, "SDM App. B type: " #name);   \
	_Static_assert(((enc) & (VMCS_ENC_RSVD_MASK | VMCS_ENC_ACCESS_HIGH)) == 0,             \
		       "SDM 25.11.2 encoding: " #name);                                        \
	_Static_assert(sizeof(VMCS_CTYPE_##w) * 8u ==                                          \
			       (VMCS_WIDTH_CODE_##w == VMCS_WIDTH_16   ? 16u                    \
				: VMCS_WIDTH_CODE_##w == VMCS_WIDTH_32 ? 32u                    \
								       : 64u),                  \
		       "accessor type width: " #name);
VMCS_FIELDS(VMCS_FIELD_CHECK)
#undef VMCS_FIELD_CHECK

/* One field, for names and tests. */
struct vmcs_field_desc {
	uint32_t enc;
	const char *name;   /* "VMCS_GUEST_RIP" */
	enum vmcs_width width;
	enum vmcs_type type;
};

extern const struct vmcs_field_desc vmcs_field_table[];
extern const unsigned vmcs_field_count;

/* The field's name ("VMCS_GUEST_RIP"); "unknown" for an encoding not listed (a high half too). */
const char *vmcs_field_name(uint32_t enc);

/* ---- Basic exit reasons (SDM Vol 3C Appendix C) ---- */

#define VMX_EXIT_REASONS(X) \
	X(EXCEPTION_NMI,            0,  "exception or NMI") \
	X(EXTERNAL_INTERRUPT,       1,  "external interrupt") \
	X(TRIPLE_FAULT,             2,  "triple fault") \
	X(INIT,                     3,  "INIT signal") \
	X(SIPI,                     4,  "start-up IPI") \
	X(IO_SMI,                   5,  "I/O SMI") \
	X(OTHER_SMI,                6,  "other SMI") \
	X(INTERRUPT_WINDOW,         7,  "interrupt window") \
	X(NMI_WINDOW,               8,  "NMI window") \
	X(TASK_SWITCH,              9,  "task switch") \
	X(CPUID,                    10, "CPUID") \
	X(GETSEC,                   11, "GETSEC") \
	X(HLT,                      12, "HLT") \
	X(INVD,                     13, "INVD") \
	X(INVLPG,                   14, "INVLPG") \
	X(RDPMC,                    15, "RDPMC") \
	X(RDTSC,                    16, "RDTSC") \
	X(RSM,                      17, "RSM") \
	X(VMCALL,                   18, "VMCALL") \
	X(VMCLEAR,                  19, "VMCLEAR") \
	X(VMLAUNCH,                 20, "VMLAUNCH") \
	X(VMPTRLD,                  21, "VMPTRLD") \
	X(VMPTRST,                  22, "VMPTRST") \
	X(VMREAD,                   23, "VMREAD") \
	X(VMRESUME,                 24, "VMRESUME") \
	X(VMWRITE,                  25, "VMWRITE") \
	X(VMXOFF,                   26, "VMXOFF") \
	X(VMXON,                    27, "VMXON") \
	X(CR_ACCESS,                28, "control-register access") \
	X(DR_ACCESS,                29, "MOV DR") \
	X(IO_INSTRUCTION,           30, "I/O instruction") \
	X(RDMSR,                    31, "RDMSR") \
	X(WRMSR,                    32, "WRMSR") \
	X(ENTRY_FAIL_GUEST_STATE,   33, "VM-entry failure due to invalid guest state") \
	X(ENTRY_FAIL_MSR_LOAD,      34, "VM-entry failure due to MSR loading") \
	X(MWAIT,                    36, "MWAIT") \
	X(MONITOR_TRAP_FLAG,        37, "monitor trap flag") \
	X(MONITOR,                  39, "MONITOR") \
	X(PAUSE,                    40, "PAUSE") \
	X(ENTRY_FAIL_MACHINE_CHECK, 41, "VM-entry failure due to machine-check event") \
	X(TPR_BELOW_THRESHOLD,      43, "TPR below threshold") \
	X(APIC_ACCESS,              44, "APIC access") \
	X(VIRTUALIZED_EOI,          45, "virtualized EOI") \
	X(GDTR_IDTR_ACCESS,         46, "access to GDTR or IDTR") \
	X(LDTR_TR_ACCESS,           47, "access to LDTR or TR") \
	X(EPT_VIOLATION,            48, "EPT violation") \
	X(EPT_MISCONFIG,            49, "EPT misconfiguration") \
	X(INVEPT,                   50, "INVEPT") \
	X(RDTSCP,                   51, "RDTSCP") \
	X(PREEMPTION_TIMER,         52, "VMX-preemption timer expired") \
	X(INVVPID,                  53, "INVVPID") \
	X(WBINVD,                   54, "WBINVD or WBNOINVD") \
	X(XSETBV,                   55, "XSETBV") \
	X(APIC_WRITE,               56, "APIC write") \
	X(RDRAND,                   57, "RDRAND") \
	X(INVPCID,                  58, "INVPCID") \
	X(VMFUNC,                   59, "VMFUNC") \
	X(ENCLS,                    60, "ENCLS") \
	X(RDSEED,                   61, "RDSEED") \
	X(PML_FULL,                 62, "page-modification log full") \
	X(XSAVES,                   63, "XSAVES") \
	X(XRSTORS,                  64, "XRSTORS") \
	X(PCONFIG,                  65, "PCONFIG") \
	X(SPP_EVENT,                66, "SPP-related event") \
	X(UMWAIT,                   67, "UMWAIT") \
	X(TPAUSE,                   68, "TPAUSE") \
	X(LOADIWKEY,                69, "LOADIWKEY") \
	X(ENCLV,                    70, "ENCLV") \
	X(ENQCMD_PASID_FAIL,        72, "ENQCMD PASID translation failure") \
	X(ENQCMDS_PASID_FAIL,       73, "ENQCMDS PASID translation failure") \
	X(BUS_LOCK,                 74, "bus lock") \
	X(INSTRUCTION_TIMEOUT,      75, "instruction timeout") \
	X(SEAMCALL,                 76, "SEAMCALL") \
	X(TDCALL,                   77, "TDCALL") \
	X(RDMSRLIST,                78, "RDMSRLIST") \
	X(WRMSRLIST,                79, "WRMSRLIST")

#define VMX_EXIT_ENUM(name, nr, text) VMX_EXIT_##name = (nr),
enum vmx_exit_reason { VMX_EXIT_REASONS(VMX_EXIT_ENUM) };
#undef VMX_EXIT_ENUM

/*
 * The SDM's name of a basic exit reason. Only bits 15:0 are looked at, so the
 * whole exit-reason field may be passed. "unknown" for a reason not listed.
 */
const char *vmx_exit_reason_name(uint32_t reason);

/* ---- VM-instruction error numbers (SDM Vol 3C section 31.4) ---- */

#define VMX_INSN_ERRORS(X) \
	X(VMCALL_IN_ROOT,            1,  "VMCALL executed in VMX root operation") \
	X(VMCLEAR_BAD_ADDR,          2,  "VMCLEAR with invalid physical address") \
	X(VMCLEAR_VMXON_PTR,         3,  "VMCLEAR with VMXON pointer") \
	X(VMLAUNCH_NOT_CLEAR,        4,  "VMLAUNCH with non-clear VMCS") \
	X(VMRESUME_NOT_LAUNCHED,     5,  "VMRESUME with non-launched VMCS") \
	X(VMRESUME_AFTER_VMXOFF,     6,  "VMRESUME after VMXOFF") \
	X(ENTRY_BAD_CONTROLS,        7,  "VM entry with invalid control field(s)") \
	X(ENTRY_BAD_HOST_STATE,      8,  "VM entry with invalid host-state field(s)") \
	X(VMPTRLD_BAD_ADDR,          9,  "VMPTRLD with invalid physical address") \
	X(VMPTRLD_VMXON_PTR,         10, "VMPTRLD with VMXON pointer") \
	X(VMPTRLD_BAD_REVISION,      11, "VMPTRLD with incorrect VMCS revision identifier") \
	X(UNSUPPORTED_FIELD,         12, "VMREAD/VMWRITE from/to unsupported VMCS component") \
	X(VMWRITE_READ_ONLY,         13, "VMWRITE to read-only VMCS component") \
	X(VMXON_IN_ROOT,             15, "VMXON executed in VMX root operation") \
	X(ENTRY_BAD_EXEC_VMCS_PTR,   16, "VM entry with invalid executive-VMCS pointer") \
	X(ENTRY_EXEC_NOT_LAUNCHED,   17, "VM entry with non-launched executive VMCS") \
	X(ENTRY_EXEC_NOT_VMXON_PTR,  18, "VM entry with executive-VMCS pointer not VMXON pointer") \
	X(VMCALL_NOT_CLEAR,          19, "VMCALL with non-clear VMCS") \
	X(VMCALL_BAD_EXIT_CONTROLS,  20, "VMCALL with invalid VM-exit control fields") \
	X(VMCALL_BAD_MSEG_REVISION,  22, "VMCALL with incorrect MSEG revision identifier") \
	X(VMXOFF_DUAL_MONITOR,       23, "VMXOFF under dual-monitor treatment of SMIs and SMM") \
	X(VMCALL_BAD_SMM_FEATURES,   24, "VMCALL with invalid SMM-monitor features") \
	X(ENTRY_BAD_EXEC_CONTROLS,   25, \
	  "VM entry with invalid VM-execution control fields in executive VMCS") \
	X(ENTRY_MOV_SS_BLOCKING,     26, "VM entry with events blocked by MOV SS") \
	X(INVEPT_INVVPID_BAD_OPERAND, 28, "invalid operand to INVEPT/INVVPID")

#define VMX_INSN_ERROR_ENUM(name, nr, text) VMX_INSN_ERR_##name = (nr),
enum vmx_insn_error { VMX_INSN_ERRORS(VMX_INSN_ERROR_ENUM) };
#undef VMX_INSN_ERROR_ENUM

/*
 * The SDM's text for a VM-instruction error (the VMCS_INSN_ERROR field after
 * a VMfailValid); "unknown" for 0, the reserved numbers 14, 21 and 27 and
 * anything above 28.
 */
const char *vmx_instruction_error_name(uint32_t err);

#endif
