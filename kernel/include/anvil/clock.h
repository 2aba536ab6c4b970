/* SPDX-License-Identifier: MIT */
/* Kernel time: the periodic tick and the watchdog deadline. */
#ifndef ANVIL_CLOCK_H
#define ANVIL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct arch_frame;

void clock_tick(struct arch_frame *f);
uint64_t clock_ticks(void);
/*
 * Arm the watchdog: ms from now a timeout unwinds to the innermost watchdog
 * catch frame, if there is one, and clock_deadline_passed() turns true.
 */
void clock_set_deadline_ms(uint64_t ms);
void clock_clear_deadline(void);
extern volatile bool clock_deadline_flag;
/* Inline: the run loop asks before every guest entry. */
static inline bool clock_deadline_passed(void)
{
	return clock_deadline_flag;
}
uint64_t clock_cycles_to_us(uint64_t cycles);
void clock_delay_us(uint64_t us);

#endif
