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

#define VCPU_BIT(s) (1u << (s))
#define VCPU_FAIL VCPU_BIT(VCPU_FAILED)

/*
 * vcpu_state_edges[from] has bit `to` set for each legal edge (vcpu_state.c).
 * FAILED is reachable from every state but STOPPED, FAILED itself included:
 * a backend that fails again while already failed is not a second bug.
 * STOPPED is final.
 */
extern const unsigned vcpu_state_edges[VCPU_STATE_COUNT];

static inline bool vcpu_state_allowed(enum vcpu_state from, enum vcpu_state to)
{
	if ((unsigned)from >= VCPU_STATE_COUNT || (unsigned)to >= VCPU_STATE_COUNT)
		return false;
	return (vcpu_state_edges[from] & VCPU_BIT(to)) != 0;
}

/*
 * Moves *s to `to` and returns true if allowed; otherwise leaves *s alone.
 * Inline: the run loop makes three transitions per exit.
 */
static inline bool vcpu_state_transition(enum vcpu_state *s, enum vcpu_state to)
{
	if (!s || !vcpu_state_allowed(*s, to))
		return false;
	*s = to;
	return true;
}

const char *vcpu_state_name(enum vcpu_state s);

#endif
