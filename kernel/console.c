/* SPDX-License-Identifier: MIT */
/* Console multiplexer and formatted output. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <arch/cpu.h>

#define KPRINTF_BUF 2048

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

void console_flush(void)
{
	for (struct console_sink *c = sinks; c; c = c->next)
		if (c->flush)
			c->flush(c->ctx);
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
	char text[KPRINTF_BUF];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* Every line becomes a TAP diagnostic, so multi-line text stays valid TAP. */
	const char *p = text;
	char line[KPRINTF_BUF + 3];
	do {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!nl && len == 0 && p != text)
			break; /* text ended with a newline */
		line[0] = '#';
		line[1] = ' ';
		memcpy(line + 2, p, len);
		line[2 + len] = '\n';
		console_write(line, len + 3);
		p = nl ? nl + 1 : p + len;
	} while (*p);
}
