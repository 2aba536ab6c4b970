/* SPDX-License-Identifier: MIT */
/*
 * Proven emulator deviations (docs/emulator-quirks.md). A test names the
 * quirk that can affect it; on the emulator the quirk belongs to, a failure
 * of that test is reported as "not ok ... # TODO <quirk-id>" instead of a
 * failure, and everywhere else the test must pass.
 */
#ifndef ANVIL_QUIRKS_H
#define ANVIL_QUIRKS_H

#include <stdbool.h>

struct quirk {
	const char *id;       /* as in docs/emulator-quirks.md */
	const char *emulator; /* arch_emulator_id() it applies to */
	const char *summary;
};

const struct quirk *quirk_find(const char *id);
/* True if the quirk applies to the emulator we are running on. */
bool quirk_active(const char *id);

#endif
