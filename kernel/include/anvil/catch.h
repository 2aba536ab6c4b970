/* SPDX-License-Identifier: MIT */
/*
 * Fault and timeout containment. catch_run() calls a function; if it (or
 * anything it calls) takes a CPU exception, the trap code hands the fault to
 * the innermost catch frame and catch_run() returns CATCH_FAULT with the
 * fault recorded. A watchdog frame also receives timeouts from the clock.
 */
#ifndef ANVIL_CATCH_H
#define ANVIL_CATCH_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include <arch/trap.h>

enum catch_result { CATCH_NONE = 0, CATCH_FAULT = 1, CATCH_TIMEOUT = 2 };

struct catch_frame {
	jmp_buf env;
	struct catch_frame *prev;
	struct fault_info fault;
	int result;     /* enum catch_result */
	bool watchdog;  /* timeouts unwind to this frame */
};

int catch_run(struct catch_frame *cf, bool watchdog, void (*fn)(void *), void *arg);
/*
 * catch_run() as a watchdog frame under a deadline of ms milliseconds, with
 * interrupts on (the clock's tick delivers the timeout); how every test and
 * payload runs. Returns as catch_run() does.
 */
int catch_run_deadline(struct catch_frame *cf, uint64_t ms, void (*fn)(void *), void *arg);
bool catch_active(void);
/* Move the landing stack to a guarded one (once the MMU can make it). */
void catch_set_landing_stack(void *top);

/* Called from arch trap code. true: the frame now returns into the catcher. */
bool catch_fault(struct arch_frame *f, const struct fault_info *fi);
bool catch_timeout(struct arch_frame *f);

#endif
