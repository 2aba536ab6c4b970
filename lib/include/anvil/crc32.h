/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 as zlib, PNG and Python's zlib.crc32 compute it (reflected
 * polynomial 0xedb88320, initial value and final xor all ones), so a host
 * tool can check a checksum the kernel printed.
 */
#ifndef ANVIL_CRC32_H
#define ANVIL_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* crc32_update(0, buf, n) is the CRC of buf; feed pieces with the running value. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

#endif
