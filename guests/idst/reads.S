/* SPDX-License-Identifier: MIT */
/*
 * Each read is its function's first instruction, so a trapped read's ELR is
 * the function's address. The Feature ID space encodings (Arm ARM D24.2):
 * CCSIDR2_EL1 S3_1_C0_C0_2 (FEAT_CCIDX), GMID_EL1 S3_1_C0_C0_4 (FEAT_MTE2),
 * SMIDR_EL1 S3_1_C0_C0_6 (FEAT_SME); REVIDR_EL1 S3_0_C0_C0_6 and AIDR_EL1
 * S3_1_C0_C0_7 always exist. Written by encoding so the assembler takes
 * them whatever features it knows. Rt differs per read (x0, x3, x17) so the
 * syndrome's Rt field is checked too.
 */
	.text
	.macro read_fn name, enc, rt
	.globl \name
	.type \name, %function
\name:
	mrs	\rt, \enc
	mov	x0, \rt
	ret
	.size \name, . - \name
	.endm

	read_fn idst_read_ccsidr2, S3_1_C0_C0_2, x0
	read_fn idst_read_gmid, S3_1_C0_C0_4, x3
	read_fn idst_read_smidr, S3_1_C0_C0_6, x17
	read_fn idst_read_revidr, S3_0_C0_C0_6, x0
	read_fn idst_read_aidr, S3_1_C0_C0_7, x0
	.section .note.GNU-stack, "", %progbits
