/* SPDX-License-Identifier: MIT */
/*
 * What a run reported, kept for the summary screen: the counts, one entry per
 * group (the part of a test name before the first '/': a kernel test group or
 * a guest payload) and the failed cases with their reasons. The TAP writer
 * fills it (tap_set_record) as it emits each test point; the TAP text does
 * not change. Bounded, no allocation: what does not fit is counted.
 */
#ifndef ANVIL_TAP_RECORD_H
#define ANVIL_TAP_RECORD_H

#include <stdint.h>

#define TAP_RECORD_GROUPS     64u /* groups kept */
#define TAP_RECORD_GROUP_MAX  32u /* characters of a group name, NUL included */
#define TAP_RECORD_FAILS      32u /* failed cases kept */
#define TAP_RECORD_NAME_MAX   96u /* characters of a failed case's name, NUL included */
#define TAP_RECORD_REASON_MAX 96u /* characters of its reason, NUL included */

enum tap_outcome {
	TAP_PASS,
	TAP_FAIL,
	TAP_SKIP,
	TAP_TODO, /* a failure under a documented emulator quirk; counts as skipped */
};

struct tap_record_group {
	char name[TAP_RECORD_GROUP_MAX];
	uint32_t passed, failed, skipped, todo; /* skipped excludes todo */
};

struct tap_record_fail {
	uint32_t number; /* the TAP test number */
	char name[TAP_RECORD_NAME_MAX];
	char reason[TAP_RECORD_REASON_MAX];
};

struct tap_record {
	uint32_t total, passed, failed, skipped, todo; /* skipped excludes todo */
	struct tap_record_group groups[TAP_RECORD_GROUPS];
	uint32_t group_count;
	uint32_t groups_dropped; /* test points of groups that did not fit */
	struct tap_record_fail fails[TAP_RECORD_FAILS];
	uint32_t fail_count;
	uint32_t fails_dropped;
};

void tap_record_init(struct tap_record *r);

/*
 * One test point: number as printed, name "group/case", reason (failure
 * reason, skip reason or quirk id; may be NULL). Names are cut to fit.
 */
void tap_record_add(struct tap_record *r, uint32_t number, enum tap_outcome o,
		    const char *name, const char *reason);

/* The group's overall status: FAIL if any failed, else PASS if any passed, else SKIP. */
enum tap_outcome tap_record_group_status(const struct tap_record_group *g);

#endif
