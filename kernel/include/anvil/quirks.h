/* SPDX-License-Identifier: MIT */
/*
 * Proven emulator deviations (docs/emulator-quirks.md). A kernel test names
 * the quirk behind the one check it can fail (check_quirk() in
 * anvil/ktest.h); a payload case is listed in the quirk. Where the quirk is
 * active, a failure of that check or case is reported as
 * "not ok ... # TODO <quirk-id>" instead of a failure, and a pass is reported
 * as a pass plus "# quirk no longer seen: <quirk-id> in <case>"; everywhere
 * else the test must pass.
 *
 * A quirk is active when we run on its emulator (arch_emulator_id()), on
 * its arch and under its backend where it names them, and either the emulator's version is unknown, the quirk has no fixed_in, or the
 * version is older than fixed_in. The version comes from the command line
 * (emulator_version=, passed by the host runner).
 */
#ifndef ANVIL_QUIRKS_H
#define ANVIL_QUIRKS_H

#include <stdbool.h>

struct quirk {
	const char *id;       /* as in docs/emulator-quirks.md */
	const char *emulator; /* arch_emulator_id() it applies to */
	const char *arch;     /* only on this arch (ARCH_NAME: "x86_64", "arm64"), where the emulator is one per arch's device model; NULL: any */
	const char *backend;  /* only under this virtualization backend ("svm", "vmx"); NULL: any */
	const char *fixed_in; /* first emulator version without the deviation; NULL: every version known has it */
	const char *summary;
	const char *cases;    /* payload cases it can fail ("payload/case" globs, space-separated), or NULL */
	bool fatal;           /* running those cases takes the emulator down or hangs it: do not run */
};

/*
 * The emulator's version (NULL or "": unknown), as given on the command
 * line; call before any test runs. Longer text than the command line allows
 * is cut.
 */
void quirks_set_emulator_version(const char *version);
/* The backend payloads run under (vm.c, once it is chosen); quirks tied to a backend need it. */
void quirks_set_backend(const char *name);
struct tap_writer;
/* "# emulator: <id> version <version|unknown>", the facts quirks are matched on. */
void quirks_describe(struct tap_writer *tap);

const struct quirk *quirk_find(const char *id);
/* True if the quirk applies to the emulator (and its version) we are running on. */
bool quirk_active(const char *id);
/*
 * The active quirk that can fail payload case `name` ("payload/case"), or
 * NULL. Payload cases are reported by the guest, so the hypervisor looks the
 * case up here instead of the test naming its quirk.
 */
const struct quirk *quirk_for_case(const char *name);

/*
 * "# quirk no longer seen: <quirk_id> in <name>": case `name`, which active
 * quirk quirk_id covers, passed; the runner lists it so the quirk gets
 * re-checked and version-gated or removed.
 */
void quirk_report_unseen(struct tap_writer *tap, const char *quirk_id, const char *name);

/*
 * Report case `name` as passed or failed (with reason) when quirk_id (NULL:
 * none) applies here: a failure the quirk predicts is "not ok ... # TODO
 * <quirk>", a pass despite the quirk is "ok" plus quirk_report_unseen(),
 * anything else is plain.
 */
void quirk_tap_verdict(struct tap_writer *tap, const char *name, bool ok, const char *reason,
		       const char *quirk_id);

#endif
