/* SPDX-License-Identifier: MIT */
/* Framebuffer text console: glyph blitting, cursor movement, scrolling. */
#include <anvil/fbcon.h>

#include <stdbool.h>
#include <string.h>

#define FBCON_MAX_CHANNEL_BITS 16u
#define FBCON_REPLACEMENT      0xfffdu /* U+FFFD for malformed UTF-8 */
#define FBCON_DEFAULT_FG       0xffu   /* white on black */
#define FBCON_DEFAULT_BG       0x00u

static uint32_t fbcon_channel(uint8_t v, uint8_t size, uint8_t shift)
{
	uint32_t max;

	if (size == 0 || size > FBCON_MAX_CHANNEL_BITS || shift >= 32)
		return 0;
	max = (1u << size) - 1;
	/* Round to nearest so 255 -> max and 0 -> 0 for every size. */
	return ((v * max + 127) / 255) << shift;
}

uint32_t fbcon_pack_rgb(const struct boot_framebuffer *fb, uint8_t r,
			uint8_t g, uint8_t b)
{
	return fbcon_channel(r, fb->red_size, fb->red_shift) |
	       fbcon_channel(g, fb->green_size, fb->green_shift) |
	       fbcon_channel(b, fb->blue_size, fb->blue_shift);
}

static bool fbcon_channel_fits(uint8_t size, uint8_t shift, uint8_t bpp)
{
	return size > 0 && size <= FBCON_MAX_CHANNEL_BITS &&
	       (uint32_t)shift + size <= bpp;
}

static bool fbcon_format_ok(const struct boot_framebuffer *fb)
{
	if (fb->format != BOOT_FB_RGB)
		return false;
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return false;
	return fbcon_channel_fits(fb->red_size, fb->red_shift, fb->bpp) &&
	       fbcon_channel_fits(fb->green_size, fb->green_shift, fb->bpp) &&
	       fbcon_channel_fits(fb->blue_size, fb->blue_shift, fb->bpp);
}

/* Pixels are little-endian in memory on every architecture Anvil targets. */
static void fbcon_put_px(uint8_t *p, uint8_t bytespp, uint32_t px)
{
	uint16_t px16 = (uint16_t)px;

	switch (bytespp) {
	case 4:
		memcpy(p, &px, 4);
		break;
	case 3:
		p[0] = (uint8_t)px;
		p[1] = (uint8_t)(px >> 8);
		p[2] = (uint8_t)(px >> 16);
		break;
	default:
		memcpy(p, &px16, 2);
		break;
	}
}

static uint8_t *fbcon_px_addr(const struct fbcon *c, uint32_t x, uint32_t y)
{
	return c->base + (size_t)y * c->pitch + (size_t)x * c->bytespp;
}

static void fbcon_fill(struct fbcon *c, uint32_t x0, uint32_t y0, uint32_t w,
		       uint32_t h, uint32_t px)
{
	for (uint32_t y = y0; y < y0 + h; y++) {
		uint8_t *p = fbcon_px_addr(c, x0, y);

		for (uint32_t x = 0; x < w; x++, p += c->bytespp)
			fbcon_put_px(p, c->bytespp, px);
	}
}

void fbcon_fill_rect(struct fbcon *c, uint32_t x, uint32_t y, uint32_t w,
		     uint32_t h, uint32_t px)
{
	if (x >= c->width || y >= c->height)
		return;
	if (w > c->width - x)
		w = c->width - x;
	if (h > c->height - y)
		h = c->height - y;
	fbcon_fill(c, x, y, w, h, px);
}

void fbcon_draw_glyph_at(struct fbcon *c, uint32_t x0, uint32_t y0, uint32_t cp,
			 uint32_t scale, uint32_t fg, uint32_t bg)
{
	const struct psf_font *f = c->font;
	const uint8_t *g = psf_glyph(f, cp);

	if (scale == 0)
		scale = 1;
	for (uint32_t y = 0; y < f->height; y++, g += f->bytes_per_row) {
		for (uint32_t x = 0; x < f->width; x++) {
			bool on = g[x / 8] & (0x80u >> (x % 8));

			if (scale == 1) {
				if (x0 + x < c->width && y0 + y < c->height)
					fbcon_put_px(fbcon_px_addr(c, x0 + x, y0 + y),
						     c->bytespp, on ? fg : bg);
				continue;
			}
			fbcon_fill_rect(c, x0 + x * scale, y0 + y * scale, scale,
					scale, on ? fg : bg);
		}
	}
}

static void fbcon_draw_glyph(struct fbcon *c, uint32_t col, uint32_t row,
			     uint32_t codepoint)
{
	fbcon_draw_glyph_at(c, col * c->font->width, row * c->font->height,
			    codepoint, 1, c->fg, c->bg);
}

