/* SPDX-License-Identifier: MIT */
/* Per-vector handlers and the default one. */
#include <guest/report.h>
#include <guest/trap.h>

#include "x86_internal.h"

static guest_handler_fn handlers[256];

guest_handler_fn guest_set_handler(uint8_t vector, guest_handler_fn fn)
{
	guest_handler_fn old = handlers[vector];

	handlers[vector] = fn;
	return old;
}

/* Nobody expected this vector: a failed case, and the payload ends. */
static void trap_unexpected(struct guest_frame *f)
{
	reportf(false, "unexpected_exception", "vector %llu error code %#llx at rip %#llx rsp %#llx",
		(unsigned long long)f->vector, (unsigned long long)f->error_code,
		(unsigned long long)f->rip, (unsigned long long)f->rsp);
	finish();
}

bool guest_try_claim(struct guest_frame *f)
{
	struct guest_trap t = { .vector = f->vector, .error_code = f->error_code, .rip = f->rip };

	if (f->vector >= X86_VEC_EXCEPTIONS || !guest_try_catch(&t))
		return false;
	f->rip = (uint64_t)(uintptr_t)guest_try_landing;
	return true;
}

void guest_trap_dispatch(struct guest_frame *f)
{
	guest_handler_fn fn;

	if (guest_try_claim(f))
		return;
	fn = handlers[f->vector & 0xff];
	if (fn)
		fn(f);
	else
		trap_unexpected(f);
}
