/* SPDX-License-Identifier: MIT */
/*
 * The summary screen shown at the end of a run: a large PASS or FAIL banner
 * (the console font's glyphs scaled up), then a grid of text: the counts,
 * the platform and CPU, one line per group (kernel test group or guest
 * payload) with its status, and the failed cases with their reasons.
 *
 * Two steps, both pure: summary_layout() turns a result record into the text
 * grid (what the host unit test and the runner's screenshot check read back),
 * summary_draw() paints it into a framebuffer console. Colour marks status
 * (green pass, red fail, yellow skip/todo), but every line also says it in
 * words, so the screen reads the same without colour.
 *
 * summary_crc32() is the CRC-32 (zlib's) of the banner word and the grid's
 * lines, each followed by '\n' (lines carry no trailing blanks): the kernel
 * prints it on serial so a host can check the screen without OCR.
 */
#ifndef ANVIL_SUMMARY_H
#define ANVIL_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/fbcon.h>
#include <anvil/tap_record.h>

#define SUMMARY_MAX_COLS   200u
#define SUMMARY_MAX_ROWS   100u
#define SUMMARY_BANNER_LEN 4u  /* "PASS" / "FAIL" */
#define SUMMARY_SCALE_MAX  8u

enum summary_colour {
	SUMMARY_TEXT,
	SUMMARY_PASS,
	SUMMARY_FAIL,
	SUMMARY_SKIP,
	SUMMARY_DIM,
	SUMMARY_COLOURS,
};

/* What the record does not know; any field may be NULL or empty. */
struct summary_info {
	const char *platform; /* "anvil x86_64 on qemu" */
	const char *cpu;      /* arch_cpu_describe() */
	const char *emulator; /* emulator_version= as the runner passed it */
};

struct summary_screen {
	bool passed;
	char banner[SUMMARY_BANNER_LEN + 1];
	uint32_t scale;       /* banner glyph pixel = scale x scale pixels */
	uint32_t top;         /* text rows above the grid (banner and margin) */
	uint32_t banner_col;  /* text column where the banner starts */
	uint32_t cols;        /* characters per grid line */
	uint32_t rows;        /* grid lines used */
	char text[SUMMARY_MAX_ROWS][SUMMARY_MAX_COLS + 1];
	uint8_t colour[SUMMARY_MAX_ROWS]; /* enum summary_colour */
};

/*
 * Lay the record out for a screen of screen_cols x screen_rows text cells
 * (clamped to SUMMARY_MAX_*). When everything does not fit, failing groups
 * and failed cases are kept and the rest is counted in "... N more" lines.
 */
void summary_layout(struct summary_screen *s, const struct tap_record *r,
		    const struct summary_info *info, uint32_t screen_cols,
		    uint32_t screen_rows);

uint32_t summary_crc32(const struct summary_screen *s);

/* Clear the screen and paint s (laid out for this console's cols/rows). */
void summary_draw(struct fbcon *c, const struct summary_screen *s);

#endif
