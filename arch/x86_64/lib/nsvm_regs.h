/* SPDX-License-Identifier: MIT */
/*
 * The architectural register bits nested SVM reads in L1's vmcb12: CR0,
 * CR3, CR4, EFER, DR6/DR7, IA32_PAT (APM Vol 2 3.1 "System-Control
 * Registers", 3.1.7 EFER, 13.2.1 DR6/DR7, 7.8.1 PAT). Names only; the
 * rules that use them are in nsvm_check.c. Pure.
 */
#ifndef X86_NSVM_REGS_H
#define X86_NSVM_REGS_H

#include <stdint.h>

/* CR0 (APM Vol 2 3.1.1); bits 63:32 are reserved, MBZ. */
#define NSVM_CR0_PE (1ull << 0)
#define NSVM_CR0_NW (1ull << 29)
#define NSVM_CR0_CD (1ull << 30)
#define NSVM_CR0_PG (1ull << 31)
#define NSVM_CR0_HIGH_MBZ 0xffffffff00000000ull

/* CR4 (APM Vol 2 3.1.3): which bits exist is the CPU's; the check takes a mask. */
#define NSVM_CR4_PAE (1ull << 5)

/*
 * CR3 (APM Vol 2 3.1.2). In long mode the table base reaches bit 51 and
 * bits 63:52 are MBZ; a base beyond the physical address width is refused
 * too (the check's width input). In legacy mode CR3 is a 32-bit register:
 * Anvil treats the VMCB's bits 63:32 as MBZ there (PAE: the PDPT base is
 * bits 31:5; non-PAE: the page-directory base is bits 31:12).
 */
#define NSVM_CR3_LEGACY_MBZ 0xffffffff00000000ull
#define NSVM_CR3_LONG_MAX_WIDTH 52u

/* EFER (APM Vol 2 3.1.7). */
#define NSVM_EFER_SCE (1ull << 0)
#define NSVM_EFER_LME (1ull << 8)
#define NSVM_EFER_LMA (1ull << 10)
#define NSVM_EFER_NXE (1ull << 11)
#define NSVM_EFER_SVME (1ull << 12)

/* DR6 / DR7 (APM Vol 2 13.1.1.5, 13.1.1.6): bits 63:32 MBZ. */
#define NSVM_DR_HIGH_MBZ 0xffffffff00000000ull
#define NSVM_DR7_RESET 0x400ull /* bit 10 reads as one; every breakpoint disabled */

/* RFLAGS (APM Vol 2 3.1.6). */
#define NSVM_RFLAGS_VM (1ull << 17)

/*
 * IA32_PAT (APM Vol 2 7.8.1): eight one-byte entries, each a memory type
 * in bits 2:0 (0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-; 2 and 3 reserved) with
 * bits 7:3 reserved. The power-on value: WB, WT, UC-, UC, twice.
 */
#define NSVM_PAT_ENTRIES 8u
#define NSVM_PAT_VALID_TYPES 0xf3u /* bit t set: type t is defined */
#define NSVM_PAT_DEFAULT 0x0007040600070406ull

/* Exception vectors the AMD64 architecture defines (APM Vol 2 8.2, Table 8-1). */
#define NSVM_VEC_NMI 2u
#define NSVM_VEC_BP 3u
#define NSVM_VEC_OF 4u
#define NSVM_VEC_BR 5u
#define NSVM_EXC_VECTOR_LAST 31u
/*
 * Bit n set: vector n is an exception on an AMD64 CPU: #DE #DB #BP #OF #BR
 * #UD #NM #DF #TS #NP #SS #GP #PF #MF #AC #MC #XF #CP #HV #VC #SX. Not 2
 * (NMI is an interrupt), 9 (reserved since the 486's coprocessor segment
 * overrun), 15, 20, 22-27, 31 (reserved).
 */
#define NSVM_EXC_VECTORS_AMD64 0x702f7dfbu

#endif
