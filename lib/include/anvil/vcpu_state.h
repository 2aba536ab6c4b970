/* SPDX-License-Identifier: MIT */
/*
 * The vCPU run state machine, with every legal transition listed:
 *
 *   CREATED --init--> READY --enter--> RUNNING --exit--> EXITED
 *   EXITED --resume--> READY         (the exit was handled, run again)
 *   EXITED --stop--> STOPPED         (payload finished or was ended)
 *   READY  --stop--> STOPPED
 *   any state but STOPPED --fail--> FAILED (the backend could not go on)
 *
 * Anything else is a hypervisor bug; vcpu_state_transition() refuses it.
 */
#ifndef ANVIL_VCPU_STATE_H
#define ANVIL_VCPU_STATE_H

#include <stdbool.h>

enum vcpu_state {
	VCPU_CREATED = 0,
	VCPU_READY,
	VCPU_RUNNING,
	VCPU_EXITED,
	VCPU_STOPPED,
	VCPU_FAILED,
	VCPU_STATE_COUNT
};

bool vcpu_state_allowed(enum vcpu_state from, enum vcpu_state to);
/* Moves *s to `to` and returns true if allowed; otherwise leaves *s alone. */
bool vcpu_state_transition(enum vcpu_state *s, enum vcpu_state to);
const char *vcpu_state_name(enum vcpu_state s);

#endif
