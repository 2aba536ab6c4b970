/* SPDX-License-Identifier: MIT */
/*
 * newlib's system calls for the UEFI front end, beyond the shared "no such
 * thing" ones (kernel/newlib_nosys.c). It only formats text and moves bytes:
 * newlib's formatting code references malloc for streams it never uses here,
 * so _sbrk must exist, and says there is no memory; output goes through
 * efiboot_print, never through stdio.
 */
#include <errno.h>

#include "efiboot.h"
#include <stddef.h>

void *_sbrk(ptrdiff_t incr);
int _write(int fd, const char *buf, int len);
void _exit(int code);
int _kill(int pid, int sig);

void *_sbrk(ptrdiff_t incr)
{
	(void)incr;
	errno = ENOMEM;
	return (void *)-1;
}

int _write(int fd, const char *buf, int len)
{
	(void)fd, (void)buf, (void)len;
	errno = EBADF;
	return -1;
}

void _exit(int code)
{
	(void)code;
	efiboot_halt();
}

int _kill(int pid, int sig)
{
	(void)pid, (void)sig;
	errno = EINVAL;
	return -1;
}
