/* SPDX-License-Identifier: MIT */
/*
 * The world switch's memory (world_switch.S): a guest's general registers,
 * PC and PSTATE, what an exit leaves in the EL2 syndrome registers, and the
 * host's callee-saved registers across one entry. The offsets are shared
 * with the assembly, so each is asserted. The guest's EL1 system registers
 * are not here: the host at EL2 (nVHE) never uses the EL1&0 regime, so they
 * stay live in the CPU from one exit to the next entry and are reset when a
 * payload's vCPU is set up (el2_vcpu.c).
 */
#ifndef ARM64_EL2_CTX_H
#define ARM64_EL2_CTX_H

#define EL2_CTX_X 0          /* x0..x30 */
#define EL2_CTX_SP_EL0 248
#define EL2_CTX_PC 256       /* ELR_EL2 */
#define EL2_CTX_PSTATE 264   /* SPSR_EL2 */
#define EL2_CTX_ESR 272
#define EL2_CTX_FAR 280
#define EL2_CTX_HPFAR 288
#define EL2_CTX_HOST 296     /* x19..x30 */
#define EL2_CTX_HOST_SP 392
#define EL2_CTX_HOST_DAIF 400
#define EL2_CTX_SIZE 416

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct el2_ctx {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t pc, pstate;
	uint64_t esr, far, hpfar;     /* written by every exit */
	uint64_t host_x19_x30[12];
	uint64_t host_sp, host_daif;
	uint64_t pad;
};
_Static_assert(offsetof(struct el2_ctx, sp_el0) == EL2_CTX_SP_EL0, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, pc) == EL2_CTX_PC, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, pstate) == EL2_CTX_PSTATE, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, esr) == EL2_CTX_ESR, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, far) == EL2_CTX_FAR, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, hpfar) == EL2_CTX_HPFAR, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, host_x19_x30) == EL2_CTX_HOST, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, host_sp) == EL2_CTX_HOST_SP, "world_switch.S layout");
_Static_assert(offsetof(struct el2_ctx, host_daif) == EL2_CTX_HOST_DAIF, "world_switch.S layout");
_Static_assert(sizeof(struct el2_ctx) == EL2_CTX_SIZE, "world_switch.S layout");

/* How the guest left (the vector it came through, Arm ARM D1.10.2): VEC_SYNC .. VEC_SERROR. */
uint64_t el2_enter(struct el2_ctx *c);
#endif

#endif
