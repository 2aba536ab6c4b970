/* SPDX-License-Identifier: MIT */
/*
 * Proof that build/deps' newlib libc.a is usable by Anvil: a freestanding
 * program that supplies exactly the system calls the kernel will supply and
 * uses snprintf, printf, malloc, strlen, memcpy and setjmp/longjmp. It is
 * linked with ld.lld -static against libc.a only (so a missing symbol fails
 * the link) and run on the build host: its "system calls" are Linux ones,
 * which is the only host-specific part.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LINUX_SYS_WRITE 1
#define LINUX_SYS_EXIT 60
#define CHECK_HEAP_SIZE (256u * 1024u)

static long check_syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

/* ---- the system calls Anvil's kernel provides ---- */

int _write(int fd, const void *buf, size_t len)
{
	return (int)check_syscall3(LINUX_SYS_WRITE, fd, (long)buf, (long)len);
}

int _read(int fd, void *buf, size_t len)
{
	(void)fd, (void)buf, (void)len;
	return 0;
}

void *_sbrk(ptrdiff_t incr)
{
	static uint8_t heap[CHECK_HEAP_SIZE] __attribute__((aligned(16)));
	static size_t used;

	if (incr < 0 || (size_t)incr > sizeof(heap) - used) {
		errno = ENOMEM;
		return (void *)-1;
	}
	used += (size_t)incr;
	return heap + used - (size_t)incr;
}

int _close(int fd)
{
	(void)fd;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	(void)fd;
	return 1;
}

off_t _lseek(int fd, off_t off, int whence)
{
	(void)fd, (void)off, (void)whence;
	return 0;
}

void _exit(int status)
{
	for (;;)
		check_syscall3(LINUX_SYS_EXIT, status, 0, 0);
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

/* ---- the checks ---- */

static int failures;

static void check(int ok, const char *what)
{
	if (!ok)
		failures++;
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
}

static void check_longjmp_target(jmp_buf env)
{
	longjmp(env, 42);
}

int newlib_check_main(void);
int newlib_check_main(void)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%d %s %#x %lu %5.3s|", -7, "str",
			 0xbeefu, 123456789ul, "abcdef");
	check(n == (int)strlen("-7 str 0xbeef 123456789   abc|") &&
		      strcmp(buf, "-7 str 0xbeef 123456789   abc|") == 0,
	      "snprintf formats integers, strings, precision");
	check(snprintf(buf, 4, "%s", "truncated") == 9 && strcmp(buf, "tru") == 0,
	      "snprintf truncates and returns the full length");

	char *p = malloc(1000);
	char *q = malloc(5000);
	check(p != NULL && q != NULL && p != q, "malloc returns distinct blocks");
	memcpy(p, "hello, newlib", 14);
	check(strlen(p) == 13 && memcmp(p, "hello", 5) == 0, "memcpy + strlen");
	free(p);
	free(q);

	jmp_buf env;
	volatile int jumped = 0;
	int r = setjmp(env);
	if (r == 0) {
		jumped = 1;
		check_longjmp_target(env);
	}
	check(jumped == 1 && r == 42, "setjmp/longjmp returns the value");

	printf("newlib-check: %s\n", failures ? "FAILED" : "all passed");
	fflush(stdout);
	return failures ? 1 : 0;
}

/* Entry point: the host kernel gives rsp 16-byte aligned with no return
 * address; the call below restores the sysv alignment rule. */
__asm__(".globl newlib_check_start\n"
	"newlib_check_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call newlib_check_main\n"
	"	mov %eax, %edi\n"
	"	call _exit\n");
