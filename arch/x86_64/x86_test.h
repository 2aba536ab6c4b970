/* SPDX-License-Identifier: MIT */
/* The x86 test operations every x86 backend offers (ANVIL_X86_TEST_*, guest_abi.h). */
#ifndef X86_TEST_H
#define X86_TEST_H

#include <stddef.h>
#include <stdint.h>

struct vcpu;

/* As struct vmm_backend's arch_test, for a[0] in the 0x100 group. */
int x86_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n);

#endif
