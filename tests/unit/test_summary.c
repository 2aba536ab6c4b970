/* SPDX-License-Identifier: MIT */
/*
 * Host tests for the summary screen (lib/summary.c), its result record
 * (lib/tap_record.c, filled by lib/tap.c) and lib/crc32.c: a fixed result
 * set is laid out, painted into a fake framebuffer, and the text grid is
 * read back from the pixels by matching every cell against the font.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/crc32.h>
#include <anvil/fbcon.h>
#include <anvil/psf.h>
#include <anvil/summary.h>
#include <anvil/tap.h>
#include <anvil/tap_record.h>

#define GLYPH_W  8u
#define GLYPH_H  8u
#define GLYPHS   256u
#define PSF2_HDR 32u
#define SCREEN_W 640u /* 80 x 60 cells */
#define SCREEN_H 480u

static uint8_t font_buf[PSF2_HDR + GLYPHS * GLYPH_H];
static struct psf_font font;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Glyph i: row 0 is i itself (so every glyph differs), the rest a pattern;
 * the space is blank, as in a real font. */
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
			font_buf[PSF2_HDR + i * GLYPH_H + y] =
				i == ' ' ? 0 : y == 0 ? (uint8_t)i : (uint8_t)(i * 29u + y * 53u);
	return psf_parse(font_buf, sizeof(font_buf), &font, NULL, 0);
}

struct screen {
	struct boot_framebuffer fb;
	uint8_t *mem;
	struct fbcon con;
};

static void screen_open(struct screen *s, uint32_t w, uint32_t h)
{
	s->fb = (struct boot_framebuffer){
		.base = 0xfd000000, .width = w, .height = h, .pitch = w * 4,
		.bpp = 32, .format = BOOT_FB_RGB,
		.red_shift = 16, .green_shift = 8, .blue_shift = 0,
		.red_size = 8, .green_size = 8, .blue_size = 8,
	};
	s->mem = calloc(1, (size_t)h * s->fb.pitch);
	assert_non_null(s->mem);
	assert_int_equal(fbcon_init(&s->con, &s->fb, s->mem, &font), 0);
}

static uint32_t px_at(const struct screen *s, uint32_t x, uint32_t y)
{
	uint32_t v;

	memcpy(&v, s->mem + (size_t)y * s->fb.pitch + (size_t)x * 4, 4);
	return v & 0xffffffu;
}

/* The character whose glyph is drawn at pixel (x0, y0) at this scale, where
 * "on" is any pixel that is not bg; '\0' if none matches. */
static char read_cell(const struct screen *s, uint32_t x0, uint32_t y0,
		      uint32_t scale, uint32_t bg)
{
	for (uint32_t ch = ' '; ch <= '~'; ch++) {
		const uint8_t *g = psf_glyph(&font, ch);
		int match = 1;

		for (uint32_t y = 0; y < GLYPH_H && match; y++)
			for (uint32_t x = 0; x < GLYPH_W && match; x++) {
				int on = (g[y] & (0x80u >> x)) != 0;
				int lit = px_at(s, x0 + x * scale, y0 + y * scale) != bg;

				match = on == lit;
			}
		if (match)
			return (char)ch;
	}
	return '\0';
}

