/* SPDX-License-Identifier: MIT */
/*
 * Where caught exceptions and memory faults resume (guests/lib/try.c). The
 * stack pointer is whatever it was at the fault: realign it for the C call;
 * the unwind functions never return.
 */
	.text
	.globl guest_try_landing
	.type guest_try_landing, %function
guest_try_landing:
	mov	x9, sp
	and	x9, x9, #~15
	mov	sp, x9
	bl	guest_try_unwind
	udf	#0
	.size guest_try_landing, . - guest_try_landing

	.globl guest_mem_landing
	.type guest_mem_landing, %function
guest_mem_landing:
	mov	x9, sp
	and	x9, x9, #~15
	mov	sp, x9
	bl	guest_mem_unwind
	udf	#0
	.size guest_mem_landing, . - guest_mem_landing
	.section .note.GNU-stack, "", %progbits
