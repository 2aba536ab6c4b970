/* SPDX-License-Identifier: MIT */
/* The guest ABI's calls (docs/guest-abi.md), handled arch-neutrally. */
#ifndef ANVIL_HYPERCALL_H
#define ANVIL_HYPERCALL_H

struct vcpu;
struct vm_exit;

/* Exit handler for ANVIL_EXIT_HYPERCALL: 0 resume, -1 the payload ended. */
int hypercall_exit(struct vcpu *v, struct vm_exit *e);

#endif
