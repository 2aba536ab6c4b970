/* SPDX-License-Identifier: MIT */
/*
 * Payload entry. The hypervisor starts us at EL1h with DAIF masked, the MMU
 * off (its HCR_EL2.DC makes our accesses Normal cacheable memory), SP_EL1 =
 * top of guest memory and x0 = gpa of struct anvil_guest_info.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, %function
_start:
	mov	x19, x0                 /* callee-saved across the loop below */
	mov	x9, sp
	adrp	x10, guest_initial_rsp
	str	x9, [x10, :lo12:guest_initial_rsp]

	/* Zero .bss (the hypervisor may not have). */
	adrp	x9, __bss_start
	add	x9, x9, :lo12:__bss_start
	adrp	x10, __bss_end
	add	x10, x10, :lo12:__bss_end
1:	cmp	x9, x10
	b.hs	2f
	strb	wzr, [x9], #1
	b	1b
2:
	mov	x29, #0                 /* outermost frame */
	mov	x30, #0
	mov	x0, x19
	bl	guest_start
	udf	#0                      /* guest_start does not return */
	.size _start, . - _start

	.data
	.balign 8
	.globl guest_initial_rsp
guest_initial_rsp:
	.quad 0
	.section .note.GNU-stack, "", %progbits
