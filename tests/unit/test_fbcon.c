/* SPDX-License-Identifier: MIT */
/* Host unit tests for lib/fbcon.c: render into heap framebuffers of several
 * pixel formats and check exact pixels, wrapping, scrolling and bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/fbcon.h>
#include <anvil/psf.h>

#define GLYPH_W    6u
#define GLYPH_H    4u
#define GLYPHS     256u
#define PSF2_HDR   32u
#define SENTINEL   0xa5u /* fill for bytes fbcon must never touch */

enum fmt { FMT_BGRX32, FMT_RGBX32, FMT_BGR24, FMT_RGB565, FMT_COUNT };

struct screen {
	struct boot_framebuffer fb;
	uint8_t *mem;
	size_t size;
	struct fbcon con;
};

static uint8_t font_buf[PSF2_HDR + GLYPHS * GLYPH_H];
static struct psf_font font;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Row y of glyph i: an irregular pattern in the 6 used (top) bits. */
static uint8_t pattern(uint32_t i, uint32_t y)
{
	return (uint8_t)((i * 37u + y * 101u + 11u) & 0xfcu);
}

static int setup_font(void **state)
{
	(void)state;
	put32(font_buf + 0, 0x864ab572);
	put32(font_buf + 4, 0);
	put32(font_buf + 8, PSF2_HDR);
	put32(font_buf + 12, 0);
	put32(font_buf + 16, GLYPHS);
	put32(font_buf + 20, GLYPH_H);
	put32(font_buf + 24, GLYPH_H);
	put32(font_buf + 28, GLYPH_W);
	for (uint32_t i = 0; i < GLYPHS; i++)
		for (uint32_t y = 0; y < GLYPH_H; y++)
			font_buf[PSF2_HDR + i * GLYPH_H + y] = pattern(i, y);
	return psf_parse(font_buf, sizeof(font_buf), &font, NULL, 0);
}

static struct boot_framebuffer make_fmt(enum fmt f, uint32_t w, uint32_t h,
					uint32_t pitch)
{
	struct boot_framebuffer fb = {
		.base = 0xfd000000, .width = w, .height = h, .pitch = pitch,
		.format = BOOT_FB_RGB,
	};

	switch (f) {
	case FMT_BGRX32:
		fb.bpp = 32;
		fb.red_shift = 16; fb.green_shift = 8; fb.blue_shift = 0;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	case FMT_RGBX32:
		fb.bpp = 32;
		fb.red_shift = 0; fb.green_shift = 8; fb.blue_shift = 16;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	case FMT_BGR24:
		fb.bpp = 24;
		fb.red_shift = 16; fb.green_shift = 8; fb.blue_shift = 0;
		fb.red_size = fb.green_size = fb.blue_size = 8;
		break;
	default:
		fb.bpp = 16;
		fb.red_shift = 11; fb.green_shift = 5; fb.blue_shift = 0;
		fb.red_size = 5; fb.green_size = 6; fb.blue_size = 5;
		break;
	}
	return fb;
}

/*
 * A screen of cols x rows cells plus a margin of extra pixels right and
 * below, with pad bytes after each line. The buffer ends exactly after the
 * last visible pixel so ASan flags any write past it.
 */
static void screen_open(struct screen *s, enum fmt f, uint32_t cols,
			uint32_t rows, uint32_t margin, uint32_t pad)
{
	uint32_t w = cols * GLYPH_W + margin, h = rows * GLYPH_H + margin;
	uint32_t bytespp;

	s->fb = make_fmt(f, w, h, 0);
	bytespp = s->fb.bpp / 8;
	s->fb.pitch = w * bytespp + pad;
	s->size = (size_t)s->fb.pitch * (h - 1) + (size_t)w * bytespp;
	s->mem = malloc(s->size);
	assert_non_null(s->mem);
	memset(s->mem, SENTINEL, s->size);
	assert_int_equal(fbcon_init(&s->con, &s->fb, s->mem, &font), 0);
	assert_int_equal(s->con.cols, cols);
	assert_int_equal(s->con.rows, rows);
}

static void screen_close(struct screen *s)
{
	free(s->mem);
}

