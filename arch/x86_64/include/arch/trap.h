/* SPDX-License-Identifier: MIT */
/*
 * Traps as the arch-neutral kernel sees them: a fault record, and the few
 * operations the kernel's fault catcher and watchdog need on a saved frame.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct arch_frame; /* the saved register state; layout private to the arch */

enum arch_fault_kind {
	FAULT_NONE = 0,
	FAULT_INVALID_OPCODE,
	FAULT_PAGE,
	FAULT_GENERAL_PROTECTION,
	FAULT_DIVIDE,
	FAULT_DOUBLE,
	FAULT_OTHER,
};

/* What a memory fault tried to do, arch-neutral. */
enum fault_access {
	FAULT_ACCESS_NONE = 0, /* not a memory access fault */
	FAULT_ACCESS_READ,
	FAULT_ACCESS_WRITE,
	FAULT_ACCESS_EXEC,
};

struct fault_info {
	uint32_t vector;      /* architectural vector / exception class */
	uint32_t kind;        /* enum arch_fault_kind */
	uint32_t access;      /* enum fault_access, for FAULT_PAGE */
	bool present;         /* FAULT_PAGE: a protection violation, not a missing page */
	uint64_t error_code;
	uint64_t addr;        /* faulting address (CR2 for #PF and #DF) */
	uint64_t ip;          /* instruction pointer at the fault */
	uint64_t sp;
	bool has_error_code;
};

/* x86 #PF error code bits (SDM Vol. 3A 4.7). */
#define PF_ERR_PRESENT (1u << 0)
#define PF_ERR_WRITE   (1u << 1)
#define PF_ERR_USER    (1u << 2)
#define PF_ERR_RSVD    (1u << 3)
#define PF_ERR_FETCH   (1u << 4)

const char *arch_fault_name(uint32_t vector);
void arch_frame_fault_info(const struct arch_frame *f, struct fault_info *out);
/* Make the return from this trap continue at ip on stack sp, interrupts off. */
void arch_frame_redirect(struct arch_frame *f, uintptr_t ip, uintptr_t sp);
uintptr_t arch_frame_fp(const struct arch_frame *f);
void arch_frame_dump(const struct arch_frame *f);

/* Vectors the kernel uses for its own interrupts. */
#define ARCH_VEC_TIMER    0x30
#define ARCH_VEC_SPURIOUS 0xff

#endif
