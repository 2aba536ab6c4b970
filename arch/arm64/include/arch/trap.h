/* SPDX-License-Identifier: MIT */
/*
 * Traps as the arch-neutral kernel sees them: a fault record, and the few
 * operations the kernel's fault catcher and watchdog need on a saved frame.
 * On AArch64 "vector" is the exception class (ESR_EL2.EC) and "error_code"
 * the whole ESR_EL2.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct arch_frame; /* the saved register state; layout private to the arch */

enum arch_fault_kind {
	FAULT_NONE = 0,
	FAULT_INVALID_OPCODE,     /* EC 0x00: an UNDEFINED instruction */
	FAULT_PAGE,               /* data or instruction abort: translation, permission, access flag */
	FAULT_GENERAL_PROTECTION, /* alignment, SP/PC alignment, illegal execution state */
	FAULT_DIVIDE,             /* never on AArch64 (integer division by zero gives 0) */
	FAULT_DOUBLE,             /* never: the exception stack is separate (SP_EL2) */
	FAULT_OTHER,
};

enum fault_access {
	FAULT_ACCESS_NONE = 0,
	FAULT_ACCESS_READ,
	FAULT_ACCESS_WRITE,
	FAULT_ACCESS_EXEC,
};

struct fault_info {
	uint32_t vector;      /* ESR_EL2.EC */
	uint32_t kind;        /* enum arch_fault_kind */
	uint32_t access;      /* enum fault_access, for FAULT_PAGE */
	bool present;         /* FAULT_PAGE: a permission fault, not a missing translation */
	uint64_t error_code;  /* ESR_EL2 */
	uint64_t addr;        /* FAR_EL2 */
	uint64_t ip;          /* ELR_EL2 */
	uint64_t sp;
	bool has_error_code;
};

const char *arch_fault_name(uint32_t vector);
void arch_frame_fault_info(const struct arch_frame *f, struct fault_info *out);
/* Make the return from this trap continue at ip on stack sp, interrupts off. */
void arch_frame_redirect(struct arch_frame *f, uintptr_t ip, uintptr_t sp);
uintptr_t arch_frame_fp(const struct arch_frame *f);
void arch_frame_dump(const struct arch_frame *f);

#endif
