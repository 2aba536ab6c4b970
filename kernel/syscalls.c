/* SPDX-License-Identifier: MIT */
/* The system-call layer newlib expects, reduced to what a kernel has: output
 * goes to the consoles, there are no files and no processes. */
#include <errno.h>
#include <sys/stat.h>

#include <anvil/console.h>
#include <anvil/panic.h>

int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
void _exit(int code);
int _kill(int pid, int sig);
int _getpid(void);

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, (size_t)len);
	return len;
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
	return fd <= 2;
}

int _lseek(int fd, int off, int whence)
{
	(void)fd, (void)off, (void)whence;
	errno = ESPIPE;
	return -1;
}

void _exit(int code)
{
	panic("libc exit(%d)", code);
}

int _kill(int pid, int sig)
{
	(void)pid;
	panic("libc raised signal %d", sig);
}

int _getpid(void)
{
	return 1;
}
