/* SPDX-License-Identifier: MIT */
/*
 * SVM MSR and I/O permission maps (APM Vol 2 §15.10.1 and §15.11). Pure: the
 * maps are plain byte arrays the caller allocates (physically contiguous).
 */
#ifndef SVM_PERM_H
#define SVM_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SVM_MSRPM_BYTES 8192u  /* 2 pages */
#define SVM_IOPM_BYTES 12288u  /* 3 pages: 64 Ki ports + room for accesses past 0xffff */
#define SVM_MSRPM_PAGES 2u
#define SVM_IOPM_PAGES 3u

/* Fill the map so that every MSR (every port) is intercepted. */
void svm_msrpm_init(uint8_t *map);
void svm_iopm_init(uint8_t *map);
/*
 * Byte offset and bit of an MSR's read intercept (the write bit is bit + 1).
 * false for an MSR outside the three ranges the map covers (such MSRs are
 * always intercepted when MSR_PROT is on).
 */
bool svm_msrpm_locate(uint32_t msr, size_t *byte, unsigned *bit);
/* Set the read/write intercepts of msr; -1 if the map cannot express it. */
int svm_msrpm_set(uint8_t *map, uint32_t msr, bool read, bool write);
bool svm_msrpm_intercepts(const uint8_t *map, uint32_t msr, bool write);
void svm_iopm_set(uint8_t *map, uint16_t port, bool intercept);
bool svm_iopm_intercepts(const uint8_t *map, uint16_t port);
/*
 * An access of `size` bytes (1, 2 or 4) at port: intercepted if the bit of
 * any port it touches is set (APM 15.10.2). An access past 0xffff reads the
 * bits beyond port 0xffff, which is why the map is 12 KiB, not 8.
 */
bool svm_iopm_intercepts_access(const uint8_t *map, uint16_t port, unsigned size);

#endif
