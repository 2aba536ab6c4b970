/* SPDX-License-Identifier: MIT */
/*
 * The host state a payload could reach without the world switch saving it
 * (arch/vmm.h): on arm64 there is none. A guest at EL1 reaches only EL1
 * and EL0 system registers, which the EL2 backend saves and restores around
 * every run of the guest, and the EL2 registers are out of its reach.
 */
#include <arch/vmm.h>

void arch_host_state_save(struct arch_host_state *s)
{
	s->none = 0;
}

void arch_payload_state_enter(void)
{
}

void arch_host_state_restore(const struct arch_host_state *s)
{
	(void)s;
}

bool arch_host_state_differs(const struct arch_host_state *was, const struct arch_host_state *now, char *buf,
			     size_t n)
{
	(void)was;
	(void)now;
	(void)buf;
	(void)n;
	return false;
}
