/* SPDX-License-Identifier: MIT */
/*
 * The AMD SVM Virtual Machine Control Block (APM Vol 2, Appendix B), its
 * named bits, and clean-bit tracking by construction.
 *
 * Every field a hypervisor writes is listed once in VMCB_FIELDS(). That list
 * generates a setter vmcb_set_<name>() per field, which writes the field and
 * clears the field's clean bit (APM Vol 2 section 15.15), and the descriptor
 * table the clean-bit auditor walks. Code outside vmcb.h / vmcb.c reads the
 * VMCB directly (v->save.rip) but writes it only through the setters; then a
 * forgotten clean bit cannot be written, and the auditor proves it. Pure: no
 * privileged instructions.
 */
#ifndef X86_VMCB_H
#define X86_VMCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMCB_SIZE 4096u
#define VMCB_CONTROL_SIZE 0x400u

/* One segment register in the save area (APM Vol 2 Table B-2). */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib; /* descriptor bits 47:40 in 7:0, bits 55:52 in 11:8 */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct vmcb_seg) == 16, "APM Table B-2: 16-byte segment");
_Static_assert(offsetof(struct vmcb_seg, selector) == 0x0, "APM Table B-2");
_Static_assert(offsetof(struct vmcb_seg, attrib) == 0x2, "APM Table B-2");
_Static_assert(offsetof(struct vmcb_seg, limit) == 0x4, "APM Table B-2");
_Static_assert(offsetof(struct vmcb_seg, base) == 0x8, "APM Table B-2");

/*
 * vmcb_seg.attrib bits (descriptor bit 40 + n is attrib bit n for n < 8,
 * descriptor bit 52 + n is attrib bit 8 + n): the code-segment flags the
 * VMRUN long-mode check reads (APM Vol 2 section 15.5.1, Vol 2 4.8.1).
 */
#define VMCB_SEG_ATTR_L (1u << 9)   /* descriptor bit 53: 64-bit code segment */
#define VMCB_SEG_ATTR_DB (1u << 10) /* descriptor bit 54: default operand size 32 */

/* Control area, VMCB offsets 0x000-0x3ff (APM Vol 2 Table B-1). */
struct vmcb_control {
	uint32_t intercept_cr;     /* 15:0 read CRn, 31:16 write CRn */
	uint32_t intercept_dr;     /* 15:0 read DRn, 31:16 write DRn */
	uint32_t intercept_exc;    /* bit n: exception vector n */
	uint32_t intercept_misc1;  /* VMCB_MISC1_* */
	uint32_t intercept_misc2;  /* VMCB_MISC2_* */
	uint32_t intercept_misc3;  /* VMCB_MISC3_* */
	uint8_t reserved_0x18[0x3c - 0x18];
	uint16_t pause_filter_thresh;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa;     /* 12 KiB I/O permission map */
	uint64_t msrpm_base_pa;    /* 8 KiB MSR permission map */
	uint64_t tsc_offset;
	uint32_t asid;
	uint8_t tlb_control;       /* VMCB_TLB_* */
	uint8_t reserved_0x5d[3];
	uint32_t int_ctl;          /* bits 31:0 of the quadword at 0x60: VMCB_INT_CTL_* */
	uint8_t int_vector;        /* bits 39:32 of that quadword: V_INTR_VECTOR */
	uint8_t reserved_0x65[3];
	uint64_t int_state;        /* VMCB_INT_STATE_* */
	uint64_t exit_code;        /* VMEXIT_* */
	uint64_t exit_info1;
	uint64_t exit_info2;
	uint64_t exit_int_info;    /* EVENTINJ format */
	uint64_t nested_ctl;       /* VMCB_NESTED_CTL_* */
	uint64_t avic_apic_bar;
	uint64_t ghcb_pa;
	uint64_t event_inj;        /* VMCB_EVENTINJ_* */
	uint64_t n_cr3;
	uint64_t virt_ext;         /* VMCB_VIRT_EXT_* */
	uint32_t clean;            /* VMCB_CLEAN_BIT(enum vmcb_clean_group) */
	uint8_t reserved_0xc4[4];
	uint64_t next_rip;
	uint8_t insn_len;          /* bytes fetched for decode assist */
	uint8_t insn_bytes[15];
	uint64_t avic_backing_page;
	uint8_t reserved_0xe8[8];
	uint64_t avic_logical_table;
	uint64_t avic_physical_table;
	uint8_t reserved_0x100[8];
	uint64_t vmsa_pa;          /* SEV-ES save area */
	uint8_t reserved_0x110[0x3e0 - 0x110];
	uint8_t reserved_sw[0x400 - 0x3e0]; /* for software; the CPU ignores it */
};

