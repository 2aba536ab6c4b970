/* SPDX-License-Identifier: MIT */
/*
 * A payload as a hypervisor (L1) on the SVM that Anvil emulates for it
 * (docs/nested-svm.md; the manifest asks for ANVIL_FEAT_NESTED_SVM). The
 * VMCB layout is written here from the APM (Vol 2 Appendix B), not taken
 * from the hypervisor's headers, so a wrong offset there shows.
 *
 * L2 runs in L1's address space (no nested paging of L1's): its code is a
 * function of the payload, on a stack of its own, with L1's CR3, GDT and
 * IDT unless the payload changes them in the VMCB.
 */
#ifndef GUEST_NSVM_H
#define GUEST_NSVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nsvm_seg {
	uint16_t sel;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* APM Vol 2 Table B-1 (control area) and B-2 (state save area, at 0x400). */
struct nsvm_vmcb {
	uint32_t intercept_cr;     /* 0x000: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;     /* 0x004 */
	uint32_t intercept_exc;    /* 0x008 */
	uint32_t intercept_misc1;  /* 0x00c */
	uint32_t intercept_misc2;  /* 0x010 */
	uint32_t intercept_misc3;  /* 0x014 */
	uint8_t rsvd0[0x3c - 0x18];
	uint16_t pause_thresh;     /* 0x03c */
	uint16_t pause_count;      /* 0x03e */
	uint64_t iopm_base;        /* 0x040 */
	uint64_t msrpm_base;       /* 0x048 */
	uint64_t tsc_offset;       /* 0x050 */
	uint32_t asid;             /* 0x058 */
	uint8_t tlb_control;       /* 0x05c */
	uint8_t rsvd1[3];
	uint32_t int_ctl;          /* 0x060 */
	uint32_t int_vector;       /* 0x064 */
	uint64_t int_state;        /* 0x068 */
	uint64_t exit_code;        /* 0x070 */
	uint64_t exit_info1;       /* 0x078 */
	uint64_t exit_info2;       /* 0x080 */
	uint64_t exit_int_info;    /* 0x088 */
	uint64_t nested_ctl;       /* 0x090 */
	uint64_t avic_bar;         /* 0x098 */
	uint64_t ghcb;             /* 0x0a0 */
	uint64_t event_inj;        /* 0x0a8 */
	uint64_t n_cr3;            /* 0x0b0 */
	uint64_t lbr_ctl;          /* 0x0b8 */
	uint32_t clean;            /* 0x0c0 */
	uint32_t rsvd2;
	uint64_t next_rip;         /* 0x0c8 */
	uint8_t rsvd3[0x400 - 0xd0];
	struct nsvm_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 .. 0x49f */
	uint8_t rsvd4[0x4cb - 0x4a0];
	uint8_t cpl;               /* 0x4cb */
	uint32_t rsvd5;
	uint64_t efer;             /* 0x4d0 */
	uint8_t rsvd6[0x548 - 0x4d8];
	uint64_t cr4;              /* 0x548 */
	uint64_t cr3;              /* 0x550 */
	uint64_t cr0;              /* 0x558 */
	uint64_t dr7;              /* 0x560 */
	uint64_t dr6;              /* 0x568 */
	uint64_t rflags;           /* 0x570 */
	uint64_t rip;              /* 0x578 */
	uint8_t rsvd7[0x5d8 - 0x580];
	uint64_t rsp;              /* 0x5d8 */
	uint8_t rsvd8[0x5f8 - 0x5e0];
	uint64_t rax;              /* 0x5f8 */
	uint64_t star;             /* 0x600 */
	uint64_t lstar;            /* 0x608 */
	uint64_t cstar;            /* 0x610 */
	uint64_t sfmask;           /* 0x618 */
	uint64_t kernel_gs_base;   /* 0x620 */
	uint64_t sysenter_cs;      /* 0x628 */
	uint64_t sysenter_esp;     /* 0x630 */
	uint64_t sysenter_eip;     /* 0x638 */
	uint64_t cr2;              /* 0x640 */
	uint8_t rsvd9[0x668 - 0x648];
	uint64_t g_pat;            /* 0x668 */
	uint8_t rsvd10[0x1000 - 0x670];
} __attribute__((packed, aligned(4096)));

