/* SPDX-License-Identifier: MIT */
/*
 * Proven emulator deviations (docs/emulator-quirks.md). A kernel test names
 * the quirk that can affect it, a payload case is listed in the quirk; on the emulator the quirk belongs to, a failure
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
	const char *cases;    /* payload cases ("payload/case" glob) it can fail, or NULL */
	bool fatal;           /* running those cases takes the emulator down or hangs it: do not run */
};

const struct quirk *quirk_find(const char *id);
/* True if the quirk applies to the emulator we are running on. */
bool quirk_active(const char *id);
/*
 * The active quirk that can fail payload case `name` ("payload/case"), or
 * NULL. Payload cases are reported by the guest, so the hypervisor looks the
 * case up here instead of the test naming its quirk.
 */
const struct quirk *quirk_for_case(const char *name);

struct tap_writer;
/*
 * Report case `name` as passed or failed (with reason) when quirk_id (NULL:
 * none) applies here: a failure the quirk predicts is "not ok ... # TODO
 * <quirk>", a pass despite the quirk is logged, anything else is plain.
 */
void quirk_tap_verdict(struct tap_writer *tap, const char *name, bool ok, const char *reason,
		       const char *quirk_id);

#endif
