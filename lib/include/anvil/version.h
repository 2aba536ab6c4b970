/* SPDX-License-Identifier: MIT */
/*
 * Emulator version comparison, for gating quirks (kernel/quirks.c) on the
 * version the runner passes as emulator_version=. Pure: no allocation.
 *
 * A version's value is its leading dotted number: "7.2.19" is 7.2.19,
 * "2.7+dfsg-4" is 2.7, and everything from the first character that does
 * not continue the number on is ignored. Missing components are 0, so "2.7"
 * equals "2.7.0". A text without a leading number (or NULL) is 0.
 */
#ifndef ANVIL_VERSION_H
#define ANVIL_VERSION_H

/* <0, 0 or >0 as version a is older than, the same as or newer than b. */
int version_compare(const char *a, const char *b);

#endif