/* Text row `row` of the screen, trailing blanks dropped. */
static void read_row(const struct screen *s, uint32_t row, char *out)
{
	uint32_t n = 0;

	for (uint32_t col = 0; col < s->con.cols; col++) {
		char c = read_cell(s, col * GLYPH_W, row * GLYPH_H, 1, 0);

		assert_true(c != '\0');
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* The fixed result set: two kernel groups, three payloads, every outcome. */
static void fixed_results(struct tap_writer *t)
{
	tap_header(t);
	tap_ok(t, "cpu/invalid_opcode");
	tap_ok(t, "cpu/gp_fault");
	tap_not_ok(t, "timer/tick_rate", "the periodic timer did not start");
	tap_skip(t, "console/framebuffer", "no framebuffer console");
	tap_ok(t, "x86_basic/cpuid");
	tap_todo(t, "x86_basic/soft_int", "qemu-svm-int-n");
	tap_ok(t, "x86_basic/host_intact");
	tap_not_ok(t, "nested_paging/remap", "guest read 0x0 at gpa 0x200000, want 0x5a");
	tap_ok(t, "nested_paging/host_intact");
	tap_skip(t, "spp/run", "needs vmx,spp (not on this CPU)");
	tap_finish(t);
}

static const char *const expected[] = {
	"FAIL: 5 passed, 2 failed, 3 skipped (1 todo) of 10",
	"platform: anvil x86_64 on qemu, emulator 7.2.22",
	"cpu: AMD QEMU Virtual CPU version 2.5+ (svm npt)",
	"",
	"groups and payloads (6):",
	"  PASS  cpu                    2 passed",
	"  FAIL  timer                  0 passed, 1 failed",
	"  SKIP  console                0 passed, 1 skipped",
	"  PASS  x86_basic              2 passed, 1 todo",
	"  FAIL  nested_paging          1 passed, 1 failed",
	"  SKIP  spp                    0 passed, 1 skipped",
	"",
	"failed cases (2):",
	"  3 timer/tick_rate: the periodic timer did not start",
	"  8 nested_paging/remap: guest read 0x0 at gpa 0x200000, want 0x5a",
};
#define EXPECTED_ROWS (sizeof(expected) / sizeof(expected[0]))

static const struct summary_info info = {
	.platform = "anvil x86_64 on qemu",
	.cpu = "AMD QEMU Virtual CPU version 2.5+ (svm npt)",
	.emulator = "7.2.22",
};

static struct tap_record rec;
static struct summary_screen scr;

static void null_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

static void record_fixed(void)
{
	struct tap_writer t;

	tap_init(&t, null_out, NULL);
	tap_record_init(&rec);
	tap_set_record(&t, &rec);
	fixed_results(&t);
}

static void test_layout_lines(void **state)
{
	(void)state;
	record_fixed();
	summary_layout(&scr, &rec, &info, SCREEN_W / GLYPH_W, SCREEN_H / GLYPH_H);
	assert_false(scr.passed);
	assert_string_equal(scr.banner, "FAIL");
	assert_int_equal(scr.scale, 8);
	assert_int_equal(scr.top, 9);
	assert_int_equal(scr.rows, EXPECTED_ROWS);
	for (uint32_t i = 0; i < EXPECTED_ROWS; i++)
		assert_string_equal(scr.text[i], expected[i]);
	assert_int_equal(scr.colour[0], SUMMARY_FAIL);
	assert_int_equal(scr.colour[5], SUMMARY_PASS);
	assert_int_equal(scr.colour[6], SUMMARY_FAIL);
	assert_int_equal(scr.colour[7], SUMMARY_SKIP);
}

static void test_draw_reads_back(void **state)
{
	struct screen s;
	char row[SUMMARY_MAX_COLS + 1];
	char banner[SUMMARY_BANNER_LEN + 1];
	uint32_t band;

	(void)state;
	record_fixed();
	screen_open(&s, SCREEN_W, SCREEN_H);
	fbcon_write(&s.con, "old scrolling TAP text\n", 23);
	summary_layout(&scr, &rec, &info, s.con.cols, s.con.rows);
	summary_draw(&s.con, &scr);

	/* The banner: scaled glyphs, white on a red band across the screen. */
	band = px_at(&s, 0, 0);
	assert_int_equal(band, 0xb00000);
	for (uint32_t i = 0; i < SUMMARY_BANNER_LEN; i++)
		banner[i] = read_cell(&s, (scr.banner_col + i * scr.scale) * GLYPH_W, 0,
				      scr.scale, band);
	banner[SUMMARY_BANNER_LEN] = '\0';
	assert_string_equal(banner, "FAIL");
	assert_int_equal(px_at(&s, SCREEN_W - 1, scr.scale * GLYPH_H - 1), band);

	/* The grid below it, row by row, and nothing after it. */
	for (uint32_t r = 0; r < scr.top; r++) {
		if (r >= scr.scale) {
			read_row(&s, r, row);
			assert_string_equal(row, "");
		}
	}
	for (uint32_t i = 0; i < EXPECTED_ROWS; i++) {
		read_row(&s, scr.top + i, row);
		assert_string_equal(row, expected[i]);
	}
	for (uint32_t r = scr.top + EXPECTED_ROWS; r < s.con.rows; r++) {
		read_row(&s, r, row);
		assert_string_equal(row, "");
	}
	/* A failing group's line is red, a passing one green (first lit pixel). */
	for (uint32_t x = 0; x < SCREEN_W; x++) {
		uint32_t v = px_at(&s, x, (scr.top + 6) * GLYPH_H);

		if (v) {
			assert_int_equal(v, 0xff5050);
			break;
		}
	}
	for (uint32_t x = 0; x < SCREEN_W; x++) {
		uint32_t v = px_at(&s, x, (scr.top + 5) * GLYPH_H);

		if (v) {
			assert_int_equal(v, 0x40e040);
			break;
		}
	}
	free(s.mem);
}

static void test_crc32(void **state)
{
	char text[4096] = "FAIL\n";

	(void)state;
	assert_int_equal(crc32_update(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926u);
	record_fixed();
	summary_layout(&scr, &rec, &info, SCREEN_W / GLYPH_W, SCREEN_H / GLYPH_H);
	for (uint32_t i = 0; i < EXPECTED_ROWS; i++) {
		strcat(text, expected[i]);
		strcat(text, "\n");
	}
	assert_int_equal(summary_crc32(&scr), crc32_update(0, text, strlen(text)));
}

static void test_all_passed(void **state)
{
	struct tap_writer t;

	(void)state;
	tap_init(&t, null_out, NULL);
	tap_record_init(&rec);
	tap_set_record(&t, &rec);
	tap_ok(&t, "mmu/wx");
	tap_skip(&t, "vmx_exits/run", "needs vmx");
	summary_layout(&scr, &rec, NULL, 80, 60);
	assert_true(scr.passed);
	assert_string_equal(scr.banner, "PASS");
	assert_string_equal(scr.text[0], "PASS: 1 passed, 0 failed, 1 skipped (0 todo) of 2");
	assert_string_equal(scr.text[1], "platform: unknown, emulator unknown");
	assert_string_equal(scr.text[scr.rows - 2], "failed cases (0):");
	assert_string_equal(scr.text[scr.rows - 1], "  none");
}

/* 40 groups on a 25-row screen: the failing ones stay, the rest are counted. */
static void test_folds_when_full(void **state)
{
	struct tap_writer t;
	char name[32];

	(void)state;
	tap_init(&t, null_out, NULL);
	tap_record_init(&rec);
	tap_set_record(&t, &rec);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "group%02d/case", i);
		if (i == 7 || i == 31)
			tap_not_ok(&t, name, "broken");
		else
			tap_ok(&t, name);
	}
	summary_layout(&scr, &rec, &info, 80, 25);
	assert_int_equal(scr.scale, 6);
	assert_true(scr.top + scr.rows <= 25);
	assert_string_equal(scr.text[5], "  FAIL  group07                0 passed, 1 failed");
	assert_string_equal(scr.text[6], "  FAIL  group31                0 passed, 1 failed");
	assert_string_equal(scr.text[7],
			    "  ... 38 more groups without failures (full list on serial)");
	assert_string_equal(scr.text[10], "  8 group07/case: broken");
	assert_string_equal(scr.text[11], "  32 group31/case: broken");
	assert_int_equal(scr.rows, 12);
}

/* 30 groups on a wide, short screen: side by side instead of folded. */
static void test_groups_side_by_side(void **state)
{
	struct tap_writer t;
	char name[32];

	(void)state;
	tap_init(&t, null_out, NULL);
	tap_record_init(&rec);
	tap_set_record(&t, &rec);
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "group%02d/case", i);
		if (i == 29)
			tap_not_ok(&t, name, "broken");
		else
			tap_ok(&t, name);
	}
	summary_layout(&scr, &rec, &info, 100, 37);
	assert_int_equal(scr.top, 9);
	assert_true(scr.top + scr.rows <= 37);
	/* 100 columns: two of 50; 15 lines, column-major. */
	assert_string_equal(scr.text[5],
			    "  PASS  group00                1 passed           "
			    "  PASS  group15                1 passed");
	assert_string_equal(scr.text[19],
			    "  PASS  group14                1 passed           "
			    "  FAIL  group29                0 passed, 1 failed");
	assert_int_equal(scr.colour[5], SUMMARY_PASS);
	assert_int_equal(scr.colour[19], SUMMARY_FAIL);
	assert_string_equal(scr.text[22], "  30 group29/case: broken");
}

