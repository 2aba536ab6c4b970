/* SPDX-License-Identifier: MIT */
/* x86_intercepts: the cases, one file per kind of intercept. */
#ifndef X86_INTERCEPTS_H
#define X86_INTERCEPTS_H

void msr_cases(void);
void io_cases(void);

#endif
