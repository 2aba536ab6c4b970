/* SPDX-License-Identifier: MIT */
/*
 * The parts of newlib's system-call layer that mean "no such thing here":
 * there are no files to read, seek or close and no processes. Shared by the
 * kernel (kernel/syscalls.c adds output, exit and signals) and the UEFI front
 * end (boot/efi/libc_glue.c).
 */
#include <errno.h>
#include <sys/stat.h>

int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
int _getpid(void);

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

/* stdin/stdout/stderr are the consoles, a character device. */
int _isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

int _lseek(int fd, int off, int whence)
{
	(void)fd, (void)off, (void)whence;
	errno = ESPIPE;
	return -1;
}

int _getpid(void)
{
	return 1;
}
