/* SPDX-License-Identifier: MIT */
/* Declarations shared between the x86_64 files of the guest library only. */
#ifndef GUEST_X86_INTERNAL_H
#define GUEST_X86_INTERNAL_H

#include "../lib_internal.h"

/* Every stub in trap_entry.S is this many bytes; stub i is at
 * guest_trap_stubs + i * GUEST_TRAP_STUB_SIZE. */
#define GUEST_TRAP_STUB_SIZE 16

#ifndef __ASSEMBLER__
#include <stdbool.h>

#include <guest/trap.h>

extern const char guest_trap_stubs[];

void guest_idt_init(void);
/* Called by trap_entry.S for every vector. */
void guest_trap_dispatch(struct guest_frame *frame);
/* guest_try's part of dispatch: true if an active try took the exception. */
bool guest_try_claim(struct guest_frame *frame);
#endif

#endif
