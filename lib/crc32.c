// SPDX-License-Identifier: MIT
/* Bitwise CRC-32 (no table: it checksums a screen of text once per run). */
#include <anvil/crc32.h>

#define CRC32_POLY 0xedb88320u

uint32_t crc32_update(uint32_t crc, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (CRC32_POLY & (0u - (crc & 1u)));
	}
	return ~crc;
}
