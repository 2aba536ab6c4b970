/* SPDX-License-Identifier: MIT */
/*
 * PC Screen Font (PSF1 and PSF2) parsing, for the framebuffer console.
 * Pure: works on a byte buffer the caller owns (the kernel embeds a Debian
 * console font), touches nothing else, and never reads outside the buffer.
 *
 * Glyph bitmaps are rows of bytes_per_row bytes, most significant bit is the
 * leftmost pixel, height rows per glyph.
 */
#ifndef ANVIL_PSF_H
#define ANVIL_PSF_H

#include <stddef.h>
#include <stdint.h>

#define PSF_MAX_WIDTH       64u
#define PSF_MAX_HEIGHT      128u
#define PSF_MAX_GLYPHS      65536u
#define PSF_ASCII_CACHE     128u  /* codepoints resolved once at parse time */

struct psf_font {
	const uint8_t *glyphs;       /* glyph_count * bytes_per_glyph bytes */
	uint32_t glyph_count;
	uint32_t width;              /* pixels */
	uint32_t height;             /* pixels (rows) */
	uint32_t bytes_per_row;      /* (width + 7) / 8 */
	uint32_t bytes_per_glyph;    /* height * bytes_per_row */
	const uint8_t *unicode_table; /* NULL if the font has none */
	size_t unicode_len;
	uint8_t version;             /* 1 or 2 */
	/*
	 * Glyph index for codepoints below PSF_ASCII_CACHE, filled by psf_parse
	 * so printing ASCII never walks the unicode table.
	 */
	uint32_t ascii_glyph[PSF_ASCII_CACHE];
};

/*
 * Validate a PSF1 or PSF2 font in buf[0..len) and describe it in *out (which
 * points into buf). Returns 0, or -1 with a message such as
 * "psf: glyph data (4096 bytes) exceeds the buffer at offset 0x4" in err.
 */
int psf_parse(const void *buf, size_t len, struct psf_font *out,
	      char *err, size_t err_len);

/*
 * The bitmap for a Unicode codepoint: through the font's unicode table if
 * it has one, else glyph index = codepoint. A codepoint the font lacks gets
 * the glyph for '?' (or glyph 0 if there is no '?' either). Never NULL for a
 * font psf_parse accepted.
 */
const uint8_t *psf_glyph(const struct psf_font *f, uint32_t codepoint);

/* The glyph index psf_glyph would use (exposed for tests and diagnostics). */
uint32_t psf_glyph_index(const struct psf_font *f, uint32_t codepoint);

#endif
