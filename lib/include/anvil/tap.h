/* SPDX-License-Identifier: MIT */
/*
 * TAP version 13 writer for the kernel's self-test report (and anything else
 * that reports in TAP). Output goes through a callback, one whole line per
 * call, so consoles that interleave writers never split a line.
 *
 * No allocation: lines are built in a bounded buffer on the stack. Names and
 * reasons longer than their field limit are cut and end in "...".
 */
#ifndef ANVIL_TAP_H
#define ANVIL_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/tap_record.h>

#define TAP_NAME_MAX   160u /* characters of a test name kept (after escaping) */
#define TAP_REASON_MAX 96u  /* characters of a reason/quirk id kept */
#define TAP_DIAG_MAX   512u /* characters of one tap_diag() text kept */
#define TAP_LINE_MAX   320u /* bytes of one emitted line, newline included */

typedef void (*tap_out_fn)(void *ctx, const char *s, size_t n);

struct tap_writer {
	tap_out_fn out;
	void *ctx;
	uint32_t n;       /* test points emitted so far */
	uint32_t passed;
	uint32_t failed;
	uint32_t skipped; /* includes todo */
	uint32_t todo;
	struct tap_record *record; /* NULL: nothing kept beyond the counts */
	bool lava;                 /* LAVA test-case signals around test points */
};

void tap_init(struct tap_writer *t, tap_out_fn out, void *ctx);

/* Also keep every test point in r (tap_record.h); the output is unchanged. */
void tap_set_record(struct tap_writer *t, struct tap_record *r);

/*
 * With on, every test point is wrapped in LAVA test-case signals, each its
 * own line (the TAP line itself is unchanged; id from lava_case_id()):
 *   <LAVA_SIGNAL_STARTTC id>
 *   ok N - name
 *   <LAVA_SIGNAL_TESTCASE TEST_CASE_ID=id RESULT=pass|fail|skip>
 *   <LAVA_SIGNAL_ENDTC id>
 * A TODO (failure under an emulator quirk) is RESULT=skip inside
 * <LAVA_SIGNAL_TESTSET START quirk_<quirk id>> ... <LAVA_SIGNAL_TESTSET STOP>,
 * so LAVA files it in a test set named after the quirk.
 */
void tap_set_lava(struct tap_writer *t, bool on);

/* "TAP version 13\n" */
void tap_header(struct tap_writer *t);

/* "ok N - name\n" */
void tap_ok(struct tap_writer *t, const char *name);

/*
 * "not ok N - name # reason\n". An empty reason becomes "failed"; a reason
 * that starts with SKIP or TODO is escaped ("# \TODO x") so it is not read
 * as a directive.
 */
void tap_not_ok(struct tap_writer *t, const char *name, const char *reason);

/* "ok N - name # SKIP reason\n" (just "# SKIP" if the reason is empty) */
void tap_skip(struct tap_writer *t, const char *name, const char *reason);

/* "not ok N - name # TODO quirk_id\n"; counted in skipped and in todo. */
void tap_todo(struct tap_writer *t, const char *name, const char *quirk_id);

/*
 * printf-style diagnostic; every line of the text is emitted as "# line\n"
 * (an empty line as "#\n"). A trailing newline does not add an empty line.
 */
void tap_diag(struct tap_writer *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "BENCH name=id value=V unit=U\n"; whitespace in id/unit becomes '_'. */
void tap_bench(struct tap_writer *t, const char *id, uint64_t value,
	       const char *unit);

/* "1..N\n" then "P passed, F failed, S skipped\n" (S includes todo). */
void tap_finish(struct tap_writer *t);

#endif
