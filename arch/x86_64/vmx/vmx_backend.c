/* SPDX-License-Identifier: MIT */
/* How the VMX backend plugs into the VM core (struct vmm_backend, anvil/vm.h). */
#include <anvil/vm.h>

#include "backends.h"
#include "x86_vcpu.h"
#include "vmx.h"

const struct vmm_backend vmx_backend = {
	.name = "vmx",
	.probe = vmx_probe,
	.enable = vmx_enable,
	.vm_create = vmx_vm_create,
	.vm_destroy = vmx_vm_destroy,
	.map = vmx_map,
	.unmap = vmx_unmap,
	.set_access = vmx_set_access,
	.gpa_access = vmx_gpa_access,
	.vcpu_setup = vmx_vcpu_setup,
	.vcpu_run = vmx_vcpu_run,
	.skip_instruction = vmx_skip_instruction,
	.set_ip = vmx_set_ip,
	.set_hypercall_result = vmx_set_result,
	.inject = vmx_inject,
	.inject_undefined = x86_inject_ud,
	.gva_to_gpa = vmx_gva_to_gpa,
	.arch_test = vmx_arch_test,
	.report_final = vmx_report_final,
	.walk_reach = vmx_walk_reach,
};
