/* SPDX-License-Identifier: MIT */
/*
 * The arm64 side of the VM core (arch/vmm.h): its one backend (EL2, nVHE),
 * the payload's memory layout, and the exit kinds only arm64 has: trapped
 * system registers and firmware calls (SMC, or HVC outside Anvil's range)
 * answered by the SMCCC/PSCI policy (lib/smccc.h).
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/vm.h>
#include <arch/vmm.h>

#include "el2/el2.h"
#include "smccc.h"

extern const struct vmm_backend el2_backend;

const struct vmm_backend *const arch_vmm_backends[] = { &el2_backend };
const unsigned arch_vmm_backend_count = 1;

#define GUEST_MPIDR_AFFINITY 0x0ull /* the only vCPU: affinity 0.0.0.0 (VMPIDR_EL2) */

/*
 * An arm64 payload needs no boot structures: its stage 1 stays off
 * (HCR_EL2.DC), so the layout is the ELF's segments, the info page and a
 * stack from the top of memory down.
 */
int arch_guest_prepare(void *mem, uint64_t mem_size, struct vcpu_entry *e, char *err, size_t n)
{
	(void)mem;
	if (mem_size < 2 * ANVIL_GUEST_LOAD) {
		snprintf(err, n, "guest memory of %lu bytes is too small", (unsigned long)mem_size);
		return -1;
	}
	e->sp = mem_size;
	e->page_table_root = 0;
	return 0;
}

static int firmware_call(struct vcpu *v, struct vm_exit *e)
{
	static const struct smccc_policy policy = { .smccc_minor = 1, .workarounds_unaffected = false,
						    .mpidr = GUEST_MPIDR_AFFINITY };
	uint64_t regs[4] = { e->u.smc.fn, e->u.smc.a[0], e->u.smc.a[1], e->u.smc.a[2] };
	struct smccc_result r;
	smccc_emulate(&policy, regs, &r);
	klog(LOG_DEBUG, "%s: %s %s (0x%lx)", v->vm->name, e->raw_name, r.name, (unsigned long)regs[0]);
	struct el2_vcpu *c = el2_vcpu_of(v);
	switch (r.action) {
	case SMCCC_ACT_POWER_OFF:
		vm_end(v->vm, VM_OUTCOME_FINISHED, "%s through %s: the guest powered off", r.name, e->raw_name);
		return -1;
	case SMCCC_ACT_RESET:
		vm_end(v->vm, VM_OUTCOME_GUEST_ERROR, "%s through %s: the guest asked for a reset", r.name, e->raw_name);
		return -1;
	case SMCCC_ACT_HYPERCALL:
		/* Anvil's range through SMC: the guest ABI is HVC only (docs/guest-abi.md). */
		for (int i = 0; i < 4; i++)
			c->ctx.x[i] = i == 0 ? (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED : 0;
		return el2_skip_instruction(v, e);
	case SMCCC_ACT_WAIT:
	case SMCCC_ACT_RETURN:
		for (int i = 0; i < 4; i++)
			c->ctx.x[i] = r.x[i];
		return el2_skip_instruction(v, e);
	}
	return -1;
}

int arch_exit(struct vcpu *v, struct vm_exit *e)
{
	switch (e->kind) {
	case ANVIL_EXIT_SYSREG:
		return el2_sysreg_exit(v, e);
	case ANVIL_EXIT_SMC:
		return firmware_call(v, e);
	default:
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "exit kind %s has no handler on arm64", vm_exit_kind_name(e->kind));
		return -1;
	}
}
