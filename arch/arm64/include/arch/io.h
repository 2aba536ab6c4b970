/* SPDX-License-Identifier: MIT */
/* Memory-mapped I/O accessors: the arch interface drivers use (AArch64 has no port I/O). */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <stdint.h>

static inline uint32_t arch_mmio_read32(uintptr_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline void arch_mmio_write32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}
static inline uint8_t arch_mmio_read8(uintptr_t a)
{
	uint8_t v;
	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline void arch_mmio_write8(uintptr_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}
static inline uint64_t arch_mmio_read64(uintptr_t a)
{
	uint64_t v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline void arch_mmio_write64(uintptr_t a, uint64_t v)
{
	__asm__ volatile("str %0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

/* A byte-wide device register: always MMIO here (is_port must be 0). */
static inline uint8_t arch_reg_read8(uintptr_t base, unsigned off, int is_port)
{
	(void)is_port;
	return arch_mmio_read8(base + off);
}
static inline void arch_reg_write8(uintptr_t base, unsigned off, int is_port, uint8_t v)
{
	(void)is_port;
	arch_mmio_write8(base + off, v);
}

#endif
