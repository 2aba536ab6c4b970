/* SPDX-License-Identifier: MIT */
/*
 * The kernel ELF, carried inside BOOTX64.EFI so the front end needs no file
 * system access to find it. EFIBOOT_KERNEL_PATH is set by boot/efi/build.mk.
 */
	.section .rodata
	.balign 16
	.globl efiboot_kernel_start
efiboot_kernel_start:
	.incbin EFIBOOT_KERNEL_PATH
	.globl efiboot_kernel_end
efiboot_kernel_end:

	.section .note.GNU-stack, "", @progbits
