/* SPDX-License-Identifier: MIT */
/*
 * A case made of several steps. Each step is checked with check(); the
 * first failing step's message becomes the case's detail:
 *
 *   struct checks c = { 0 };
 *   check(&c, v == 1, "first read gave %u", v);
 *   check(&c, w == 2, "second read gave %u", w);
 *   checks_report(&c, "two_reads");
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdbool.h>

#include <anvil/guest_abi.h>

struct checks {
	bool failed;
	char detail[ANVIL_STR_MAX];
};

/* Returns cond, so a step that later steps depend on can stop them. */
bool check(struct checks *c, bool cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Detail shown if every step passes (a failure's message replaces it). */
void check_note(struct checks *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report the case: passed if no step failed. Returns that. */
bool checks_report(const struct checks *c, const char *case_name);

#endif
