/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls from assembly, for payloads that check the exact machine state
 * around one (guest/arch.h). The instruction is VMCALL or VMMCALL as
 * guest_use_vmcall says; the choice is made before any register is loaded.
 */

/* struct guest_regs offsets */
	.set R_RAX, 0
	.set R_RBX, 8
	.set R_RCX, 16
	.set R_RDX, 24
	.set R_RSI, 32
	.set R_RDI, 40
	.set R_RBP, 48
	.set R_R8, 56
	.set R_R9, 64
	.set R_R10, 72
	.set R_R11, 80
	.set R_R12, 88
	.set R_R13, 96
	.set R_R14, 104
	.set R_R15, 112

	/* Load every register from *%rdi, run insn, store every register to the out pointer on the stack. */
	.macro REGS_ROUNDTRIP insn
	movq R_RBX(%rdi), %rbx
	movq R_RCX(%rdi), %rcx
	movq R_RDX(%rdi), %rdx
	movq R_RSI(%rdi), %rsi
	movq R_RBP(%rdi), %rbp
	movq R_R8(%rdi), %r8
	movq R_R9(%rdi), %r9
	movq R_R10(%rdi), %r10
	movq R_R11(%rdi), %r11
	movq R_R12(%rdi), %r12
	movq R_R13(%rdi), %r13
	movq R_R14(%rdi), %r14
	movq R_R15(%rdi), %r15
	movq R_RAX(%rdi), %rax
	movq R_RDI(%rdi), %rdi
	\insn
	xchgq %rax, (%rsp)              /* rax = out; the result waits on the stack */
	movq %rbx, R_RBX(%rax)
	movq %rcx, R_RCX(%rax)
	movq %rdx, R_RDX(%rax)
	movq %rsi, R_RSI(%rax)
	movq %rdi, R_RDI(%rax)
	movq %rbp, R_RBP(%rax)
	movq %r8, R_R8(%rax)
	movq %r9, R_R9(%rax)
	movq %r10, R_R10(%rax)
	movq %r11, R_R11(%rax)
	movq %r12, R_R12(%rax)
	movq %r13, R_R13(%rax)
	movq %r14, R_R14(%rax)
	movq %r15, R_R15(%rax)
	popq %rbx
	movq %rbx, R_RAX(%rax)
	.endm

	.macro SAVE_CALLEE
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro RESTORE_CALLEE
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	.endm

	.text
/* void guest_regs_hypercall(const struct guest_regs *in, struct guest_regs *out) */
	.globl guest_regs_hypercall
	.type guest_regs_hypercall, @function
guest_regs_hypercall:
	SAVE_CALLEE
	pushq %rsi                      /* out */
	cmpb $0, guest_use_vmcall(%rip)
	jne 1f
	REGS_ROUNDTRIP vmmcall
	jmp 2f
1:	REGS_ROUNDTRIP vmcall
2:	RESTORE_CALLEE
	ret
	.size guest_regs_hypercall, . - guest_regs_hypercall

/* void guest_regs_cpuid(const struct guest_regs *in, struct guest_regs *out) */
	.globl guest_regs_cpuid
	.type guest_regs_cpuid, @function
guest_regs_cpuid:
	SAVE_CALLEE
	pushq %rsi
	REGS_ROUNDTRIP cpuid
	RESTORE_CALLEE
	ret
	.size guest_regs_cpuid, . - guest_regs_cpuid

/* struct hc_probe offsets */
	.set P_NR, 0
	.set P_A0, 8
	.set P_A1, 16
	.set P_A2, 24
	.set P_A3, 32
	.set P_SET_DF, 40
	.set P_RET, 48
	.set P_RFLAGS, 56
	.set P_IP_AFTER, 64
	.set P_RSP_AT, 72
	.set P_IP_AT, 80

	/* %r8 = probe; the hypercall's registers loaded, flags captured, insn run, the result stored. */
	.macro PROBE insn
	cmpq $0, P_SET_DF(%r8)
	je 3f
	std
3:	movq P_NR(%r8), %rax
	movq P_A0(%r8), %rdi
	movq P_A1(%r8), %rsi
	movq P_A2(%r8), %rdx
	movq P_A3(%r8), %rcx
	movq %rsp, P_RSP_AT(%r8)
	pushfq
	popq P_RFLAGS(%r8)
5:	\insn
4:	cld
	movq %rax, P_RET(%r8)
	leaq 4b(%rip), %rax
	movq %rax, P_IP_AFTER(%r8)
	leaq 5b(%rip), %rax
	movq %rax, P_IP_AT(%r8)
	.endm

/* void guest_hypercall_probe(struct hc_probe *p) */
	.globl guest_hypercall_probe
	.type guest_hypercall_probe, @function
guest_hypercall_probe:
	movq %rdi, %r8
	cmpb $0, guest_use_vmcall(%rip)
	jne 1f
	PROBE vmmcall
	ret
1:	PROBE vmcall
	ret
	.size guest_hypercall_probe, . - guest_hypercall_probe
	.section .note.GNU-stack, "", @progbits
