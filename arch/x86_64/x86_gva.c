/* SPDX-License-Identifier: MIT */
/* Guest-virtual translation for hypervisor accesses (x86_gva.h). */
#include <anvil/guest_abi.h>
#include <anvil/vm.h>

#include "x86_gva.h"
#include "x86_gwalk.h"

#define CR0_PG (1ull << 31)
#define CR0_WP (1ull << 16)
#define EFER_NXE (1ull << 11)

static bool read_entry(void *ctx, uint64_t gpa, uint64_t *val)
{
	uint64_t *p = vm_gpa_ptr(ctx, gpa, sizeof(*p));
	if (!p)
		return false;
	*val = *p;
	return true;
}

static uint32_t access_bits(uint32_t access)
{
	return (access & ANVIL_ACCESS_W ? X86_PF_W : 0) | (access & ANVIL_ACCESS_X ? X86_PF_I : 0);
}

bool x86_gva_translate(struct vm *vm, uint64_t cr0, uint64_t cr3, uint64_t efer, uint64_t gva, uint32_t access,
		       uint64_t *gpa, uint32_t *pf_error)
{
	*pf_error = 0;
	if (!(cr0 & CR0_PG)) { /* paging off: physical */
		*gpa = gva;
		return true;
	}
	uint32_t flags = 0;
	switch (x86_gwalk(cr3, gva, read_entry, vm, gpa, &flags)) {
	case X86_GWALK_OK:
		break;
	case X86_GWALK_NONCANONICAL:
		*pf_error = X86_PF_NONCANONICAL;
		return false;
	case X86_GWALK_RESERVED:
		*pf_error = X86_PF_P | X86_PF_RSVD | access_bits(access);
		return false;
	default: /* not present, or a table outside guest memory */
		*pf_error = access_bits(access);
		return false;
	}
	if ((access & ANVIL_ACCESS_W) && (cr0 & CR0_WP) && !(flags & X86_GWALK_W)) {
		*pf_error = X86_PF_P | X86_PF_W;
		return false;
	}
	if ((access & ANVIL_ACCESS_X) && (efer & EFER_NXE) && (flags & X86_GWALK_NX)) {
		*pf_error = X86_PF_P | X86_PF_I;
		return false;
	}
	return true;
}