static uint32_t read_px(const struct screen *s, uint32_t x, uint32_t y)
{
	const uint8_t *p = s->mem + (size_t)y * s->fb.pitch + x * (s->fb.bpp / 8);
	uint32_t v = 0;

	for (uint32_t i = 0; i < s->fb.bpp / 8u; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void write_str(struct screen *s, const char *str)
{
	fbcon_write(&s->con, str, strlen(str));
}

/* Does cell (col,row) show glyph index g in the console's colours? */
static int cell_is(const struct screen *s, uint32_t col, uint32_t row,
		   uint32_t g)
{
	for (uint32_t y = 0; y < GLYPH_H; y++)
		for (uint32_t x = 0; x < GLYPH_W; x++) {
			int on = pattern(g, y) & (0x80 >> x);
			uint32_t want = on ? s->con.fg : s->con.bg;

			if (read_px(s, col * GLYPH_W + x, row * GLYPH_H + y) != want)
				return 0;
		}
	return 1;
}

static int cell_blank(const struct screen *s, uint32_t col, uint32_t row)
{
	for (uint32_t y = 0; y < GLYPH_H; y++)
		for (uint32_t x = 0; x < GLYPH_W; x++)
			if (read_px(s, col * GLYPH_W + x, row * GLYPH_H + y) !=
			    s->con.bg)
				return 0;
	return 1;
}

/* Pitch padding is never written. */
static void assert_padding_untouched(const struct screen *s)
{
	size_t line = (size_t)s->fb.width * (s->fb.bpp / 8);

	for (uint32_t y = 0; y + 1 < s->fb.height; y++)
		for (size_t i = line; i < s->fb.pitch; i++)
			assert_int_equal(s->mem[(size_t)y * s->fb.pitch + i], SENTINEL);
}

static void test_pack_rgb(void **state)
{
	struct boot_framebuffer bgrx = make_fmt(FMT_BGRX32, 1, 1, 4);
	struct boot_framebuffer rgbx = make_fmt(FMT_RGBX32, 1, 1, 4);
	struct boot_framebuffer bgr = make_fmt(FMT_BGR24, 1, 1, 3);
	struct boot_framebuffer rgb565 = make_fmt(FMT_RGB565, 1, 1, 2);

	(void)state;
	assert_int_equal(fbcon_pack_rgb(&bgrx, 0x12, 0x34, 0x56), 0x123456);
	assert_int_equal(fbcon_pack_rgb(&rgbx, 0x12, 0x34, 0x56), 0x563412);
	assert_int_equal(fbcon_pack_rgb(&bgr, 0x12, 0x34, 0x56), 0x123456);
	assert_int_equal(fbcon_pack_rgb(&rgb565, 0xff, 0, 0), 0xf800);
	assert_int_equal(fbcon_pack_rgb(&rgb565, 0, 0xff, 0), 0x07e0);
	assert_int_equal(fbcon_pack_rgb(&rgb565, 0, 0, 0xff), 0x001f);
	assert_int_equal(fbcon_pack_rgb(&rgb565, 0xff, 0xff, 0xff), 0xffff);
	assert_int_equal(fbcon_pack_rgb(&rgb565, 0, 0, 0), 0);
	/* 0x80 -> 16/31 and 32/63 (rounded to nearest). */
	assert_int_equal(fbcon_pack_rgb(&rgb565, 0x80, 0x80, 0x80), 0x8410);
	/* A nonsense channel description contributes nothing. */
	bgrx.red_size = 0;
	assert_int_equal(fbcon_pack_rgb(&bgrx, 0xff, 0, 0), 0);
}

static void test_init_rejects(void **state)
{
	uint8_t mem[64 * 64 * 4];
	struct boot_framebuffer fb;
	struct fbcon c;

	(void)state;
	fb = make_fmt(FMT_BGRX32, 16, 16, 64);
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), 0);
	fb.format = BOOT_FB_NONE;
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb = make_fmt(FMT_BGRX32, 16, 16, 64);
	fb.bpp = 8;
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb.bpp = 15;
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb = make_fmt(FMT_BGRX32, 16, 16, 63); /* pitch < width * 4 */
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb = make_fmt(FMT_BGRX32, GLYPH_W - 1, 16, 64);
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb = make_fmt(FMT_BGRX32, 16, GLYPH_H - 1, 64);
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb = make_fmt(FMT_BGRX32, 16, 16, 64);
	assert_int_equal(fbcon_init(&c, &fb, NULL, &font), -1);
	fb = make_fmt(FMT_RGB565, 16, 16, 32);
	fb.red_shift = 12; /* 12 + 5 > 16 bits */
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	fb = make_fmt(FMT_BGR24, 16, 16, 48);
	fb.blue_size = 0;
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), -1);
	/* The smallest screen: exactly one glyph. */
	fb = make_fmt(FMT_BGR24, GLYPH_W, GLYPH_H, GLYPH_W * 3);
	assert_int_equal(fbcon_init(&c, &fb, mem, &font), 0);
	assert_int_equal(c.cols, 1);
	assert_int_equal(c.rows, 1);
}

