/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX capabilities: the named bits of the VM-execution, VM-exit and
 * VM-entry controls (SDM Vol 3C sections 25.6, 25.7, 25.8) and pure checks
 * of the capability MSR values (SDM Vol 3D Appendix A), which the caller
 * reads (RDMSR lives in arch/x86_64/vmx/).
 *
 * A control capability MSR (Appendix A.3-A.5) holds two 32-bit masks:
 *   bits 31:0  allowed 0-settings: a 1 here means the control must be 1
 *   bits 63:32 allowed 1-settings: a 0 here means the control must be 0
 * If IA32_VMX_BASIC bit 55 is set, the TRUE_ MSRs describe the pin-based,
 * primary processor-based, exit and entry controls: the plain ones report
 * some "default1" controls as must-be-1 that the TRUE ones let software
 * clear (Appendix A.2). The secondary controls have no TRUE MSR and exist
 * only if the primary control bit 31 may be 1.
 */
#ifndef X86_VMX_CAPS_H
#define X86_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Capability MSRs (SDM Vol 4 Table 2-2, Vol 3D Appendix A) ---- */

#define MSR_IA32_VMX_BASIC 0x480u
#define MSR_IA32_VMX_PINBASED_CTLS 0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482u
#define MSR_IA32_VMX_EXIT_CTLS 0x483u
#define MSR_IA32_VMX_ENTRY_CTLS 0x484u
#define MSR_IA32_VMX_MISC 0x485u
#define MSR_IA32_VMX_CR0_FIXED0 0x486u
#define MSR_IA32_VMX_CR0_FIXED1 0x487u
#define MSR_IA32_VMX_CR4_FIXED0 0x488u
#define MSR_IA32_VMX_CR4_FIXED1 0x489u
#define MSR_IA32_VMX_VMCS_ENUM 0x48au
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48bu
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48cu
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48du
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48eu
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48fu
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490u
#define MSR_IA32_VMX_VMFUNC 0x491u
#define MSR_IA32_VMX_PROCBASED_CTLS3 0x492u

/* ---- Pin-based VM-execution controls (SDM 25.6.1) ---- */

#define VMX_PIN_EXT_INTR_EXIT (1u << 0)
#define VMX_PIN_NMI_EXIT (1u << 3)
#define VMX_PIN_VIRTUAL_NMI (1u << 5)
#define VMX_PIN_PREEMPTION_TIMER (1u << 6)
#define VMX_PIN_POSTED_INTR (1u << 7)

/* ---- Primary processor-based VM-execution controls (SDM 25.6.2) ---- */

#define VMX_PROC_INTR_WINDOW_EXIT (1u << 2)
#define VMX_PROC_TSC_OFFSET (1u << 3)
#define VMX_PROC_HLT_EXIT (1u << 7)
#define VMX_PROC_INVLPG_EXIT (1u << 9)
#define VMX_PROC_MWAIT_EXIT (1u << 10)
#define VMX_PROC_RDPMC_EXIT (1u << 11)
#define VMX_PROC_RDTSC_EXIT (1u << 12)
#define VMX_PROC_CR3_LOAD_EXIT (1u << 15)
#define VMX_PROC_CR3_STORE_EXIT (1u << 16)
#define VMX_PROC_TERTIARY (1u << 17)
#define VMX_PROC_CR8_LOAD_EXIT (1u << 19)
#define VMX_PROC_CR8_STORE_EXIT (1u << 20)
#define VMX_PROC_TPR_SHADOW (1u << 21)
#define VMX_PROC_NMI_WINDOW_EXIT (1u << 22)
#define VMX_PROC_MOV_DR_EXIT (1u << 23)
#define VMX_PROC_UNCOND_IO_EXIT (1u << 24)
#define VMX_PROC_IO_BITMAPS (1u << 25)
#define VMX_PROC_MONITOR_TRAP_FLAG (1u << 27)
#define VMX_PROC_MSR_BITMAPS (1u << 28)
#define VMX_PROC_MONITOR_EXIT (1u << 29)
#define VMX_PROC_PAUSE_EXIT (1u << 30)
#define VMX_PROC_SECONDARY (1u << 31)

/* ---- Secondary processor-based VM-execution controls (SDM 25.6.2) ---- */

