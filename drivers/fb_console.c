/* SPDX-License-Identifier: MIT */
/* Framebuffer console: the pure renderer (lib/fbcon.c) as a console sink. */
#include <stdio.h>

#include <anvil/console.h>
#include <drivers/fb_console.h>

extern const unsigned char console_font_psf[], console_font_psf_end[];

static struct psf_font font;
static bool font_ok;
static struct fbcon con;
static struct console_sink sink;
static bool live;

const struct psf_font *fb_console_font(void)
{
	if (!font_ok) {
		char err[96];
		if (psf_parse(console_font_psf, (size_t)(console_font_psf_end - console_font_psf), &font, err,
			      sizeof(err)) == 0)
			font_ok = true;
		else
			klog(LOG_ERROR, "built-in console font: %s", err);
	}
	return font_ok ? &font : NULL;
}

static void fb_sink_write(void *ctx, const char *s, size_t n)
{
	fbcon_write(ctx, s, n);
}

int fb_console_init(const struct boot_framebuffer *fb, char *err, size_t err_len)
{
	if (fb->format == BOOT_FB_NONE) {
		snprintf(err, err_len, "the boot loader provided no linear framebuffer");
		return -1;
	}
	const struct psf_font *f = fb_console_font();
	if (!f) {
		snprintf(err, err_len, "the built-in font does not parse");
		return -1;
	}
	if (fbcon_init(&con, fb, (void *)(uintptr_t)fb->base, f)) {
		snprintf(err, err_len, "unsupported framebuffer %ux%u %u bpp", fb->width, fb->height, fb->bpp);
		return -1;
	}
	fbcon_clear(&con);
	sink = (struct console_sink){ .name = "framebuffer", .write = fb_sink_write, .ctx = &con };
	console_register(&sink);
	live = true;
	return 0;
}

struct fbcon *fb_console_detach(void)
{
	if (!live)
		return NULL;
	console_unregister(&sink);
	live = false;
	return &con;
}

struct fbcon *fb_console(void)
{
	return live ? &con : NULL;
}
