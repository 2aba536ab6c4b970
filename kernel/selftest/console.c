/* SPDX-License-Identifier: MIT */
/* Console write paths: the serial line and the framebuffer renderer. */
#include <stdio.h>
#include <string.h>

#include <anvil/fbcon.h>
#include <anvil/ktest.h>
#include <anvil/platform.h>
#include <arch/cpu.h>
#include <drivers/fb_console.h>
#include <drivers/serial.h>

/*
 * A UART whose loopback mode does not work sends the test bytes out on the
 * line, into the TAP stream. So the probe runs inside a diagnostic line of
 * its own: "# serial loopback probe:" followed by whatever leaked, then a
 * newline. Where loopback works the line ends after the colon.
 */
#define LOOPBACK_PROBE_LINE "# serial loopback probe (bytes that leak past loopback show here):"

KTEST(console, serial_loopback)
{
	struct serial_port *u = platform.serial;
	if (!u || !u->present) {
		ktest_skip(t, "no serial console UART (%s)", u ? u->name : "none");
		return;
	}
	char err[96] = "";
	bool irq = arch_irq_enabled();
	arch_irq_disable(); /* nothing may print while the line is looped back */
	u->write(u->ctx, LOOPBACK_PROBE_LINE, sizeof(LOOPBACK_PROBE_LINE) - 1);
	int rc = u->loopback_test(u->ctx, err, sizeof(err));
	u->write(u->ctx, "\n", 1);
	if (irq)
		arch_irq_enable();
	check_quirk(t, rc == 0, "qemu-pl011-no-loopback", "bytes written to %s in loopback mode come back unchanged: %s",
		    u->name, rc ? err : "yes");
}

static uint32_t read_pixel(const struct fbcon *c, uint32_t x, uint32_t y)
{
	const uint8_t *p = c->base + (size_t)y * c->pitch + (size_t)x * c->bytespp;
	uint32_t v = 0;
	memcpy(&v, p, c->bytespp);
	return v;
}

KTEST(console, framebuffer)
{
	struct fbcon *c = fb_console();
	if (!c) {
		ktest_skip(t, "no framebuffer console: %s", platform.fb_error);
		return;
	}
	ktest_diag(t, "framebuffer %ux%u, %u bpp, pitch %u, %ux%u text cells", c->width, c->height,
		   c->fmt.bpp, c->pitch, c->cols, c->rows);
	/* Draw a known glyph at a known cell and read the pixels back. */
	bool irq = arch_irq_enabled();
	arch_irq_disable();
	fbcon_write(c, "\n", 1);
	uint32_t row = c->cy;
	fbcon_write(c, "H", 1);
	const struct psf_font *f = c->font;
	const uint8_t *g = psf_glyph(f, 'H');
	unsigned mismatches = 0, lit = 0;
	for (uint32_t y = 0; g && y < f->height; y++) {
		for (uint32_t x = 0; x < f->width; x++) {
			bool on = g[y * f->bytes_per_row + x / 8] & (0x80 >> (x % 8));
			uint32_t px = read_pixel(c, x, row * f->height + y);
			lit += on;
			if (px != (on ? c->fg : c->bg))
				mismatches++;
		}
	}
	fbcon_write(c, "\n", 1);
	if (irq)
		arch_irq_enable();
	check(t, g != NULL, "the built-in font has a glyph for 'H'");
	check(t, lit > 0, "the glyph has lit pixels");
	check(t, mismatches == 0, "every pixel of the drawn glyph reads back as foreground/background (%u differ)",
	      mismatches);
}
