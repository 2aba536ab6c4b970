/* SPDX-License-Identifier: MIT */
/*
 * The argument rules of the guest ABI (docs/guest-abi.md) that need no guest
 * memory: call names, case names, access masks, injection requests. Pure;
 * kernel/hypercall.c applies them before it touches anything.
 */
#ifndef ANVIL_ABI_CHECK_H
#define ANVIL_ABI_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#define ABI_CASE_NAME_MAX 64u

/* "print", "report", ...; NULL for a number the ABI does not define. */
const char *abi_call_name(uint64_t nr);
/* Non-empty, at most ABI_CASE_NAME_MAX characters of [a-z0-9_./-]. */
bool abi_case_name_valid(const char *s);
/* 0, R, RW, RX or RWX: x86 nested paging cannot express W or X without R. */
bool abi_access_valid(uint64_t access);
/* NULL if inject(vector, error_code, flags) is well-formed, else what is wrong. */
const char *abi_inject_problem(uint64_t vector, uint64_t error_code, uint64_t flags);

#endif
