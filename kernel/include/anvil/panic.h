/* SPDX-License-Identifier: MIT */
#ifndef ANVIL_PANIC_H
#define ANVIL_PANIC_H

#include <stdint.h>

/* Print the reason and a backtrace, bail out of the TAP stream, finish. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
void backtrace_from(uintptr_t ip, uintptr_t fp);
void backtrace_here(void);
/* How to finish after a panic (set from the command line). */
void panic_set_finish(int how);
/* "name+0x1c" for addr, or the address in hex. */
void symbolize(uintptr_t addr, char *buf, unsigned len);

#endif