#define VMX_PROC2_VIRT_APIC_ACCESS (1u << 0)
#define VMX_PROC2_EPT (1u << 1)
#define VMX_PROC2_DESC_TABLE_EXIT (1u << 2)
#define VMX_PROC2_RDTSCP (1u << 3)
#define VMX_PROC2_VIRT_X2APIC (1u << 4)
#define VMX_PROC2_VPID (1u << 5)
#define VMX_PROC2_WBINVD_EXIT (1u << 6)
#define VMX_PROC2_UNRESTRICTED_GUEST (1u << 7)
#define VMX_PROC2_APIC_REG_VIRT (1u << 8)
#define VMX_PROC2_VIRT_INTR_DELIVERY (1u << 9)
#define VMX_PROC2_PAUSE_LOOP_EXIT (1u << 10)
#define VMX_PROC2_RDRAND_EXIT (1u << 11)
#define VMX_PROC2_INVPCID (1u << 12)
#define VMX_PROC2_VMFUNC (1u << 13)
#define VMX_PROC2_VMCS_SHADOWING (1u << 14)
#define VMX_PROC2_ENCLS_EXIT (1u << 15)
#define VMX_PROC2_RDSEED_EXIT (1u << 16)
#define VMX_PROC2_PML (1u << 17)
#define VMX_PROC2_EPT_VE (1u << 18)
#define VMX_PROC2_PT_CONCEAL (1u << 19)
#define VMX_PROC2_XSAVES (1u << 20)
#define VMX_PROC2_PASID_TRANSLATION (1u << 21)
#define VMX_PROC2_MODE_BASED_EXEC (1u << 22)
#define VMX_PROC2_SPP (1u << 23)            /* sub-page write permissions for EPT */
#define VMX_PROC2_PT_GUEST_PA (1u << 24)
#define VMX_PROC2_TSC_SCALING (1u << 25)
#define VMX_PROC2_USER_WAIT_PAUSE (1u << 26)
#define VMX_PROC2_PCONFIG (1u << 27)
#define VMX_PROC2_ENCLV_EXIT (1u << 28)
#define VMX_PROC2_BUS_LOCK_DETECT (1u << 30)
#define VMX_PROC2_INSN_TIMEOUT (1u << 31)

/* ---- Primary VM-exit controls (SDM 25.7.1) ---- */

#define VMX_EXIT_CTL_SAVE_DEBUG (1u << 2)
#define VMX_EXIT_CTL_HOST_64 (1u << 9)      /* host address-space size: a 64-bit host */
#define VMX_EXIT_CTL_LOAD_PERF_GLOBAL (1u << 12)
#define VMX_EXIT_CTL_ACK_INTR (1u << 15)    /* acknowledge interrupt on exit */
#define VMX_EXIT_CTL_SAVE_PAT (1u << 18)
#define VMX_EXIT_CTL_LOAD_PAT (1u << 19)
#define VMX_EXIT_CTL_SAVE_EFER (1u << 20)
#define VMX_EXIT_CTL_LOAD_EFER (1u << 21)
#define VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER (1u << 22)
#define VMX_EXIT_CTL_CLEAR_BNDCFGS (1u << 23)
#define VMX_EXIT_CTL_PT_CONCEAL (1u << 24)
#define VMX_EXIT_CTL_CLEAR_RTIT_CTL (1u << 25)
#define VMX_EXIT_CTL_CLEAR_LBR_CTL (1u << 26)
#define VMX_EXIT_CTL_CLEAR_UINV (1u << 27)
#define VMX_EXIT_CTL_LOAD_CET (1u << 28)
#define VMX_EXIT_CTL_LOAD_PKRS (1u << 29)
#define VMX_EXIT_CTL_SAVE_PERF_GLOBAL (1u << 30)
#define VMX_EXIT_CTL_SECONDARY (1u << 31)

/* ---- VM-entry controls (SDM 25.8.1) ---- */

#define VMX_ENTRY_CTL_LOAD_DEBUG (1u << 2)
#define VMX_ENTRY_CTL_IA32E_GUEST (1u << 9)  /* the guest runs in IA-32e mode */
#define VMX_ENTRY_CTL_SMM (1u << 10)
#define VMX_ENTRY_CTL_DEACT_DUAL_MONITOR (1u << 11)
#define VMX_ENTRY_CTL_LOAD_PERF_GLOBAL (1u << 13)
#define VMX_ENTRY_CTL_LOAD_PAT (1u << 14)
#define VMX_ENTRY_CTL_LOAD_EFER (1u << 15)
#define VMX_ENTRY_CTL_LOAD_BNDCFGS (1u << 16)
#define VMX_ENTRY_CTL_PT_CONCEAL (1u << 17)
#define VMX_ENTRY_CTL_LOAD_RTIT_CTL (1u << 18)
#define VMX_ENTRY_CTL_LOAD_UINV (1u << 19)
#define VMX_ENTRY_CTL_LOAD_CET (1u << 20)
#define VMX_ENTRY_CTL_LOAD_LBR_CTL (1u << 21)
#define VMX_ENTRY_CTL_LOAD_PKRS (1u << 22)

