/* SPDX-License-Identifier: MIT */
/*
 * The backends the core probes, in order (arch/vmm.h): the first whose
 * probe finds its hardware is used. A CPU has VMX or SVM, never both, so
 * the order only decides whose "why not" the log shows first.
 */
#include <arch/vmm.h>

#include "backends.h"

const struct vmm_backend *const arch_vmm_backends[] = { &vmx_backend, &svm_backend };
const unsigned arch_vmm_backend_count = sizeof(arch_vmm_backends) / sizeof(arch_vmm_backends[0]);
