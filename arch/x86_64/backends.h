/* SPDX-License-Identifier: MIT */
/* The x86 backends; arch/x86_64/build.mk lists which are built, backends.c which are probed. */
#ifndef X86_BACKENDS_H
#define X86_BACKENDS_H

struct vmm_backend;

extern const struct vmm_backend svm_backend; /* arch/x86_64/svm */
extern const struct vmm_backend vmx_backend; /* arch/x86_64/vmx */

#endif
