/* SPDX-License-Identifier: MIT */
/*
 * lib/psf.c (PSF1/PSF2 console fonts) and lib/fbcon.c drawing text with an
 * accepted font.
 *
 * Input: u8 text length, that much text, then the font (the rest, given to
 * the parser as a heap copy of exactly its size).
 *
 * Invariants: 0 or -1; a failure has a message; an accepted font has its
 * geometry within the documented limits (width 1..64, height 1..128,
 * bytes_per_row (width + 7) / 8, bytes_per_glyph height * bytes_per_row, at
 * least one glyph), its glyphs and unicode table inside the buffer, every
 * cached ASCII glyph and every glyph psf_glyph_index returns (for the
 * text's first codepoints, the font's first table entries and a few fixed
 * ones) a valid index, and psf_glyph pointing at that glyph. fbcon then draws the
 * text (its first 32 bytes) onto a three-by-two-cell screen whose pitch padding and surroundings
 * are guard bytes that must stay untouched, and keeps its cursor on screen.
 */
#include <anvil/fbcon.h>
#include <anvil/psf.h>

#include "fuzz.h"

#define ERR_LEN 128u
#define GUARD 0xa5u
#define PAD 8u      /* guard bytes after each scan line */
#define MARGIN 64u  /* guard bytes before and after the screen */
#define DRAWN 32u   /* bytes of text drawn (a non-ASCII glyph is a table walk) */

static struct psf_font font;

/* psf_glyph (through psf_glyph_index) points at the start of one of the glyphs. */
static void check_index(const struct psf_font *f, uint32_t cp)
{
	const uint8_t *g = psf_glyph(f, cp);
	size_t off = (size_t)(g - f->glyphs);

	FUZZ_CHECK(g >= f->glyphs && off % f->bytes_per_glyph == 0 &&
		   off / f->bytes_per_glyph < f->glyph_count, "U+%04x maps outside the %u glyphs", cp,
		   f->glyph_count);
}

static void check_font(const struct psf_font *f, const uint8_t *buf, size_t len,
		       const uint8_t *text, size_t text_len)
{
	/* Few above ASCII: each such lookup walks the whole unicode table. */
	static const uint32_t fixed[] = { 0, '?', 0x7f, 0x263a, 0xffffffffu };

	FUZZ_CHECK(f->version == 1 || f->version == 2, "version %u", f->version);
	FUZZ_CHECK(f->width >= 1 && f->width <= PSF_MAX_WIDTH && f->height >= 1 &&
		   f->height <= PSF_MAX_HEIGHT, "geometry %ux%u", f->width, f->height);
	FUZZ_CHECK(f->bytes_per_row == (f->width + 7) / 8 &&
		   f->bytes_per_glyph == f->height * f->bytes_per_row, "row or glyph size");
	FUZZ_CHECK(f->glyph_count >= 1 && f->glyph_count <= PSF_MAX_GLYPHS, "%u glyphs",
		   f->glyph_count);
	FUZZ_CHECK(f->glyphs >= buf && (uint64_t)(f->glyphs - buf) +
		   (uint64_t)f->glyph_count * f->bytes_per_glyph <= len, "glyphs outside the buffer");
	if (f->unicode_table)
		FUZZ_CHECK(f->unicode_table >= buf && f->unicode_len > 0 &&
			   (uint64_t)(f->unicode_table - buf) + f->unicode_len <= len,
			   "unicode table outside the buffer");
	else
		FUZZ_CHECK(f->unicode_len == 0, "unicode_len without a table");
	for (uint32_t c = 0; c < PSF_ASCII_CACHE; c++)
		FUZZ_CHECK(f->ascii_glyph[c] < f->glyph_count, "ASCII %u cached as glyph %u", c,
			   f->ascii_glyph[c]);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_index(f, fixed[i]);
	/* A few more: each lookup above ASCII walks the whole table. */
	for (size_t i = 0; i + 1 < text_len && i < 4; i += 2)
		check_index(f, (uint32_t)text[i] | (uint32_t)text[i + 1] << 8);
	/* Codepoints the font's own table names (PSF1: UCS-2; PSF2: bytes as a cheap proxy). */
	for (size_t i = 0; f->unicode_table && i + 1 < f->unicode_len && i < 4; i += 2)
		check_index(f, (uint32_t)f->unicode_table[i] | (uint32_t)f->unicode_table[i + 1] << 8);
}

static void draw(const struct psf_font *f, const uint8_t *text, size_t text_len)
{
	struct boot_framebuffer fb = { 0 };
	struct fbcon con;
	uint32_t w = 3 * f->width, h = 2 * f->height, pitch = w * 4 + PAD;
	size_t screen = (size_t)pitch * h, total = screen + 2 * MARGIN;
	uint8_t *mem = malloc(total);

	FUZZ_CHECK(mem != NULL, "out of memory");
	memset(mem, GUARD, total);
	fb.base = 1;
	fb.width = w;
	fb.height = h;
	fb.pitch = pitch;
	fb.bpp = 32;
	fb.format = BOOT_FB_RGB;
	fb.red_shift = 16;
	fb.red_size = 8;
	fb.green_shift = 8;
	fb.green_size = 8;
	fb.blue_size = 8;
	FUZZ_CHECK(fbcon_init(&con, &fb, mem + MARGIN, f) == 0, "fbcon refused a valid screen");
	fbcon_write(&con, (const char *)text, text_len < DRAWN ? text_len : DRAWN);
	FUZZ_CHECK(con.cy < con.rows && con.cx <= con.cols, "cursor %u,%u outside %ux%u", con.cx,
		   con.cy, con.cols, con.rows);
	for (size_t i = 0; i < MARGIN; i++)
		FUZZ_CHECK(mem[i] == GUARD && mem[MARGIN + screen + i] == GUARD,
			   "fbcon wrote outside the screen");
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t i = w * 4; i < pitch; i++)
			FUZZ_CHECK(mem[MARGIN + (size_t)y * pitch + i] == GUARD,
				   "fbcon wrote the pitch padding of line %u", y);
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	size_t text_len, len;
	const uint8_t *text = fz_bytes(&f, fz_u8(&f), &text_len);
	const uint8_t *rest = fz_rest(&f, &len);
	uint8_t *buf = fz_copy(rest, len);
	char *err = (char *)fz_copy_in("", 0, ERR_LEN);
	int rc;

	memset(err, 'x', ERR_LEN);
	rc = psf_parse(buf, len, &font, err, ERR_LEN);
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (rc == 0) {
		check_font(&font, buf, len, text, text_len);
		draw(&font, text, text_len);
	} else {
		FUZZ_CHECK(fz_message(err, ERR_LEN), "refused without a message");
	}
	free(err);
	free(buf);
	return 0;
}
