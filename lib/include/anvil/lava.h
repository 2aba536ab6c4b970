/* SPDX-License-Identifier: MIT */
/*
 * LAVA (Linaro's board-farm dispatcher) test-case identifiers. A TAP name
 * "payload/case" becomes what LAVA itself makes of a test case id in its
 * monitors action (lava_dispatcher/actions/test/monitor.py: lower case,
 * every run of characters other than [a-z0-9_] one '_'), so the kernel's
 * signals (lava=1) and a job's regex pattern give the same ids. Ids hold no
 * ' ', '=' or '>', which would break LAVA's "<LAVA_SIGNAL_... KEY=value>"
 * parsing, and are at most LAVA_ID_MAX characters (LAVA's test case name
 * limit is 100).
 */
#ifndef ANVIL_LAVA_H
#define ANVIL_LAVA_H

#include <stddef.h>

#define LAVA_ID_MAX 100u

/*
 * Write the id for name into out (cap bytes, NUL included; cut to fit and
 * to LAVA_ID_MAX). An empty result becomes "unnamed". Returns its length.
 */
size_t lava_case_id(char *out, size_t cap, const char *name);

#endif
