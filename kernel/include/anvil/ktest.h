/* SPDX-License-Identifier: MIT */
/*
 * The in-hypervisor test registry. A test is declared with KTEST(group, name)
 * and becomes the TAP case "group/name". Inside, check() reads like a
 * sentence: check(t, got == want, "the allocator returns page-aligned
 * addresses"); check_quirk() is the same for a condition a known emulator
 * quirk can break. Tests run one at a time under a watchdog; an unexpected fault
 * or a timeout fails the test and the run goes on.
 */
#ifndef ANVIL_KTEST_H
#define ANVIL_KTEST_H

#include <stdbool.h>
#include <stdint.h>

struct tap_writer;
struct anvil_options;

#define KTEST_REASON_MAX 200

#define KTEST_QUIRKS_MAX 4 /* distinct quirks one test can name in check_quirk() */

struct ktest_ctx {
	const struct ktest *test;
	bool failed;       /* an ordinary check failed, or a fault or timeout ended the test */
	bool skipped;
	unsigned checks;
	const char *quirk; /* the active quirk whose check failed first: TODO unless failed */
	const char *unseen[KTEST_QUIRKS_MAX]; /* active quirks whose checks held */
	unsigned unseen_count;
	char reason[KTEST_REASON_MAX];
};

struct ktest {
	const char *group;
	const char *name;
	void (*fn)(struct ktest_ctx *t);
	uint32_t timeout_ms; /* 0: the command line's timeout */
};

#define KTEST_TIMEOUT(group, name, ms)                                                       \
	static void ktest_fn_##group##_##name(struct ktest_ctx *t);                         \
	static const struct ktest ktest_desc_##group##_##name                               \
		__attribute__((used, section(".anvil_tests." #group), aligned(8))) = {     \
			#group, #name, ktest_fn_##group##_##name, ms                         \
		};                                                                           \
	static void ktest_fn_##group##_##name(struct ktest_ctx *t)
#define KTEST(group, name) KTEST_TIMEOUT(group, name, 0)

bool check(struct ktest_ctx *t, bool cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ktest_fail(struct ktest_ctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ktest_skip(struct ktest_ctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * check() for the one condition a documented emulator quirk (anvil/quirks.h)
 * explains. Where the quirk is active, a false cond makes the test TODO under
 * that quirk instead of failed, and a true cond is remembered, so a test that
 * passes reports "# quirk no longer seen". Anywhere else it is check(). Any
 * ordinary check() that fails still fails the test, whatever quirk checks
 * did. Panics on a quirk id the table does not know.
 */
bool check_quirk(struct ktest_ctx *t, bool cond, const char *quirk_id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ktest_diag(struct ktest_ctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run every registered test the options select; returns the failure count. */
unsigned ktest_run_all(struct tap_writer *tap, const struct anvil_options *opt);
/* Run an explicit list (used by the runner's own containment self-test). */
unsigned ktest_run_list(const struct ktest *list, unsigned n, struct tap_writer *tap,
			const struct anvil_options *opt);

#endif
