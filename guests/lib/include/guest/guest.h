/* SPDX-License-Identifier: MIT */
/*
 * The guest library in one include. A payload defines its manifest
 * (ANVIL_MANIFEST) and guest_main; the library's _start zeroes .bss,
 * installs the IDT, calls guest_main and finishes.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/guest_abi.h>
#include <guest/check.h>
#include <guest/hypercall.h>
#include <guest/manifest.h>
#include <guest/mem_fault.h>
#include <guest/report.h>
#include <guest/arch.h>

/* The payload's entry. A non-zero return is reported as the failed case
 * `main_status`. */
int guest_main(const struct anvil_guest_info *info);

/* What the hypervisor handed to _start. */
extern const struct anvil_guest_info *guest_info;
extern uint64_t guest_initial_rsp;

#endif
