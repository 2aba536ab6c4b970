/* SPDX-License-Identifier: MIT */
/* Console multiplexer and formatted output. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <arch/cpu.h>

#define KPRINTF_BUF 512

static struct console_sink *sinks;
static int log_level = LOG_INFO;

void console_register(struct console_sink *s)
{
	s->next = NULL;
	struct console_sink **p = &sinks;
	while (*p)
		p = &(*p)->next;
	*p = s;
}

void console_unregister(struct console_sink *s)
{
	for (struct console_sink **p = &sinks; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			return;
		}
	}
}

void console_write(const char *s, size_t n)
{
	/* Whole writes are not interleaved with output from interrupt handlers. */
	bool irq = arch_irq_enabled();
	arch_irq_disable();
	for (struct console_sink *c = sinks; c; c = c->next)
		c->write(c->ctx, s, n);
	if (irq)
		arch_irq_enable();
}

void console_tap_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

int kvprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_BUF];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	console_write(buf, len);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void log_set_level(int level)
{
	log_level = level;
}

void klog(int level, const char *fmt, ...)
{
	if (level > log_level)
		return;
	char buf[KPRINTF_BUF];
	buf[0] = '#';
	buf[1] = ' ';
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + 2, sizeof(buf) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = 2 + ((size_t)n < sizeof(buf) - 3 ? (size_t)n : sizeof(buf) - 4);
	if (buf[len - 1] != '\n')
		buf[len++] = '\n';
	console_write(buf, len);
}
