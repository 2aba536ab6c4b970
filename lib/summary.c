// SPDX-License-Identifier: MIT
/* Summary screen: layout of the result record as text, then painting it. */
#include <anvil/summary.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <anvil/crc32.h>

#define SUMMARY_NAME_WIDTH   20u /* group names are padded to this */
#define SUMMARY_FIXED_LINES  7u  /* counts, platform, cpu, 2 headings, 2 blanks */
#define SUMMARY_MIN_GRID     4u  /* text rows kept below the banner */
#define SUMMARY_COLUMN_MIN   48u /* narrowest column of group entries */

struct summary_rgb {
	uint8_t r, g, b;
};

static const struct summary_rgb summary_palette[SUMMARY_COLOURS] = {
	[SUMMARY_TEXT] = { 0xe0, 0xe0, 0xe0 },
	[SUMMARY_PASS] = { 0x40, 0xe0, 0x40 },
	[SUMMARY_FAIL] = { 0xff, 0x50, 0x50 },
	[SUMMARY_SKIP] = { 0xe0, 0xc0, 0x30 },
	[SUMMARY_DIM]  = { 0xa0, 0xa0, 0xa0 },
};

static const struct summary_rgb summary_banner_pass = { 0x00, 0x80, 0x00 };
static const struct summary_rgb summary_banner_fail = { 0xb0, 0x00, 0x00 };
static const struct summary_rgb summary_white = { 0xff, 0xff, 0xff };
static const struct summary_rgb summary_black = { 0x00, 0x00, 0x00 };

static void summary_line(struct summary_screen *s, enum summary_colour colour,
			 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Append one grid line (cut to the width, printable ASCII, no trailing blanks). */
static void summary_line(struct summary_screen *s, enum summary_colour colour,
			 const char *fmt, ...)
{
	char buf[SUMMARY_MAX_COLS * 2];
	va_list ap;
	char *line;
	size_t n;

	if (s->rows >= SUMMARY_MAX_ROWS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	line = s->text[s->rows];
	n = strlen(buf);
	if (n > s->cols)
		n = s->cols;
	for (size_t i = 0; i < n; i++)
		line[i] = (buf[i] >= ' ' && buf[i] <= '~') ? buf[i] : '?';
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	s->colour[s->rows] = (uint8_t)colour;
	s->rows++;
}

static const char *summary_text(const char *s)
{
	return (s && s[0]) ? s : "unknown";
}

static const char *summary_status_word(enum tap_outcome o)
{
	switch (o) {
	case TAP_PASS:
		return "PASS";
	case TAP_FAIL:
		return "FAIL";
	case TAP_TODO:
		return "TODO";
	default:
		return "SKIP";
	}
}

static enum summary_colour summary_status_colour(enum tap_outcome o)
{
	switch (o) {
	case TAP_PASS:
		return SUMMARY_PASS;
	case TAP_FAIL:
		return SUMMARY_FAIL;
	default:
		return SUMMARY_SKIP;
	}
}

/* One group's entry: "  PASS  name   12 passed, 1 failed, ..." */
static void summary_group_text(char *buf, size_t cap,
			       const struct tap_record_group *g)
{
	enum tap_outcome st = tap_record_group_status(g);
	char extra[64] = "";
	size_t n = 0;

	if (g->failed)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, ", %u failed",
				      (unsigned)g->failed);
	if (g->skipped && n < sizeof(extra))
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, ", %u skipped",
				      (unsigned)g->skipped);
	if (g->todo && n < sizeof(extra))
		snprintf(extra + n, sizeof(extra) - n, ", %u todo", (unsigned)g->todo);
	snprintf(buf, cap, "  %s  %-*s %3u passed%s", summary_status_word(st),
		 (int)SUMMARY_NAME_WIDTH, g->name, (unsigned)g->passed, extra);
}

static void summary_group_line(struct summary_screen *s,
			       const struct tap_record_group *g)
{
	char buf[SUMMARY_MAX_COLS];

	summary_group_text(buf, sizeof(buf), g);
	summary_line(s, summary_status_colour(tap_record_group_status(g)), "%s", buf);
}

/*
 * Groups side by side, column-major, when one column is too long but the
 * screen is wide. A line's colour is the worst status on it (each entry
 * still says its own).
 */
