/* SPDX-License-Identifier: MIT */
/*
 * Kernel symbol table for backtraces. tools/gensyms.py turns `llvm-nm -n`
 * output of the first link pass into an assembler file that emits, in the
 * section .ksyms under the global symbol ksym_table:
 *
 *   struct ksym_table            header
 *   struct ksym_entry[count]     text symbols sorted by address
 *   NUL-terminated names         at strings_offset from the header
 *
 * The second link pass places .ksyms after .rodata so text does not move.
 */
#ifndef ANVIL_SYMTAB_H
#define ANVIL_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

struct ksym_entry {
	uint64_t addr;        /* symbol start */
	uint32_t size;        /* up to the next symbol or the end of .text */
	uint32_t name_offset; /* from the start of the string blob */
};

struct ksym_table {
	uint64_t count;          /* entries that follow the header */
	uint64_t strings_offset; /* of the string blob, from the table start */
};

_Static_assert(sizeof(struct ksym_entry) == 16, "ksym_entry layout (gensyms.py)");
_Static_assert(offsetof(struct ksym_entry, size) == 8, "ksym_entry layout");
_Static_assert(offsetof(struct ksym_entry, name_offset) == 12, "ksym_entry layout");
_Static_assert(sizeof(struct ksym_table) == 16, "ksym_table layout (gensyms.py)");
_Static_assert(offsetof(struct ksym_table, strings_offset) == 8, "ksym_table layout");

/*
 * Name of the symbol containing addr and addr's offset into it (if offset
 * is not NULL). NULL if addr is before the first symbol, past the end of
 * the last one, or in a zero-sized entry.
 */
const char *symtab_lookup(const struct ksym_table *t, uint64_t addr,
			  uint64_t *offset);

#endif
