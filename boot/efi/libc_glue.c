/* SPDX-License-Identifier: MIT */
/*
 * The system-call layer newlib expects, for the UEFI front end. It only
 * formats text and moves bytes: anything that would need an OS fails
 * cleanly (newlib's formatting code references malloc for streams it never
 * uses here, so _sbrk must exist, and says there is no memory).
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

void *_sbrk(ptrdiff_t incr);
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
void _exit(int code);
int _kill(int pid, int sig);
int _getpid(void);

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

int _read(int fd, char *buf, int len)
{
	(void)fd, (void)buf, (void)len;
	errno = EBADF;
	return -1;
}

int _close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	(void)fd;
	return 0;
}

int _lseek(int fd, int off, int whence)
{
	(void)fd, (void)off, (void)whence;
	errno = ESPIPE;
	return -1;
}

void _exit(int code)
{
	(void)code;
	for (;;)
		__asm__ volatile("hlt");
}

int _kill(int pid, int sig)
{
	(void)pid, (void)sig;
	errno = EINVAL;
	return -1;
}

int _getpid(void)
{
	return 1;
}
