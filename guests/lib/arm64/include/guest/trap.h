/* SPDX-License-Identifier: MIT */
/*
 * Exceptions a payload takes at EL1. Every vector of the EL1 table
 * (vectors.S, VBAR_EL1) saves all general registers into a struct
 * guest_frame and calls the dispatcher; on return the frame is restored, so
 * a handler may change registers or resume elsewhere by writing frame->elr.
 *
 * Precedence: a synchronous exception raised inside guest_try() goes to that
 * try; otherwise the handler for its class runs (guest_set_handler); with
 * none, `unexpected_exception` is reported as failed and the payload ends.
 * An IRQ goes to the IRQ handler (guest_set_irq_handler), an FIQ to the FIQ
 * handler (guest_set_fiq_handler), or is unexpected.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which vector (Arm ARM D1.10.2): sync, IRQ, FIQ, SError. */
enum guest_vector { GUEST_VEC_SYNC = 0, GUEST_VEC_IRQ = 1, GUEST_VEC_FIQ = 2, GUEST_VEC_SERROR = 3 };
/* Where the exception came from (the table's quarters, VBAR_EL1 + 0x200 * source). */
enum guest_vector_source {
	GUEST_FROM_EL1T = 0,   /* current EL with SP_EL0 */
	GUEST_FROM_EL1H = 1,   /* current EL with SP_EL1: where payloads run */
	GUEST_FROM_EL0_64 = 2,
	GUEST_FROM_EL0_32 = 3,
};

struct guest_frame {
	uint64_t x[31];
	uint64_t sp;          /* as at the exception */
	uint64_t elr;         /* writable: where ERET resumes */
	uint64_t spsr;
	uint64_t esr, far;
	uint64_t vector;      /* enum guest_vector */
	uint64_t source;      /* enum guest_vector_source: which quarter of the table */
};
_Static_assert(sizeof(struct guest_frame) == 38 * 8, "vectors.S frame layout");

typedef void (*guest_handler_fn)(struct guest_frame *frame);

/* Install fn for exception class ec (0..63) of synchronous exceptions (NULL: the default). */
guest_handler_fn guest_set_handler(unsigned ec, guest_handler_fn fn);

/*
 * Install fn for IRQs (the vector's IRQ entries; NULL: an IRQ is unexpected).
 * It runs with IRQs masked (PSTATE.I, set by the exception) and returns the
 * previous handler. The handler acknowledges and ends the interrupt itself
 * (guest/gic.h).
 */
guest_handler_fn guest_set_irq_handler(guest_handler_fn fn);

/*
 * The same for FIQs (NULL: an FIQ is unexpected). Group 0 interrupts of the
 * vGIC arrive as FIQs on GICv3 (the virtual CPU interface signals Group 0
 * as vFIQ) and on GICv2 with GICC_CTLR.FIQEn (guest/gic.h).
 */
guest_handler_fn guest_set_fiq_handler(guest_handler_fn fn);

/* What guest_try caught. */
struct guest_trap {
	uint64_t esr;
	uint64_t far;
	uint64_t source;  /* enum guest_vector_source */
	uint64_t elr;  /* the faulting instruction (for SVC, BRK: the instruction itself or after it, as the CPU says) */
};

/* Run fn(arg); true with *trap filled if it raised a synchronous exception (the rest of fn abandoned). */
bool guest_try(void (*fn)(void *arg), void *arg, struct guest_trap *trap);

#endif
