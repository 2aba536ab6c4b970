/* SPDX-License-Identifier: MIT */
/*
 * VM entry and exit (docs/vmx.md, "Exit flow"). VMLAUNCH/VMRESUME load the
 * guest state from the VMCS; a VM exit loads the host state from it and
 * continues at HOST_RIP with RSP = HOST_RSP and RFLAGS = 0x2 (SDM Vol 3C
 * §28.5). VMX keeps no guest GPR but RSP in the VMCS, so all fifteen others
 * go through struct vmx_gprs here. Both functions write HOST_RSP and
 * HOST_RIP at every call: the exit comes back onto this very frame.
 *
 * Frame, from HOST_RSP up: 0 gprs pointer, then rbp rbx r12 r13 r14 r15
 * (pushed in reverse), then the return address.
 */
#include "vmx_layout.h"

	.macro save_host launched_reg, landing
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rbp
	push %rdi			/* 0(HOST_RSP): gprs */
	mov $VF_HOST_RSP, %eax
	vmwrite %rsp, %rax
	lea \landing(%rip), %rbx
	mov $VF_HOST_RIP, %eax
	vmwrite %rbx, %rax
	test \launched_reg, \launched_reg	/* ZF survives the loads below (MOV leaves flags alone) */
	.endm

	/* %rdi = gprs; every guest GPR into its register, %rdi last. */
	.macro load_guest
	mov VG_RAX(%rdi), %rax
	mov VG_RBX(%rdi), %rbx
	mov VG_RCX(%rdi), %rcx
	mov VG_RDX(%rdi), %rdx
	mov VG_RSI(%rdi), %rsi
	mov VG_RBP(%rdi), %rbp
	mov VG_R8(%rdi), %r8
	mov VG_R9(%rdi), %r9
	mov VG_R10(%rdi), %r10
	mov VG_R11(%rdi), %r11
	mov VG_R12(%rdi), %r12
	mov VG_R13(%rdi), %r13
	mov VG_R14(%rdi), %r14
	mov VG_R15(%rdi), %r15
	mov VG_RDI(%rdi), %rdi
	.endm

	.macro enter_guest
	jnz 1f
	vmlaunch
	jmp vmx_entry_failed
1:	vmresume
	jmp vmx_entry_failed
	.endm

	.text
/* int vmx_vmenter(struct vmx_gprs *gprs, uint64_t launched) */
	.globl vmx_vmenter
	.type vmx_vmenter, @function
vmx_vmenter:
	save_host %rsi, vmx_exit_landing
	load_guest
	enter_guest
	.size vmx_vmenter, . - vmx_vmenter

/* HOST_RIP of every full exit: store the guest's GPRs, return 0. */
	.globl vmx_exit_landing
	.type vmx_exit_landing, @function
vmx_exit_landing:
	push %rdi
	mov 8(%rsp), %rdi		/* gprs */
	mov %rax, VG_RAX(%rdi)
	mov %rbx, VG_RBX(%rdi)
	mov %rcx, VG_RCX(%rdi)
	mov %rdx, VG_RDX(%rdi)
	mov %rsi, VG_RSI(%rdi)
	mov %rbp, VG_RBP(%rdi)
	mov %r8, VG_R8(%rdi)
	mov %r9, VG_R9(%rdi)
	mov %r10, VG_R10(%rdi)
	mov %r11, VG_R11(%rdi)
	mov %r12, VG_R12(%rdi)
	mov %r13, VG_R13(%rdi)
	mov %r14, VG_R14(%rdi)
	mov %r15, VG_R15(%rdi)
	pop VG_RDI(%rdi)
	xor %eax, %eax
	jmp restore_host
	.size vmx_exit_landing, . - vmx_exit_landing

/* VMLAUNCH/VMRESUME fell through: CF = VMfailInvalid (1), ZF = VMfailValid (2). */
vmx_entry_failed:
	mov $1, %eax
	jc restore_host
	mov $2, %eax
restore_host:
	add $8, %rsp			/* gprs */
	pop %rbp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	ret

/*
 * int vmx_vmenter_minimal(struct vmx_gprs *gprs, uint64_t launched)
 *
 * Minimal exits (ANVIL_HC_MINIMAL_EXITS): a VMCALL whose RAX is not that
 * call is finished here with what the architecture requires and nothing
 * else: check the exit reason, RIP += the exit instruction length,
 * VMRESUME. The guest's GPRs stay in the registers; RAX, RBX and RCX are
 * borrowed on the host stack.
 */
	.globl vmx_vmenter_minimal
	.type vmx_vmenter_minimal, @function
vmx_vmenter_minimal:
	save_host %rsi, minimal_landing
	load_guest
	enter_guest
	.size vmx_vmenter_minimal, . - vmx_vmenter_minimal

minimal_landing:
	cmp $VMX_HC_MINIMAL_EXITS, %rax
	je vmx_exit_landing
	push %rax
	push %rbx
	mov $VF_EXIT_REASON, %eax
	vmread %rax, %rbx
	cmp $VMX_EXIT_REASON_VMCALL, %ebx
	jne 2f
	push %rcx
	mov $VF_EXIT_INSN_LEN, %eax
	vmread %rax, %rcx
	mov $VF_GUEST_RIP, %eax
	vmread %rax, %rbx
	add %rcx, %rbx
	vmwrite %rbx, %rax
	pop %rcx
	pop %rbx
	pop %rax
	vmresume
	jmp vmx_entry_failed
2:	pop %rbx
	pop %rax
	jmp vmx_exit_landing
	.section .note.GNU-stack, "", @progbits
