/* SPDX-License-Identifier: MIT */
/*
 * The vCPU run state machine (see anvil/vcpu_state.h). Every legal edge is a
 * row of one table, so a new transition is a reviewed one-line change and
 * anything missing from the table is refused.
 */
#include <anvil/vcpu_state.h>

#include <stddef.h>

static const char *const vcpu_state_names[VCPU_STATE_COUNT] = {
	[VCPU_CREATED] = "created",
	[VCPU_READY] = "ready",
	[VCPU_RUNNING] = "running",
	[VCPU_EXITED] = "exited",
	[VCPU_STOPPED] = "stopped",
	[VCPU_FAILED] = "failed",
};

const unsigned vcpu_state_edges[VCPU_STATE_COUNT] = {
	[VCPU_CREATED] = VCPU_BIT(VCPU_READY) | VCPU_FAIL,                 /* init */
	[VCPU_READY] = VCPU_BIT(VCPU_RUNNING) | VCPU_BIT(VCPU_STOPPED) |   /* enter, stop */
		       VCPU_FAIL,
	[VCPU_RUNNING] = VCPU_BIT(VCPU_EXITED) | VCPU_FAIL,                /* exit */
	[VCPU_EXITED] = VCPU_BIT(VCPU_READY) | VCPU_BIT(VCPU_STOPPED) |    /* resume, stop */
			VCPU_FAIL,
	[VCPU_STOPPED] = 0,
	[VCPU_FAILED] = VCPU_FAIL,
};

_Static_assert(VCPU_STATE_COUNT <= 32, "vcpu_state_edges holds one bit per state");

const char *vcpu_state_name(enum vcpu_state s)
{
	return (unsigned)s < VCPU_STATE_COUNT ? vcpu_state_names[s] : "invalid";
}
