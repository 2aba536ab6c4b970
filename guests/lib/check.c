/* SPDX-License-Identifier: MIT */
/* Multi-step cases (guest/check.h). */
#include <stdarg.h>
#include <stdio.h>

#include <guest/check.h>
#include <guest/report.h>

bool check(struct checks *c, bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond || c->failed)
		return cond;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return false;
}

void check_note(struct checks *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

bool checks_report(const struct checks *c, const char *case_name)
{
	if (c->detail[0])
		return reportf(!c->failed, case_name, "%s", c->detail);
	return report(!c->failed, case_name);
}
