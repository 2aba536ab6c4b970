/* SPDX-License-Identifier: MIT */
/*
 * Exceptions at known addresses: #UD at chaos_x86_ud2 itself, #BP reported
 * after the INT3, #GP at the RDMSR of an MSR nothing implements.
 */
	.text
	.globl chaos_x86_ud2, chaos_x86_int3, chaos_x86_int3_after, chaos_x86_rdmsr_unknown, chaos_x86_rdmsr_at
chaos_x86_ud2:
	ud2
	ret
chaos_x86_int3:
	int3
chaos_x86_int3_after:
	ret
chaos_x86_rdmsr_unknown:
	movl	$0x4000a0ff, %ecx       /* next to ANVIL_TEST_MSR: nothing there */
chaos_x86_rdmsr_at:
	rdmsr
	ret
	.section .note.GNU-stack, "", @progbits
