/* SPDX-License-Identifier: MIT */
/* Time: a calibrated cycle counter and a periodic tick. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

/* Measure the cycle counter's rate against a fixed-frequency reference. */
int arch_clock_calibrate(void);
uint64_t arch_cycles_hz(void);
const char *arch_clock_source(void); /* what the calibration used */

/* Start the periodic tick at hz; each tick calls timer_tick() (kernel). */
int arch_timer_start(uint32_t hz);
uint32_t arch_timer_hz(void);
const char *arch_timer_describe(void); /* "EL2 physical timer (CNTHP), GICv3 PPI 26" */

#endif
