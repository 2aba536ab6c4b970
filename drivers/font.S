/* The console font: a PSF file from a Debian package (console-data), placed in the
 * build by tools/deps/deps.mk and passed in as ANVIL_FONT_PATH. */
	.section .rodata
	.balign 8
	.globl console_font_psf, console_font_psf_end
console_font_psf:
	.incbin ANVIL_FONT_PATH
console_font_psf_end:
