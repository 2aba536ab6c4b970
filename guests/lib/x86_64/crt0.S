/* SPDX-License-Identifier: MIT */
/*
 * Payload entry. The hypervisor starts us in 64-bit mode at CPL0 with IF=0,
 * rsp = top of guest memory and rdi = gpa of struct anvil_guest_info
 * (identity mapped, so also its address).
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	cld
	movq %rsp, guest_initial_rsp(%rip)
	movq %rdi, %r12                 /* callee-saved across the loop below */

	/* Zero .bss (the hypervisor may not have). */
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb
	/* guest_initial_rsp lives in .data, so the store above survives. */

	andq $-16, %rsp
	xorl %ebp, %ebp                 /* outermost frame */
	movq %r12, %rdi
	call guest_start
	ud2                             /* guest_start does not return */
	.size _start, . - _start

	.data
	.balign 8
	.globl guest_initial_rsp
guest_initial_rsp:
	.quad 0