/* Many failures on a small screen: cut with a count, never past the screen. */
static void test_many_failures_cut(void **state)
{
	struct tap_writer t;
	char name[32];

	(void)state;
	tap_init(&t, null_out, NULL);
	tap_record_init(&rec);
	tap_set_record(&t, &rec);
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "p%d/c", i % 5);
		tap_not_ok(&t, name, "x");
	}
	assert_int_equal(rec.fail_count, TAP_RECORD_FAILS);
	assert_int_equal(rec.fails_dropped, 50 - TAP_RECORD_FAILS);
	summary_layout(&scr, &rec, &info, 60, 30);
	assert_true(scr.top + scr.rows <= 30);
	assert_non_null(strstr(scr.text[scr.rows - 1], "more failed cases (see serial)"));
	/* Too small for a banner: the word leads the grid. */
	summary_layout(&scr, &rec, &info, 20, 5);
	assert_int_equal(scr.scale, 0);
	assert_int_equal(scr.top, 0);
	assert_string_equal(scr.text[0], "FAIL");
	assert_true(scr.rows <= 5);
	for (uint32_t i = 0; i < scr.rows; i++)
		assert_true(strlen(scr.text[i]) <= 20);
}

struct capture {
	char text[4096];
	size_t len;
};

static void cap_out(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	assert_true(c->len + n < sizeof(c->text));
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
}

