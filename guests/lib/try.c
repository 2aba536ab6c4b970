/* SPDX-License-Identifier: MIT */
/*
 * guest_try and guest_try_mem: run a function, and if it raises an exception
 * (resp. a nested page fault), unwind back with newlib's longjmp.
 *
 * Exceptions: the arch's dispatcher hands what it caught to
 * guest_try_catch() and, if a scope takes it, returns from the exception to
 * guest_try_landing, so the CPU's exception return restores the interrupt
 * mask and the stack as they were at the exception before the unwind.
 * Memory faults: the hypervisor resumes at guest_mem_landing with the stack
 * pointer as at the faulting instruction. Both landings (the arch's
 * try_landing.S) realign the stack and call the *_unwind functions below,
 * which longjmp to the innermost scope of their kind.
 */
#include <setjmp.h>
#include <stddef.h>

#include <guest/hypercall.h>
#include <guest/mem_fault.h>
#include <guest/report.h>
#include <guest/trap.h>

#include "lib_internal.h"

enum try_kind { TRY_EXCEPTION, TRY_MEM_FAULT };

struct try_scope {
	jmp_buf env;
	enum try_kind kind;
	struct try_scope *outer;
	struct guest_trap trap;   /* TRY_EXCEPTION: what was caught */
	struct anvil_fault fault; /* TRY_MEM_FAULT: what was caught */
};

/* The innermost active scope; scopes live on the stacks of guest_try*(). */
static struct try_scope *volatile try_current;

static struct try_scope *try_innermost(enum try_kind kind)
{
	for (struct try_scope *s = try_current; s; s = s->outer) {
		if (s->kind == kind)
			return s;
	}
	return NULL;
}

/* Run fn(arg) inside scope; true if it was unwound. */
static bool try_run(struct try_scope *scope, void (*fn)(void *), void *arg)
{
	scope->outer = try_current;
	if (setjmp(scope->env)) {
		try_current = scope->outer;
		return true;
	}
	try_current = scope;
	fn(arg);
	try_current = scope->outer;
	return false;
}

bool guest_try(void (*fn)(void *arg), void *arg, struct guest_trap *trap)
{
	struct try_scope scope = { .kind = TRY_EXCEPTION };
	bool caught = try_run(&scope, fn, arg);

	*trap = caught ? scope.trap : (struct guest_trap){ 0 };
	return caught;
}

bool guest_try_mem(void (*fn)(void *arg), void *arg, struct anvil_fault *fault)
{
	struct try_scope scope = { .kind = TRY_MEM_FAULT };
	bool caught;

	/* Armed until the next fault. If fn does not fault, it stays armed and
	 * a later unexpected fault lands in guest_mem_unwind with no scope. */
	expect_fault(guest_mem_landing);
	caught = try_run(&scope, fn, arg);
	*fault = caught ? scope.fault : (struct anvil_fault){ 0 };
	return caught;
}

bool guest_try_catch(const struct guest_trap *trap)
{
	struct try_scope *s = try_innermost(TRY_EXCEPTION);

	if (!s)
		return false;
	s->trap = *trap;
	return true;
}

void guest_try_unwind(void)
{
	/* guest_try_catch found this scope a moment ago. */
	longjmp(try_innermost(TRY_EXCEPTION)->env, 1);
}

void guest_mem_unwind(void)
{
	struct try_scope *s = try_innermost(TRY_MEM_FAULT);
	struct anvil_fault f;

	if (!s) {
		last_fault(&f);
		reportf(false, "unexpected_memory_fault",
			"kind %u access %#x at gpa %#llx from rip %#llx",
			f.kind, f.access, (unsigned long long)f.gpa, (unsigned long long)f.ip);
		finish();
	}
	last_fault(&s->fault);
	longjmp(s->env, 1);
}
