/* SPDX-License-Identifier: MIT */
/* The chaos payload's shared state: its random source, its model of what the hypervisor must answer. */
#ifndef CHAOS_H
#define CHAOS_H

#include <stdbool.h>
#include <stdint.h>

#include <guest/check.h>

struct chaos {
	uint64_t rng;             /* xorshift64* state, from the seed */
	uint32_t iteration;
	uint64_t hypercalls;      /* full-path hypercalls made since the base reading */
	uint64_t mem_exits;       /* memory-fault exits expected since the base reading */
	uint64_t faults;          /* the hypervisor's fault count as the model has it */
	uint64_t actions[16];     /* how often each action ran, for the closing detail */
	struct checks c;
};

/* A uniformly random number below n (n > 0). */
uint64_t chaos_below(struct chaos *s, uint64_t n);
uint64_t chaos_next(struct chaos *s);

/* Count a hypercall the model makes (every exit_count / print / ... through the library). */
static inline void chaos_hc(struct chaos *s, unsigned n)
{
	s->hypercalls += n;
}

/* The arch's part (guests/chaos/<arch>/arch.c): one random action with an arch-specific answer. */
void chaos_arch_action(struct chaos *s);
/* Highest guest-physical address (exclusive) an access outside memory may use here. */
uint64_t chaos_arch_outside_limit(void);
#define CHAOS_ARCH_ACTION 15u     /* index into actions[] */

#endif
