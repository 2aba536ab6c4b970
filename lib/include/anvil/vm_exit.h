/* SPDX-License-Identifier: MIT */
/*
 * The arch-neutral exit record. Every backend turns each hardware exit into
 * one of these; the kernel's run loop dispatches on `kind` through a table.
 */
#ifndef ANVIL_VM_EXIT_H
#define ANVIL_VM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/guest_abi.h>

struct vm_exit {
	enum anvil_exit_kind kind;
	uint64_t raw_code;      /* the hardware's exit code (SVM EXITCODE, VMX basic reason) */
	const char *raw_name;   /* its name, e.g. "VMEXIT_SHUTDOWN": set for the kinds the core
	                           reports by name (shutdown, failed entry, unknown) */
	uint64_t ip;            /* guest ip of the exiting instruction */
	union {
		struct { uint64_t nr, a[4]; } hypercall;
		struct { uint32_t leaf, subleaf; } cpuid;
		struct { uint32_t msr; uint64_t value; } msr;      /* value: WRMSR only */
		struct {
			uint16_t port;
			uint8_t size;   /* 1, 2, 4 */
			bool in, string, rep;
			uint8_t addr_size; /* string forms: 2, 4, 8 */
			uint8_t seg;       /* string OUTS: segment register number */
		} io;
		struct {
			uint64_t gpa;
			uint32_t access;   /* ANVIL_ACCESS_* of the access */
			bool present;      /* a translation existed: a permission fault */
			bool in_walk;      /* during the guest's own page-table walk */
			bool spp;          /* a write EPT sub-page permissions refused */
		} mem;
		struct { uint8_t vector; bool has_error; uint32_t error_code; uint64_t addr; } exc;
		struct { const char *insn; } virt;   /* "VMRUN", ... */
		struct {
			uint64_t gpa;
			uint8_t size;      /* bytes: 1, 2, 4, 8 */
			bool write;
			uint8_t reg;       /* the guest register transferred (arch numbering) */
			bool sign_extend;  /* a read sign-extends into the register */
			uint64_t value;    /* write: the value stored */
		} mmio;
		struct {
			uint32_t encoding; /* arm64: op0, op1, CRn, CRm, op2 (esr.h ESR_SYSREG()) */
			bool read;
			uint8_t reg;
			uint64_t value;    /* write: the value */
		} sysreg;
		struct { uint64_t fn, a[3]; } smc; /* arm64: function ID (x0) and x1-x3 */
	} u;
};

const char *vm_exit_kind_name(enum anvil_exit_kind k);

#endif
