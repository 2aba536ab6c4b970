/* SPDX-License-Identifier: MIT */
/*
 * Catching nested page faults. guest_try_mem arms ANVIL_HC_EXPECT_FAULT with
 * a recovery point in the library that unwinds (longjmp) back into
 * guest_try_mem from whatever stack depth the fault happened at.
 *
 * The accessors below are one instruction followed by ret, with the access
 * at the function's first byte: when they fault, the fault record's ip
 * equals the function's address.
 */
#ifndef GUEST_MEM_FAULT_H
#define GUEST_MEM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/guest_abi.h>

/*
 * Run fn(arg) expecting a nested page fault. If one happens, the rest of fn
 * is abandoned: returns true with *fault filled (ANVIL_HC_LAST_FAULT).
 * Returns false if fn returned normally. A nested page fault outside any
 * guest_try_mem after the first call is reported as the failed case
 * `unexpected_memory_fault` and the payload finishes.
 * Exceptions inside fn are not caught here (see guest_try).
 */
bool guest_try_mem(void (*fn)(void *arg), void *arg, struct anvil_fault *fault);

uint8_t mem_read8(const volatile void *p);
uint64_t mem_read64(const volatile void *p);
void mem_write8(volatile void *p, uint8_t v);
void mem_write64(volatile void *p, uint64_t v);
/* Call code at p (void (*)(void)). */
void mem_exec(const void *p);

#endif
