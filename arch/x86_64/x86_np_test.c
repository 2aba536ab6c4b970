/* SPDX-License-Identifier: MIT */
/*
 * Nested-paging test operations (guest_abi.h, ANVIL_NP_TEST_*): the page
 * size a guest-physical address is mapped with, and re-pointing a
 * remap_page alias at another page without flushing the guest's cached
 * translations, so a payload can tell whether the CPU keeps any across an
 * exit (docs/guest-abi.md, "Test operations").
 */
#include <anvil/memslot.h>
#include <anvil/vm.h>
#include <arch/cpu.h>

#include "x86_np_test.h"

#define REMAP_SLOT_ID 1u /* kernel/hypercall.c's tag for remap_page aliases */

/* Alias a1 shows page a2 from now on, in both tables, the TLB left alone. */
static int repoint_no_flush(struct vm *vm, struct npt *t, struct npt *alt, uint64_t alias, uint64_t src)
{
	const struct memslot *m = memslot_find(&vm->mem, alias);
	uint64_t hpa;
	char err[80];
	if (!m || m->gpa != alias || m->id != REMAP_SLOT_ID || !memslot_translate(&vm->mem, src, ARCH_PAGE_SIZE, &hpa))
		return -1;
	struct memslot moved = *m;
	moved.hpa = hpa;
	if (memslot_remove(&vm->mem, alias) || memslot_add(&vm->mem, &moved, err, sizeof(err)))
		return -1;
	return npt_map(t, alias, hpa, ARCH_PAGE_SIZE, NPT_R | NPT_W) ||
	       (alt && alt->root && npt_map(alt, alias, hpa, ARCH_PAGE_SIZE, NPT_R | NPT_W));
}

int x86_np_test(struct vm *vm, struct npt *tables, struct npt *alt, const uint64_t a[4], uint64_t *result,
		int *bad_arg)
{
	switch (a[0]) {
	case ANVIL_NP_TEST_PAGE_SIZE: {
		unsigned size = 0;
		*result = npt_lookup(tables, a[1], NULL, NULL, &size) ? size : 0;
		return 0;
	}
	case ANVIL_NP_TEST_REPOINT_NO_FLUSH:
		*bad_arg = 1;
		return repoint_no_flush(vm, tables, alt, a[1], a[2]);
	default:
		return -1;
	}
}
