/* SPDX-License-Identifier: MIT */
/*
 * The payload's EL1 exception vectors (VBAR_EL1; Arm ARM D1.10.2: 16
 * entries of 0x80 bytes, 2 KiB aligned). Each saves every general register,
 * SP, ELR, SPSR, ESR and FAR into a struct guest_frame (guest/trap.h) on
 * the current stack, calls guest_trap_dispatch(frame, ...) and returns
 * through the frame, so a handler may redirect ELR.
 */
#define FRAME_SIZE (38 * 8)
#define F_SP (31 * 8)
#define F_ELR (32 * 8)
#define F_ESR (34 * 8)
#define F_VECTOR (36 * 8)

	/* x1 = the vector kind (0 sync .. 3 SError), x0 = the table quarter it came through. */
	.macro entry source, vector
	.balign 0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mov	x0, #\source
	mov	x1, #\vector
	b	guest_vector_common
	.endm

	.text
	.balign 0x800
	.globl guest_vectors
guest_vectors:
	/* Current EL with SP_EL0, then with SP_EL1 (payloads run here), lower EL 64, lower EL 32. */
	.irp source, 0, 1, 2, 3
	entry \source, 0
	entry \source, 1
	entry \source, 2
	entry \source, 3
	.endr

guest_vector_common:
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
	add	x2, sp, #FRAME_SIZE
	stp	x30, x2, [sp, #16 * 15]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #F_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #F_ESR]
	stp	x1, x0, [sp, #F_VECTOR]
	mov	x0, sp
	mov	x29, sp
	bl	guest_trap_dispatch
	ldp	x2, x3, [sp, #F_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #16 * 1]
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
	.section .note.GNU-stack, "", %progbits
