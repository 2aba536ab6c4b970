/* SPDX-License-Identifier: MIT */
/* Names of the arch-neutral exit kinds, for logs and reports (anvil/vm_exit.h). */
#include <anvil/vm_exit.h>

static const char *const vm_exit_kind_names[ANVIL_EXIT_KIND_COUNT] = {
	[ANVIL_EXIT_HYPERCALL] = "hypercall",
	[ANVIL_EXIT_CPUID] = "cpuid",
	[ANVIL_EXIT_MSR_READ] = "msr read",
	[ANVIL_EXIT_MSR_WRITE] = "msr write",
	[ANVIL_EXIT_IO] = "io",
	[ANVIL_EXIT_HLT] = "hlt",
	[ANVIL_EXIT_MEM_FAULT] = "memory fault",
	[ANVIL_EXIT_INTR] = "interrupt",
	[ANVIL_EXIT_NMI] = "nmi",
	[ANVIL_EXIT_SHUTDOWN] = "shutdown",
	[ANVIL_EXIT_EXCEPTION] = "exception",
	[ANVIL_EXIT_VIRT_INSN] = "virtualization instruction",
	[ANVIL_EXIT_FAILED_ENTRY] = "failed entry",
	[ANVIL_EXIT_UNKNOWN] = "unknown",
	[ANVIL_EXIT_PRIV_INSN] = "privileged instruction",
	[ANVIL_EXIT_INTR_WINDOW] = "interrupt window",
	[ANVIL_EXIT_TIMESLICE] = "time slice",
	[ANVIL_EXIT_ARCH] = "resolved by the backend",
	[ANVIL_EXIT_MMIO] = "mmio",
	[ANVIL_EXIT_SYSREG] = "system register",
	[ANVIL_EXIT_SMC] = "smc",
};

/* A kind appended to the ABI enum trips this, so it gets a name here too. */
_Static_assert(ANVIL_EXIT_SMC + 1 == ANVIL_EXIT_KIND_COUNT,
	       "vm_exit_kind_names needs a name for every enum anvil_exit_kind");

const char *vm_exit_kind_name(enum anvil_exit_kind k)
{
	if ((unsigned)k >= ANVIL_EXIT_KIND_COUNT || !vm_exit_kind_names[k])
		return "invalid";
	return vm_exit_kind_names[k];
}