#define VMCB_CTRL_AT(f, off) \
	_Static_assert(offsetof(struct vmcb_control, f) == (off), "APM Vol 2 Table B-1: " #f)
VMCB_CTRL_AT(intercept_cr, 0x000);
VMCB_CTRL_AT(intercept_dr, 0x004);
VMCB_CTRL_AT(intercept_exc, 0x008);
VMCB_CTRL_AT(intercept_misc1, 0x00c);
VMCB_CTRL_AT(intercept_misc2, 0x010);
VMCB_CTRL_AT(intercept_misc3, 0x014);
VMCB_CTRL_AT(reserved_0x18, 0x018);
VMCB_CTRL_AT(pause_filter_thresh, 0x03c);
VMCB_CTRL_AT(pause_filter_count, 0x03e);
VMCB_CTRL_AT(iopm_base_pa, 0x040);
VMCB_CTRL_AT(msrpm_base_pa, 0x048);
VMCB_CTRL_AT(tsc_offset, 0x050);
VMCB_CTRL_AT(asid, 0x058);
VMCB_CTRL_AT(tlb_control, 0x05c);
VMCB_CTRL_AT(reserved_0x5d, 0x05d);
VMCB_CTRL_AT(int_ctl, 0x060);
VMCB_CTRL_AT(int_vector, 0x064);
VMCB_CTRL_AT(reserved_0x65, 0x065);
VMCB_CTRL_AT(int_state, 0x068);
VMCB_CTRL_AT(exit_code, 0x070);
VMCB_CTRL_AT(exit_info1, 0x078);
VMCB_CTRL_AT(exit_info2, 0x080);
VMCB_CTRL_AT(exit_int_info, 0x088);
VMCB_CTRL_AT(nested_ctl, 0x090);
VMCB_CTRL_AT(avic_apic_bar, 0x098);
VMCB_CTRL_AT(ghcb_pa, 0x0a0);
VMCB_CTRL_AT(event_inj, 0x0a8);
VMCB_CTRL_AT(n_cr3, 0x0b0);
VMCB_CTRL_AT(virt_ext, 0x0b8);
VMCB_CTRL_AT(clean, 0x0c0);
VMCB_CTRL_AT(reserved_0xc4, 0x0c4);
VMCB_CTRL_AT(next_rip, 0x0c8);
VMCB_CTRL_AT(insn_len, 0x0d0);
VMCB_CTRL_AT(insn_bytes, 0x0d1);
VMCB_CTRL_AT(avic_backing_page, 0x0e0);
VMCB_CTRL_AT(reserved_0xe8, 0x0e8);
VMCB_CTRL_AT(avic_logical_table, 0x0f0);
VMCB_CTRL_AT(avic_physical_table, 0x0f8);
VMCB_CTRL_AT(reserved_0x100, 0x100);
VMCB_CTRL_AT(vmsa_pa, 0x108);
VMCB_CTRL_AT(reserved_0x110, 0x110);
VMCB_CTRL_AT(reserved_sw, 0x3e0);
_Static_assert(sizeof(struct vmcb_control) == VMCB_CONTROL_SIZE, "APM Table B-1: 1 KiB");

/*
 * State save area, VMCB offsets 0x400 on; offsets below are relative to it
 * (APM Vol 2 Table B-2, the non-SEV-ES layout). FS, GS, LDTR, TR, KernelGSBase,
 * STAR/LSTAR/CSTAR/SFMASK and SYSENTER_* are what VMLOAD/VMSAVE move.
 */
struct vmcb_save {
	struct vmcb_seg es;
	struct vmcb_seg cs;
	struct vmcb_seg ss;
	struct vmcb_seg ds;
	struct vmcb_seg fs;
	struct vmcb_seg gs;
	struct vmcb_seg gdtr;  /* only limit and base are used */
	struct vmcb_seg ldtr;
	struct vmcb_seg idtr;  /* only limit and base are used */
	struct vmcb_seg tr;
	uint8_t reserved_0xa0[0xcb - 0xa0]; /* 0xca is VMPL under SEV-SNP */
	uint8_t cpl;
	uint8_t reserved_0xcc[4];
	uint64_t efer;
	uint8_t reserved_0xd8[0x148 - 0xd8];
	uint64_t cr4;
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip;
	uint8_t reserved_0x180[0x1d8 - 0x180];
	uint64_t rsp;
	uint64_t s_cet;
	uint64_t ssp;
	uint64_t isst_addr;
	uint64_t rax;
	uint64_t star;
	uint64_t lstar;
	uint64_t cstar;
	uint64_t sfmask;
	uint64_t kernel_gs_base;
	uint64_t sysenter_cs;
	uint64_t sysenter_esp;
	uint64_t sysenter_eip;
	uint64_t cr2;
	uint8_t reserved_0x248[0x268 - 0x248];
	uint64_t g_pat;
	uint64_t dbgctl;
	uint64_t br_from;
	uint64_t br_to;
	uint64_t last_excp_from;
	uint64_t last_excp_to;
	uint8_t reserved_0x298[0x2e0 - 0x298];
	uint64_t spec_ctrl;    /* guest IA32_SPEC_CTRL, when the CPU virtualizes it */
};

#define VMCB_SAVE_AT(f, off) \
	_Static_assert(offsetof(struct vmcb_save, f) == (off), "APM Vol 2 Table B-2: " #f)
VMCB_SAVE_AT(es, 0x000);
VMCB_SAVE_AT(cs, 0x010);
VMCB_SAVE_AT(ss, 0x020);
VMCB_SAVE_AT(ds, 0x030);
VMCB_SAVE_AT(fs, 0x040);
VMCB_SAVE_AT(gs, 0x050);
VMCB_SAVE_AT(gdtr, 0x060);
VMCB_SAVE_AT(ldtr, 0x070);
VMCB_SAVE_AT(idtr, 0x080);
VMCB_SAVE_AT(tr, 0x090);
VMCB_SAVE_AT(reserved_0xa0, 0x0a0);
VMCB_SAVE_AT(cpl, 0x0cb);
VMCB_SAVE_AT(reserved_0xcc, 0x0cc);
VMCB_SAVE_AT(efer, 0x0d0);
VMCB_SAVE_AT(reserved_0xd8, 0x0d8);
VMCB_SAVE_AT(cr4, 0x148);
VMCB_SAVE_AT(cr3, 0x150);
VMCB_SAVE_AT(cr0, 0x158);
VMCB_SAVE_AT(dr7, 0x160);
VMCB_SAVE_AT(dr6, 0x168);
VMCB_SAVE_AT(rflags, 0x170);
VMCB_SAVE_AT(rip, 0x178);
VMCB_SAVE_AT(reserved_0x180, 0x180);
VMCB_SAVE_AT(rsp, 0x1d8);
VMCB_SAVE_AT(s_cet, 0x1e0);
VMCB_SAVE_AT(ssp, 0x1e8);
VMCB_SAVE_AT(isst_addr, 0x1f0);
VMCB_SAVE_AT(rax, 0x1f8);
VMCB_SAVE_AT(star, 0x200);
VMCB_SAVE_AT(lstar, 0x208);
VMCB_SAVE_AT(cstar, 0x210);
VMCB_SAVE_AT(sfmask, 0x218);
VMCB_SAVE_AT(kernel_gs_base, 0x220);
VMCB_SAVE_AT(sysenter_cs, 0x228);
VMCB_SAVE_AT(sysenter_esp, 0x230);
VMCB_SAVE_AT(sysenter_eip, 0x238);
VMCB_SAVE_AT(cr2, 0x240);
VMCB_SAVE_AT(reserved_0x248, 0x248);
VMCB_SAVE_AT(g_pat, 0x268);
VMCB_SAVE_AT(dbgctl, 0x270);
VMCB_SAVE_AT(br_from, 0x278);
VMCB_SAVE_AT(br_to, 0x280);
VMCB_SAVE_AT(last_excp_from, 0x288);
VMCB_SAVE_AT(last_excp_to, 0x290);
VMCB_SAVE_AT(reserved_0x298, 0x298);
VMCB_SAVE_AT(spec_ctrl, 0x2e0);
_Static_assert(sizeof(struct vmcb_save) == 0x2e8, "APM Table B-2: end of the named fields");

/* The whole 4 KiB page VMRUN takes in RAX (4 KiB aligned). */
struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	uint8_t reserved_tail[VMCB_SIZE - VMCB_CONTROL_SIZE - sizeof(struct vmcb_save)];
};
_Static_assert(offsetof(struct vmcb, control) == 0x000, "APM Vol 2 Appendix B");
_Static_assert(offsetof(struct vmcb, save) == VMCB_CONTROL_SIZE, "APM Table B-2 starts at 0x400");
_Static_assert(sizeof(struct vmcb) == VMCB_SIZE, "APM Vol 2 Appendix B: one 4 KiB page");

/* ---- Intercept words (APM Vol 2 Table B-1) ---- */

#define VMCB_CR_READ(n) (1u << (n))          /* intercept_cr */
#define VMCB_CR_WRITE(n) (1u << (16 + (n)))
#define VMCB_DR_READ(n) (1u << (n))          /* intercept_dr */
#define VMCB_DR_WRITE(n) (1u << (16 + (n)))
#define VMCB_EXC(vector) (1u << (vector))    /* intercept_exc */

/* intercept_misc1, offset 0x0c */
#define VMCB_MISC1_INTR (1u << 0)
#define VMCB_MISC1_NMI (1u << 1)
#define VMCB_MISC1_SMI (1u << 2)
#define VMCB_MISC1_INIT (1u << 3)
#define VMCB_MISC1_VINTR (1u << 4)
#define VMCB_MISC1_CR0_SEL_WRITE (1u << 5)   /* CR0 writes other than TS/MP */
#define VMCB_MISC1_IDTR_READ (1u << 6)
#define VMCB_MISC1_GDTR_READ (1u << 7)
#define VMCB_MISC1_LDTR_READ (1u << 8)
#define VMCB_MISC1_TR_READ (1u << 9)
#define VMCB_MISC1_IDTR_WRITE (1u << 10)
#define VMCB_MISC1_GDTR_WRITE (1u << 11)
#define VMCB_MISC1_LDTR_WRITE (1u << 12)
#define VMCB_MISC1_TR_WRITE (1u << 13)
#define VMCB_MISC1_RDTSC (1u << 14)
#define VMCB_MISC1_RDPMC (1u << 15)
#define VMCB_MISC1_PUSHF (1u << 16)
#define VMCB_MISC1_POPF (1u << 17)
#define VMCB_MISC1_CPUID (1u << 18)
#define VMCB_MISC1_RSM (1u << 19)
#define VMCB_MISC1_IRET (1u << 20)
#define VMCB_MISC1_INTN (1u << 21)
#define VMCB_MISC1_INVD (1u << 22)
#define VMCB_MISC1_PAUSE (1u << 23)
#define VMCB_MISC1_HLT (1u << 24)
#define VMCB_MISC1_INVLPG (1u << 25)
#define VMCB_MISC1_INVLPGA (1u << 26)
#define VMCB_MISC1_IOIO_PROT (1u << 27)      /* consult the IOPM */
#define VMCB_MISC1_MSR_PROT (1u << 28)       /* consult the MSRPM */
#define VMCB_MISC1_TASK_SWITCH (1u << 29)
#define VMCB_MISC1_FERR_FREEZE (1u << 30)
#define VMCB_MISC1_SHUTDOWN (1u << 31)

/* intercept_misc2, offset 0x10 */
#define VMCB_MISC2_VMRUN (1u << 0)           /* must be set or VMRUN fails */
#define VMCB_MISC2_VMMCALL (1u << 1)
#define VMCB_MISC2_VMLOAD (1u << 2)
#define VMCB_MISC2_VMSAVE (1u << 3)
#define VMCB_MISC2_STGI (1u << 4)
#define VMCB_MISC2_CLGI (1u << 5)
#define VMCB_MISC2_SKINIT (1u << 6)
#define VMCB_MISC2_RDTSCP (1u << 7)
#define VMCB_MISC2_ICEBP (1u << 8)
#define VMCB_MISC2_WBINVD (1u << 9)
#define VMCB_MISC2_MONITOR (1u << 10)
#define VMCB_MISC2_MWAIT (1u << 11)          /* unconditionally */
#define VMCB_MISC2_MWAIT_COND (1u << 12)     /* only if the monitor is armed */
#define VMCB_MISC2_XSETBV (1u << 13)
#define VMCB_MISC2_RDPRU (1u << 14)
#define VMCB_MISC2_EFER_WRITE_TRAP (1u << 15)

/* intercept_misc3, offset 0x14 */
#define VMCB_MISC3_INVLPGB (1u << 0)
#define VMCB_MISC3_INVLPGB_ILLEGAL (1u << 1)
#define VMCB_MISC3_INVPCID (1u << 2)
#define VMCB_MISC3_MCOMMIT (1u << 3)
#define VMCB_MISC3_TLBSYNC (1u << 4)

/* ---- Other control fields ---- */

/* tlb_control, offset 0x5c */
#define VMCB_TLB_NOTHING 0x0u
#define VMCB_TLB_FLUSH_ALL 0x1u              /* every ASID; needs no FlushByAsid */
#define VMCB_TLB_FLUSH_ASID 0x3u             /* this guest's ASID */
#define VMCB_TLB_FLUSH_ASID_NONGLOBAL 0x7u   /* this ASID, non-global entries */

/* int_ctl, offset 0x60 bits 31:0 */
#define VMCB_INT_CTL_V_TPR_MASK 0xffu
#define VMCB_INT_CTL_V_IRQ (1u << 8)
#define VMCB_INT_CTL_VGIF (1u << 9)
#define VMCB_INT_CTL_V_INTR_PRIO_SHIFT 16
#define VMCB_INT_CTL_V_INTR_PRIO_MASK (0xfu << VMCB_INT_CTL_V_INTR_PRIO_SHIFT)
#define VMCB_INT_CTL_V_IGN_TPR (1u << 20)
#define VMCB_INT_CTL_V_INTR_MASKING (1u << 24)
#define VMCB_INT_CTL_VGIF_ENABLE (1u << 25)
#define VMCB_INT_CTL_AVIC_ENABLE (1u << 31)

/* int_state, offset 0x68 */
#define VMCB_INT_STATE_SHADOW (1ull << 0)     /* guest is in an STI/MOV SS shadow */
#define VMCB_INT_STATE_GUEST_IF (1ull << 1)   /* guest RFLAGS.IF (read-only) */

/* nested_ctl, offset 0x90 */
#define VMCB_NESTED_CTL_NP_ENABLE (1ull << 0)
#define VMCB_NESTED_CTL_SEV_ENABLE (1ull << 1)
#define VMCB_NESTED_CTL_SEV_ES_ENABLE (1ull << 2)

/* virt_ext, offset 0xb8 */
#define VMCB_VIRT_EXT_LBR (1ull << 0)          /* LBR virtualization */
#define VMCB_VIRT_EXT_VMLOAD_VMSAVE (1ull << 1) /* virtualized VMLOAD/VMSAVE */

/* event_inj (0xa8) and exit_int_info (0x88) share this format (APM 15.20). */
#define VMCB_EVENTINJ_VECTOR_MASK 0xffull
#define VMCB_EVENTINJ_TYPE_SHIFT 8
#define VMCB_EVENTINJ_TYPE_MASK (0x7ull << VMCB_EVENTINJ_TYPE_SHIFT)
#define VMCB_EVENTINJ_TYPE_INTR (0ull << VMCB_EVENTINJ_TYPE_SHIFT)
#define VMCB_EVENTINJ_TYPE_NMI (2ull << VMCB_EVENTINJ_TYPE_SHIFT)
#define VMCB_EVENTINJ_TYPE_EXCP (3ull << VMCB_EVENTINJ_TYPE_SHIFT)
#define VMCB_EVENTINJ_TYPE_SOFT (4ull << VMCB_EVENTINJ_TYPE_SHIFT)
#define VMCB_EVENTINJ_EV (1ull << 11)           /* push the error code */
#define VMCB_EVENTINJ_V (1ull << 31)            /* valid */
#define VMCB_EVENTINJ_ERRCODE_SHIFT 32

/* exit_info1 of VMEXIT_IOIO (APM 15.10.2) */
#define VMCB_IOIO_TYPE_IN (1ull << 0)           /* 1 = IN, 0 = OUT */
#define VMCB_IOIO_STR (1ull << 2)
#define VMCB_IOIO_REP (1ull << 3)
#define VMCB_IOIO_SZ8 (1ull << 4)
#define VMCB_IOIO_SZ16 (1ull << 5)
#define VMCB_IOIO_SZ32 (1ull << 6)
#define VMCB_IOIO_A16 (1ull << 7)
#define VMCB_IOIO_A32 (1ull << 8)
#define VMCB_IOIO_A64 (1ull << 9)
#define VMCB_IOIO_SEG_SHIFT 10                   /* effective segment, 12:10 */
#define VMCB_IOIO_SEG_MASK (0x7ull << VMCB_IOIO_SEG_SHIFT)
#define VMCB_IOIO_PORT_SHIFT 16                  /* port number, 31:16 */
#define VMCB_IOIO_PORT_MASK (0xffffull << VMCB_IOIO_PORT_SHIFT)

/* exit_info1 of VMEXIT_NPF (APM 15.25.6); exit_info2 is the faulting GPA. */
#define VMCB_NPF_P (1ull << 0)                   /* the nested entry was present */
#define VMCB_NPF_RW (1ull << 1)                  /* write access */
#define VMCB_NPF_US (1ull << 2)                  /* always 1: nested walks are user */
#define VMCB_NPF_RSV (1ull << 3)                 /* reserved bit set */
#define VMCB_NPF_ID (1ull << 4)                  /* instruction fetch */
#define VMCB_NPF_GUEST_PAGE (1ull << 32)         /* final guest-physical address */
#define VMCB_NPF_GUEST_TABLE (1ull << 33)        /* during the guest's table walk */

/* ---- Exit codes (APM Vol 2 Appendix C) ---- */

#define VMEXIT_CR0_READ 0x000ull   /* + n for CRn, n = 0..15 */
#define VMEXIT_CR0_WRITE 0x010ull
#define VMEXIT_DR0_READ 0x020ull
#define VMEXIT_DR0_WRITE 0x030ull
#define VMEXIT_EXCP_BASE 0x040ull  /* + vector, 0..31 */
#define VMEXIT_EXCP_LAST 0x05full
#define VMEXIT_INTR 0x060ull
#define VMEXIT_NMI 0x061ull
#define VMEXIT_SMI 0x062ull
#define VMEXIT_INIT 0x063ull
#define VMEXIT_VINTR 0x064ull
#define VMEXIT_CR0_SEL_WRITE 0x065ull
#define VMEXIT_IDTR_READ 0x066ull
#define VMEXIT_GDTR_READ 0x067ull
#define VMEXIT_LDTR_READ 0x068ull
#define VMEXIT_TR_READ 0x069ull
#define VMEXIT_IDTR_WRITE 0x06aull
#define VMEXIT_GDTR_WRITE 0x06bull
#define VMEXIT_LDTR_WRITE 0x06cull
#define VMEXIT_TR_WRITE 0x06dull
#define VMEXIT_RDTSC 0x06eull
#define VMEXIT_RDPMC 0x06full
#define VMEXIT_PUSHF 0x070ull
#define VMEXIT_POPF 0x071ull
#define VMEXIT_CPUID 0x072ull
#define VMEXIT_RSM 0x073ull
#define VMEXIT_IRET 0x074ull
#define VMEXIT_SWINT 0x075ull
#define VMEXIT_INVD 0x076ull
#define VMEXIT_PAUSE 0x077ull
#define VMEXIT_HLT 0x078ull
#define VMEXIT_INVLPG 0x079ull
#define VMEXIT_INVLPGA 0x07aull
#define VMEXIT_IOIO 0x07bull
#define VMEXIT_MSR 0x07cull        /* exit_info1: 0 = RDMSR, 1 = WRMSR */
#define VMEXIT_TASK_SWITCH 0x07dull
#define VMEXIT_FERR_FREEZE 0x07eull
#define VMEXIT_SHUTDOWN 0x07full
#define VMEXIT_VMRUN 0x080ull
#define VMEXIT_VMMCALL 0x081ull
#define VMEXIT_VMLOAD 0x082ull
#define VMEXIT_VMSAVE 0x083ull
#define VMEXIT_STGI 0x084ull
#define VMEXIT_CLGI 0x085ull
#define VMEXIT_SKINIT 0x086ull
#define VMEXIT_RDTSCP 0x087ull
#define VMEXIT_ICEBP 0x088ull
#define VMEXIT_WBINVD 0x089ull
#define VMEXIT_MONITOR 0x08aull
#define VMEXIT_MWAIT 0x08bull
#define VMEXIT_MWAIT_COND 0x08cull
#define VMEXIT_XSETBV 0x08dull
#define VMEXIT_RDPRU 0x08eull
#define VMEXIT_EFER_WRITE_TRAP 0x08full
#define VMEXIT_CR0_WRITE_TRAP 0x090ull /* + n for CRn */
#define VMEXIT_INVLPGB 0x0a0ull
#define VMEXIT_INVLPGB_ILLEGAL 0x0a1ull
#define VMEXIT_INVPCID 0x0a2ull
#define VMEXIT_MCOMMIT 0x0a3ull
#define VMEXIT_TLBSYNC 0x0a4ull
#define VMEXIT_NPF 0x400ull
#define VMEXIT_AVIC_INCOMPLETE_IPI 0x401ull
#define VMEXIT_AVIC_NOACCEL 0x402ull
#define VMEXIT_VMGEXIT 0x403ull
#define VMEXIT_INVALID (~0ull)     /* -1: VMRUN found an illegal guest state */

#define VMCB_EXIT_NAME_MAX 26u      /* "VMEXIT_0x" + 16 hex digits + NUL */

/*
 * "VMEXIT_NPF", "VMEXIT_EXCP14", "VMEXIT_CR3_WRITE", ...; NULL for a code
 * without a name. vmcb_exit_name() never returns NULL: it falls back to
 * "VMEXIT_UNKNOWN". vmcb_exit_name_buf() formats "VMEXIT_0x<hex>" into buf
 * (at least VMCB_EXIT_NAME_MAX bytes) for a code without a name and returns buf.
 */
const char *vmcb_exit_name_lookup(uint64_t code);
const char *vmcb_exit_name(uint64_t code);
const char *vmcb_exit_name_buf(uint64_t code, char *buf, size_t len);

/* ---- Clean bits (APM Vol 2 section 15.15) ---- */

enum vmcb_clean_group {
	VMCB_CLEAN_INTERCEPTS = 0, /* intercept words, TSC offset, pause filter */
	VMCB_CLEAN_PERM_MAP = 1,   /* IOPM and MSRPM base */
	VMCB_CLEAN_ASID = 2,
	VMCB_CLEAN_INTR = 3,       /* int_ctl, int_vector */
	VMCB_CLEAN_NPT = 4,        /* nested_ctl, nCR3, gPAT */
	VMCB_CLEAN_CR = 5,         /* CR0, CR3, CR4, EFER */
	VMCB_CLEAN_DR = 6,         /* DR6, DR7 */
	VMCB_CLEAN_DT = 7,         /* GDTR, IDTR */
	VMCB_CLEAN_SEG = 8,        /* CS, DS, SS, ES, CPL */
	VMCB_CLEAN_CR2 = 9,
	VMCB_CLEAN_LBR = 10,       /* DBGCTL and the LBR MSRs */
	VMCB_CLEAN_AVIC = 11,      /* APIC BAR, backing page, ID tables */
	VMCB_CLEAN_CET = 12,       /* S_CET, SSP, ISST_ADDR */
	VMCB_CLEAN_GROUP_COUNT = 13,
	VMCB_CLEAN_NONE = -1,      /* the CPU reads the field on every VMRUN */
};

#define VMCB_CLEAN_BIT(g) (1u << (g))
#define VMCB_CLEAN_ALL 0x1fffu /* every defined group */
_Static_assert(VMCB_CLEAN_ALL == VMCB_CLEAN_BIT(VMCB_CLEAN_GROUP_COUNT) - 1u,
	       "VMCB_CLEAN_ALL covers every group");

/* "INTERCEPTS", "PERM_MAP", ...; "NONE" for VMCB_CLEAN_NONE, NULL if out of range. */
const char *vmcb_clean_group_name(int g);

/*
 * Every field a hypervisor writes: X(name, member, type, group).
 * insn_len / insn_bytes (CPU-written decode assist) and clean (through
 * vmcb_mark_*) are deliberately missing; reserved bytes too.
 */
#define VMCB_FIELDS(X) \
	X(intercept_cr, control.intercept_cr, uint32_t, VMCB_CLEAN_INTERCEPTS) \
	X(intercept_dr, control.intercept_dr, uint32_t, VMCB_CLEAN_INTERCEPTS) \
	X(intercept_exc, control.intercept_exc, uint32_t, VMCB_CLEAN_INTERCEPTS) \
	X(intercept_misc1, control.intercept_misc1, uint32_t, VMCB_CLEAN_INTERCEPTS) \
	X(intercept_misc2, control.intercept_misc2, uint32_t, VMCB_CLEAN_INTERCEPTS) \
	X(intercept_misc3, control.intercept_misc3, uint32_t, VMCB_CLEAN_INTERCEPTS) \
	X(pause_filter_thresh, control.pause_filter_thresh, uint16_t, VMCB_CLEAN_INTERCEPTS) \
	X(pause_filter_count, control.pause_filter_count, uint16_t, VMCB_CLEAN_INTERCEPTS) \
	X(iopm_base_pa, control.iopm_base_pa, uint64_t, VMCB_CLEAN_PERM_MAP) \
	X(msrpm_base_pa, control.msrpm_base_pa, uint64_t, VMCB_CLEAN_PERM_MAP) \
	X(tsc_offset, control.tsc_offset, uint64_t, VMCB_CLEAN_INTERCEPTS) \
	X(asid, control.asid, uint32_t, VMCB_CLEAN_ASID) \
	X(tlb_control, control.tlb_control, uint8_t, VMCB_CLEAN_NONE) \
	X(int_ctl, control.int_ctl, uint32_t, VMCB_CLEAN_INTR) \
	X(int_vector, control.int_vector, uint8_t, VMCB_CLEAN_INTR) \
	X(int_state, control.int_state, uint64_t, VMCB_CLEAN_NONE) \
	X(exit_code, control.exit_code, uint64_t, VMCB_CLEAN_NONE) \
	X(exit_info1, control.exit_info1, uint64_t, VMCB_CLEAN_NONE) \
	X(exit_info2, control.exit_info2, uint64_t, VMCB_CLEAN_NONE) \
	X(exit_int_info, control.exit_int_info, uint64_t, VMCB_CLEAN_NONE) \
	X(nested_ctl, control.nested_ctl, uint64_t, VMCB_CLEAN_NPT) \
	X(avic_apic_bar, control.avic_apic_bar, uint64_t, VMCB_CLEAN_AVIC) \
	X(ghcb_pa, control.ghcb_pa, uint64_t, VMCB_CLEAN_NONE) \
	X(event_inj, control.event_inj, uint64_t, VMCB_CLEAN_NONE) \
	X(n_cr3, control.n_cr3, uint64_t, VMCB_CLEAN_NPT) \
	X(virt_ext, control.virt_ext, uint64_t, VMCB_CLEAN_NONE) \
	X(next_rip, control.next_rip, uint64_t, VMCB_CLEAN_NONE) \
	X(avic_backing_page, control.avic_backing_page, uint64_t, VMCB_CLEAN_AVIC) \
	X(avic_logical_table, control.avic_logical_table, uint64_t, VMCB_CLEAN_AVIC) \
	X(avic_physical_table, control.avic_physical_table, uint64_t, VMCB_CLEAN_AVIC) \
	X(vmsa_pa, control.vmsa_pa, uint64_t, VMCB_CLEAN_NONE) \
	X(es, save.es, struct vmcb_seg, VMCB_CLEAN_SEG) \
	X(cs, save.cs, struct vmcb_seg, VMCB_CLEAN_SEG) \
	X(ss, save.ss, struct vmcb_seg, VMCB_CLEAN_SEG) \
	X(ds, save.ds, struct vmcb_seg, VMCB_CLEAN_SEG) \
	X(fs, save.fs, struct vmcb_seg, VMCB_CLEAN_NONE) \
	X(gs, save.gs, struct vmcb_seg, VMCB_CLEAN_NONE) \
	X(gdtr, save.gdtr, struct vmcb_seg, VMCB_CLEAN_DT) \
	X(ldtr, save.ldtr, struct vmcb_seg, VMCB_CLEAN_NONE) \
	X(idtr, save.idtr, struct vmcb_seg, VMCB_CLEAN_DT) \
	X(tr, save.tr, struct vmcb_seg, VMCB_CLEAN_NONE) \
	X(cpl, save.cpl, uint8_t, VMCB_CLEAN_SEG) \
	X(efer, save.efer, uint64_t, VMCB_CLEAN_CR) \
	X(cr4, save.cr4, uint64_t, VMCB_CLEAN_CR) \
	X(cr3, save.cr3, uint64_t, VMCB_CLEAN_CR) \
	X(cr0, save.cr0, uint64_t, VMCB_CLEAN_CR) \
	X(dr7, save.dr7, uint64_t, VMCB_CLEAN_DR) \
	X(dr6, save.dr6, uint64_t, VMCB_CLEAN_DR) \
	X(rflags, save.rflags, uint64_t, VMCB_CLEAN_NONE) \
	X(rip, save.rip, uint64_t, VMCB_CLEAN_NONE) \
	X(rsp, save.rsp, uint64_t, VMCB_CLEAN_NONE) \
	X(s_cet, save.s_cet, uint64_t, VMCB_CLEAN_CET) \
	X(ssp, save.ssp, uint64_t, VMCB_CLEAN_CET) \
	X(isst_addr, save.isst_addr, uint64_t, VMCB_CLEAN_CET) \
	X(rax, save.rax, uint64_t, VMCB_CLEAN_NONE) \
	X(star, save.star, uint64_t, VMCB_CLEAN_NONE) \
	X(lstar, save.lstar, uint64_t, VMCB_CLEAN_NONE) \
	X(cstar, save.cstar, uint64_t, VMCB_CLEAN_NONE) \
	X(sfmask, save.sfmask, uint64_t, VMCB_CLEAN_NONE) \
	X(kernel_gs_base, save.kernel_gs_base, uint64_t, VMCB_CLEAN_NONE) \
	X(sysenter_cs, save.sysenter_cs, uint64_t, VMCB_CLEAN_NONE) \
	X(sysenter_esp, save.sysenter_esp, uint64_t, VMCB_CLEAN_NONE) \
	X(sysenter_eip, save.sysenter_eip, uint64_t, VMCB_CLEAN_NONE) \
	X(cr2, save.cr2, uint64_t, VMCB_CLEAN_CR2) \
	X(g_pat, save.g_pat, uint64_t, VMCB_CLEAN_NPT) \
	X(dbgctl, save.dbgctl, uint64_t, VMCB_CLEAN_LBR) \
	X(br_from, save.br_from, uint64_t, VMCB_CLEAN_LBR) \
	X(br_to, save.br_to, uint64_t, VMCB_CLEAN_LBR) \
	X(last_excp_from, save.last_excp_from, uint64_t, VMCB_CLEAN_LBR) \
	X(last_excp_to, save.last_excp_to, uint64_t, VMCB_CLEAN_LBR) \
	X(spec_ctrl, save.spec_ctrl, uint64_t, VMCB_CLEAN_NONE)

/* Clear group g's clean bit; VMCB_CLEAN_NONE leaves clean alone. */
static inline void vmcb_mark_dirty(struct vmcb *v, int g)
{
	if (g >= 0 && g < VMCB_CLEAN_GROUP_COUNT)
		v->control.clean &= ~VMCB_CLEAN_BIT(g);
}

#define VMCB_SETTER(name, member, type, group) \
	static inline void vmcb_set_##name(struct vmcb *v, type val) \
	{ \
		v->member = val; \
		vmcb_mark_dirty(v, group); \
	}
VMCB_FIELDS(VMCB_SETTER)
#undef VMCB_SETTER

/*
 * vmcb_update_<name>(v, value): the setter, but only for a value that differs
 * from the field's current bytes; true if it wrote. An unchanged value leaves
 * the group's bit as it was, which is still correct by construction: a set
 * bit then promises "unchanged since the CPU last saw it", and the field is
 * unchanged. For code that rebuilds a whole VMCB from other state (nested
 * SVM's vmcb02, nsvm_merge.c) and wants untouched groups to stay cached.
 */
#define VMCB_UPDATER(name, member, type, group) \
	static inline bool vmcb_update_##name(struct vmcb *v, type val) \
	{ \
		if (__builtin_memcmp(&v->member, &val, sizeof(val)) == 0) \
			return false; \
		vmcb_set_##name(v, val); \
		return true; \
	}
VMCB_FIELDS(VMCB_UPDATER)
#undef VMCB_UPDATER

/* First VMRUN of a VMCB, or the first on another CPU: the CPU caches nothing. */
static inline void vmcb_mark_all_dirty(struct vmcb *v)
{
	v->control.clean = 0;
}

/*
 * Right after a #VMEXIT: every group is clean except INTR and CR2, which the
 * hypervisor changes so often that KVM always leaves them dirty.
 */
#define VMCB_CLEAN_AFTER_EXIT (VMCB_CLEAN_ALL & ~(VMCB_CLEAN_BIT(VMCB_CLEAN_INTR) | VMCB_CLEAN_BIT(VMCB_CLEAN_CR2)))
static inline void vmcb_mark_clean_after_exit(struct vmcb *v)
{
	v->control.clean = VMCB_CLEAN_AFTER_EXIT;
}

/* ---- Field descriptors and the clean-bit auditor ---- */

struct vmcb_field {
	const char *name;  /* the X-macro name, also the setter's suffix */
	uint16_t offset;   /* from the start of struct vmcb */
	uint16_t size;
	int8_t group;      /* enum vmcb_clean_group */
};

extern const struct vmcb_field vmcb_field_table[];
extern const unsigned vmcb_field_count;

/* The descriptor of a field by name, or NULL. */
const struct vmcb_field *vmcb_field_find(const char *name);
/* A field's group; VMCB_CLEAN_NONE for a group-less or unknown name. */
int vmcb_field_group_of(const char *name);

/*
 * One field written behind the tracking's back. before/after: the field's
 * value zero-extended for fields up to 8 bytes; for a segment (16 bytes) the
 * first differing 8-byte half: bytes 0-7 (selector | attrib << 16 |
 * limit << 32) or bytes 8-15 (base).
 */
struct vmcb_audit_finding {
	const char *field;
	const char *group;
	uint64_t before, after;
};

/*
 * The bytes one clean-bit group's fields occupy: ranges in ascending offset
 * order, fields of the group that touch merged into one range, no byte of
 * another group or of no field included. Derived from VMCB_FIELDS() on first
 * use, so the group of a field is still written down only once.
 */
struct vmcb_audit_range {
	uint16_t offset; /* from the start of struct vmcb */
	uint16_t size;
};

/* Group g's ranges, *count of them; NULL and 0 for VMCB_CLEAN_NONE or out of range. */
const struct vmcb_audit_range *vmcb_audit_ranges(int g, unsigned *count);

/* Copy v's grouped fields (the CPU's cached state) right after #VMEXIT; other bytes of snap are left alone. */
void vmcb_audit_snapshot(struct vmcb *snap, const struct vmcb *v);
/*
 * Right before VMRUN: every field of a group still marked clean in
 * now->control.clean that differs from snap is a finding, in VMCB_FIELDS()
 * order. Fills up to max entries of out (out may be NULL when max is 0);
 * returns the total count. Without a finding only the groups' byte ranges
 * are compared, 8 bytes at a time; fields are looked at only in a group
 * whose bytes differ.
 */
unsigned vmcb_audit_check(const struct vmcb *snap, const struct vmcb *now,
			  struct vmcb_audit_finding *out, unsigned max);

#endif
