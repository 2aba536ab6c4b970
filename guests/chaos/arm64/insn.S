/* SPDX-License-Identifier: MIT */
/* Exceptions at known addresses: both report ELR = the instruction itself. */
	.text
	.globl chaos_arm64_udf, chaos_arm64_brk
chaos_arm64_udf:
	udf	#0
	ret
chaos_arm64_brk:
	brk	#0x77
	ret
	.section .note.GNU-stack, "", %progbits
