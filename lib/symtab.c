/* SPDX-License-Identifier: MIT */
/* Address-to-symbol lookup in the table tools/gensyms.py generates. */
#include <anvil/symtab.h>

static const struct ksym_entry *symtab_entries(const struct ksym_table *t)
{
	return (const struct ksym_entry *)(t + 1);
}

const char *symtab_lookup(const struct ksym_table *t, uint64_t addr,
			  uint64_t *offset)
{
	const struct ksym_entry *e;
	uint64_t lo = 0, hi;

	if (!t)
		return NULL;
	e = symtab_entries(t);
	hi = t->count;
	/* lo becomes the first entry starting above addr. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e += lo - 1;
	if (addr - e->addr >= e->size)
		return NULL;
	if (offset)
		*offset = addr - e->addr;
	return (const char *)t + t->strings_offset + e->name_offset;
}
