/* SPDX-License-Identifier: MIT */
/* Results, benchmark values and the end of the payload. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <guest/arch.h>
#include <guest/hypercall.h>
#include <guest/report.h>

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

bool report(bool cond, const char *case_name)
{
	hypercall(ANVIL_HC_REPORT, cond ? ANVIL_VERDICT_PASS : ANVIL_VERDICT_FAIL, addr(case_name),
		  strlen(case_name), 0);
	return cond;
}

void report_skip(const char *case_name, const char *fmt, ...)
{
	char reason[ANVIL_STR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	hypercall(ANVIL_HC_REPORT, ANVIL_VERDICT_SKIP, addr(case_name), strlen(case_name), addr(reason));
}

bool reportf(bool cond, const char *case_name, const char *fmt, ...)
{
	char detail[ANVIL_STR_MAX]; /* with its NUL: the longest string a call takes */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	hypercall(ANVIL_HC_REPORT, cond ? ANVIL_VERDICT_PASS : ANVIL_VERDICT_FAIL, addr(case_name),
		  strlen(case_name), addr(detail));
	return cond;
}

void bench(const char *name, uint64_t value, const char *unit)
{
	hypercall(ANVIL_HC_BENCH, addr(name), strlen(name), value, addr(unit));
}

void finish(void)
{
	hypercall(ANVIL_HC_FINISH, 0, 0, 0, 0);
	/* Not reached; if it were, stop here rather than run on. */
	guest_hang();
}
