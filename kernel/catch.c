/* SPDX-License-Identifier: MIT */
/*
 * Fault containment (see anvil/catch.h). The trap handler cannot longjmp
 * itself (it runs on whatever stack the fault used, possibly an IST stack or
 * a stack that just overflowed), so it rewrites the trap frame to return
 * into catch_landing() on a small landing stack, which then longjmps.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/catch.h>
#include <anvil/clock.h>
#include <anvil/console.h>
#include <anvil/panic.h>
#include <arch/cpu.h>

#define LANDING_STACK_SIZE 4096

static struct catch_frame *top;
/* Used until catch_set_landing_stack() installs a guarded one. */
static uint8_t boot_landing_stack[LANDING_STACK_SIZE] __attribute__((aligned(16)));
static uintptr_t landing_top = (uintptr_t)&boot_landing_stack[LANDING_STACK_SIZE];

static void catch_landing(void)
{
	struct catch_frame *cf = top;
	top = cf->prev;
	longjmp(cf->env, cf->result);
}

static uintptr_t landing_sp(void)
{
	/* Aligned as the arch's calling convention has it right after a call. */
	return landing_top - ARCH_SP_AT_CALL_OFFSET;
}

void catch_set_landing_stack(void *top_of_stack)
{
	landing_top = (uintptr_t)top_of_stack;
}

int catch_run(struct catch_frame *cf, bool watchdog, void (*fn)(void *), void *arg)
{
	struct catch_frame *volatile self = cf;
	self->prev = top;
	self->watchdog = watchdog;
	self->result = CATCH_NONE;
	volatile bool irq = arch_irq_enabled();
	int r = setjmp(self->env);
	if (r != 0) {
		/* catch_landing already popped the frame; the trap left IRQs off. */
		if (irq)
			arch_irq_enable();
		return r;
	}
	top = self;
	fn(arg);
	top = self->prev;
	return CATCH_NONE;
}

bool catch_active(void)
{
	return top != NULL;
}

bool catch_fault(struct arch_frame *f, const struct fault_info *fi)
{
	if (!top)
		return false;
	top->fault = *fi;
	top->result = CATCH_FAULT;
	if (top->watchdog) {
		/* Nobody expected this fault: leave the full picture in the log. */
		kprintf("# unexpected %s, contained:\n", arch_fault_name(fi->vector));
		arch_frame_dump(f);
		backtrace_from((uintptr_t)fi->ip, arch_frame_fp(f));
	}
	arch_frame_redirect(f, (uintptr_t)catch_landing, landing_sp());
	return true;
}

bool catch_timeout(struct arch_frame *f)
{
	struct catch_frame *cf = top;
	while (cf && !cf->watchdog)
		cf = cf->prev;
	if (!cf)
		return false;
	top = cf; /* inner frames are abandoned with the code they protected */
	cf->result = CATCH_TIMEOUT;
	arch_frame_redirect(f, (uintptr_t)catch_landing, landing_sp());
	return true;
}

int catch_run_deadline(struct catch_frame *cf, uint64_t ms, void (*fn)(void *), void *arg)
{
	arch_irq_enable();
	clock_set_deadline_ms(ms);
	int r = catch_run(cf, true, fn, arg);
	clock_clear_deadline();
	arch_irq_enable(); /* a fault may have unwound from a section with interrupts off */
	return r;
}
