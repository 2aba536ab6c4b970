/* SPDX-License-Identifier: MIT */
/*
 * The test runner's own containment, proved by running a small list of
 * misbehaving tests into a private TAP writer and reading what it wrote:
 * an unexpected fault and an overrun must each become "not ok" with the
 * reason, and the test after them must still run.
 */
#include <string.h>

#include <anvil/cmdline.h>
#include <anvil/ktest.h>
#include <anvil/platform.h>
#include <anvil/tap.h>

struct capture {
	char buf[2048];
	size_t len;
};

static void capture_out(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;
	if (c->len + n >= sizeof(c->buf))
		n = sizeof(c->buf) - 1 - c->len;
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = 0;
}

static volatile bool after_ran;

static void faulty(struct ktest_ctx *t)
{
	(void)t;
	*(volatile uint32_t *)(uintptr_t)4 = 1; /* page 0 is never mapped */
}

static void spinner(struct ktest_ctx *t)
{
	(void)t;
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static void after(struct ktest_ctx *t)
{
	(void)t;
	after_ran = true;
}

static void failing(struct ktest_ctx *t)
{
	check(t, 1 + 1 == 3, "arithmetic is broken on purpose");
}

static void skipping(struct ktest_ctx *t)
{
	ktest_skip(t, "not applicable here");
}

static const struct ktest inner[] = {
	{ "inner", "faulty", faulty, 0 },
	{ "inner", "spinner", spinner, 200 },
	{ "inner", "failing", failing, 0 },
	{ "inner", "skipping", skipping, 0 },
	{ "inner", "after", after, 0 },
};

KTEST(runner, containment)
{
	if (!platform.timer_ok) {
		ktest_skip(t, "no periodic timer, so no watchdog to test");
		return;
	}
	static struct capture cap;
	memset(&cap, 0, sizeof(cap));
	struct tap_writer tap;
	tap_init(&tap, capture_out, &cap);
	struct anvil_options opt;
	cmdline_defaults(&opt);
	after_ran = false;
	unsigned failed = ktest_run_list(inner, sizeof(inner) / sizeof(inner[0]), &tap, &opt);
	ktest_diag(t, "inner run wrote:\n%s", cap.buf);
	check(t, failed == 3, "three of the inner tests fail (got %u)", failed);
	check(t, strstr(cap.buf, "not ok 1 - inner/faulty # unexpected ") != NULL &&
			 strstr(cap.buf, "address 0x4)") != NULL,
	      "an unexpected page fault is reported as not ok with its kind and address");
	check(t, strstr(cap.buf, "not ok 2 - inner/spinner # TIMEOUT after 200 ms") != NULL,
	      "a test that spins is stopped by the watchdog and reported as TIMEOUT");
	check(t, strstr(cap.buf, "not ok 3 - inner/failing # arithmetic is broken on purpose") != NULL,
	      "a failed check is reported with its sentence");
	check(t, strstr(cap.buf, "ok 4 - inner/skipping # SKIP not applicable here") != NULL,
	      "a skip is reported with its reason");
	check(t, after_ran && strstr(cap.buf, "ok 5 - inner/after\n") != NULL, "the run goes on after all of them");
}
