/* SPDX-License-Identifier: MIT */
/* The arm64 backends the core probes (arch/vmm.h) and the exit kinds only arm64 has. */
#include <stdio.h>

#include <anvil/vm.h>
#include <arch/vmm.h>

const struct vmm_backend *const arch_vmm_backends[] = { NULL };
const unsigned arch_vmm_backend_count = 0;

int arch_guest_prepare(void *mem, uint64_t mem_size, struct vcpu_entry *e, char *err, size_t n)
{
	(void)mem;
	(void)mem_size;
	(void)e;
	snprintf(err, n, "no arm64 guest support yet");
	return -1;
}

int arch_exit(struct vcpu *v, struct vm_exit *e)
{
	vm_end(v->vm, VM_OUTCOME_HV_ERROR, "exit kind %s has no handler on arm64", vm_exit_kind_name(e->kind));
	return -1;
}
