/* SPDX-License-Identifier: MIT */
/* AArch64 instructions and registers a payload uses directly. */
#ifndef GUEST_ARM64_H
#define GUEST_ARM64_H

#include <stdint.h>

#define guest_read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define guest_write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

/* A function body that returns (RET), for execute-permission tests. */
#define GUEST_RET_INSN_SIZE 4u
static const uint8_t guest_ret_insn[GUEST_RET_INSN_SIZE] __attribute__((unused)) = { 0xc0, 0x03, 0x5f, 0xd6 };

#define ARM64_FPCR_FZ (1ull << 24) /* flush-to-zero: a harmless FPCR bit to leave set */

/* Exception classes a payload checks (ESR_EL1.EC, Arm ARM D24.2). */
#define ARM64_EC_UNKNOWN 0x00u
#define ARM64_EC_SVC64 0x15u
#define ARM64_EC_DABT_SAME 0x25u
#define ARM64_EC_BRK64 0x3cu
#define ARM64_ESR_EC(esr) ((unsigned)((esr) >> 26) & 0x3fu)

#endif