/* ---- Adjusting a control to what the CPU allows ---- */

enum vmx_ctl_kind {
	VMX_CTL_PIN,     /* pin-based */
	VMX_CTL_PROC,    /* primary processor-based */
	VMX_CTL_PROC2,   /* secondary processor-based */
	VMX_CTL_EXIT,    /* primary VM-exit */
	VMX_CTL_ENTRY,   /* VM-entry */
	VMX_CTL_KIND_COUNT,
};

/*
 * The capability MSR of a kind of control: the TRUE_ one if true_ctls
 * (vmx_basic_true_ctls()) and the kind has one.
 */
uint32_t vmx_ctl_msr(enum vmx_ctl_kind kind, bool true_ctls);

/*
 * The control value to write: want | the must-be-1 bits (cap_msr's low 32
 * bits). *missing (may be NULL) gets the wanted bits the CPU does not allow
 * to be 1 (clear in the high 32 bits). Those stay set in the result, so a
 * caller that can do without them writes result & ~*missing; one that
 * cannot reports them (vmx_ctl_names()).
 */
uint32_t vmx_ctl_adjust(uint64_t cap_msr, uint32_t want, uint32_t *missing);

/* The name of one control bit ("enable EPT"); NULL for a bit with no name. */
const char *vmx_ctl_bit_name(enum vmx_ctl_kind kind, unsigned bit);

/*
 * "<kind>: name, name" for bits, e.g. "secondary: enable EPT, SPP", for an
 * error message; a bit without a name is "bit N", no bits is "none". Always
 * NUL-terminated when n > 0, cut short if it does not fit.
 */
void vmx_ctl_names(enum vmx_ctl_kind kind, uint32_t bits, char *buf, size_t n);

/* ---- IA32_VMX_BASIC (SDM Vol 3D Appendix A.1) ---- */

#define VMX_BASIC_REVISION_MASK 0x7fffffffull       /* bits 30:0 */
#define VMX_BASIC_REGION_SIZE_SHIFT 32u             /* bits 44:32: VMXON / VMCS region bytes */
#define VMX_BASIC_REGION_SIZE_MASK (0x1fffull << VMX_BASIC_REGION_SIZE_SHIFT)
#define VMX_BASIC_PA_32BIT (1ull << 48)             /* region addresses limited to 32 bits */
#define VMX_BASIC_DUAL_MONITOR (1ull << 49)
#define VMX_BASIC_MEM_TYPE_SHIFT 50u                /* bits 53:50: memory type of the VMCS */
#define VMX_BASIC_MEM_TYPE_MASK (0xfull << VMX_BASIC_MEM_TYPE_SHIFT)
#define VMX_BASIC_INS_OUTS_INFO (1ull << 54)        /* INS/OUTS exits fill the instruction info */
#define VMX_BASIC_TRUE_CTLS (1ull << 55)
#define VMX_BASIC_NO_ERROR_CODE_CHECK (1ull << 56)  /* any exception may be injected with an error code */
#define VMX_MEM_TYPE_UC 0u
#define VMX_MEM_TYPE_WB 6u

/* The VMCS revision identifier, for the first 4 bytes of the VMXON region and every VMCS. */
uint32_t vmx_basic_revision(uint64_t basic);
/* Bytes to allocate for the VMXON region and each VMCS (at most 4096). */
uint32_t vmx_basic_region_size(uint64_t basic);
/* VMX_MEM_TYPE_UC or VMX_MEM_TYPE_WB. */
unsigned vmx_basic_mem_type(uint64_t basic);
/* Bit 55: the TRUE_ control MSRs exist. */
bool vmx_basic_true_ctls(uint64_t basic);
/* Bit 54: exits for INS/OUTS report address size and segment in the instruction information. */
bool vmx_basic_ins_outs_info(uint64_t basic);

/* ---- CR0 / CR4 fixed bits (SDM Vol 3D Appendix A.7, A.8) ---- */

/*
 * Whether value (CR0 or CR4, in or for VMX operation) keeps the fixed bits: a
 * 1 in fixed0 must be 1, a 0 in fixed1 must be 0. *bad (may be NULL) gets
 * the offending bits. Note for a guest CR0: with "unrestricted guest" the
 * CPU does not hold PE (bit 0) and PG (bit 31) to fixed0 (SDM 27.3.1.1);
 * the caller drops them from fixed0 then.
 */
bool vmx_cr_fixed_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1, uint64_t *bad);
/* value with the fixed bits forced: (value | fixed0) & fixed1. */
uint64_t vmx_cr_fixed_apply(uint64_t value, uint64_t fixed0, uint64_t fixed1);