static bool summary_groups_columns(struct summary_screen *s,
				   const struct tap_record *r, uint32_t budget)
{
	uint32_t ncols = s->cols / SUMMARY_COLUMN_MIN, lines, width;

	if (ncols < 2 || budget == 0)
		return false;
	lines = (r->group_count + ncols - 1) / ncols;
	if (lines > budget)
		return false;
	width = s->cols / ncols;
	for (uint32_t row = 0; row < lines; row++) {
		char line[SUMMARY_MAX_COLS + 1] = "";
		enum summary_colour colour = SUMMARY_PASS;
		size_t len = 0;

		for (uint32_t c = 0; c < ncols; c++) {
			uint32_t i = c * lines + row;
			char entry[SUMMARY_MAX_COLS];
			const struct tap_record_group *g;

			if (i >= r->group_count)
				break;
			g = &r->groups[i];
			summary_group_text(entry, sizeof(entry), g);
			entry[width - 1 < sizeof(entry) ? width - 1 : sizeof(entry) - 1] = '\0';
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%-*s",
						(int)width, entry);
			if (len >= sizeof(line))
				len = sizeof(line) - 1;
			if (g->failed)
				colour = SUMMARY_FAIL;
			else if (!g->passed && colour == SUMMARY_PASS)
				colour = SUMMARY_SKIP;
		}
		summary_line(s, colour, "%s", line);
	}
	return true;
}

/* The banner: as large as fits in half the width and a quarter of the height. */
static void summary_banner(struct summary_screen *s, uint32_t cols,
			   uint32_t rows)
{
	uint32_t scale = cols / (2u * SUMMARY_BANNER_LEN);

	if (scale > rows / 4u)
		scale = rows / 4u;
	if (scale > SUMMARY_SCALE_MAX)
		scale = SUMMARY_SCALE_MAX;
	if (scale == 0 || rows < scale + 1u + SUMMARY_MIN_GRID)
		scale = 0; /* too small: the banner word goes into the grid */
	s->scale = scale;
	s->top = scale ? scale + 1u : 0;
	s->banner_col = scale && cols > SUMMARY_BANNER_LEN * scale ?
				(cols - SUMMARY_BANNER_LEN * scale) / 2u : 0;
}

static uint32_t summary_failing_groups(const struct tap_record *r)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->group_count; i++)
		n += r->groups[i].failed ? 1u : 0u;
	return n;
}

/*
 * Every group if they fit in budget lines (side by side on a wide screen);
 * else only the failing ones (as
 * many as fit, then "... N more failing") and one line counting the rest.
 */
static void summary_groups(struct summary_screen *s, const struct tap_record *r,
			   uint32_t budget)
{
	uint32_t failing = summary_failing_groups(r);
	uint32_t others = r->group_count - failing;
	uint32_t room, show, shown = 0;

	if (r->group_count + (r->groups_dropped ? 1u : 0u) <= budget) {
		for (uint32_t i = 0; i < r->group_count; i++)
			summary_group_line(s, &r->groups[i]);
		if (r->groups_dropped)
			summary_line(s, SUMMARY_DIM,
				     "  ... %u more test points in groups not listed",
				     (unsigned)r->groups_dropped);
		return;
	}
	if (!r->groups_dropped && summary_groups_columns(s, r, budget))
		return;
	room = budget > (others ? 1u : 0u) ? budget - (others ? 1u : 0u) : 0;
	show = failing <= room ? failing : (room ? room - 1u : 0);
	for (uint32_t i = 0; i < r->group_count && shown < show; i++) {
		if (r->groups[i].failed) {
			summary_group_line(s, &r->groups[i]);
			shown++;
		}
	}
	if (shown < failing)
		summary_line(s, SUMMARY_FAIL, "  ... %u more failing groups",
			     (unsigned)(failing - shown));
	if (others)
		summary_line(s, SUMMARY_DIM,
			     "  ... %u more groups without failures (full list on serial)",
			     (unsigned)others);
}

static void summary_fails(struct summary_screen *s, const struct tap_record *r,
			  uint32_t budget)
{
	uint32_t total = r->fail_count + r->fails_dropped;

	if (total == 0) {
		summary_line(s, SUMMARY_PASS, "  none");
		return;
	}
	for (uint32_t i = 0; i < r->fail_count; i++) {
		const struct tap_record_fail *f = &r->fails[i];

		if (total > budget && i + 1u >= budget) {
			summary_line(s, SUMMARY_FAIL, "  ... %u more failed cases (see serial)",
				     (unsigned)(total - i));
			return;
		}
		summary_line(s, SUMMARY_FAIL, "  %u %s: %s", (unsigned)f->number,
			     f->name, f->reason[0] ? f->reason : "failed");
	}
	if (r->fails_dropped)
		summary_line(s, SUMMARY_FAIL, "  ... %u more failed cases (see serial)",
			     (unsigned)r->fails_dropped);
}

