/* SPDX-License-Identifier: MIT */
/*
 * A text console drawn into a linear framebuffer. Pure: the caller maps the
 * framebuffer and passes its base pointer; fbcon only writes pixels inside
 * [0, width) x [0, height) of that mapping (never the pitch padding).
 *
 * Text is UTF-8; codepoints the font lacks show as '?'. Control characters:
 * \n (to column 0 of the next line), \r, \t (next multiple of 8), \b (cursor
 * left, no erase). A line that fills the last column wraps when the next
 * printable character arrives, so a full line followed by \n does not leave
 * an empty line. Below the last row the screen scrolls up one text row.
 */
#ifndef ANVIL_FBCON_H
#define ANVIL_FBCON_H

#include <stddef.h>
#include <stdint.h>

#include <anvil/boot_info.h>
#include <anvil/psf.h>

#define FBCON_TAB_WIDTH 8u

struct fbcon {
	uint8_t *base;               /* mapped pixel (0,0) */
	uint32_t width, height;      /* pixels */
	uint32_t pitch;              /* bytes per scan line */
	uint8_t bytespp;             /* 2, 3 or 4 */
	struct boot_framebuffer fmt; /* copy of the boot description */
	const struct psf_font *font;
	uint32_t cols, rows;         /* text cells */
	uint32_t cx, cy;             /* cursor cell; cx == cols: wrap pending */
	uint32_t fg, bg;             /* pixel values (fbcon_pack_rgb) */
	/* UTF-8 decoding state carried between fbcon_write calls. */
	uint32_t utf8_cp;
	uint8_t utf8_need;
};

/*
 * Set up a console on fb (mapped at mapped_base) and clear it. Returns -1 if
 * the format is not BOOT_FB_RGB, bpp is not 16/24/32, a colour field does not
 * fit in the pixel, pitch < width * bytes per pixel, or the screen is smaller
 * than one glyph.
 */
int fbcon_init(struct fbcon *c, const struct boot_framebuffer *fb,
	       void *mapped_base, const struct psf_font *font);

void fbcon_write(struct fbcon *c, const char *s, size_t n);

/* Fill the whole screen with bg and home the cursor. */
void fbcon_clear(struct fbcon *c);

/*
 * The pixel value for an 8-bit-per-channel colour, scaled to each channel's
 * size (0 stays 0, 255 becomes all ones) and placed at its shift.
 */
uint32_t fbcon_pack_rgb(const struct boot_framebuffer *fb, uint8_t r,
			uint8_t g, uint8_t b);

/*
 * Drawing outside the text flow (the summary screen); the cursor does not
 * move. Pixel coordinates; whatever falls outside the screen is clipped.
 */
void fbcon_fill_rect(struct fbcon *c, uint32_t x, uint32_t y, uint32_t w,
		     uint32_t h, uint32_t px);

/* The glyph for cp with its top-left pixel at (x, y), each font pixel drawn
 * as a scale x scale square (scale 0 is taken as 1). */
void fbcon_draw_glyph_at(struct fbcon *c, uint32_t x, uint32_t y, uint32_t cp,
			 uint32_t scale, uint32_t fg, uint32_t bg);

#endif
