/* SPDX-License-Identifier: MIT */
/*
 * One stub per vector, GUEST_TRAP_STUB_SIZE bytes apart (int3 padding). Vectors for which
 * the CPU pushes an error code (8, 10-14, 17, 21, 29, 30) push only the
 * vector; the others push a 0 error code first, so every frame has the
 * layout of struct guest_frame (guest/trap.h).
 */
#include "x86_internal.h"

	.altmacro
	.macro TRAP_STUB vec
	/* .org fails the build if the previous stub ran past this one's start. */
	.org guest_trap_stubs + \vec * GUEST_TRAP_STUB_SIZE, 0xcc
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm

	.text
	.balign GUEST_TRAP_STUB_SIZE
	.globl guest_trap_stubs
guest_trap_stubs:
	.set vec, 0
	.rept 256
	TRAP_STUB %vec
	.set vec, vec + 1
	.endr
	.org guest_trap_stubs + 256 * GUEST_TRAP_STUB_SIZE, 0xcc

/*
 * The CPU aligned rsp to 16 before pushing its 5 (+ error code) quadwords;
 * with vector and 15 registers the frame is 22 quadwords = 176 bytes, so rsp
 * is 16-byte aligned again at the call.
 */
trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call guest_trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp                  /* vector, error code */
	iretq