/* ---- IA32_VMX_EPT_VPID_CAP (SDM Vol 3D Appendix A.10) ---- */

#define VMX_EPT_CAP_EXEC_ONLY (1ull << 0)       /* EPT entries may be execute-only */
#define VMX_EPT_CAP_WALK_4 (1ull << 6)          /* 4-level walk */
#define VMX_EPT_CAP_WALK_5 (1ull << 7)          /* 5-level walk */
#define VMX_EPT_CAP_UC (1ull << 8)              /* EPTP memory type UC */
#define VMX_EPT_CAP_WB (1ull << 14)             /* EPTP memory type WB */
#define VMX_EPT_CAP_2M (1ull << 16)             /* PDEs may map 2 MiB */
#define VMX_EPT_CAP_1G (1ull << 17)             /* PDPTEs may map 1 GiB */
#define VMX_EPT_CAP_INVEPT (1ull << 20)
#define VMX_EPT_CAP_AD (1ull << 21)             /* accessed and dirty flags */
#define VMX_EPT_CAP_ADV_EXIT_INFO (1ull << 22)  /* advanced EPT-violation exit information */
#define VMX_EPT_CAP_SSS (1ull << 23)            /* supervisor shadow-stack control */
#define VMX_EPT_CAP_INVEPT_SINGLE (1ull << 25)  /* single-context INVEPT */
#define VMX_EPT_CAP_INVEPT_ALL (1ull << 26)     /* all-context INVEPT */
#define VMX_EPT_CAP_INVVPID (1ull << 32)
#define VMX_EPT_CAP_INVVPID_ADDR (1ull << 40)   /* individual-address INVVPID */
#define VMX_EPT_CAP_INVVPID_SINGLE (1ull << 41)
#define VMX_EPT_CAP_INVVPID_ALL (1ull << 42)
#define VMX_EPT_CAP_INVVPID_SINGLE_GLOBALS (1ull << 43) /* single-context, retaining globals */

/*
 * What npt_format_ept tables and npt_ept_pointer() need: a 4-level walk,
 * write-back tables, 2 MiB leaves (npt_map() uses them wherever it can; bit
 * 7 of a PDE is reserved without this) and INVEPT. INVEPT also needs a type:
 * single-context (a VM's own translations) if VMX_EPT_CAP_INVEPT_SINGLE,
 * else all-context (VMX_EPT_CAP_INVEPT_ALL); the caller picks.
 */
#define VMX_EPT_CAP_NPT_NEEDS (VMX_EPT_CAP_WALK_4 | VMX_EPT_CAP_WB | VMX_EPT_CAP_2M | \
			       VMX_EPT_CAP_INVEPT)

/* The bits of need the capability value lacks (0: everything there). */
uint64_t vmx_ept_caps_missing(uint64_t cap, uint64_t need);

/* "EPT/VPID: name, name" for capability bits, as vmx_ctl_names(). */
void vmx_ept_cap_names(uint64_t bits, char *buf, size_t n);

/* ---- IA32_VMX_MISC (SDM Vol 3D Appendix A.6) ---- */

#define VMX_MISC_PREEMPTION_SHIFT_MASK 0x1full     /* bits 4:0 */
#define VMX_MISC_STORES_LMA (1ull << 5)            /* exits store EFER.LMA in "IA-32e mode guest" */
#define VMX_MISC_CR3_TARGETS_SHIFT 16u             /* bits 24:16 */
#define VMX_MISC_CR3_TARGETS_MASK (0x1ffull << VMX_MISC_CR3_TARGETS_SHIFT)
#define VMX_MISC_MSR_LIST_SHIFT 25u                /* bits 27:25: N, lists of 512 * (N + 1) */
#define VMX_MISC_MSR_LIST_MASK (7ull << VMX_MISC_MSR_LIST_SHIFT)
#define VMX_MISC_MSR_LIST_UNIT 512u

/*
 * The VMX-preemption timer counts down by 1 each time bit X of the TSC
 * changes, X = bits 4:0: one tick is 2^X TSC cycles.
 */
unsigned vmx_misc_preemption_shift(uint64_t misc);
/* The timer value for at least tsc_cycles (rounded up), capped at UINT32_MAX. */
uint32_t vmx_preemption_ticks(uint64_t misc, uint64_t tsc_cycles);
/* The number of CR3-target values the CPU supports. */
unsigned vmx_misc_cr3_targets(uint64_t misc);
/* The recommended most entries in one VM-exit / VM-entry MSR list. */
unsigned vmx_misc_max_msr_list(uint64_t misc);

#endif
