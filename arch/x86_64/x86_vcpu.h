/* SPDX-License-Identifier: MIT */
/*
 * What the x86 exit handlers (CPUID, MSR, port I/O) and test services need
 * from an x86 backend (SVM now, VMX next): guest registers by name and the
 * MSR/I-O intercept maps. A backend's per-vCPU state starts with struct x86_vcpu.
 */
#ifndef X86_VCPU_H
#define X86_VCPU_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

enum x86_reg {
	X86_RAX, X86_RBX, X86_RCX, X86_RDX, X86_RSI, X86_RDI, X86_RBP,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_RSP, X86_RIP, X86_RFLAGS, X86_CR0, X86_CR2, X86_CR3, X86_EFER,
	X86_REG_COUNT
};

struct x86_vcpu_ops {
	uint64_t (*get)(struct vcpu *v, enum x86_reg r);
	void (*set)(struct vcpu *v, enum x86_reg r, uint64_t val);
	/* The backend's MSR / I/O intercept maps; the allow-list is checked by the caller. */
	int (*set_msr_intercept)(struct vcpu *v, uint32_t msr, bool read, bool write);
	void (*set_io_intercept)(struct vcpu *v, uint16_t port, bool on);
};

struct x86_vcpu {
	const struct x86_vcpu_ops *ops;
};

static inline uint64_t x86_reg_get(struct vcpu *v, enum x86_reg r);
static inline void x86_reg_set(struct vcpu *v, enum x86_reg r, uint64_t val);

#include <anvil/vm.h>

static inline uint64_t x86_reg_get(struct vcpu *v, enum x86_reg r)
{
	return ((struct x86_vcpu *)v->be)->ops->get(v, r);
}

static inline void x86_reg_set(struct vcpu *v, enum x86_reg r, uint64_t val)
{
	((struct x86_vcpu *)v->be)->ops->set(v, r, val);
}

/* struct vmm_backend's inject_undefined for both x86 backends: #UD. */
int x86_inject_ud(struct vcpu *v);

#define X86_RFLAGS_IF (1ull << 9)
#define X86_RFLAGS_DF (1ull << 10)
#define X86_VEC_UD 6u
#define X86_VEC_GP 13u
#define X86_VEC_PF 14u

#endif
