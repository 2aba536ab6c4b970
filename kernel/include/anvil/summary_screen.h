/* SPDX-License-Identifier: MIT */
#ifndef ANVIL_SUMMARY_SCREEN_H
#define ANVIL_SUMMARY_SCREEN_H

#include <anvil/tap_record.h>

/*
 * Replace the scrolling framebuffer console with the run's summary and
 * print "# summary-screen: crc32=<hex> rows=<n> ..." on the remaining
 * consoles. Nothing happens without a framebuffer console.
 */
void summary_screen_show(const struct tap_record *r);

#endif
