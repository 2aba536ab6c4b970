/* SPDX-License-Identifier: MIT */
/* A trapped MRS as a function's first instruction, so the fault's ELR is the function. */
	.text
	/* The address of this function is the ELR a trapped read of CNTP_CTL_EL0 reports. */
	.globl arm64_read_cntp_ctl
	.type arm64_read_cntp_ctl, %function
arm64_read_cntp_ctl:
	mrs	x0, cntp_ctl_el0
	ret
	.size arm64_read_cntp_ctl, . - arm64_read_cntp_ctl
	.section .note.GNU-stack, "", %progbits
