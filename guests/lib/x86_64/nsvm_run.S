/* SPDX-License-Identifier: MIT */
/*
 * VMRUN from L1 (guest/nsvm.h). VMRUN keeps L1's RSP, RIP and RAX in the
 * host save area and restores them at #VMEXIT; every other general
 * register is L2's after the exit (APM Vol 2 15.5.1, 15.6), so L1's
 * callee-saved ones go on the stack around it, and L2's are loaded from
 * and stored to the struct nsvm_gprs.
 */
	.set G_RBX, 0
	.set G_RCX, 8
	.set G_RDX, 16
	.set G_RSI, 24
	.set G_RDI, 32
	.set G_RBP, 40
	.set G_R8, 48
	.set G_R9, 56
	.set G_R10, 64
	.set G_R11, 72
	.set G_R12, 80
	.set G_R13, 88
	.set G_R14, 96
	.set G_R15, 104

	.text
	/* uint64_t nsvm_vmrun_raw(uint64_t vmcb_pa, struct nsvm_gprs *g) */
	.globl nsvm_vmrun_raw
nsvm_vmrun_raw:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rsi			/* g, for after the exit */
	movq	%rdi, %rax
	movq	G_RBX(%rsi), %rbx
	movq	G_RCX(%rsi), %rcx
	movq	G_RDX(%rsi), %rdx
	movq	G_RDI(%rsi), %rdi
	movq	G_RBP(%rsi), %rbp
	movq	G_R8(%rsi), %r8
	movq	G_R9(%rsi), %r9
	movq	G_R10(%rsi), %r10
	movq	G_R11(%rsi), %r11
	movq	G_R12(%rsi), %r12
	movq	G_R13(%rsi), %r13
	movq	G_R14(%rsi), %r14
	movq	G_R15(%rsi), %r15
	movq	G_RSI(%rsi), %rsi
	vmrun
	pushq	%rsi			/* L2's rsi */
	movq	8(%rsp), %rsi		/* g */
	movq	%rbx, G_RBX(%rsi)
	movq	%rcx, G_RCX(%rsi)
	movq	%rdx, G_RDX(%rsi)
	movq	%rdi, G_RDI(%rsi)
	movq	%rbp, G_RBP(%rsi)
	movq	%r8, G_R8(%rsi)
	movq	%r9, G_R9(%rsi)
	movq	%r10, G_R10(%rsi)
	movq	%r11, G_R11(%rsi)
	movq	%r12, G_R12(%rsi)
	movq	%r13, G_R13(%rsi)
	movq	%r14, G_R14(%rsi)
	movq	%r15, G_R15(%rsi)
	popq	%rax
	movq	%rax, G_RSI(%rsi)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	/* uint64_t nsvm_l2_vmmcall(uint64_t nr): VMMCALL with RAX = nr, returns RAX */
	.globl nsvm_l2_vmmcall
nsvm_l2_vmmcall:
	movq	%rdi, %rax
	vmmcall
	ret

	.section .note.GNU-stack, "", @progbits
