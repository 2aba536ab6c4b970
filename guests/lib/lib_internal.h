/* SPDX-License-Identifier: MIT */
/* Declarations shared between the guest library's neutral and arch parts only. */
#ifndef GUEST_LIB_INTERNAL_H
#define GUEST_LIB_INTERNAL_H

#ifndef __ASSEMBLER__
#include <anvil/guest_abi.h>

/* start.c: called by the arch's entry code with the info page. */
__attribute__((noreturn)) void guest_start(const struct anvil_guest_info *info);
/* The arch's part of the start: exception table, hypercall instruction. */
void guest_arch_init(const struct anvil_guest_info *info);
#endif

#endif
