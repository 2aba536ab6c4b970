/* SPDX-License-Identifier: MIT */
/* Declarations shared between the guest library's neutral and arch parts only. */
#ifndef GUEST_LIB_INTERNAL_H
#define GUEST_LIB_INTERNAL_H

#ifndef __ASSEMBLER__
#include <stdbool.h>

#include <anvil/guest_abi.h>

/* start.c: called by the arch's entry code with the info page. */
__attribute__((noreturn)) void guest_start(const struct anvil_guest_info *info);
/* The arch's part of the start: exception table, hypercall instruction. */
void guest_arch_init(const struct anvil_guest_info *info);

struct guest_trap;
/* try.c: an exception the arch caught; true if a guest_try scope takes it (then resume at guest_try_landing). */
bool guest_try_catch(const struct guest_trap *trap);
/* The arch's try_landing.S: where a caught exception / memory fault resumes. */
void guest_try_landing(void);
void guest_mem_landing(void);
/* Called from the landings with an aligned stack. */
__attribute__((noreturn)) void guest_try_unwind(void);
__attribute__((noreturn)) void guest_mem_unwind(void);
#endif

#endif
