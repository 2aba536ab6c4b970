/* SPDX-License-Identifier: MIT */
/*
 * Run one exiting instruction with every general register loaded from *in
 * and store every register after it into *out (struct regs in main.c: rax,
 * rbx, rcx, rdx, rsi, rdi, rbp, r8..r15, 8 bytes each).
 *   void regs_vmmcall(const struct regs *in, struct regs *out);
 *   void regs_cpuid(const struct regs *in, struct regs *out);
 */
	.macro REGS_ROUNDTRIP name, insn
	.globl \name
	.type \name, @function
\name:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rsi                      /* out */
	movq 8(%rdi), %rbx
	movq 16(%rdi), %rcx
	movq 24(%rdi), %rdx
	movq 32(%rdi), %rsi
	movq 48(%rdi), %rbp
	movq 56(%rdi), %r8
	movq 64(%rdi), %r9
	movq 72(%rdi), %r10
	movq 80(%rdi), %r11
	movq 88(%rdi), %r12
	movq 96(%rdi), %r13
	movq 104(%rdi), %r14
	movq 112(%rdi), %r15
	movq 0(%rdi), %rax
	movq 40(%rdi), %rdi
	\insn
	xchgq %rax, (%rsp)              /* rax = out; the result waits on the stack */
	movq %rbx, 8(%rax)
	movq %rcx, 16(%rax)
	movq %rdx, 24(%rax)
	movq %rsi, 32(%rax)
	movq %rdi, 40(%rax)
	movq %rbp, 48(%rax)
	movq %r8, 56(%rax)
	movq %r9, 64(%rax)
	movq %r10, 72(%rax)
	movq %r11, 80(%rax)
	movq %r12, 88(%rax)
	movq %r13, 96(%rax)
	movq %r14, 104(%rax)
	movq %r15, 112(%rax)
	popq %rbx
	movq %rbx, 0(%rax)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size \name, . - \name
	.endm

	.text
	REGS_ROUNDTRIP regs_vmmcall, vmmcall
	REGS_ROUNDTRIP regs_cpuid, cpuid
