/* SPDX-License-Identifier: MIT */
/* Every console (serial, framebuffer) gets all output. */
#ifndef ANVIL_CONSOLE_H
#define ANVIL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct console_sink {
	const char *name;
	void (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
	void (*flush)(void *ctx); /* optional: wait until output has left */
	struct console_sink *next;
};

void console_register(struct console_sink *s);
void console_unregister(struct console_sink *s);
void console_write(const char *s, size_t n);
/* Before the machine stops: wait for every console to drain. */
void console_flush(void);
/* For the TAP writer: same signature as tap_out_fn. */
void console_tap_out(void *ctx, const char *s, size_t n);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };
void log_set_level(int level);
/* A diagnostic line: printed as "# ..." so the TAP stream stays valid. */
void klog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
