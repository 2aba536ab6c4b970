/* SPDX-License-Identifier: MIT */
/*
 * The arm64 Image header and the kernel's first instructions (Linux
 * Documentation/arch/arm64/booting.rst, "Call the kernel image"): a loader
 * that speaks that protocol (QEMU -kernel, U-Boot booti, ...) places the
 * image at a 2 MiB-aligned base plus text_offset and enters it at its first
 * byte with the MMU off, x0 = the device tree's physical address, at EL2 if
 * it can. The kernel is linked at 0x40200000: QEMU virt's RAM base plus
 * text_offset (linker/arm64-kernel.ld).
 */
#define IMAGE_TEXT_OFFSET 0x200000
#define IMAGE_FLAGS_LE_4K (1 << 1)   /* little endian, 4 KiB pages, placed as close to the base as text_offset says */
#define IMAGE_MAGIC 0x644d5241       /* "ARM\x64" */

	.section .text.head, "ax"
	.globl image_header
image_header:
	b	image_start		/* code0 */
	.long	0			/* code1 */
	.quad	IMAGE_TEXT_OFFSET	/* text_offset */
	.quad	__image_size		/* image_size: from the load address to the end of .bss */
	.quad	IMAGE_FLAGS_LE_4K	/* flags */
	.quad	0, 0, 0			/* res2, res3, res4 */
	.long	IMAGE_MAGIC
	.long	0			/* res5 (PE header offset: none) */

	.section .text.boot, "ax"
image_start:
	mov	x19, x0			/* the device tree */
	mrs	x20, cntpct_el0		/* hand-off time */
	/*
	 * Entered at EL1 (no EL2 for us): let the C code's FP/SIMD stores
	 * (newlib's variadic prologues) through CPACR_EL1.FPEN, so it can get
	 * far enough to say so (arch/arm64/el1_entry.c). At EL2, CPTR_EL2 is set up later.
	 */
	mrs	x1, CurrentEL
	cmp	x1, #(1 << 2)
	b.ne	0f
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
0:
	msr	daifset, #0xf		/* nothing may interrupt us before the vectors are set */
	/* Exceptions use SP_ELx (SPSel=1): the exception stack; the kernel runs on SP_EL0. */
	msr	spsel, #1
	adrp	x1, arm64_exc_stack_top
	add	x1, x1, :lo12:arm64_exc_stack_top
	mov	sp, x1
	msr	spsel, #0
	adrp	x1, arm64_boot_stack_top
	add	x1, x1, :lo12:arm64_boot_stack_top
	mov	sp, x1
	/* .bss: 16-byte aligned and sized (linker script), stored with aligned pairs (MMU off). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	mov	x1, x20
	bl	image_kmain		/* boot/image/image_main.c; never returns */
3:	wfi
	b	3b