_Static_assert(offsetof(struct nsvm_vmcb, asid) == 0x58, "APM Table B-1");
_Static_assert(offsetof(struct nsvm_vmcb, exit_code) == 0x70, "APM Table B-1");
_Static_assert(offsetof(struct nsvm_vmcb, event_inj) == 0xa8, "APM Table B-1");
_Static_assert(offsetof(struct nsvm_vmcb, clean) == 0xc0, "APM Table B-1");
_Static_assert(offsetof(struct nsvm_vmcb, next_rip) == 0xc8, "APM Table B-1");
_Static_assert(offsetof(struct nsvm_vmcb, es) == 0x400, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, tr) == 0x490, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, cpl) == 0x4cb, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, efer) == 0x4d0, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, cr4) == 0x548, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, rip) == 0x578, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, rsp) == 0x5d8, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, rax) == 0x5f8, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, kernel_gs_base) == 0x620, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, cr2) == 0x640, "APM Table B-2");
_Static_assert(offsetof(struct nsvm_vmcb, g_pat) == 0x668, "APM Table B-2");
_Static_assert(sizeof(struct nsvm_vmcb) == 4096, "one page");

/* Intercept bits (APM Vol 2 Appendix B, vectors 3 and 4) and exit codes (Appendix C). */
#define NSVM_MISC1_CPUID (1u << 18)
#define NSVM_MISC1_HLT (1u << 24)
#define NSVM_MISC1_IOIO_PROT (1u << 27)
#define NSVM_MISC1_MSR_PROT (1u << 28)
#define NSVM_MISC2_VMRUN (1u << 0)
#define NSVM_MISC2_VMMCALL (1u << 1)
#define NSVM_EXIT_CPUID 0x72u
#define NSVM_EXIT_HLT 0x78u
#define NSVM_EXIT_IOIO 0x7bu
#define NSVM_EXIT_MSR 0x7cu
#define NSVM_EXIT_VMRUN 0x80u
#define NSVM_EXIT_VMMCALL 0x81u
#define NSVM_EXIT_INVALID (~0ull)
#define NSVM_EFER_SVME (1ull << 12)

/* L2's registers that the VMCB does not hold (RAX, RSP, RIP, RFLAGS are there). */
struct nsvm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* CPUID says SVM (Fn8000_0001 ECX[2]); *edx_features = Fn8000_000A EDX, *nasid = its EBX. */
bool nsvm_supported(uint32_t *edx_features, uint32_t *nasid);
/* EFER.SVME on and VM_HSAVE_PA at hsave (a page): false if either was refused. */
bool nsvm_enable(void *hsave);
/*
 * nsvm_supported() (with nested paging if need_npt) and nsvm_enable(hsave);
 * if either fails, every one of the n cases is reported SKIP with the
 * reason, and false.
 */
bool nsvm_start_or_skip(void *hsave, bool need_npt, const char *const *cases, unsigned n);
/*
 * vmcb for an L2 that starts at entry(arg) on stack_top, with L1's own
 * control registers, EFER, segments and descriptor tables, ASID 1,
 * intercepting VMRUN and VMMCALL only.
 */
void nsvm_vmcb_init(struct nsvm_vmcb *vmcb, void (*entry)(void), void *stack_top);
/* VMRUN vmcb with L2's other registers in *g (updated from L2 after the exit); returns the exit code. */
uint64_t nsvm_run(struct nsvm_vmcb *vmcb, struct nsvm_gprs *g);
/* The same with CLGI before and STGI after, as a hypervisor runs its guests. */
uint64_t nsvm_run_gif(struct nsvm_vmcb *vmcb, struct nsvm_gprs *g);
/* VMLOAD / VMSAVE with RAX = vmcb. */
void nsvm_vmload(struct nsvm_vmcb *vmcb);
void nsvm_vmsave(struct nsvm_vmcb *vmcb);
/* L2's VMMCALL (3 bytes): what L2 code calls to exit to L1 with RAX = nr. */
uint64_t nsvm_l2_vmmcall(uint64_t nr);

#endif
