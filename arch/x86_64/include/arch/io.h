/* SPDX-License-Identifier: MIT */
/* Port and memory-mapped I/O accessors: the arch interface drivers use. */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <stdint.h>

static inline void arch_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void arch_outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void arch_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t arch_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t arch_inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t arch_inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint32_t arch_mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void arch_mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* A device register: port I/O on x86 (is_port), MMIO elsewhere. */
static inline uint8_t arch_reg_read8(uintptr_t base, unsigned off, int is_port)
{
	return is_port ? arch_inb((uint16_t)(base + off)) : *(volatile uint8_t *)(base + off);
}
static inline void arch_reg_write8(uintptr_t base, unsigned off, int is_port, uint8_t v)
{
	if (is_port)
		arch_outb((uint16_t)(base + off), v);
	else
		*(volatile uint8_t *)(base + off) = v;
}

#endif