void summary_layout(struct summary_screen *s, const struct tap_record *r,
		    const struct summary_info *info, uint32_t screen_cols,
		    uint32_t screen_rows)
{
	static const struct summary_info none;
	uint32_t cols = screen_cols < SUMMARY_MAX_COLS ? screen_cols : SUMMARY_MAX_COLS;
	uint32_t rows = screen_rows < SUMMARY_MAX_ROWS ? screen_rows : SUMMARY_MAX_ROWS;
	uint32_t avail, budget, fail_lines, group_budget, used;

	if (!info)
		info = &none;
	memset(s, 0, sizeof(*s));
	s->passed = r->failed == 0;
	memcpy(s->banner, s->passed ? "PASS" : "FAIL", SUMMARY_BANNER_LEN + 1);
	s->cols = cols;
	summary_banner(s, cols, rows);
	if (!s->scale)
		summary_line(s, s->passed ? SUMMARY_PASS : SUMMARY_FAIL, "%s", s->banner);

	summary_line(s, s->passed ? SUMMARY_PASS : SUMMARY_FAIL,
		     "%s: %u passed, %u failed, %u skipped (%u todo) of %u",
		     s->banner, (unsigned)r->passed, (unsigned)r->failed,
		     (unsigned)(r->skipped + r->todo), (unsigned)r->todo,
		     (unsigned)r->total);
	summary_line(s, SUMMARY_TEXT, "platform: %s, emulator %s",
		     summary_text(info->platform), summary_text(info->emulator));
	summary_line(s, SUMMARY_TEXT, "cpu: %s", summary_text(info->cpu));

	avail = rows > s->top ? rows - s->top : 0;
	used = s->rows;
	budget = avail > used + SUMMARY_FIXED_LINES - 3u ?
			 avail - used - (SUMMARY_FIXED_LINES - 3u) : 0;
	fail_lines = r->fail_count + r->fails_dropped;
	if (fail_lines == 0)
		fail_lines = 1; /* "none" */
	/* Groups get what the failures leave, but never less than half. */
	group_budget = budget > fail_lines ? budget - fail_lines : 0;
	if (group_budget < budget / 2u)
		group_budget = budget / 2u;
	if (group_budget == 0 && budget)
		group_budget = 1;

	summary_line(s, SUMMARY_TEXT, "%s", "");
	summary_line(s, SUMMARY_TEXT, "groups and payloads (%u):", (unsigned)r->group_count);
	used = s->rows;
	summary_groups(s, r, group_budget);
	budget = budget > s->rows - used ? budget - (s->rows - used) : 0;
	summary_line(s, SUMMARY_TEXT, "%s", "");
	summary_line(s, r->failed ? SUMMARY_FAIL : SUMMARY_TEXT, "failed cases (%u):",
		     (unsigned)r->failed);
	summary_fails(s, r, budget ? budget : 1u);
	if (s->rows > avail)
		s->rows = avail; /* a tiny screen: whatever fits */
}

uint32_t summary_crc32(const struct summary_screen *s)
{
	uint32_t crc = crc32_update(0, s->banner, strlen(s->banner));

	crc = crc32_update(crc, "\n", 1);
	for (uint32_t i = 0; i < s->rows; i++) {
		crc = crc32_update(crc, s->text[i], strlen(s->text[i]));
		crc = crc32_update(crc, "\n", 1);
	}
	return crc;
}

static uint32_t summary_px(const struct fbcon *c, const struct summary_rgb *rgb)
{
	return fbcon_pack_rgb(&c->fmt, rgb->r, rgb->g, rgb->b);
}

void summary_draw(struct fbcon *c, const struct summary_screen *s)
{
	uint32_t fw = c->font->width, fh = c->font->height;
	uint32_t black = summary_px(c, &summary_black);

	fbcon_fill_rect(c, 0, 0, c->width, c->height, black);
	if (s->scale) {
		uint32_t band = summary_px(c, s->passed ? &summary_banner_pass :
							  &summary_banner_fail);
		uint32_t white = summary_px(c, &summary_white);

		fbcon_fill_rect(c, 0, 0, c->width, s->scale * fh, band);
		for (uint32_t i = 0; i < SUMMARY_BANNER_LEN; i++)
			fbcon_draw_glyph_at(c, (s->banner_col + i * s->scale) * fw, 0,
					    (uint8_t)s->banner[i], s->scale, white, band);
	}
	for (uint32_t row = 0; row < s->rows; row++) {
		uint8_t colour = s->colour[row] < SUMMARY_COLOURS ? s->colour[row] : SUMMARY_TEXT;
		uint32_t fg = summary_px(c, &summary_palette[colour]);
		const char *t = s->text[row];

		for (uint32_t col = 0; t[col]; col++)
			fbcon_draw_glyph_at(c, col * fw, (s->top + row) * fh,
					    (uint8_t)t[col], 1, fg, black);
	}
	c->cx = 0;
	c->cy = s->top + s->rows < c->rows ? s->top + s->rows : c->rows - 1;
}