/* Recording changes nothing in the TAP text. */
static void test_record_keeps_tap_identical(void **state)
{
	static struct capture plain, recorded;
	struct tap_writer a, b;

	(void)state;
	tap_init(&a, cap_out, &plain);
	tap_init(&b, cap_out, &recorded);
	tap_record_init(&rec);
	tap_set_record(&b, &rec);
	fixed_results(&a);
	fixed_results(&b);
	assert_string_equal(plain.text, recorded.text);
	assert_int_equal(rec.total, 10);
	assert_int_equal(rec.passed, 5);
	assert_int_equal(rec.failed, 2);
	assert_int_equal(rec.skipped, 2);
	assert_int_equal(rec.todo, 1);
	assert_int_equal(rec.group_count, 6);
	assert_string_equal(rec.groups[3].name, "x86_basic");
	assert_int_equal(rec.groups[3].todo, 1);
	assert_int_equal(rec.fails[1].number, 8);
	assert_string_equal(rec.fails[1].name, "nested_paging/remap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_lines),
		cmocka_unit_test(test_draw_reads_back),
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_all_passed),
		cmocka_unit_test(test_folds_when_full),
		cmocka_unit_test(test_groups_side_by_side),
		cmocka_unit_test(test_many_failures_cut),
		cmocka_unit_test(test_record_keeps_tap_identical),
	};

	return cmocka_run_group_tests(tests, setup_font, NULL);
}
