/* SPDX-License-Identifier: MIT */
/*
 * Text output on the firmware console (ConOut). OVMF mirrors ConOut to the
 * serial port, which is where the test runner reads it. Usable only while
 * boot services are up.
 */
#include "efiboot.h"

#include <efilib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CONSOLE_LINE_MAX  512u /* longest formatted message */
#define CONSOLE_CHUNK     64u  /* UCS-2 characters handed over per call */
#define CONSOLE_CUT       "...\n"

static void console_flush(CHAR16 *chunk, size_t *n)
{
	chunk[*n] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, chunk);
	*n = 0;
}

/* ASCII to UCS-2 in small pieces; "\n" becomes "\r\n" as ConOut wants. */
static void console_write(const char *s)
{
	CHAR16 chunk[CONSOLE_CHUNK + 1];
	size_t n = 0;

	for (; *s; s++) {
		if (n + 2 >= CONSOLE_CHUNK)
			console_flush(chunk, &n);
		if (*s == '\n')
			chunk[n++] = '\r';
		chunk[n++] = (unsigned char)*s < 0x80 ? (CHAR16)*s : '?';
	}
	if (n)
		console_flush(chunk, &n);
}

void efiboot_print(const char *fmt, ...)
{
	char line[CONSOLE_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* A cut line still ends the way it was meant to, marked as cut. */
	if (n >= (int)sizeof(line))
		memcpy(line + sizeof(line) - sizeof(CONSOLE_CUT), CONSOLE_CUT,
		       sizeof(CONSOLE_CUT));
	console_write(line);
}

/* Names of the statuses this loader can meet (UEFI spec appendix D). */
const char *efiboot_status_name(EFI_STATUS st)
{
	switch (st) {
	case EFI_SUCCESS: return "EFI_SUCCESS";
	case EFI_LOAD_ERROR: return "EFI_LOAD_ERROR";
	case EFI_INVALID_PARAMETER: return "EFI_INVALID_PARAMETER";
	case EFI_UNSUPPORTED: return "EFI_UNSUPPORTED";
	case EFI_BUFFER_TOO_SMALL: return "EFI_BUFFER_TOO_SMALL";
	case EFI_DEVICE_ERROR: return "EFI_DEVICE_ERROR";
	case EFI_OUT_OF_RESOURCES: return "EFI_OUT_OF_RESOURCES";
	case EFI_NOT_FOUND: return "EFI_NOT_FOUND";
	case EFI_ACCESS_DENIED: return "EFI_ACCESS_DENIED";
	default: return "EFI error";
	}
}
