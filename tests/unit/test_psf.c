/* SPDX-License-Identifier: MIT */
/* Host unit tests for lib/psf.c: synthetic PSF1/PSF2 fonts and, when the
 * host has them, real Debian console fonts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/psf.h>

#define DEBIAN_PSF1 "/usr/share/consolefonts/default8x16.psf.gz"
#define DEBIAN_PSF2 "/usr/share/consolefonts/lat1-12.psf.gz"
#define KERNEL_PSF  "build/deps/font/console.psf" /* made by `make deps` */

struct fontbuf {
	uint8_t *p;
	size_t len, cap;
};

static void fb_put(struct fontbuf *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void fb_u8(struct fontbuf *b, uint8_t v) { fb_put(b, &v, 1); }

static void fb_u16(struct fontbuf *b, uint16_t v)
{
	fb_u8(b, v & 0xff);
	fb_u8(b, v >> 8);
}

static void fb_u32(struct fontbuf *b, uint32_t v)
{
	fb_u16(b, v & 0xffff);
	fb_u16(b, v >> 16);
}

/* Exact-size heap copy so ASan catches any read past the end. */
static uint8_t *fb_exact(const struct fontbuf *b)
{
	uint8_t *p = malloc(b->len ? b->len : 1);

	assert_non_null(p);
	memcpy(p, b->p, b->len);
	return p;
}

/* Glyph i is filled with byte value (i & 0xff) so tests can tell them apart. */
static void fb_glyphs(struct fontbuf *b, uint32_t count, uint32_t bytes_per_glyph)
{
	for (uint32_t i = 0; i < count; i++)
		for (uint32_t j = 0; j < bytes_per_glyph; j++)
			fb_u8(b, (uint8_t)i);
}

static void psf1_header(struct fontbuf *b, uint8_t mode, uint8_t height)
{
	fb_u8(b, 0x36);
	fb_u8(b, 0x04);
	fb_u8(b, mode);
	fb_u8(b, height);
}

static void psf2_header(struct fontbuf *b, uint32_t hdrsize, uint32_t flags,
			uint32_t count, uint32_t charsize, uint32_t height,
			uint32_t width)
{
	fb_u32(b, 0x864ab572);
	fb_u32(b, 0);
	fb_u32(b, hdrsize);
	fb_u32(b, flags);
	fb_u32(b, count);
	fb_u32(b, charsize);
	fb_u32(b, height);
	fb_u32(b, width);
}

static void expect_error(const struct fontbuf *b, const char *needle)
{
	uint8_t *p = fb_exact(b);
	struct psf_font f;
	char err[160] = "";

	assert_int_equal(psf_parse(p, b->len, &f, err, sizeof(err)), -1);
	if (!strstr(err, needle) || strncmp(err, "psf: ", 5) ||
	    !strstr(err, "at offset 0x"))
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
	free(p);
}

static void test_psf1_plain(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	char err[128];
	uint8_t *p;

	(void)state;
	psf1_header(&b, 0, 16);
	fb_glyphs(&b, 256, 16);
	p = fb_exact(&b);
	assert_int_equal(psf_parse(p, b.len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.version, 1);
	assert_int_equal(f.glyph_count, 256);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	assert_int_equal(f.bytes_per_row, 1);
	assert_int_equal(f.bytes_per_glyph, 16);
	assert_null(f.unicode_table);
	assert_ptr_equal(f.glyphs, p + 4);
	assert_ptr_equal(psf_glyph(&f, 'A'), p + 4 + 'A' * 16);
	assert_ptr_equal(psf_glyph(&f, 0xe9), p + 4 + 0xe9 * 16);
	/* Beyond the font: the '?' glyph. */
	assert_ptr_equal(psf_glyph(&f, 0x263a), p + 4 + '?' * 16);
	free(p);
	free(b.p);
}

static void test_psf1_512_with_table(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	char err[128];
	uint8_t *p;

	(void)state;
	psf1_header(&b, 0x01 | 0x02 | 0x04, 8);
	fb_glyphs(&b, 512, 8);
	/* glyph 0: 'A' and U+0391 (Greek Alpha) */
	fb_u16(&b, 'A'); fb_u16(&b, 0x391); fb_u16(&b, 0xffff);
	/* glyph 1: U+263A, then a sequence containing 'B' (must be ignored) */
	fb_u16(&b, 0x263a); fb_u16(&b, 0xfffe); fb_u16(&b, 'B');
	fb_u16(&b, 0x301); fb_u16(&b, 0xffff);
	/* glyph 2: '?' */
	fb_u16(&b, '?'); fb_u16(&b, 0xffff);
	/* glyph 3: nothing; glyph 4: 'B' and U+00C9 */
	fb_u16(&b, 0xffff);
	fb_u16(&b, 'B'); fb_u16(&b, 0xc9); fb_u16(&b, 0xffff);
	/* glyph 300: U+2588 (second half of a 512-glyph font) */
	for (int i = 5; i < 300; i++)
		fb_u16(&b, 0xffff);
	fb_u16(&b, 0x2588); fb_u16(&b, 0xffff);
	p = fb_exact(&b);
	assert_int_equal(psf_parse(p, b.len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.glyph_count, 512);
	assert_non_null(f.unicode_table);
	assert_ptr_equal(f.unicode_table, p + 4 + 512 * 8);
	assert_int_equal(f.unicode_len, b.len - 4 - 512 * 8);
	assert_int_equal(psf_glyph_index(&f, 'A'), 0);
	assert_int_equal(psf_glyph_index(&f, 0x391), 0);
	assert_int_equal(psf_glyph_index(&f, 0x263a), 1);
	assert_int_equal(psf_glyph_index(&f, 'B'), 4);
	assert_int_equal(psf_glyph_index(&f, 0xc9), 4);
	assert_int_equal(psf_glyph_index(&f, 0x2588), 300);
	assert_int_equal(psf_glyph_index(&f, 0x301), 2); /* only in a sequence */
	assert_int_equal(psf_glyph_index(&f, 'Z'), 2);   /* missing -> '?' */
	assert_int_equal(psf_glyph_index(&f, 0x10ffff), 2);
	assert_ptr_equal(psf_glyph(&f, 0x2588), p + 4 + 300 * 8);
	assert_int_equal(psf_glyph(&f, 0x2588)[0], 300 & 0xff);
	free(p);
	free(b.p);
}

static void test_psf1_table_without_question_mark(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	uint8_t *p;

	(void)state;
	psf1_header(&b, 0x02, 4);
	fb_glyphs(&b, 256, 4);
	fb_u16(&b, 0xffff);
	fb_u16(&b, 'x'); fb_u16(&b, 0xffff);
	fb_u8(&b, 0x41); /* odd trailing byte: ignored, never read as a pair */
	p = fb_exact(&b);
	assert_int_equal(psf_parse(p, b.len, &f, NULL, 0), 0);
	assert_int_equal(psf_glyph_index(&f, 'x'), 1);
	assert_int_equal(psf_glyph_index(&f, 'y'), 0);
	assert_int_equal(psf_glyph_index(&f, 0x1234), 0);
	free(p);
	free(b.p);
}

static void test_psf2_plain_wide(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	char err[128];
	uint8_t *p;

	(void)state;
	/* 12x10 glyphs: 2 bytes per row; a 40-byte header (extra 8 bytes). */
	psf2_header(&b, 40, 0, 100, 20, 10, 12);
	fb_u32(&b, 0xdeadbeef);
	fb_u32(&b, 0xdeadbeef);
	fb_glyphs(&b, 100, 20);
	p = fb_exact(&b);
	assert_int_equal(psf_parse(p, b.len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.version, 2);
	assert_int_equal(f.glyph_count, 100);
	assert_int_equal(f.width, 12);
	assert_int_equal(f.height, 10);
	assert_int_equal(f.bytes_per_row, 2);
	assert_int_equal(f.bytes_per_glyph, 20);
	assert_ptr_equal(f.glyphs, p + 40);
	assert_ptr_equal(psf_glyph(&f, 'A'), p + 40 + 'A' * 20);
	assert_ptr_equal(psf_glyph(&f, 99), p + 40 + 99 * 20);
	assert_ptr_equal(psf_glyph(&f, 100), p + 40 + '?' * 20);
	assert_ptr_equal(psf_glyph(&f, 127), p + 40 + '?' * 20);
	assert_ptr_equal(psf_glyph(&f, 5000), p + 40 + '?' * 20);
	free(p);
	free(b.p);
}

static void test_psf2_small_font_falls_back_to_zero(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	uint8_t *p;

	(void)state;
	psf2_header(&b, 32, 0, 16, 8, 8, 8); /* no '?' in 16 glyphs */
	fb_glyphs(&b, 16, 8);
	p = fb_exact(&b);
	assert_int_equal(psf_parse(p, b.len, &f, NULL, 0), 0);
	assert_int_equal(psf_glyph_index(&f, 15), 15);
	assert_int_equal(psf_glyph_index(&f, 16), 0);
	assert_int_equal(psf_glyph_index(&f, 'A'), 0);
	free(p);
	free(b.p);
}

static void test_psf2_utf8_table(void **state)
{
	static const uint8_t table[] = {
		'A', 0xce, 0x91, 0xff,              /* 0: 'A', U+0391 */
		0xe2, 0x96, 0x88, 0xff,             /* 1: U+2588 */
		0xf0, 0x9f, 0x98, 0x80,             /* 2: U+1F600 ... */
		0xfe, 'C', 0xcc, 0x81, 0xff,        /*    then sequence C+U+0301 */
		0x80, 'D', 0xff,                    /* 3: stray continuation, 'D' */
		'?', 0xff,                          /* 4: '?' */
		0xe2, 0x96,                         /* 5: truncated UTF-8 at the end */
	};
	struct fontbuf b = { 0 };
	struct psf_font f;
	char err[128];
	uint8_t *p;

	(void)state;
	psf2_header(&b, 32, 1, 6, 16, 16, 8);
	fb_glyphs(&b, 6, 16);
	fb_put(&b, table, sizeof(table));
	p = fb_exact(&b);
	assert_int_equal(psf_parse(p, b.len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.unicode_len, sizeof(table));
	assert_int_equal(psf_glyph_index(&f, 'A'), 0);
	assert_int_equal(psf_glyph_index(&f, 0x391), 0);
	assert_int_equal(psf_glyph_index(&f, 0x2588), 1);
	assert_int_equal(psf_glyph_index(&f, 0x1f600), 2);
	assert_int_equal(psf_glyph_index(&f, 'C'), 4);     /* only in a sequence */
	assert_int_equal(psf_glyph_index(&f, 0x301), 4);
	assert_int_equal(psf_glyph_index(&f, 'D'), 3);
	assert_int_equal(psf_glyph_index(&f, 0x2500), 4);  /* missing -> '?' */
	assert_ptr_equal(psf_glyph(&f, 0x2588), p + 32 + 16);
	free(p);
	free(b.p);
}

static void test_errors(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	char err[128] = "";
	uint8_t two[2] = { 0x36, 0x04 };

	(void)state;
	assert_int_equal(psf_parse(two, sizeof(two), &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated header"));
	assert_int_equal(psf_parse(NULL, 0, &f, err, sizeof(err)), -1);

	b.len = 0; fb_u32(&b, 0x12345678); fb_glyphs(&b, 64, 1);
	expect_error(&b, "bad magic");

	b.len = 0; fb_u32(&b, 0x864ab572); fb_u32(&b, 0); fb_u32(&b, 32);
	expect_error(&b, "truncated header");

	b.len = 0; psf1_header(&b, 0, 16); fb_glyphs(&b, 255, 16);
	fb_glyphs(&b, 1, 15);
	expect_error(&b, "past the end of the buffer");

	b.len = 0; psf1_header(&b, 0, 0);
	expect_error(&b, "PSF1 bad glyph height 0");

	b.len = 0; psf1_header(&b, 0x08, 8); fb_glyphs(&b, 256, 8);
	expect_error(&b, "PSF1 unknown mode bits 8");

	b.len = 0; psf1_header(&b, 0x02, 8); fb_glyphs(&b, 256, 8);
	expect_error(&b, "unicode table flagged but missing at offset 0x804");

	b.len = 0; psf1_header(&b, 0x01, 8); fb_glyphs(&b, 256, 8);
	expect_error(&b, "past the end of the buffer, size 4096 at offset 0x4");

	b.len = 0; psf2_header(&b, 32, 0, 1, 8, 8, 8); b.p[4] = 1;
	fb_glyphs(&b, 1, 8);
	expect_error(&b, "PSF2 unsupported version 1 at offset 0x4");

	b.len = 0; psf2_header(&b, 16, 0, 1, 8, 8, 8); fb_glyphs(&b, 1, 8);
	expect_error(&b, "PSF2 bad header size 16 at offset 0x8");

	b.len = 0; psf2_header(&b, 4096, 0, 1, 8, 8, 8); fb_glyphs(&b, 1, 8);
	expect_error(&b, "PSF2 bad header size 4096");

	b.len = 0; psf2_header(&b, 32, 2, 1, 8, 8, 8); fb_glyphs(&b, 1, 8);
	expect_error(&b, "PSF2 unknown flags 2 at offset 0xc");

	b.len = 0; psf2_header(&b, 32, 0, 0, 8, 8, 8);
	expect_error(&b, "PSF2 bad glyph count 0 at offset 0x10");

	b.len = 0; psf2_header(&b, 32, 0, 0x7fffffff, 8, 8, 8);
	expect_error(&b, "PSF2 bad glyph count");

	b.len = 0; psf2_header(&b, 32, 0, 1, 8, 0, 8);
	expect_error(&b, "PSF2 bad glyph height 0 at offset 0x18");

	b.len = 0; psf2_header(&b, 32, 0, 1, 8, 8, 0);
	expect_error(&b, "PSF2 bad glyph width 0 at offset 0x1c");

	b.len = 0; psf2_header(&b, 32, 0, 1, 9 * 8, 8, 65);
	expect_error(&b, "PSF2 bad glyph width 65");

	b.len = 0; psf2_header(&b, 32, 0, 1, 8, 8, 9); fb_glyphs(&b, 1, 16);
	expect_error(&b, "PSF2 glyph size does not match width and height, size 8");

	b.len = 0; psf2_header(&b, 32, 0, 4, 16, 8, 16); fb_glyphs(&b, 3, 16);
	expect_error(&b, "past the end of the buffer, size 64 at offset 0x20");

	b.len = 0; psf2_header(&b, 32, 1, 2, 8, 8, 8); fb_glyphs(&b, 2, 8);
	expect_error(&b, "unicode table flagged but missing at offset 0x30");

	/* An error message is cut to the caller's buffer and stays terminated. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(psf_parse(two, sizeof(two), &f, err, 8), -1);
	assert_string_equal(err, "psf: tr");
	free(b.p);
}

/* Every truncation of a valid font must fail cleanly (ASan checks reads). */
static void test_every_truncation(void **state)
{
	struct fontbuf b = { 0 };
	struct psf_font f;
	char err[128];

	(void)state;
	psf2_header(&b, 32, 1, 3, 2, 2, 4);
	fb_glyphs(&b, 3, 2);
	fb_u8(&b, 'a'); fb_u8(&b, 0xff);
	for (size_t n = 0; n < 32 + 6 + 1; n++) {
		uint8_t *p = malloc(n ? n : 1);

		memcpy(p, b.p, n);
		assert_int_equal(psf_parse(p, n, &f, err, sizeof(err)), -1);
		free(p);
	}
	free(b.p);
}

/* Everything a stream yields, in an exact-size heap block. */
static uint8_t *read_all(FILE *in, size_t *len)
{
	struct fontbuf b = { 0 };
	uint8_t chunk[4096], *exact;
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fb_put(&b, chunk, n);
	*len = b.len;
	exact = fb_exact(&b);
	free(b.p);
	return exact;
}

/* A plain file; NULL if it is not there. */
static uint8_t *load_raw(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	uint8_t *p;

	if (!in)
		return NULL;
	p = read_all(in, len);
	fclose(in);
	return p;
}

/* gunzip a host font through gzip(1); NULL if the file is not there. */
static uint8_t *load_gz(const char *path, size_t *len)
{
	char cmd[256];
	FILE *in = fopen(path, "rb");
	uint8_t *p;

	if (!in)
		return NULL;
	fclose(in);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
	in = popen(cmd, "r");
	if (!in)
		return NULL;
	p = read_all(in, len);
	if (pclose(in) != 0 || *len == 0) {
		free(p);
		return NULL;
	}
	return p;
}

static int popcount_glyph(const struct psf_font *f, const uint8_t *g)
{
	int bits = 0;

	for (uint32_t i = 0; i < f->bytes_per_glyph; i++)
		bits += __builtin_popcount(g[i]);
	return bits;
}

static void check_real_font(const struct psf_font *f)
{
	const uint8_t *full = psf_glyph(f, 0x2588); /* FULL BLOCK */
	const uint8_t *space = psf_glyph(f, ' ');
	const uint8_t *a = psf_glyph(f, 'A');

	assert_non_null(f->unicode_table);
	assert_int_equal(popcount_glyph(f, space), 0);
	assert_true(popcount_glyph(f, a) > 10);
	assert_ptr_not_equal(a, psf_glyph(f, 'B'));
	assert_ptr_not_equal(a, psf_glyph(f, '?'));
	/* Every pixel of the full block is set (all used bits of every row). */
	assert_int_equal(popcount_glyph(f, full), (int)(f->width * f->height));
	/* A codepoint no console font has falls back to '?'. */
	assert_ptr_equal(psf_glyph(f, 0x1f600), psf_glyph(f, '?'));
}

static void test_debian_psf1(void **state)
{
	struct psf_font f;
	char err[128];
	size_t len = 0;
	uint8_t *p = load_gz(DEBIAN_PSF1, &len);

	(void)state;
	if (!p)
		skip();
	assert_int_equal(psf_parse(p, len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.version, 1);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	assert_int_equal(f.glyph_count, 256);
	check_real_font(&f);
	/* CP437 layout: U+263A WHITE SMILING FACE is glyph 1. */
	assert_int_equal(psf_glyph_index(&f, 0x263a), 1);
	free(p);
}

static void test_debian_psf2(void **state)
{
	struct psf_font f;
	char err[128];
	size_t len = 0;
	uint8_t *p = load_gz(DEBIAN_PSF2, &len);

	(void)state;
	if (!p)
		skip();
	assert_int_equal(psf_parse(p, len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.version, 2);
	check_real_font(&f);
	free(p);
}

/* The font the kernel embeds (gunzipped default8x16), when built. */
static void test_kernel_font(void **state)
{
	struct psf_font f;
	char err[128];
	size_t len = 0;
	uint8_t *p = load_raw(KERNEL_PSF, &len);

	(void)state;
	if (!p)
		skip();
	assert_int_equal(psf_parse(p, len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	check_real_font(&f);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psf1_plain),
		cmocka_unit_test(test_psf1_512_with_table),
		cmocka_unit_test(test_psf1_table_without_question_mark),
		cmocka_unit_test(test_psf2_plain_wide),
		cmocka_unit_test(test_psf2_small_font_falls_back_to_zero),
		cmocka_unit_test(test_psf2_utf8_table),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_debian_psf1),
		cmocka_unit_test(test_debian_psf2),
		cmocka_unit_test(test_kernel_font),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
