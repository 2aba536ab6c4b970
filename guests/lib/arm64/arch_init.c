/* SPDX-License-Identifier: MIT */
/* The arm64 part of a payload's start: the EL1 exception vectors. */
#include <guest/arch.h>

#include "../lib_internal.h"

extern const char guest_vectors[];

void guest_arch_init(const struct anvil_guest_info *info)
{
	(void)info;
	guest_write_sysreg(vbar_el1, (uint64_t)(uintptr_t)guest_vectors);
	__asm__ volatile("isb" ::: "memory");
}
