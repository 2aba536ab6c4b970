/* SPDX-License-Identifier: MIT */
/*
 * The world switch (docs/svm.md, "Exit flow"). Called with GIF=0 (CLGI) and
 * IF=1, so host interrupts wait for the guest's INTR intercept. VMRUN itself
 * saves and restores only part of the host state (APM Vol 2 §15.5.1); FS,
 * GS, TR, LDTR, KernelGSBase and the SYSCALL and SYSENTER MSRs are switched
 * with VMLOAD around it: the guest's from its VMCB before VMRUN (VMSAVE puts
 * them back after), the host's from the host save area after. The host never
 * changes those after boot, so svm_enable() fills the host save area once
 * with VMSAVE instead of every exit. RAX and RSP of the guest live in the
 * VMCB; the other GPRs in struct svm_gprs.
 *
 * Frame of both functions, from the stack pointer at VMRUN (the host's RSP,
 * which #VMEXIT restores, as it restores RAX = the VMCB address):
 *   0(%rsp) host rbp   8 vmcb pa   16 gprs   24 host save pa
 *   32 clean bits after an exit   40 use NRIP   (minimal only)
 */
#include "svm_layout.h"

	.macro load_guest_gprs	/* %rax = gprs; leaves %rax, %rbp untouched */
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
	.endm

	.macro store_guest_gprs	/* %rax = gprs; the guest's RAX is in the VMCB */
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
	.endm

	/* Save callee-saved registers and the arguments; enter with the guest's GPRs and VMLOAD state. */
	.macro enter_frame
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %r8		/* 40: use NRIP */
	push %rcx		/* 32: clean bits */
	push %rdx		/* 24: host save area */
	push %rsi		/* 16: gprs */
	push %rdi		/* 8: vmcb */
	mov %rsi, %rax
	load_guest_gprs
	push %rbp		/* 0: our frame pointer */
	mov G_RBP(%rax), %rbp
	mov 8(%rsp), %rax	/* vmcb pa */
	vmload %rax
	.endm

	/* After the last #VMEXIT (%rax = vmcb pa): keep the guest's state, back to the host's. */
	.macro leave_frame
	vmsave %rax
	push %rax
	mov 24(%rsp), %rax	/* gprs (16 + the push) */
	store_guest_gprs
	pop %rax
	pop %rbp
	mov -64(%rbp), %rax	/* host save area (pushed 64 bytes below the frame pointer) */
	vmload %rax		/* host FS/GS/TR/LDTR/... back */
	lea -40(%rbp), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.endm

	.text
/* void svm_vmrun(uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa) */
	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	enter_frame
	vmrun %rax
	leave_frame
	.size svm_vmrun, . - svm_vmrun

/*
 * void svm_vmrun_minimal(uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa,
 *                        uint32_t clean_after_exit, uint64_t use_nrip)
 *
 * Minimal exits (ANVIL_HC_MINIMAL_EXITS): a VMMCALL whose RAX is not that
 * call is finished here with what the architecture requires and nothing
 * else: check the exit code, move RIP past the instruction (NRIP, or its
 * 3 bytes), reset TLB_CONTROL and the clean bits as after any exit, VMRUN.
 * The guest's GPRs stay in the registers and its VMLOAD state in the CPU
 * between those VMRUNs; only RBX is borrowed (saved on the host stack).
 */
	.globl svm_vmrun_minimal
	.type svm_vmrun_minimal, @function
svm_vmrun_minimal:
	enter_frame
1:	vmrun %rax
	cmpq $SVM_EXIT_VMMCALL, VMCB_OFF_EXIT_CODE(%rax)
	jne 3f
	cmpq $SVM_HC_MINIMAL_EXITS, VMCB_OFF_RAX(%rax)
	je 3f
	push %rbx		/* the frame is 8 further away now */
	cmpq $0, 48(%rsp)	/* use NRIP */
	je 2f
	mov VMCB_OFF_NEXT_RIP(%rax), %rbx
	mov %rbx, VMCB_OFF_RIP(%rax)
	jmp 4f
2:	addq $SVM_VMMCALL_LEN, VMCB_OFF_RIP(%rax)
4:	movb $0, VMCB_OFF_TLB_CONTROL(%rax)
	mov 40(%rsp), %ebx	/* clean bits */
	mov %ebx, VMCB_OFF_CLEAN(%rax)
	pop %rbx
	jmp 1b
3:	leave_frame
	.size svm_vmrun_minimal, . - svm_vmrun_minimal
	.section .note.GNU-stack, "", @progbits
