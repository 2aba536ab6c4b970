/*
 * Multiboot2 header (Multiboot2 spec 1.0, section 3.1). GRUB looks for it in
 * the first 32 KiB of the image, 8-byte aligned.
 */
#define MB2_HEADER_MAGIC      0xe85250d6
#define MB2_ARCH_I386         0
#define MB2_TAG_END           0
#define MB2_TAG_INFO_REQUEST  1
#define MB2_TAG_ENTRY_ADDRESS 3
#define MB2_TAG_FRAMEBUFFER   5
#define MB2_TAG_OPTIONAL      1

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* 32-bit entry; the ELF entry point is the 64-bit UEFI one. */
	.balign 8
	.short MB2_TAG_ENTRY_ADDRESS
	.short 0
	.long 12
	.long mb2_entry32

	/* Ask for a linear framebuffer; no preferred size; optional. */
	.balign 8
	.short MB2_TAG_FRAMEBUFFER
	.short MB2_TAG_OPTIONAL
	.long 20
	.long 0, 0, 32

	.balign 8
	.short MB2_TAG_END
	.short 0
	.long 8
mb2_header_end:
