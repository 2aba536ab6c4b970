/* SPDX-License-Identifier: MIT */
/*
 * PC Screen Font parsing. Formats as documented with the Linux kbd package
 * (psffontops / "The PSF font format"): PSF1 has a 4-byte header, 8-pixel
 * wide glyphs and an optional UCS-2 table; PSF2 has a 32-byte little-endian
 * header and an optional UTF-8 table.
 */
#include <anvil/psf.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* PSF1 header: magic[2], mode, charsize (= height; width is always 8). */
#define PSF1_MAGIC0        0x36u
#define PSF1_MAGIC1        0x04u
#define PSF1_HEADER_SIZE   4u
#define PSF1_MODE512       0x01u /* 512 glyphs instead of 256 */
#define PSF1_MODEHASTAB    0x02u /* a unicode table follows the glyphs */
#define PSF1_MODEHASSEQ    0x04u /* ... which may contain sequences */
#define PSF1_MODE_KNOWN    (PSF1_MODE512 | PSF1_MODEHASTAB | PSF1_MODEHASSEQ)
#define PSF1_WIDTH         8u
#define PSF1_SEPARATOR     0xffffu /* ends one glyph's table entry */
#define PSF1_STARTSEQ      0xfffeu /* what follows (to the separator) are sequences */

/* PSF2 header: eight little-endian uint32 fields. */
#define PSF2_MAGIC         0x864ab572u
#define PSF2_HEADER_SIZE   32u
#define PSF2_OFF_VERSION   4u
#define PSF2_OFF_HDRSIZE   8u
#define PSF2_OFF_FLAGS     12u
#define PSF2_OFF_LENGTH    16u
#define PSF2_OFF_CHARSIZE  20u
#define PSF2_OFF_HEIGHT    24u
#define PSF2_OFF_WIDTH     28u
#define PSF2_HAS_UNICODE   0x01u
#define PSF2_SEPARATOR     0xffu
#define PSF2_STARTSEQ      0xfeu

#define PSF_NO_GLYPH       UINT32_MAX

static int psf_fail(char *err, size_t err_len, const char *what, size_t off)
{
	if (err && err_len)
		snprintf(err, err_len, "psf: %s at offset 0x%zx", what, off);
	return -1;
}

static int psf_fail_val(char *err, size_t err_len, const char *what,
			uint64_t val, size_t off)
{
	if (err && err_len)
		snprintf(err, err_len, "psf: %s %llu at offset 0x%zx", what,
			 (unsigned long long)val, off);
	return -1;
}

static uint32_t psf_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Decode one UTF-8 sequence at p[0..len). Returns its length (>= 1) and
 * sets *cp, or sets *cp to PSF_NO_GLYPH for an invalid sequence (so the
 * caller skips one byte and resynchronises).
 */
