/* SPDX-License-Identifier: MIT */
/*
 * ELF64 image validation for loaders (the UEFI front end loading the kernel,
 * and later the payload loader). Pure: works on a byte buffer, touches nothing
 * else, reports what is wrong and where.
 */
#ifndef ANVIL_ELF64_H
#define ANVIL_ELF64_H

#include <stddef.h>
#include <stdint.h>

#define ELF64_MAX_SEGMENTS 16u

enum elf64_machine {
	ELF64_MACHINE_X86_64 = 62,
	ELF64_MACHINE_AARCH64 = 183,
	ELF64_MACHINE_LOONGARCH = 258,
};

#define ELF64_SEG_R 4u
#define ELF64_SEG_W 2u
#define ELF64_SEG_X 1u

struct elf64_segment {
	uint64_t paddr;    /* p_paddr: where the loader must place it */
	uint64_t vaddr;    /* p_vaddr */
	uint64_t offset;   /* file offset of the initialised bytes */
	uint64_t filesz;   /* bytes copied from the file */
	uint64_t memsz;    /* bytes occupied in memory (rest zero-filled) */
	uint32_t flags;    /* ELF64_SEG_R/W/X */
};

struct elf64_image {
	uint64_t entry;
	uint32_t segment_count; /* PT_LOAD segments, in file order */
	struct elf64_segment segments[ELF64_MAX_SEGMENTS];
	uint64_t lowest_paddr;  /* page-aligned down */
	uint64_t highest_paddr; /* end of the last segment, page-aligned up */
};

/*
 * Validate an ELF64 little-endian executable of the given machine and fill
 * *out with its PT_LOAD segments. Returns 0 on success. On failure returns -1
 * and writes a one-line description into err (what was wrong and the file
 * offset or header field where), e.g.
 *   "program header 3 at offset 0x40: p_filesz 0x2000 > p_memsz 0x1000".
 * Checks: magic, class, data encoding, version, type EXEC, machine, header
 * sizes, program header table inside the buffer, every segment's file range
 * inside the buffer, filesz <= memsz, no address overflow, segments do not
 * overlap each other in physical memory, entry inside an executable segment.
 */
int elf64_parse(const void *buf, size_t len, uint16_t machine,
		struct elf64_image *out, char *err, size_t err_len);

#endif
