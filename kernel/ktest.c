/* SPDX-License-Identifier: MIT */
/* Runs registered tests one by one, contained, and reports them as TAP. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <anvil/catch.h>
#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <anvil/ktest.h>
#include <anvil/panic.h>
#include <anvil/quirks.h>
#include <anvil/tap.h>
#include <arch/cpu.h>
#include <arch/trap.h>

#define NAME_MAX_LEN 96

extern const struct ktest __ktests_start[], __ktests_end[];

static void vset_reason(struct ktest_ctx *t, const char *fmt, va_list ap)
{
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
}

void ktest_fail(struct ktest_ctx *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!t->failed) {
		vset_reason(t, fmt, ap);
		t->failed = true;
	} else {
		char buf[KTEST_REASON_MAX];
		vsnprintf(buf, sizeof(buf), fmt, ap);
		klog(LOG_INFO, "also failed: %s", buf);
	}
	va_end(ap);
}

void ktest_skip(struct ktest_ctx *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset_reason(t, fmt, ap);
	va_end(ap);
	t->skipped = true;
}

void ktest_diag(struct ktest_ctx *t, const char *fmt, ...)
{
	(void)t;
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	klog(LOG_ERROR, "%s", buf);
}

bool check(struct ktest_ctx *t, bool cond, const char *fmt, ...)
{
	char buf[KTEST_REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->checks++;
	klog(LOG_DEBUG, "%s: %s", cond ? "pass" : "FAIL", buf);
	if (!cond)
		ktest_fail(t, "%s", buf);
	return cond;
}

/* Remember (once) that an active quirk's check held in this test. */
static void note_unseen(struct ktest_ctx *t, const char *quirk_id)
{
	for (unsigned i = 0; i < t->unseen_count; i++)
		if (t->unseen[i] == quirk_id)
			return;
	if (t->unseen_count == KTEST_QUIRKS_MAX) {
		ktest_fail(t, "the test names more than %d quirks", KTEST_QUIRKS_MAX);
		return;
	}
	t->unseen[t->unseen_count++] = quirk_id;
}

bool check_quirk(struct ktest_ctx *t, bool cond, const char *quirk_id, const char *fmt, ...)
{
	const struct quirk *q = quirk_find(quirk_id);
	if (!q)
		panic("test %s/%s names unknown quirk '%s'", t->test->group, t->test->name, quirk_id);
	char buf[KTEST_REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->checks++;
	bool active = quirk_active(q->id);
	klog(LOG_DEBUG, "%s: %s%s", cond ? "pass" : "FAIL", buf, active ? " (quirk active)" : "");
	if (cond) {
		if (active)
			note_unseen(t, q->id);
		return true;
	}
	if (!active) {
		ktest_fail(t, "%s", buf);
		return false;
	}
	/* The evidence stays in the log; the TAP line only names the quirk. */
	klog(LOG_ERROR, "%s/%s: check failed as quirk %s predicts: %s", t->test->group, t->test->name, q->id,
	     buf);
	if (!t->quirk)
		t->quirk = q->id;
	return false;
}

static void run_body(void *arg)
{
	struct ktest_ctx *t = arg;
	t->test->fn(t);
}

static void describe_fault(struct ktest_ctx *t, const struct fault_info *fi)
{
	char where[80];
	symbolize((uintptr_t)fi->ip, where, sizeof(where));
	snprintf(t->reason, sizeof(t->reason),
		 "unexpected %s at %s (error code 0x%lx, address 0x%lx)", arch_fault_name(fi->vector), where,
		 (unsigned long)fi->error_code, (unsigned long)fi->addr);
}

/*
 * An ordinary failure beats a quirk's, which beats a skip; only a test that
 * passed can say its quirks were not seen.
 */
static void report_verdict(struct tap_writer *tap, const char *name, const struct ktest_ctx *t)
{
	if (t->failed) {
		tap_not_ok(tap, name, t->reason);
	} else if (t->quirk) {
		tap_todo(tap, name, t->quirk);
	} else if (t->skipped) {
		tap_skip(tap, name, t->reason);
	} else {
		tap_ok(tap, name);
		for (unsigned i = 0; i < t->unseen_count; i++)
			quirk_report_unseen(tap, t->unseen[i], name);
	}
}

static void run_one(const struct ktest *k, struct tap_writer *tap, const struct anvil_options *opt)
{
	char name[NAME_MAX_LEN];
	snprintf(name, sizeof(name), "%s/%s", k->group, k->name);
	struct ktest_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.test = k;
	uint64_t ms = k->timeout_ms ? k->timeout_ms : (uint64_t)opt->timeout_s * 1000u;

	struct catch_frame cf;
	int r = catch_run_deadline(&cf, ms, run_body, &ctx);

	if (r == CATCH_FAULT) {
		describe_fault(&ctx, &cf.fault);
		ctx.failed = true;
	} else if (r == CATCH_TIMEOUT) {
		snprintf(ctx.reason, sizeof(ctx.reason), "TIMEOUT after %lu ms", (unsigned long)ms);
		ctx.failed = true;
	}
	report_verdict(tap, name, &ctx);
}

unsigned ktest_run_list(const struct ktest *list, unsigned n, struct tap_writer *tap,
			const struct anvil_options *opt)
{
	unsigned failed_before = tap->failed;
	char name[NAME_MAX_LEN];
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s/%s", list[i].group, list[i].name);
		if (!cmdline_test_selected(opt, name))
			continue;
		run_one(&list[i], tap, opt);
	}
	return tap->failed - failed_before;
}

unsigned ktest_run_all(struct tap_writer *tap, const struct anvil_options *opt)
{
	return ktest_run_list(__ktests_start, (unsigned)(__ktests_end - __ktests_start), tap, opt);
}
