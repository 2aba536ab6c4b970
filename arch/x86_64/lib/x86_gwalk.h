/* SPDX-License-Identifier: MIT */
/*
 * The guest's own 4-level page-table walk (64-bit mode, 4 KiB / 2 MiB /
 * 1 GiB pages), to turn a guest-virtual address into guest-physical when the
 * hypervisor must read guest memory by a virtual address (instruction bytes,
 * string I/O buffers). Pure: guest memory is read through a callback.
 */
#ifndef X86_GWALK_H
#define X86_GWALK_H

#include <stdbool.h>
#include <stdint.h>

/* Read the 8-byte table entry at guest-physical gpa; false if not guest memory. */
typedef bool (*x86_gwalk_read_fn)(void *ctx, uint64_t gpa, uint64_t *val);

#define X86_GWALK_W 1u  /* the translation allows writes (R/W set at every level) */
#define X86_GWALK_U 2u  /* user (U/S set at every level) */
#define X86_GWALK_NX 4u /* NX set at some level */

enum x86_gwalk_result {
	X86_GWALK_OK = 0,
	X86_GWALK_NOT_PRESENT,  /* a level had P=0 */
	X86_GWALK_RESERVED,     /* reserved bits set (PS in PML4E, bits above MAXPHYADDR 52) */
	X86_GWALK_BAD_TABLE,    /* a table entry lies outside guest memory */
	X86_GWALK_NONCANONICAL, /* bits 63:47 of gva not all equal: the CPU faults, nothing is walked */
};

/*
 * cr3: the guest CR3 (bits 51:12 used). On OK, *gpa and *flags are filled.
 * A non-canonical gva is refused before any table is read.
 */
enum x86_gwalk_result x86_gwalk(uint64_t cr3, uint64_t gva, x86_gwalk_read_fn read, void *ctx,
				uint64_t *gpa, uint32_t *flags);

#endif
