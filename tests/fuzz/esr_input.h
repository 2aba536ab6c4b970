/* SPDX-License-Identifier: MIT */
/*
 * The esr harness's input (shared with the seed writer), little-endian and
 * zero once the bytes run out: what a trap hands EL2.
 *
 *   u64 ESR_EL2, u64 FAR_EL2          the syndrome and the fault address
 *   u8  cut                           esr_format's second buffer: cut % (line + 2) bytes
 *   u8  fsc                           a raw fault status code for esr_fsc_decode (any 8 bits)
 *   u8  policy                        bit 0: SMCCC 1.2 (else 1.1), bit 1: workarounds "unaffected"
 *   u64 MPIDR                         the guest's only vCPU
 *   u64 X0..X3                        an HVC/SMC's registers, for smccc_emulate
 */
#ifndef FUZZ_ESR_INPUT_H
#define FUZZ_ESR_INPUT_H

#define ESR_IN_POLICY_SMCCC_1_2 1u
#define ESR_IN_POLICY_UNAFFECTED 2u

#endif
