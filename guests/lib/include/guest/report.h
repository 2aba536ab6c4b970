/* SPDX-License-Identifier: MIT */
/*
 * Output: diagnostics, test results, benchmark values, the end.
 *
 * report(cond, "case") becomes the TAP line `ok N - <payload>/case` (or
 * `not ok`); case names are short snake_case ids, each reported once.
 */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include <stdbool.h>
#include <stdint.h>

/* Print text (any length; sent in ANVIL_STR_MAX-byte pieces). */
void print(const char *text);
/* Format with newlib's vsnprintf, then print. Returns the formatted length. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report one case. Returns cond, so a caller can stop a dependent check. */
bool report(bool cond, const char *case_name);
/* Report one case with a detail string (formatted, at most ANVIL_STR_MAX - 1
 * characters), shown with the result. */
bool reportf(bool cond, const char *case_name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A case that is not checked here: `ok N - <payload>/case # SKIP <reason>`.
 * The reason says why (the feature is off, the CPU lacks it, ...); never
 * report a case that was not checked as passed.
 */
void report_skip(const char *case_name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One benchmark value: the hypervisor prints `BENCH name=.. value=.. unit=..`. */
void bench(const char *name, uint64_t value, const char *unit);

/* End the payload; its reports are final. */
__attribute__((noreturn)) void finish(void);

#endif