/* Bytes of the fg/bg colours below, as they must appear in memory. */
static const struct {
	enum fmt f;
	uint8_t fg[4], bg[4];
} formats[] = {
	{ FMT_BGRX32, { 0x56, 0x34, 0x12, 0x00 }, { 0xde, 0xbc, 0x9a, 0x00 } },
	{ FMT_RGBX32, { 0x12, 0x34, 0x56, 0x00 }, { 0x9a, 0xbc, 0xde, 0x00 } },
	{ FMT_BGR24,  { 0x56, 0x34, 0x12 },       { 0xde, 0xbc, 0x9a } },
	/* r 0x12->2, g 0x34->13, b 0x56->10: 2<<11|13<<5|10 = 0x11aa;
	 * r 0x9a->19, g 0xbc->46, b 0xde->27: 0x9ddb */
	{ FMT_RGB565, { 0xaa, 0x11 },             { 0xdb, 0x9d } },
};

static void test_glyph_pixels_every_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct screen s;
		uint32_t bytespp;

		screen_open(&s, formats[i].f, 4, 3, 3, 5);
		bytespp = s.fb.bpp / 8;
		s.con.fg = fbcon_pack_rgb(&s.fb, 0x12, 0x34, 0x56);
		s.con.bg = fbcon_pack_rgb(&s.fb, 0x9a, 0xbc, 0xde);
		write_str(&s, "xA");
		assert_true(cell_is(&s, 0, 0, 'x'));
		assert_true(cell_is(&s, 1, 0, 'A'));
		/* Exact bytes of every pixel of the 'A' cell. */
		for (uint32_t y = 0; y < GLYPH_H; y++)
			for (uint32_t x = 0; x < GLYPH_W; x++) {
				const uint8_t *p = s.mem + (size_t)y * s.fb.pitch +
						   (GLYPH_W + x) * bytespp;
				int on = pattern('A', y) & (0x80 >> x);

				assert_memory_equal(p, on ? formats[i].fg : formats[i].bg,
						    bytespp);
			}
		/* Init cleared the rest to black (0), cursor after 'A'. */
		assert_int_equal(read_px(&s, 2 * GLYPH_W, 0), 0);
		assert_int_equal(read_px(&s, s.fb.width - 1, s.fb.height - 1), 0);
		assert_int_equal(s.con.cx, 2);
		assert_int_equal(s.con.cy, 0);
		assert_padding_untouched(&s);
		screen_close(&s);
	}
}

static void test_default_colours(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, FMT_BGRX32, 2, 1, 0, 0);
	assert_int_equal(s.con.fg, 0xffffff);
	assert_int_equal(s.con.bg, 0);
	write_str(&s, "\x7f");
	screen_close(&s);
}

static void test_wrap(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, FMT_BGRX32, 5, 3, 3, 8);
	write_str(&s, "ABCDEF");
	assert_true(cell_is(&s, 4, 0, 'E'));
	assert_true(cell_is(&s, 0, 1, 'F'));
	assert_int_equal(s.con.cx, 1);
	assert_int_equal(s.con.cy, 1);
	/* The right margin (3 px beyond the last column) stays background. */
	for (uint32_t y = 0; y < GLYPH_H; y++)
		for (uint32_t x = 5 * GLYPH_W; x < s.fb.width; x++)
			assert_int_equal(read_px(&s, x, y), s.con.bg);

	/* A full line then \n does not leave an empty line. */
	fbcon_clear(&s.con);
	write_str(&s, "ABCDE");
	assert_int_equal(s.con.cx, 5); /* wrap pending */
	assert_int_equal(s.con.cy, 0);
	write_str(&s, "\nG");
	assert_true(cell_is(&s, 0, 1, 'G'));
	assert_int_equal(s.con.cy, 1);
	assert_padding_untouched(&s);
	screen_close(&s);
}

static void test_scroll(void **state)
{
	(void)state;
	for (int f = 0; f < FMT_COUNT; f++) {
		struct screen s;

		screen_open(&s, (enum fmt)f, 3, 3, 2, 7);
		write_str(&s, "abc\nde\nfgh");
		assert_true(cell_is(&s, 0, 0, 'a'));
		write_str(&s, "\nij");
		/* Every row moved up by one: the first row now shows "de". */
		assert_true(cell_is(&s, 0, 0, 'd'));
		assert_true(cell_is(&s, 1, 0, 'e'));
		assert_true(cell_blank(&s, 2, 0));
		assert_true(cell_is(&s, 0, 1, 'f'));
		assert_true(cell_is(&s, 2, 1, 'h'));
		assert_true(cell_is(&s, 0, 2, 'i'));
		assert_true(cell_is(&s, 1, 2, 'j'));
		assert_true(cell_blank(&s, 2, 2));
		assert_int_equal(s.con.cy, 2);
		/* Wrapping on the last row scrolls too. */
		write_str(&s, "klmn");
		assert_true(cell_is(&s, 0, 0, 'f'));
		assert_true(cell_is(&s, 0, 1, 'i'));
		assert_true(cell_is(&s, 2, 1, 'k'));
		assert_true(cell_is(&s, 0, 2, 'l'));
		assert_true(cell_is(&s, 1, 2, 'm'));
		assert_true(cell_is(&s, 2, 2, 'n'));
		/* Bottom margin untouched (still the cleared background). */
		for (uint32_t y = 3 * GLYPH_H; y < s.fb.height; y++)
			for (uint32_t x = 0; x < s.fb.width; x++)
				assert_int_equal(read_px(&s, x, y), s.con.bg);
		assert_padding_untouched(&s);
		screen_close(&s);
	}
}

