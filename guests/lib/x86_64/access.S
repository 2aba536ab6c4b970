/* SPDX-License-Identifier: MIT */
/*
 * Memory accessors for fault tests (guest/mem_fault.h): each access is the
 * function's first instruction, so a fault's recorded ip is the function's
 * address.
 */
	.macro ACCESSOR name
	.globl \name
	.type \name, @function
	.balign 16
\name:
	.endm

	.text
	ACCESSOR mem_read8
	movzbl (%rdi), %eax
	ret
	.size mem_read8, . - mem_read8

	ACCESSOR mem_read64
	movq (%rdi), %rax
	ret
	.size mem_read64, . - mem_read64

	ACCESSOR mem_write8
	movb %sil, (%rdi)
	ret
	.size mem_write8, . - mem_write8

	ACCESSOR mem_write64
	movq %rsi, (%rdi)
	ret
	.size mem_write64, . - mem_write64

	/* A tail jump: the code at rdi returns straight to our caller, and a
	 * fetch fault there is recorded with ip = rdi. */
	ACCESSOR mem_exec
	jmp *%rdi
	.size mem_exec, . - mem_exec
