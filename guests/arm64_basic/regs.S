/* SPDX-License-Identifier: MIT */
/*
 * arm64_regs_hvc(in, out): load x1..x30 from in[1..30], make the hypercall
 * ANVIL_HC_EXIT_COUNT (x0 = its function ID, x1 = in[1] is the kind), then
 * store x0..x30 and sp into out[0..31]; in[31] gets sp as it was at the HVC. The caller's callee-saved registers,
 * frame and link register are kept on the stack around it.
 */
#define FID_EXIT_COUNT 0xc6000009

	.text
	.globl arm64_regs_hvc
	.type arm64_regs_hvc, %function
arm64_regs_hvc:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	/* out goes where the hypervisor cannot see it: SP_EL0 (it must save and restore that too). */
	msr	sp_el0, x1
	mov	x30, x0
	ldp	x1, x2, [x30, #8 * 1]
	ldp	x3, x4, [x30, #8 * 3]
	ldp	x5, x6, [x30, #8 * 5]
	ldp	x7, x8, [x30, #8 * 7]
	ldp	x9, x10, [x30, #8 * 9]
	ldp	x11, x12, [x30, #8 * 11]
	ldp	x13, x14, [x30, #8 * 13]
	ldp	x15, x16, [x30, #8 * 15]
	ldp	x17, x18, [x30, #8 * 17]
	ldp	x19, x20, [x30, #8 * 19]
	ldp	x21, x22, [x30, #8 * 21]
	ldp	x23, x24, [x30, #8 * 23]
	ldp	x25, x26, [x30, #8 * 25]
	ldp	x27, x28, [x30, #8 * 27]
	mov	x29, sp
	str	x29, [x30, #8 * 31]     /* in[31] = sp at the call */
	ldr	x29, [x30, #8 * 29]
	ldr	x30, [x30, #8 * 30]
	movz	x0, #0x0009
	movk	x0, #0xc600, lsl #16
	hvc	#0
	/* Spill x0 and x1 to find out again. */
	stp	x0, x1, [sp, #-16]!
	mrs	x0, sp_el0
	ldr	x1, [sp, #8]
	stp	x2, x3, [x0, #8 * 2]
	ldr	x2, [sp, #0]
	stp	x2, x1, [x0, #8 * 0]
	add	sp, sp, #16
	stp	x4, x5, [x0, #8 * 4]
	stp	x6, x7, [x0, #8 * 6]
	stp	x8, x9, [x0, #8 * 8]
	stp	x10, x11, [x0, #8 * 10]
	stp	x12, x13, [x0, #8 * 12]
	stp	x14, x15, [x0, #8 * 14]
	stp	x16, x17, [x0, #8 * 16]
	stp	x18, x19, [x0, #8 * 18]
	stp	x20, x21, [x0, #8 * 20]
	stp	x22, x23, [x0, #8 * 22]
	stp	x24, x25, [x0, #8 * 24]
	stp	x26, x27, [x0, #8 * 26]
	stp	x28, x29, [x0, #8 * 28]
	str	x30, [x0, #8 * 30]
	mov	x1, sp
	str	x1, [x0, #8 * 31]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
	.size arm64_regs_hvc, . - arm64_regs_hvc

	.section .note.GNU-stack, "", %progbits