static void test_many_lines_stay_in_bounds(void **state)
{
	struct screen s;
	char line[64];

	(void)state;
	screen_open(&s, FMT_BGR24, 7, 4, 3, 3);
	for (int i = 0; i < 200; i++) {
		int n = snprintf(line, sizeof(line), "line %d: \t%d\r\n", i, i * i);

		fbcon_write(&s.con, line, (size_t)n);
	}
	write_str(&s, "end");
	assert_true(cell_is(&s, 0, 3, 'e'));
	assert_true(cell_is(&s, 2, 3, 'd'));
	assert_padding_untouched(&s);
	screen_close(&s);
}

static void test_control_chars(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, FMT_RGBX32, 20, 2, 0, 4);
	write_str(&s, "abc\rX");
	assert_true(cell_is(&s, 0, 0, 'X'));
	assert_true(cell_is(&s, 1, 0, 'b'));
	write_str(&s, "\tT");
	assert_true(cell_is(&s, 8, 0, 'T'));
	write_str(&s, "\tU\b\bV");
	assert_true(cell_is(&s, 16, 0, 'U'));
	assert_true(cell_is(&s, 15, 0, 'V'));
	assert_int_equal(s.con.cx, 16);
	write_str(&s, "\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b");
	assert_int_equal(s.con.cx, 0);
	/* Tab at the end of a line waits for the next character to wrap. */
	write_str(&s, "\t\t\t");
	assert_int_equal(s.con.cx, 20);
	assert_int_equal(s.con.cy, 0);
	write_str(&s, "W");
	assert_true(cell_is(&s, 0, 1, 'W'));
	/* Backspace out of a pending wrap lands on the last column. */
	write_str(&s, "\r\t\t\t\bZ");
	assert_true(cell_is(&s, 19, 1, 'Z'));
	/* Other control characters draw nothing and do not move. */
	write_str(&s, "\r\x01\x1b\x7f");
	assert_int_equal(s.con.cx, 0);
	assert_true(cell_is(&s, 0, 1, 'W'));
	{
		char nul[2] = { 0, 'N' };

		fbcon_write(&s.con, nul, sizeof(nul));
		assert_true(cell_is(&s, 0, 1, 'N'));
	}
	assert_padding_untouched(&s);
	screen_close(&s);
}

static void test_utf8(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, FMT_RGB565, 10, 2, 1, 2);
	write_str(&s, "\xc3\xa9");             /* U+00E9 -> glyph 0xe9 */
	assert_true(cell_is(&s, 0, 0, 0xe9));
	write_str(&s, "\xc2");                 /* split across two writes */
	write_str(&s, "\xa0");
	assert_true(cell_is(&s, 1, 0, 0xa0));
	write_str(&s, "\xe2\x96\x88");         /* U+2588: beyond the font -> '?' */
	assert_true(cell_is(&s, 2, 0, '?'));
	write_str(&s, "\xff");                 /* never valid -> '?' */
	assert_true(cell_is(&s, 3, 0, '?'));
	write_str(&s, "\xc3" "A");             /* cut short: '?' then 'A' */
	assert_true(cell_is(&s, 4, 0, '?'));
	assert_true(cell_is(&s, 5, 0, 'A'));
	write_str(&s, "\x80");                 /* stray continuation byte */
	assert_true(cell_is(&s, 6, 0, '?'));
	assert_int_equal(s.con.cx, 7);
	assert_padding_untouched(&s);
	screen_close(&s);
}

static void test_clear(void **state)
{
	struct screen s;

	(void)state;
	screen_open(&s, FMT_BGRX32, 4, 2, 1, 4);
	s.con.bg = fbcon_pack_rgb(&s.fb, 0, 0, 0xff);
	write_str(&s, "ab\ncd");
	fbcon_clear(&s.con);
	assert_int_equal(s.con.cx, 0);
	assert_int_equal(s.con.cy, 0);
	for (uint32_t y = 0; y < s.fb.height; y++)
		for (uint32_t x = 0; x < s.fb.width; x++)
			assert_int_equal(read_px(&s, x, y), 0xff);
	assert_padding_untouched(&s);
	screen_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_rgb),
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_glyph_pixels_every_format),
		cmocka_unit_test(test_default_colours),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_many_lines_stay_in_bounds),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_clear),
	};

	return cmocka_run_group_tests(tests, setup_font, NULL);
}
