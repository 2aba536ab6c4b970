/* SPDX-License-Identifier: MIT */
/* Kernel time: the periodic tick and the watchdog deadline. */
#ifndef ANVIL_CLOCK_H
#define ANVIL_CLOCK_H

#include <stdint.h>

struct arch_frame;

void clock_tick(struct arch_frame *f);
uint64_t clock_ticks(void);
/* Arm the watchdog: ms from now a timeout unwinds to the watchdog frame. */
void clock_set_deadline_ms(uint64_t ms);
void clock_clear_deadline(void);
uint64_t clock_cycles_to_us(uint64_t cycles);
void clock_delay_us(uint64_t us);

#endif
