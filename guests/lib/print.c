/* SPDX-License-Identifier: MIT */
/* Diagnostics: ANVIL_HC_PRINT in pieces of at most ANVIL_STR_MAX bytes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <guest/hypercall.h>
#include <guest/report.h>

#define PRINTF_BUF 1024 /* longer output is cut, and says so */

void print(const char *text)
{
	size_t len = strlen(text);

	for (size_t done = 0; done < len;) {
		size_t n = len - done < ANVIL_STR_MAX ? len - done : ANVIL_STR_MAX;

		hypercall(ANVIL_HC_PRINT, (uint64_t)(uintptr_t)(text + done), n, 0, 0);
		done += n;
	}
}

int printf(const char *fmt, ...)
{
	char buf[PRINTF_BUF];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	print(buf);
	if ((size_t)n >= sizeof(buf))
		print("[...cut]\n");
	return n;
}
