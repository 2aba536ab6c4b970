/* SPDX-License-Identifier: MIT */
/*
 * Memory accessors for fault tests (guest/mem_fault.h): each access is the
 * function's first instruction, so a fault's recorded ip is the function's
 * address.
 */
	.macro ACCESSOR name
	.globl \name
	.type \name, %function
	.balign 16
\name:
	.endm

	.text
	ACCESSOR mem_read8
	ldrb	w0, [x0]
	ret
	.size mem_read8, . - mem_read8

	ACCESSOR mem_read64
	ldr	x0, [x0]
	ret
	.size mem_read64, . - mem_read64

	ACCESSOR mem_write8
	strb	w1, [x0]
	ret
	.size mem_write8, . - mem_write8

	ACCESSOR mem_write64
	str	x1, [x0]
	ret
	.size mem_write64, . - mem_write64

	/* A tail branch: the code at x0 returns straight to our caller (x30), and a
	 * fetch fault there is recorded with ip = x0. */
	ACCESSOR mem_exec
	br	x0
	.size mem_exec, . - mem_exec
	.section .note.GNU-stack, "", %progbits
