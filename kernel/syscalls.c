/* SPDX-License-Identifier: MIT */
/* newlib's system calls that mean something in the kernel: output goes to
 * the consoles, exit and signals are panics. The rest: newlib_nosys.c;
 * _sbrk: heap.c. */
#include <errno.h>

#include <anvil/console.h>
#include <anvil/panic.h>

int _write(int fd, const char *buf, int len);
void _exit(int code);
int _kill(int pid, int sig);

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, (size_t)len);
	return len;
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
