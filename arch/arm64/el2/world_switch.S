/* SPDX-License-Identifier: MIT */
/*
 * Entering an EL1 guest and coming back (nVHE). el2_enter(ctx) is called by
 * the kernel on SP_EL0 with IRQs masked: it saves the host's callee-saved
 * registers, SP and DAIF in ctx, points TPIDR_EL2 at ctx, moves to SP_EL2
 * (so SP_EL0 can become the guest's), loads the guest's registers and
 * ERETs. An exception from the guest comes through the "lower EL, AArch64"
 * vectors (vectors.S, which branch here): every guest register, the syndrome
 * registers and SP_EL0 go into ctx, the host's SP_EL0 and SPSel come back,
 * and el2_enter returns the vector kind (0 sync, 1 IRQ, 2 FIQ, 3 SError).
 */
#include "el2_ctx.h"

	.text
	.balign 16
	.globl el2_enter
	.type el2_enter, %function
el2_enter:
	stp	x19, x20, [x0, #EL2_CTX_HOST + 16 * 0]
	stp	x21, x22, [x0, #EL2_CTX_HOST + 16 * 1]
	stp	x23, x24, [x0, #EL2_CTX_HOST + 16 * 2]
	stp	x25, x26, [x0, #EL2_CTX_HOST + 16 * 3]
	stp	x27, x28, [x0, #EL2_CTX_HOST + 16 * 4]
	stp	x29, x30, [x0, #EL2_CTX_HOST + 16 * 5]
	mov	x9, sp
	mrs	x10, daif
	stp	x9, x10, [x0, #EL2_CTX_HOST_SP]
	msr	tpidr_el2, x0
	/* SP_EL0 cannot be written while it is the stack pointer. */
	msr	spsel, #1
	ldr	x9, [x0, #EL2_CTX_SP_EL0]
	msr	sp_el0, x9
	ldp	x9, x10, [x0, #EL2_CTX_PC]
	msr	elr_el2, x9
	msr	spsr_el2, x10
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0, #16 * 0]
	eret
	/* No speculation past the ERET (as after any ERET that changes EL). */
	dsb	nsh
	isb
	.size el2_enter, . - el2_enter

	/* The four lower-EL AArch64 vectors: keep x0/x1 on SP_EL2, x1 = the kind. */
	.macro guest_exit kind
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	el2_exit_common
	.endm

	.globl arm64_guest_exit_sync, arm64_guest_exit_irq, arm64_guest_exit_fiq, arm64_guest_exit_serror
arm64_guest_exit_sync:		guest_exit 0
arm64_guest_exit_irq:		guest_exit 1
arm64_guest_exit_fiq:		guest_exit 2
arm64_guest_exit_serror:	guest_exit 3

el2_exit_common:
	mrs	x0, tpidr_el2
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	stp	x18, x19, [x0, #16 * 9]
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	str	x30, [x0, #16 * 15]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #16 * 0]
	mrs	x2, sp_el0
	str	x2, [x0, #EL2_CTX_SP_EL0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #EL2_CTX_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #EL2_CTX_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #EL2_CTX_HPFAR]
	ldp	x9, x10, [x0, #EL2_CTX_HOST_SP]
	msr	sp_el0, x9
	msr	spsel, #0
	ldp	x19, x20, [x0, #EL2_CTX_HOST + 16 * 0]
	ldp	x21, x22, [x0, #EL2_CTX_HOST + 16 * 1]
	ldp	x23, x24, [x0, #EL2_CTX_HOST + 16 * 2]
	ldp	x25, x26, [x0, #EL2_CTX_HOST + 16 * 3]
	ldp	x27, x28, [x0, #EL2_CTX_HOST + 16 * 4]
	ldp	x29, x30, [x0, #EL2_CTX_HOST + 16 * 5]
	msr	daif, x10
	mov	x0, x1
	ret

	/*
	 * Zero the FP/SIMD registers, FPCR and FPSR: a payload starts with none
	 * of the previous one's values. The only FP code in the hypervisor.
	 */
	.globl el2_fp_zero
	.type el2_fp_zero, %function
el2_fp_zero:
	.arch_extension fp
	.arch_extension simd
	movi	v0.2d, #0
	movi	v1.2d, #0
	movi	v2.2d, #0
	movi	v3.2d, #0
	movi	v4.2d, #0
	movi	v5.2d, #0
	movi	v6.2d, #0
	movi	v7.2d, #0
	movi	v8.2d, #0
	movi	v9.2d, #0
	movi	v10.2d, #0
	movi	v11.2d, #0
	movi	v12.2d, #0
	movi	v13.2d, #0
	movi	v14.2d, #0
	movi	v15.2d, #0
	movi	v16.2d, #0
	movi	v17.2d, #0
	movi	v18.2d, #0
	movi	v19.2d, #0
	movi	v20.2d, #0
	movi	v21.2d, #0
	movi	v22.2d, #0
	movi	v23.2d, #0
	movi	v24.2d, #0
	movi	v25.2d, #0
	movi	v26.2d, #0
	movi	v27.2d, #0
	movi	v28.2d, #0
	movi	v29.2d, #0
	movi	v30.2d, #0
	movi	v31.2d, #0
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret
	.size el2_fp_zero, . - el2_fp_zero
	.section .note.GNU-stack, "", %progbits
