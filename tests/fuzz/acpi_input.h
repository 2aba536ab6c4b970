/* SPDX-License-Identifier: MIT */
/*
 * The acpi harness's input (shared with the seed writer):
 *
 *   u8  flags       ACPI_IN_FIX_SUMS: make every checksum right first
 *   u8  rsdp_len    the RSDP copy's length (at most 36)
 *   u8  rsdp[36]
 *   u8  sig[4]      the table to look for
 *   u64 fadt_pa     decoded as a FADT when no FACP is found
 *   then chunks of physical memory until the input ends:
 *   u64 pa, u16 len, u8 bytes[len]
 *
 * A map of [pa, pa + len) succeeds when one chunk holds all of it (the first
 * such chunk wins).
 */
#ifndef FUZZ_ACPI_INPUT_H
#define FUZZ_ACPI_INPUT_H

#define ACPI_IN_FIX_SUMS 1u
#define ACPI_IN_RSDP_MAX 36u
#define ACPI_IN_HEADER (2u + ACPI_IN_RSDP_MAX + 4u + 8u)
#define ACPI_IN_CHUNK_HEADER 10u

#endif
