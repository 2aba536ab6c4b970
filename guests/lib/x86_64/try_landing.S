/* SPDX-License-Identifier: MIT */
/*
 * Where caught exceptions and memory faults resume (see try.c). The stack
 * pointer is whatever it was at the fault, so align it for the C call; the
 * unwind functions never return.
 */
	.text
	.globl guest_try_landing
	.type guest_try_landing, @function
guest_try_landing:
	andq $-16, %rsp
	call guest_try_unwind
	ud2
	.size guest_try_landing, . - guest_try_landing

	.globl guest_mem_landing
	.type guest_mem_landing, @function
guest_mem_landing:
	andq $-16, %rsp
	call guest_mem_unwind
	ud2
	.size guest_mem_landing, . - guest_mem_landing