static size_t psf_utf8_decode(const uint8_t *p, size_t len, uint32_t *cp)
{
	uint8_t b = p[0];
	size_t n;
	uint32_t v;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if ((b & 0xe0) == 0xc0) {
		n = 2;
		v = b & 0x1f;
	} else if ((b & 0xf0) == 0xe0) {
		n = 3;
		v = b & 0x0f;
	} else if ((b & 0xf8) == 0xf0) {
		n = 4;
		v = b & 0x07;
	} else {
		*cp = PSF_NO_GLYPH;
		return 1;
	}
	if (n > len) {
		*cp = PSF_NO_GLYPH;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = PSF_NO_GLYPH;
			return 1;
		}
		v = v << 6 | (p[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* Iterates (glyph, codepoint) pairs of a unicode table, skipping sequences. */
struct psf_walk {
	const struct psf_font *f;
	size_t pos;
	uint32_t glyph;
	bool in_seq;
};

static bool psf1_walk_next(struct psf_walk *w, uint32_t *glyph, uint32_t *cp)
{
	const uint8_t *t = w->f->unicode_table;

	while (w->pos + 2 <= w->f->unicode_len && w->glyph < w->f->glyph_count) {
		uint32_t v = (uint32_t)t[w->pos] | (uint32_t)t[w->pos + 1] << 8;

		w->pos += 2;
		if (v == PSF1_SEPARATOR) {
			w->glyph++;
			w->in_seq = false;
		} else if (v == PSF1_STARTSEQ) {
			w->in_seq = true;
		} else if (!w->in_seq) {
			*glyph = w->glyph;
			*cp = v;
			return true;
		}
	}
	return false;
}

static bool psf2_walk_next(struct psf_walk *w, uint32_t *glyph, uint32_t *cp)
{
	const uint8_t *t = w->f->unicode_table;

	while (w->pos < w->f->unicode_len && w->glyph < w->f->glyph_count) {
		uint8_t b = t[w->pos];
		uint32_t v;

		if (b == PSF2_SEPARATOR) {
			w->pos++;
			w->glyph++;
			w->in_seq = false;
			continue;
		}
		if (b == PSF2_STARTSEQ) {
			w->pos++;
			w->in_seq = true;
			continue;
		}
		w->pos += psf_utf8_decode(t + w->pos, w->f->unicode_len - w->pos, &v);
		if (!w->in_seq && v != PSF_NO_GLYPH) {
			*glyph = w->glyph;
			*cp = v;
			return true;
		}
	}
	return false;
}

static bool psf_walk_next(struct psf_walk *w, uint32_t *glyph, uint32_t *cp)
{
	if (w->f->version == 1)
		return psf1_walk_next(w, glyph, cp);
	return psf2_walk_next(w, glyph, cp);
}

/* First glyph the table maps cp to, or PSF_NO_GLYPH. */
static uint32_t psf_table_find(const struct psf_font *f, uint32_t cp)
{
	struct psf_walk w = { .f = f };
	uint32_t glyph, v;

	while (psf_walk_next(&w, &glyph, &v))
		if (v == cp)
			return glyph;
	return PSF_NO_GLYPH;
}

/* Resolve codepoints below PSF_ASCII_CACHE once, including the '?' fallback. */
static void psf_fill_ascii(struct psf_font *f)
{
	uint32_t fallback;

	for (uint32_t c = 0; c < PSF_ASCII_CACHE; c++)
		f->ascii_glyph[c] = (!f->unicode_table && c < f->glyph_count) ?
				    c : PSF_NO_GLYPH;
	if (f->unicode_table) {
		struct psf_walk w = { .f = f };
		uint32_t glyph, v;

		while (psf_walk_next(&w, &glyph, &v))
			if (v < PSF_ASCII_CACHE && f->ascii_glyph[v] == PSF_NO_GLYPH)
				f->ascii_glyph[v] = glyph;
	}
	fallback = f->ascii_glyph['?'] != PSF_NO_GLYPH ? f->ascii_glyph['?'] : 0;
	for (uint32_t c = 0; c < PSF_ASCII_CACHE; c++)
		if (f->ascii_glyph[c] == PSF_NO_GLYPH)
			f->ascii_glyph[c] = fallback;
}

/* Shared tail: glyph block and optional table must lie inside the buffer. */
static int psf_place(const uint8_t *p, size_t len, size_t glyph_off,
		     bool has_table, struct psf_font *out, char *err,
		     size_t err_len)
{
	uint64_t glyph_bytes = (uint64_t)out->glyph_count * out->bytes_per_glyph;

	if (glyph_bytes > len - glyph_off)
		return psf_fail_val(err, err_len,
				    "glyph data runs past the end of the buffer, size",
				    glyph_bytes, glyph_off);
	out->glyphs = p + glyph_off;
	out->unicode_table = NULL;
	out->unicode_len = 0;
	if (has_table) {
		size_t table_off = glyph_off + (size_t)glyph_bytes;

		if (table_off == len)
			return psf_fail(err, err_len,
					"unicode table flagged but missing",
					table_off);
		out->unicode_table = p + table_off;
		out->unicode_len = len - table_off;
	}
	psf_fill_ascii(out);
	return 0;
}

static int psf1_parse(const uint8_t *p, size_t len, struct psf_font *out,
		      char *err, size_t err_len)
{
	uint8_t mode = p[2];
	uint8_t height = p[3];

	if (mode & ~PSF1_MODE_KNOWN)
		return psf_fail_val(err, err_len, "PSF1 unknown mode bits", mode, 2);
	if (height == 0 || height > PSF_MAX_HEIGHT)
		return psf_fail_val(err, err_len, "PSF1 bad glyph height", height, 3);
	memset(out, 0, sizeof(*out));
	out->version = 1;
	out->glyph_count = (mode & PSF1_MODE512) ? 512 : 256;
	out->width = PSF1_WIDTH;
	out->height = height;
	out->bytes_per_row = 1;
	out->bytes_per_glyph = height;
	return psf_place(p, len, PSF1_HEADER_SIZE, mode & (PSF1_MODEHASTAB |
			 PSF1_MODEHASSEQ), out, err, err_len);
}

static int psf2_parse(const uint8_t *p, size_t len, struct psf_font *out,
		      char *err, size_t err_len)
{
	uint32_t version = psf_le32(p + PSF2_OFF_VERSION);
	uint32_t hdrsize = psf_le32(p + PSF2_OFF_HDRSIZE);
	uint32_t flags = psf_le32(p + PSF2_OFF_FLAGS);
	uint32_t count = psf_le32(p + PSF2_OFF_LENGTH);
	uint32_t charsize = psf_le32(p + PSF2_OFF_CHARSIZE);
	uint32_t height = psf_le32(p + PSF2_OFF_HEIGHT);
	uint32_t width = psf_le32(p + PSF2_OFF_WIDTH);
	uint32_t row_bytes;

	if (version != 0)
		return psf_fail_val(err, err_len, "PSF2 unsupported version",
				    version, PSF2_OFF_VERSION);
	if (hdrsize < PSF2_HEADER_SIZE || hdrsize > len)
		return psf_fail_val(err, err_len, "PSF2 bad header size",
				    hdrsize, PSF2_OFF_HDRSIZE);
	if (flags & ~PSF2_HAS_UNICODE)
		return psf_fail_val(err, err_len, "PSF2 unknown flags", flags,
				    PSF2_OFF_FLAGS);
	if (count == 0 || count > PSF_MAX_GLYPHS)
		return psf_fail_val(err, err_len, "PSF2 bad glyph count", count,
				    PSF2_OFF_LENGTH);
	if (height == 0 || height > PSF_MAX_HEIGHT)
		return psf_fail_val(err, err_len, "PSF2 bad glyph height",
				    height, PSF2_OFF_HEIGHT);
	if (width == 0 || width > PSF_MAX_WIDTH)
		return psf_fail_val(err, err_len, "PSF2 bad glyph width", width,
				    PSF2_OFF_WIDTH);
	row_bytes = (width + 7) / 8;
	if (charsize != height * row_bytes)
		return psf_fail_val(err, err_len,
				    "PSF2 glyph size does not match width and height, size",
				    charsize, PSF2_OFF_CHARSIZE);
	memset(out, 0, sizeof(*out));
	out->version = 2;
	out->glyph_count = count;
	out->width = width;
	out->height = height;
	out->bytes_per_row = row_bytes;
	out->bytes_per_glyph = charsize;
	return psf_place(p, len, hdrsize, flags & PSF2_HAS_UNICODE, out, err,
			 err_len);
}

int psf_parse(const void *buf, size_t len, struct psf_font *out,
	      char *err, size_t err_len)
{
	const uint8_t *p = buf;

	if (!buf || !out)
		return psf_fail(err, err_len, "no buffer", 0);
	if (len >= PSF2_HEADER_SIZE && psf_le32(p) == PSF2_MAGIC)
		return psf2_parse(p, len, out, err, err_len);
	if (len >= PSF1_HEADER_SIZE && p[0] == PSF1_MAGIC0 && p[1] == PSF1_MAGIC1)
		return psf1_parse(p, len, out, err, err_len);
	if (len < PSF1_HEADER_SIZE ||
	    (len < PSF2_HEADER_SIZE && psf_le32(p) == PSF2_MAGIC))
		return psf_fail_val(err, err_len, "truncated header, buffer length",
				    len, 0);
	return psf_fail(err, err_len, "bad magic (neither PSF1 nor PSF2)", 0);
}

uint32_t psf_glyph_index(const struct psf_font *f, uint32_t codepoint)
{
	uint32_t glyph;

	if (codepoint < PSF_ASCII_CACHE)
		return f->ascii_glyph[codepoint];
	if (f->unicode_table)
		glyph = psf_table_find(f, codepoint);
	else
		glyph = codepoint < f->glyph_count ? codepoint : PSF_NO_GLYPH;
	return glyph != PSF_NO_GLYPH ? glyph : f->ascii_glyph['?'];
}

const uint8_t *psf_glyph(const struct psf_font *f, uint32_t codepoint)
{
	return f->glyphs + (size_t)psf_glyph_index(f, codepoint) *
			   f->bytes_per_glyph;
}
