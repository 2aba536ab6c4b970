/* SPDX-License-Identifier: MIT */
/*
 * Where a nested-SVM vCPU is (L1 or L2) and its global interrupt flag, as
 * an explicit state machine: every change goes through nsvm_state_step(),
 * which refuses the transitions the architecture has not got (APM Vol 2
 * 15.5 VMRUN, 15.6 #VMEXIT, 15.17 GIF and STGI/CLGI). Pure.
 *
 *   from  event          to        GIF
 *   L1    VMRUN_OK       L2        1    VMRUN sets GIF
 *   L1    VMRUN_INVALID  L1        0    the failed VMRUN's #VMEXIT clears it
 *   L2    VMEXIT         L1        0    #VMEXIT clears GIF
 *   L1/L2 STGI           same      1    (in L2: L2 executed STGI unintercepted)
 *   L1/L2 CLGI           same      0
 *   L2    VMRUN_*        refused        L2's VMRUN is an exit, reflected or #UD
 *   L1    VMEXIT         refused        there is no L2 to leave
 */
#ifndef X86_NSVM_STATE_H
#define X86_NSVM_STATE_H

#include <stdbool.h>

enum nsvm_level {
	NSVM_IN_L1 = 0,
	NSVM_IN_L2,
};

enum nsvm_event {
	NSVM_EV_VMRUN_OK = 0, /* vmcb12 passed the checks; L2 runs */
	NSVM_EV_VMRUN_INVALID, /* a check failed: #VMEXIT(VMEXIT_INVALID) */
	NSVM_EV_VMEXIT,        /* an exit of L2 reflected to L1 */
	NSVM_EV_STGI,
	NSVM_EV_CLGI,
	NSVM_EV_COUNT,
};

struct nsvm_state {
	enum nsvm_level level;
	bool gif;
};

/* L1 running with GIF set: the state after reset (and after L1's own VMRUN by L0). */
void nsvm_state_init(struct nsvm_state *s);
/* Apply ev: 0, or -1 for a transition the table refuses (s unchanged). */
int nsvm_state_step(struct nsvm_state *s, enum nsvm_event ev);
/* "VMRUN_OK", ...; NULL out of range. */
const char *nsvm_event_name(enum nsvm_event ev);

#endif
