/*
 * Kernel entry from the UEFI front end: 64-bit mode, the firmware's identity
 * paging, interrupts off, rdi = struct boot_info * (sysv ABI).
 * Also home of the boot stack both entry paths use until the kernel has
 * built its own guarded stacks.
 */
	.section .bss
	.balign 16
	.globl early_stack_top
early_stack:	.skip 32768
early_stack_top:

	.section .text.boot, "ax"
	.code64
	.globl kernel_entry_efi
kernel_entry_efi:
	cli
	cld
	mov	$early_stack_top, %rsp
	xor	%ebp, %ebp
	call	efi_kmain
1:	cli
	hlt
	jmp	1b

/* void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top) */
	.text
	.globl arch_call_on_stack
arch_call_on_stack:
	push	%rbp
	mov	%rsp, %rbp
	mov	%rdx, %rsp
	push	%rbp		/* keep the old frame reachable for backtraces */
	push	%rbp
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	mov	%rbp, %rsp
	pop	%rbp
	ret

/* void arch_switch_stack(void (*fn)(void), void *stack_top): never returns */
	.globl arch_switch_stack
arch_switch_stack:
	mov	%rsi, %rsp
	xor	%ebp, %ebp
	push	$0
	jmp	*%rdi
