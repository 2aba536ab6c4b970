/* SPDX-License-Identifier: MIT */
/*
 * RDMSR/WRMSR that survive a #GP: for MSRs a CPU (or an emulator) may not
 * have, such as VM_CR on Bochs 2.7 or TSC_AUX without RDTSCP.
 */
#include <anvil/catch.h>

#include "x86.h"

struct msr_access {
	uint32_t msr;
	uint64_t value;
};

static void do_rdmsr(void *p)
{
	struct msr_access *a = p;
	a->value = x86_rdmsr(a->msr);
}

static void do_wrmsr(void *p)
{
	struct msr_access *a = p;
	x86_wrmsr(a->msr, a->value);
}

bool x86_rdmsr_safe(uint32_t msr, uint64_t *value)
{
	struct catch_frame cf;
	struct msr_access a = { msr, 0 };
	if (catch_run(&cf, false, do_rdmsr, &a) != CATCH_NONE)
		return false;
	*value = a.value;
	return true;
}

bool x86_wrmsr_safe(uint32_t msr, uint64_t value)
{
	struct catch_frame cf;
	struct msr_access a = { msr, value };
	return catch_run(&cf, false, do_wrmsr, &a) == CATCH_NONE;
}
