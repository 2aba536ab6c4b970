/* SPDX-License-Identifier: MIT */
/*
 * void svm_vmrun(uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa)
 *
 * Called with GIF=0 (CLGI) and IF=1, so host interrupts wait for the guest's
 * INTR intercept. VMRUN itself saves and restores only part of the host state
 * (APM Vol 2 §15.5.1); FS, GS, TR, LDTR, KernelGSBase and the SYSCALL MSRs are
 * switched with VMSAVE/VMLOAD around it. RAX and RSP of the guest live in the
 * VMCB; the other GPRs in *gprs (layout: struct svm_gprs in svm.h).
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
	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdx		/* -48(%rbp): host save area */
	push %rsi		/* -56(%rbp): gprs */
	push %rdi		/* -64(%rbp): vmcb */

	mov %rdx, %rax
	vmsave %rax		/* host FS/GS/TR/LDTR/... */

	mov %rsi, %rax
	mov G_RBX(%rax), %rbx
	mov G_RCX(%rax), %rcx
	mov G_RDX(%rax), %rdx
	mov G_RSI(%rax), %rsi
	mov G_RDI(%rax), %rdi
	mov G_R8(%rax), %r8
	mov G_R9(%rax), %r9
	mov G_R10(%rax), %r10
	mov G_R11(%rax), %r11
	mov G_R12(%rax), %r12
	mov G_R13(%rax), %r13
	mov G_R14(%rax), %r14
	mov G_R15(%rax), %r15
	push %rbp
	mov G_RBP(%rax), %rbp

	mov 8(%rsp), %rax	/* vmcb pa (just above the saved rbp) */
	vmload %rax
	vmrun %rax
	vmsave %rax

	/* Back in the host: RSP and RAX are the host's again; RBP is the guest's. */
	push %rax
	mov 8(%rsp), %rax	/* our saved frame pointer */
	mov -56(%rax), %rax	/* gprs */
	mov %rbx, G_RBX(%rax)
	mov %rcx, G_RCX(%rax)
	mov %rdx, G_RDX(%rax)
	mov %rsi, G_RSI(%rax)
	mov %rdi, G_RDI(%rax)
	mov %rbp, G_RBP(%rax)
	mov %r8, G_R8(%rax)
	mov %r9, G_R9(%rax)
	mov %r10, G_R10(%rax)
	mov %r11, G_R11(%rax)
	mov %r12, G_R12(%rax)
	mov %r13, G_R13(%rax)
	mov %r14, G_R14(%rax)
	mov %r15, G_R15(%rax)
	pop %rax
	pop %rbp

	mov -48(%rbp), %rax
	vmload %rax		/* host FS/GS/TR/LDTR/... back */

	lea -40(%rbp), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size svm_vmrun, . - svm_vmrun
	.section .note.GNU-stack, "", @progbits
