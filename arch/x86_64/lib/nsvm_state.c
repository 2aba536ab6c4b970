// SPDX-License-Identifier: MIT
/* The nested-SVM vCPU state machine (the table is in nsvm_state.h). */
#include "nsvm_state.h"

#include <stddef.h>

#define NSVM_LEVEL_COUNT 2u

struct transition {
	bool legal;
	enum nsvm_level to;
	signed char gif; /* 1 set, 0 clear, -1 unchanged */
};

#define GIF_KEEP (-1)

static const struct transition table[NSVM_LEVEL_COUNT][NSVM_EV_COUNT] = {
	[NSVM_IN_L1] = {
		[NSVM_EV_VMRUN_OK] = { true, NSVM_IN_L2, 1 },
		[NSVM_EV_VMRUN_INVALID] = { true, NSVM_IN_L1, 0 },
		[NSVM_EV_VMEXIT] = { false, NSVM_IN_L1, GIF_KEEP },
		[NSVM_EV_STGI] = { true, NSVM_IN_L1, 1 },
		[NSVM_EV_CLGI] = { true, NSVM_IN_L1, 0 },
	},
	[NSVM_IN_L2] = {
		[NSVM_EV_VMRUN_OK] = { false, NSVM_IN_L2, GIF_KEEP },
		[NSVM_EV_VMRUN_INVALID] = { false, NSVM_IN_L2, GIF_KEEP },
		[NSVM_EV_VMEXIT] = { true, NSVM_IN_L1, 0 },
		[NSVM_EV_STGI] = { true, NSVM_IN_L2, 1 },
		[NSVM_EV_CLGI] = { true, NSVM_IN_L2, 0 },
	},
};

static const char *const event_names[NSVM_EV_COUNT] = {
	[NSVM_EV_VMRUN_OK] = "VMRUN_OK",
	[NSVM_EV_VMRUN_INVALID] = "VMRUN_INVALID",
	[NSVM_EV_VMEXIT] = "VMEXIT",
	[NSVM_EV_STGI] = "STGI",
	[NSVM_EV_CLGI] = "CLGI",
};

void nsvm_state_init(struct nsvm_state *s)
{
	s->level = NSVM_IN_L1;
	s->gif = true;
}

int nsvm_state_step(struct nsvm_state *s, enum nsvm_event ev)
{
	const struct transition *t;

	if ((unsigned)s->level >= NSVM_LEVEL_COUNT || (unsigned)ev >= NSVM_EV_COUNT)
		return -1;
	t = &table[s->level][ev];
	if (!t->legal)
		return -1;
	s->level = t->to;
	if (t->gif != GIF_KEEP)
		s->gif = t->gif == 1;
	return 0;
}

const char *nsvm_event_name(enum nsvm_event ev)
{
	return (unsigned)ev < NSVM_EV_COUNT ? event_names[ev] : NULL;
}
