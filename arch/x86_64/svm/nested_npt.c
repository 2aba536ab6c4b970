/* SPDX-License-Identifier: MIT */
/*
 * Shadow nested page tables for an L2 that runs with nested paging of L1's
 * (docs/nested-svm.md, "Shadow nested tables"). vmcb12's nCR3 translates
 * L2-physical to L1-physical in L1's memory; L0's own tables translate
 * L1-physical to host-physical. vmcb02 gets a third set, L2-physical to
 * host-physical, built lazily: it starts empty, every L2 access it does not
 * cover is a nested page fault, and the fault is resolved here by walking
 * L1's tables (the long-mode format, APM Vol 2 15.25.5: every access a
 * user access) and L0's:
 *
 *   L1's walk fails (not present, reserved bit, no U, no W for a write,
 *   NX for a fetch)  -> #VMEXIT(NPF) to L1, EXITINFO1 as the CPU would
 *                       have written it for L1's tables, EXITINFO2 the L2
 *                       address (APM 15.25.6);
 *   L1's walk gives an L1 address outside L1's memory, or L0 refuses the
 *   access there     -> L0's own fault at that L1 address (the payload's,
 *                       as any access outside its memory);
 *   otherwise        -> one 4 KiB shadow leaf with L1's rights AND L0's,
 *                       and L2 resumes.
 *
 * The shadow is a TLB as far as L1 can tell: it holds the translations of
 * one (nCR3, L1 ASID) and is dropped whole when L1 runs another nCR3 or
 * another ASID (a CPU caches per ASID: found by nsvm_clean, where the
 * shadow of ASID 2 answered for ASID 1), asks for a flush (TLB_CONTROL) or
 * runs INVLPGA.
 * Its tables come from a pool of NESTED_SHADOW_TABLES pages: when the pool
 * is used up the shadow is dropped and rebuilt (never a failure of the run).
 */
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/vm.h>

#include "nested.h"
#include "svm.h"
#include "x86.h"
#include "x86_gwalk.h"

#define PAGE_4K 0x1000ull
#define PAGE_MASK (PAGE_4K - 1)

static void *pool_alloc(void *ctx)
{
	struct nested_shadow *sh = ctx;
	if (sh->tables >= NESTED_SHADOW_TABLES)
		return NULL;
	uint64_t pa = svm_page_alloc_zeroed(1);
	if (!pa)
		return NULL;
	sh->tables++;
	return (void *)(uintptr_t)pa;
}

static void pool_free(void *ctx, void *t)
{
	struct nested_shadow *sh = ctx;
	sh->tables--;
	pmm_free(&kernel_pmm, (uint64_t)(uintptr_t)t);
}

static uint64_t v2p(void *ctx, const void *p) { (void)ctx; return (uint64_t)(uintptr_t)p; }
static void *p2v(void *ctx, uint64_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }

void nested_shadow_drop(struct nested_shadow *sh)
{
	if (sh->npt.root)
		npt_destroy(&sh->npt);
	memset(&sh->npt, 0, sizeof(sh->npt));
	sh->valid = false;
}

static int shadow_fresh(struct nested_shadow *sh, uint64_t l1_ncr3)
{
	nested_shadow_drop(sh);
	sh->ops = (struct npt_ops){ .alloc_table = pool_alloc, .free_table = pool_free, .virt_to_phys = v2p,
				    .phys_to_virt = p2v, .ctx = sh };
	if (npt_init(&sh->npt, &sh->ops, &npt_format_amd))
		return -1;
	sh->l1_ncr3 = l1_ncr3;
	sh->valid = true;
	sh->flushed = true;
	sh->rebuilds++;
	return 0;
}

int nested_shadow_prepare(struct nested_shadow *sh, uint64_t l1_ncr3, uint32_t l1_asid, bool flush)
{
	if (sh->valid && !flush && sh->l1_ncr3 == l1_ncr3 && sh->l1_asid == l1_asid)
		return 0;
	sh->l1_asid = l1_asid;
	return shadow_fresh(sh, l1_ncr3);
}

struct l1_mem {
	struct vm *vm;
};

static bool read_l1(void *ctx, uint64_t gpa, uint64_t *val)
{
	const struct l1_mem *m = ctx;
	const uint64_t *p = vm_gpa_ptr(m->vm, gpa, sizeof(*p));
	if (!p)
		return false;
	*val = *p;
	return true;
}

/* The NPF EXITINFO1 L1's tables give for this access (APM 15.25.6), 0 if they allow it. */
static uint64_t l1_fault(enum x86_gwalk_result r, uint32_t flags, uint64_t info1)
{
	uint64_t access = info1 & (VMCB_NPF_RW | VMCB_NPF_ID);
	uint64_t where = info1 & (VMCB_NPF_GUEST_PAGE | VMCB_NPF_GUEST_TABLE);
	if (r == X86_GWALK_NOT_PRESENT || r == X86_GWALK_BAD_TABLE || r == X86_GWALK_NONCANONICAL)
		return access | VMCB_NPF_US | where;
	if (r == X86_GWALK_RESERVED)
		return VMCB_NPF_P | VMCB_NPF_RSV | access | VMCB_NPF_US | where;
	bool denied = !(flags & X86_GWALK_U) || ((info1 & VMCB_NPF_RW) && !(flags & X86_GWALK_W)) ||
		      ((info1 & VMCB_NPF_ID) && (flags & X86_GWALK_NX));
	return denied ? VMCB_NPF_P | access | VMCB_NPF_US | where : 0;
}

static uint32_t rights_of(uint32_t flags)
{
	return NPT_R | ((flags & X86_GWALK_W) ? NPT_W : 0) | ((flags & X86_GWALK_NX) ? 0 : NPT_X);
}

static uint32_t needed(uint64_t info1)
{
	return (info1 & VMCB_NPF_RW) ? NPT_W : (info1 & VMCB_NPF_ID) ? NPT_X : NPT_R;
}

enum nested_npf_result nested_shadow_fault(struct vcpu *v, struct nested_shadow *sh, uint64_t l2_gpa, uint64_t info1,
					   uint64_t *l1_fault_info1, uint64_t *l1_gpa)
{
	struct l1_mem m = { v->vm };
	uint64_t gpa1;
	uint32_t flags = 0;
	enum x86_gwalk_result r = x86_gwalk(sh->l1_ncr3, l2_gpa, read_l1, &m, &gpa1, &flags);
	uint64_t f = l1_fault(r, flags, info1);
	if (f) {
		*l1_fault_info1 = f;
		return NESTED_NPF_TO_L1;
	}
	*l1_gpa = gpa1;
	uint64_t hpa;
	uint32_t l0_rights;
	if (!npt_lookup(&svm_vm_of(v->vm)->npt, gpa1 & ~PAGE_MASK, &hpa, &l0_rights, NULL) ||
	    !(l0_rights & needed(info1)))
		return NESTED_NPF_L0;
	uint32_t rights = rights_of(flags) & l0_rights;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (npt_map(&sh->npt, l2_gpa & ~PAGE_MASK, hpa & ~PAGE_MASK, PAGE_4K, rights) == 0) {
			sh->faults_resolved++;
			return NESTED_NPF_RESOLVED;
		}
		if (shadow_fresh(sh, sh->l1_ncr3)) /* the pool ran dry: start over */
			break;
		sh->recycled++;
	}
	return NESTED_NPF_ERROR;
}
