/* SPDX-License-Identifier: MIT */
/* The EL1 exception dispatcher: guest_try first, then per-class handlers, the IRQ and FIQ handlers, then the default. */
#include <guest/arch.h>
#include <guest/report.h>
#include <guest/trap.h>

#include "../lib_internal.h"

#define EC_COUNT 64u

static guest_handler_fn handlers[EC_COUNT];
static guest_handler_fn irq_handler;
static guest_handler_fn fiq_handler;

void guest_trap_dispatch(struct guest_frame *f);

guest_handler_fn guest_set_handler(unsigned ec, guest_handler_fn fn)
{
	guest_handler_fn old = handlers[ec % EC_COUNT];

	handlers[ec % EC_COUNT] = fn;
	return old;
}

guest_handler_fn guest_set_irq_handler(guest_handler_fn fn)
{
	guest_handler_fn old = irq_handler;

	irq_handler = fn;
	return old;
}

guest_handler_fn guest_set_fiq_handler(guest_handler_fn fn)
{
	guest_handler_fn old = fiq_handler;

	fiq_handler = fn;
	return old;
}

/* Nobody expected this exception: a failed case, and the payload ends. */
static void trap_unexpected(struct guest_frame *f)
{
	reportf(false, "unexpected_exception", "vector %llu from %llu ESR %#llx (EC %#x) FAR %#llx at ELR %#llx sp %#llx",
		(unsigned long long)f->vector, (unsigned long long)f->source, (unsigned long long)f->esr, ARM64_ESR_EC(f->esr),
		(unsigned long long)f->far, (unsigned long long)f->elr, (unsigned long long)f->sp);
	finish();
}

void guest_trap_dispatch(struct guest_frame *f)
{
	if (f->vector == GUEST_VEC_SYNC) {
		struct guest_trap t = { .esr = f->esr, .far = f->far, .source = f->source, .elr = f->elr };

		if (guest_try_catch(&t)) {
			f->elr = (uint64_t)(uintptr_t)guest_try_landing;
			return;
		}
		guest_handler_fn fn = handlers[ARM64_ESR_EC(f->esr)];
		if (fn) {
			fn(f);
			return;
		}
	} else if (f->vector == GUEST_VEC_IRQ && irq_handler) {
		irq_handler(f);
		return;
	} else if (f->vector == GUEST_VEC_FIQ && fiq_handler) {
		fiq_handler(f);
		return;
	}
	trap_unexpected(f);
}
