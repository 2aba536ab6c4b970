/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_FB_CONSOLE_H
#define DRIVERS_FB_CONSOLE_H

#include <stddef.h>

#include <anvil/boot_info.h>
#include <anvil/fbcon.h>
#include <anvil/psf.h>

/* The font built into the kernel (a Debian console font, see drivers/font.S). */
const struct psf_font *fb_console_font(void);
/* Bring up the framebuffer console; -1 with err filled if it cannot be. */
int fb_console_init(const struct boot_framebuffer *fb, char *err, size_t err_len);
/*
 * Stop sending console output to the framebuffer and hand its console over
 * (the summary screen owns it from then on); NULL if there is none.
 */
struct fbcon *fb_console_detach(void);
/* The live console (NULL if none). */
struct fbcon *fb_console(void);

#endif
