/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts. Every vector enters through its own stub
 * (guests/lib/trap_entry.S), which saves all general registers into a
 * struct guest_frame and calls the vector's handler; on return the frame is
 * restored, so a handler may change registers or resume elsewhere by writing
 * frame->rip (and frame->rsp).
 *
 * Precedence: an exception (vector < 32) raised inside guest_try() goes to
 * that try; otherwise the vector's handler runs; with no handler, the default
 * handler reports `unexpected_exception` as failed and finishes.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_VEC_DE 0
#define X86_VEC_UD 6
#define X86_VEC_DF 8
#define X86_VEC_GP 13
#define X86_VEC_PF 14
#define X86_VEC_EXCEPTIONS 32 /* vectors below are exceptions */

/* Lowest address first: the stub's pushes, then the CPU's. */
struct guest_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code; /* 0 for a vector without one */
	uint64_t rip;        /* writable: where iretq resumes */
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;        /* writable */
	uint64_t ss;
};
_Static_assert(offsetof(struct guest_frame, vector) == 15 * 8, "trap_entry.S pushes 15 GPRs");
_Static_assert(sizeof(struct guest_frame) == 22 * 8, "trap_entry.S frame layout");

typedef void (*guest_handler_fn)(struct guest_frame *frame);

/* Install fn for vector (NULL: the default handler). Returns the previous one. */
guest_handler_fn guest_set_handler(uint8_t vector, guest_handler_fn fn);

/* The IDT: one page-aligned page of its own (so its nested rights can be changed alone). */
const void *guest_idt(void);

/* What guest_try caught. */
struct guest_trap {
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip; /* the faulting (or, for traps, next) instruction */
};

/*
 * Run fn(arg). If it raises an exception, the rest of fn is abandoned:
 * returns true with *trap filled. Returns false if fn returned normally.
 * Tries nest; the innermost catches.
 */
bool guest_try(void (*fn)(void *arg), void *arg, struct guest_trap *trap);

#endif
