/* SPDX-License-Identifier: MIT */
/* The nested-paging test operations both x86 backends offer (ANVIL_NP_TEST_*, guest_abi.h). */
#ifndef X86_NP_TEST_H
#define X86_NP_TEST_H

#include <stdint.h>

#include "npt.h"

struct vm;

/*
 * a[0] in the 0x200 group, on the VM's nested tables: `tables` (and `alt`,
 * a second set kept in step, may be NULL). The caller flushes nothing for
 * REPOINT_NO_FLUSH: that is the point of it. As arch_test: 0 or -1 with
 * *bad_arg.
 */
int x86_np_test(struct vm *vm, struct npt *tables, struct npt *alt, const uint64_t a[4], uint64_t *result,
		int *bad_arg);

#endif
