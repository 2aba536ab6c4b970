/* SPDX-License-Identifier: MIT */
/*
 * The EL2 exception vector table (Arm ARM D1.10.2: 16 entries of 0x80 bytes,
 * 2 KiB aligned, at VBAR_EL2). The kernel runs on SP_EL0 (SPSel=0), so its
 * own exceptions come through "current EL with SP_EL0" and are handled on
 * SP_EL2, a stack of their own: a kernel stack overflow into its guard page
 * is still reported (like x86's IST). An exception while handling one comes
 * through "current EL with SP_ELx". Exceptions from a guest at EL1 come
 * through "lower EL, AArch64" and go to the VM backend's exit path.
 *
 * struct arch_frame (arm64.h): x0-x30, sp, elr, spsr, esr, far, kind, pad.
 */
#define FRAME_SIZE (38 * 8)
#define F_SP (31 * 8)
#define F_ELR (32 * 8)
#define F_SPSR (33 * 8)
#define F_ESR (34 * 8)
#define F_FAR (35 * 8)
#define F_KIND (36 * 8)
#define SPSR_M_MASK 0xf
#define SPSR_M_EL2T 0x8

	/* Save every register into a frame on SP_EL2; \from_sp0: the interrupted sp is SP_EL0. */
	.macro save_frame kind, from_sp0
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	.if \from_sp0
	mrs	x0, sp_el0
	.else
	add	x0, sp, #FRAME_SIZE
	.endif
	stp	x30, x0, [sp, #16 * 15]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #F_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #F_ESR]
	mov	x0, #\kind
	str	x0, [sp, #F_KIND]
	/* A frame record on the exception stack, so backtraces walk into the interrupted code. */
	mov	x29, sp
	.endm

	/* Back to where the frame says: its ELR and SPSR, and SP_EL0 when returning to EL2t. */
	.macro restore_frame
	ldp	x0, x1, [sp, #F_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	and	x1, x1, #SPSR_M_MASK
	cmp	x1, #SPSR_M_EL2T
	b.ne	1f
	ldr	x0, [sp, #F_SP]
	msr	sp_el0, x0
1:	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	ldp	x0, x1, [sp, #16 * 0]
	add	sp, sp, #FRAME_SIZE
	eret
	.endm

	.macro kernel_entry kind, from_sp0, handler
	save_frame \kind, \from_sp0
	mov	x0, sp
	bl	\handler
	b	exception_return
	.endm

	/* One 0x80-byte slot: branch out at once, the real work is below the table. */
	.macro slot target
	.balign 0x80
	b	\target
	.endm

	.text
	.balign 0x800
	.globl arm64_vectors
arm64_vectors:
	/* Current EL with SP_EL0: the kernel. */
	slot	el2t_sync
	slot	el2t_irq
	slot	el2t_fiq
	slot	el2t_serror
	/* Current EL with SP_ELx: inside an exception handler. */
	slot	el2h_sync
	slot	el2h_irq
	slot	el2h_fiq
	slot	el2h_serror
	/* Lower EL, AArch64: a guest (the backend's exit path, arch/arm64/el2). */
	slot	arm64_guest_exit_sync
	slot	arm64_guest_exit_irq
	slot	arm64_guest_exit_fiq
	slot	arm64_guest_exit_serror
	/* Lower EL, AArch32: never (guests are AArch64 only, HCR_EL2.RW=1). */
	slot	el1_32
	slot	el1_32
	slot	el1_32
	slot	el1_32

el2t_sync:	kernel_entry 0, 1, arm64_trap
el2t_irq:	kernel_entry 1, 1, arm64_irq
el2t_fiq:	kernel_entry 2, 1, arm64_trap
el2t_serror:	kernel_entry 3, 1, arm64_trap
el2h_sync:	kernel_entry 0, 0, arm64_trap
el2h_irq:	kernel_entry 1, 0, arm64_irq
el2h_fiq:	kernel_entry 2, 0, arm64_trap
el2h_serror:	kernel_entry 3, 0, arm64_trap
el1_32:		kernel_entry 0, 0, arm64_trap

	.globl exception_return
exception_return:
	restore_frame

	/* Without a VM backend a lower-EL exception is unexpected: reported like any other. */
	.weak arm64_guest_exit_sync, arm64_guest_exit_irq, arm64_guest_exit_fiq, arm64_guest_exit_serror
arm64_guest_exit_sync:
arm64_guest_exit_irq:
arm64_guest_exit_fiq:
arm64_guest_exit_serror:
	kernel_entry 0, 0, arm64_trap
	.section .note.GNU-stack, "", %progbits
