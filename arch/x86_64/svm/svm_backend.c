/* SPDX-License-Identifier: MIT */
/* How the SVM backend plugs into the VM core (struct vmm_backend, anvil/vm.h). */
#include <anvil/vm.h>
#include "backends.h"
#include "x86_vcpu.h"
#include "svm.h"

const struct vmm_backend svm_backend = {
	.name = "svm",
	.probe = svm_probe,
	.enable = svm_enable,
	.vm_create = svm_vm_create,
	.vm_destroy = svm_vm_destroy,
	.map = svm_map,
	.unmap = svm_unmap,
	.set_access = svm_set_access,
	.gpa_access = svm_gpa_access,
	.vcpu_setup = svm_vcpu_setup,
	.vcpu_run = svm_vcpu_run,
	.skip_instruction = svm_skip_instruction,
	.set_ip = svm_set_ip,
	.set_hypercall_result = svm_set_result,
	.inject = svm_inject,
	.inject_undefined = x86_inject_ud,
	.gva_to_gpa = svm_gva_to_gpa,
	.arch_test = svm_arch_test,
	.report_final = svm_report_final,
	.walk_reach = svm_walk_reach,
};
