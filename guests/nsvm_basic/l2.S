/* SPDX-License-Identifier: MIT */
/*
 * L2 code of nsvm_basic. l2_bump: for ever, add 1 to RAX and to every
 * general register but RSP, then VMMCALL (L1 checks the round trip and
 * resumes at NRIP). l2_vmmcall_once: one VMMCALL, then a loop of them.
 */
	.text
	.globl l2_bump
l2_bump:
	incq	%rax
	incq	%rbx
	incq	%rcx
	incq	%rdx
	incq	%rsi
	incq	%rdi
	incq	%rbp
	incq	%r8
	incq	%r9
	incq	%r10
	incq	%r11
	incq	%r12
	incq	%r13
	incq	%r14
	incq	%r15
	vmmcall
	jmp	l2_bump

	.globl l2_cpuid_then_vmmcall
l2_cpuid_then_vmmcall:
	movl	$0x80000001, %eax
	xorl	%ecx, %ecx
	cpuid
	movq	%rcx, %rbx		/* L1 reads ECX (SVM bit) from RBX after the VMMCALL */
	movl	$0x1234, %eax
	vmmcall
1:	vmmcall
	jmp	1b

	.section .note.GNU-stack, "", @progbits
