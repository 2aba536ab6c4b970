/* SPDX-License-Identifier: MIT */
/*
 * The end-of-run summary on the framebuffer (lib/summary.c does the layout
 * and the drawing). Shown whenever there is a framebuffer console, so it is
 * what stays on screen when on_finish keeps the machine on; serial gets
 * only one line, the checksum of the text grid, so a host can check the
 * screen (tools/anvil --screenshot) without OCR.
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/platform.h>
#include <anvil/summary.h>
#include <anvil/summary_screen.h>
#include <arch/cpu.h>
#include <arch/power.h>
#include <drivers/fb_console.h>

#define SUMMARY_CPU_MAX 128

static struct summary_screen screen;

void summary_screen_show(const struct tap_record *r)
{
	char cpu[SUMMARY_CPU_MAX], where[64];
	struct fbcon *c = fb_console_detach();

	if (!c)
		return;
	arch_cpu_describe(cpu, sizeof(cpu));
	snprintf(where, sizeof(where), "anvil %s on %s", ARCH_NAME, arch_platform_name());
	struct summary_info info = {
		.platform = where,
		.cpu = cpu,
		.emulator = platform.options.emulator_version,
	};
	summary_layout(&screen, r, &info, c->cols, c->rows);
	summary_draw(c, &screen);
	kprintf("# summary-screen: crc32=%08x rows=%u top=%u scale=%u banner=%s\n",
		(unsigned)summary_crc32(&screen), (unsigned)screen.rows,
		(unsigned)screen.top, (unsigned)screen.scale, screen.banner);
}
