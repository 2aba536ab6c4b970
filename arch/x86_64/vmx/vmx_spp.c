/* SPDX-License-Identifier: MIT */
/*
 * EPT sub-page write permissions (SDM Vol 3C §29.3.4; docs/vmx.md, "SPP").
 * A protected page is a 4 KiB EPT leaf without W and with bit 61 (SPP) set;
 * the CPU then looks up the page's 32 write bits in the sub-page permission
 * table (SPPT) and lets a write through where its 128-byte sub-page's bit is
 * set. The hypervisor records what the payload asked for (sppt.h) and fills
 * the SPPT lazily: a protected page whose 2 MiB has no SPPT leaf table yet
 * takes an SPPT-miss exit (reason 66, qualification bit 11 set) on its first
 * write, which fills it. Every change is followed by INVEPT, which also
 * drops what the CPU cached from the SPPT.
 */
#include <stdlib.h>

#include <anvil/vm.h>
#include <arch/cpu.h>

#include "vmx.h"

#define PAGE_MASK (ARCH_PAGE_SIZE - 1)
#define REMAP_SLOT_ID 1u /* kernel/hypercall.c's tag for remap_page aliases */

/* gpa must be a page of the payload's own RAM, mapped R|W|X, or one SPP already guards. */
static bool page_ok(struct vm *vm, struct vmx_vm *s, uint64_t gpa)
{
	const struct memslot *m = memslot_find(&vm->mem, gpa);
	uint32_t access;
	if ((gpa & PAGE_MASK) || !m || m->id == REMAP_SLOT_ID || !npt_lookup(&s->ept, gpa, NULL, &access, NULL))
		return false;
	return access == NPT_RWX || spp_record_find(s->spp, gpa, NULL);
}

int vmx_spp_protect(struct vm *vm, uint64_t gpa, uint32_t mask, uint64_t *result, int *bad_arg)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	if (!s->spp) {
		*result = ANVIL_TEST_UNSUPPORTED;
		return 0;
	}
	*bad_arg = 1;
	if (!page_ok(vm, s, gpa) || spp_request(&s->sppt, s->spp, gpa, mask))
		return -1;
	s->ept_stale = true;
	if (npt_set_leaf_flags(&s->ept, gpa, NPT_EPT_SPP, true) || npt_set_access(&s->ept, gpa, NPT_R | NPT_X))
		return -1;
	return 0;
}

int vmx_spp_clear(struct vm *vm, uint64_t gpa, uint64_t *result, int *bad_arg)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	if (!s->spp) {
		*result = ANVIL_TEST_UNSUPPORTED;
		return 0;
	}
	*bad_arg = 1;
	if (gpa & PAGE_MASK)
		return -1;
	if (spp_record_clear(s->spp, gpa))
		return 0; /* not protected: nothing to do */
	sppt_clear(&s->sppt, gpa); /* -1 only if its leaf table was never made */
	s->ept_stale = true;
	if (npt_set_leaf_flags(&s->ept, gpa, NPT_EPT_SPP, false) || npt_set_access(&s->ept, gpa, NPT_RWX))
		return -1;
	return 0;
}

bool vmx_spp_owns_fault(struct vmx_vm *s, uint64_t gpa)
{
	uint64_t flags;
	return s->spp && npt_leaf_flags(&s->ept, gpa, &flags) && (flags & NPT_EPT_SPP);
}

int vmx_spp_event(struct vcpu *v, uint64_t qual, uint64_t gpa)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	struct vmx_spp_event ev;
	vmx_spp_event_decode(qual, &ev);
	if (!ev.miss) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "SPPT misconfiguration at guest-physical 0x%lx (qualification 0x%lx)",
		       (unsigned long)gpa, (unsigned long)qual);
		return -1;
	}
	if (!s->spp || sppt_fill(&s->sppt, s->spp, gpa)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "SPPT miss at guest-physical 0x%lx, a page nothing protects",
		       (unsigned long)gpa);
		return -1;
	}
	s->spp_misses++;
	s->ept_stale = true;
	return 0;
}

void vmx_spp_vm_destroy(struct vmx_vm *s)
{
	if (s->sppt.root)
		sppt_destroy(&s->sppt);
	free(s->spp);
	s->spp = NULL;
}
