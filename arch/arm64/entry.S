/* SPDX-License-Identifier: MIT */
/* Stacks, and running on another stack (the arch interface in arch/cpu.h). */

	.section .bss
	.balign 16
	.globl arm64_boot_stack_top
arm64_boot_stack:	.skip 32768
arm64_boot_stack_top:
	.globl arm64_exc_stack_top
arm64_exc_stack:	.skip 16384
arm64_exc_stack_top:

/*
 * The ELF entry, called by the UEFI front end (boot/efi) with x0 = struct
 * boot_info, everything masked, on the firmware's identity map: our own
 * stacks, then the kernel's side of that hand-off (boot/efi/kernel). The
 * Image protocol enters at the image's first byte instead (boot/image).
 */
	.section .text.boot, "ax"
	.globl kernel_entry_efi
	.type kernel_entry_efi, %function
kernel_entry_efi:
	msr	daifset, #0xf
	msr	spsel, #1
	adrp	x1, arm64_exc_stack_top
	add	x1, x1, :lo12:arm64_exc_stack_top
	mov	sp, x1
	msr	spsel, #0
	adrp	x1, arm64_boot_stack_top
	add	x1, x1, :lo12:arm64_boot_stack_top
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	bl	efi_kmain
1:	wfi
	b	1b
	.size kernel_entry_efi, . - kernel_entry_efi

	.text
/* void arch_call_on_stack(void (*fn)(void *), void *arg, void *stack_top) */
	.globl arch_call_on_stack
	.type arch_call_on_stack, %function
arch_call_on_stack:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	x3, sp
	mov	sp, x2
	stp	x29, x3, [sp, #-16]!	/* the old frame stays reachable for backtraces; the old sp */
	mov	x2, x0
	mov	x0, x1
	blr	x2
	ldp	x29, x3, [sp], #16
	mov	sp, x3
	ldp	x29, x30, [sp], #16
	ret
	.size arch_call_on_stack, . - arch_call_on_stack

/* void arch_switch_stack(void (*fn)(void), void *stack_top): never returns */
	.globl arch_switch_stack
	.type arch_switch_stack, %function
arch_switch_stack:
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	br	x0
	.size arch_switch_stack, . - arch_switch_stack

	.globl arch_halt_forever
	.type arch_halt_forever, %function
arch_halt_forever:
	msr	daifset, #0xf
1:	wfi
	b	1b
	.size arch_halt_forever, . - arch_halt_forever
	.section .note.GNU-stack, "", %progbits
