/* SPDX-License-Identifier: MIT */
/*
 * L2's exception and interrupt entry points for nsvm_inject: one stub per
 * vector 0-79 (l2_stubs, 16 bytes apart), each VMMCALLs with RAX = L2_SEEN,
 * RBX = its vector and RCX = the quadword on top of the stack (the error
 * code for vectors that push one, else the interrupted RIP). L1 never
 * resumes L2 after one of them. l2_idle: a loop of VMMCALL L2_IDLE.
 */
	.set L2_SEEN, 0x5ee
	.set L2_IDLE, 0x1d1e

	.text
	.balign 16
	.globl l2_stubs
l2_stubs:
	.set vec, 0
	.rept 80
	.balign 16
	movl	$vec, %ebx
	jmp	l2_stub_common
	.set vec, vec + 1
	.endr

l2_stub_common:
	movq	(%rsp), %rcx
	movl	$L2_SEEN, %eax
	vmmcall
	jmp	l2_stub_common

	/* IF clear at entry, then STI: the virtual interrupt is taken after the STI shadow. */
	.globl l2_sti_idle
l2_sti_idle:
	sti
	nop
	jmp	l2_idle

	.globl l2_idle
l2_idle:
	movl	$L2_IDLE, %eax
	vmmcall
	jmp	l2_idle

	.section .note.GNU-stack, "", @progbits