/* Move every text row up by one and blank the last; margins stay as they are. */
static void fbcon_scroll(struct fbcon *c)
{
	uint32_t fh = c->font->height;
	uint32_t text_w = c->cols * c->font->width;
	size_t line_bytes = (size_t)text_w * c->bytespp;

	for (uint32_t y = 0; y + fh < c->rows * fh; y++)
		memcpy(fbcon_px_addr(c, 0, y), fbcon_px_addr(c, 0, y + fh),
		       line_bytes);
	fbcon_fill(c, 0, (c->rows - 1) * fh, text_w, fh, c->bg);
}

static void fbcon_newline(struct fbcon *c)
{
	c->cx = 0;
	if (c->cy + 1 < c->rows)
		c->cy++;
	else
		fbcon_scroll(c);
}

static void fbcon_put_codepoint(struct fbcon *c, uint32_t cp)
{
	switch (cp) {
	case '\n':
		fbcon_newline(c);
		return;
	case '\r':
		c->cx = 0;
		return;
	case '\t':
		c->cx = (c->cx / FBCON_TAB_WIDTH + 1) * FBCON_TAB_WIDTH;
		if (c->cx > c->cols)
			c->cx = c->cols;
		return;
	case '\b':
		if (c->cx > 0)
			c->cx = (c->cx >= c->cols ? c->cols : c->cx) - 1;
		return;
	default:
		break;
	}
	if (cp < 0x20 || cp == 0x7f)
		return; /* other control characters draw nothing */
	if (c->cx >= c->cols)
		fbcon_newline(c);
	fbcon_draw_glyph(c, c->cx, c->cy, cp);
	c->cx++;
}

/* Length of the UTF-8 sequence a lead byte starts, 0 if it cannot start one. */
static uint8_t fbcon_utf8_extra(uint8_t b, uint32_t *bits)
{
	if (b >= 0xc2 && b <= 0xdf) {
		*bits = b & 0x1fu;
		return 1;
	}
	if (b >= 0xe0 && b <= 0xef) {
		*bits = b & 0x0fu;
		return 2;
	}
	if (b >= 0xf0 && b <= 0xf4) {
		*bits = b & 0x07u;
		return 3;
	}
	return 0;
}

static void fbcon_put_byte(struct fbcon *c, uint8_t b)
{
	if (c->utf8_need) {
		if ((b & 0xc0) == 0x80) {
			c->utf8_cp = c->utf8_cp << 6 | (b & 0x3fu);
			if (--c->utf8_need == 0)
				fbcon_put_codepoint(c, c->utf8_cp);
			return;
		}
		/* Sequence cut short: mark it, then treat b on its own. */
		c->utf8_need = 0;
		fbcon_put_codepoint(c, FBCON_REPLACEMENT);
	}
	if (b < 0x80) {
		fbcon_put_codepoint(c, b);
		return;
	}
	c->utf8_need = fbcon_utf8_extra(b, &c->utf8_cp);
	if (!c->utf8_need)
		fbcon_put_codepoint(c, FBCON_REPLACEMENT);
}

void fbcon_write(struct fbcon *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fbcon_put_byte(c, (uint8_t)s[i]);
}

void fbcon_clear(struct fbcon *c)
{
	fbcon_fill(c, 0, 0, c->width, c->height, c->bg);
	c->cx = 0;
	c->cy = 0;
}

int fbcon_init(struct fbcon *c, const struct boot_framebuffer *fb,
	       void *mapped_base, const struct psf_font *font)
{
	uint8_t bytespp;

	if (!c || !fb || !mapped_base || !font || !fbcon_format_ok(fb))
		return -1;
	bytespp = fb->bpp / 8;
	if ((uint64_t)fb->width * bytespp > fb->pitch)
		return -1;
	if (font->width == 0 || font->height == 0 ||
	    fb->width < font->width || fb->height < font->height)
		return -1;
	memset(c, 0, sizeof(*c));
	c->base = mapped_base;
	c->width = fb->width;
	c->height = fb->height;
	c->pitch = fb->pitch;
	c->bytespp = bytespp;
	c->fmt = *fb;
	c->font = font;
	c->cols = fb->width / font->width;
	c->rows = fb->height / font->height;
	c->fg = fbcon_pack_rgb(fb, FBCON_DEFAULT_FG, FBCON_DEFAULT_FG,
			       FBCON_DEFAULT_FG);
	c->bg = fbcon_pack_rgb(fb, FBCON_DEFAULT_BG, FBCON_DEFAULT_BG,
			       FBCON_DEFAULT_BG);
	fbcon_clear(c);
	return 0;
}
