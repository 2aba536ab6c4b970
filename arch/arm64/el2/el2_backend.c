/* SPDX-License-Identifier: MIT */
/* How the EL2 backend plugs into the VM core (struct vmm_backend, anvil/vm.h). */
#include <anvil/vm.h>

#include "el2.h"

const struct vmm_backend el2_backend = {
	.name = "el2",
	.probe = el2_probe,
	.enable = el2_enable,
	.vm_create = el2_vm_create,
	.vm_destroy = el2_vm_destroy,
	.map = el2_map,
	.unmap = el2_unmap,
	.set_access = el2_set_access,
	.gpa_access = el2_gpa_access,
	.vcpu_setup = el2_vcpu_setup,
	.vcpu_run = el2_vcpu_run,
	.skip_instruction = el2_skip_instruction,
	.set_ip = el2_set_ip,
	.set_hypercall_result = el2_set_result,
	.inject = el2_inject,
	.inject_undefined = el2_inject_undefined,
	.complete_mmio = el2_complete_mmio,
	.gva_to_gpa = el2_gva_to_gpa,
	.arch_test = el2_arch_test,
	.walk_reach = el2_walk_reach,
};
