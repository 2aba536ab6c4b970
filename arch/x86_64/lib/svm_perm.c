/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "svm_perm.h"

/* The three MSR ranges the MSRPM covers, 2 bits per MSR (APM Vol 2 §15.11 "MSR Intercepts"). */
struct msr_range {
	uint32_t first;
	size_t map_offset;
};
#define MSRS_PER_RANGE 0x2000u
static const struct msr_range ranges[] = {
	{ 0x00000000u, 0x0000 },
	{ 0xc0000000u, 0x0800 },
	{ 0xc0010000u, 0x1000 },
};

void svm_msrpm_init(uint8_t *map) { memset(map, 0xff, SVM_MSRPM_BYTES); }
void svm_iopm_init(uint8_t *map) { memset(map, 0xff, SVM_IOPM_BYTES); }

bool svm_msrpm_locate(uint32_t msr, size_t *byte, unsigned *bit)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (msr - ranges[i].first < MSRS_PER_RANGE) {
			uint32_t idx = (msr - ranges[i].first) * 2;
			*byte = ranges[i].map_offset + idx / 8;
			*bit = idx % 8;
			return true;
		}
	}
	return false;
}

static void set_bit(uint8_t *b, unsigned bit, bool on)
{
	if (on)
		*b |= (uint8_t)(1u << bit);
	else
		*b &= (uint8_t)~(1u << bit);
}

int svm_msrpm_set(uint8_t *map, uint32_t msr, bool read, bool write)
{
	size_t byte;
	unsigned bit;
	if (!svm_msrpm_locate(msr, &byte, &bit))
		return (read && write) ? 0 : -1; /* always intercepted: only "both" is expressible */
	set_bit(&map[byte], bit, read);
	set_bit(&map[byte], bit + 1, write);
	return 0;
}

bool svm_msrpm_intercepts(const uint8_t *map, uint32_t msr, bool write)
{
	size_t byte;
	unsigned bit;
	if (!svm_msrpm_locate(msr, &byte, &bit))
		return true;
	return (map[byte] >> (bit + (write ? 1 : 0))) & 1;
}

void svm_iopm_set(uint8_t *map, uint16_t port, bool intercept)
{
	set_bit(&map[port / 8], port % 8, intercept);
}

bool svm_iopm_intercepts(const uint8_t *map, uint16_t port)
{
	return (map[port / 8] >> (port % 8)) & 1;
}

bool svm_iopm_intercepts_access(const uint8_t *map, uint16_t port, unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		uint32_t bit = (uint32_t)port + i; /* no 16-bit wrap: 0xffff + 1 is bit 0x10000 */

		if ((map[bit / 8] >> (bit % 8)) & 1)
			return true;
	}
	return false;
}
