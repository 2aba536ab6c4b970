/* SPDX-License-Identifier: MIT */
/*
 * The one system call newlib's formatting code links against: _sbrk, behind
 * malloc (vsnprintf into a fixed buffer never grows it, but the code path is
 * there). Payloads have no heap of their own, so a small static arena.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define SBRK_ARENA (8u * 1024u)

void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
	static uint8_t arena[SBRK_ARENA] __attribute__((aligned(16)));
	static size_t used;

	if (incr < 0 || (size_t)incr > sizeof(arena) - used) {
		errno = ENOMEM;
		return (void *)-1;
	}
	used += (size_t)incr;
	return arena + used - (size_t)incr;
}
