/*
 * Interrupt entry stubs: one 16-byte stub per vector at isr_stubs + 16*v.
 * Vectors that push no error code push a zero so every frame has the same
 * shape (struct arch_frame in x86.h). SDM Vol. 3A 6.15 lists the vectors
 * that push an error code: 8, 10-14, 17, 21, 29, 30.
 */
	.macro ISR_STUB v
	.balign 16
	.if ((\v) == 8) || (((\v) >= 10) && ((\v) <= 14)) || ((\v) == 17) || ((\v) == 21) || ((\v) == 29) || ((\v) == 30)
	.else
	pushq	$0
	.endif
	pushq	$(\v)
	jmp	isr_common
	.endm

	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.irp hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.irp lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	ISR_STUB (\hi * 16 + \lo)
	.endr
	.endr

isr_common:
	cld
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	mov	%rsp, %rdi
	/* A frame record (saved rip, rbp) so backtraces walk into the
	 * interrupted code. */
	pushq	17*8(%rdi)
	pushq	8*8(%rdi)
	mov	%rsp, %rbp
	call	x86_trap
	add	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	add	$16, %rsp	/* vector, error code */
	iretq
