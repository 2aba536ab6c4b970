/* SPDX-License-Identifier: MIT */
/*
 * Per-VM EL2 state: the stage-2 tables (s2pt.h) and the VMID they are
 * tagged with. VMIDs are handed out in turn; each VM's first entry
 * invalidates everything cached for its VMID (another VM may have used it
 * before), and so does the first entry after any stage-2 change
 * (TLBI VMALLS12E1IS with VTTBR_EL2 naming the VM, Arm ARM D8.14).
 */
#include <stdlib.h>

#include <anvil/memory.h>
#include <arch/cpu.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"

#define EL2_MAP_ACCESS_MASK (ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X)

static uint16_t next_vmid = 1;

static void *s2_alloc(void *ctx)
{
	(void)ctx;
	uint64_t pa = pmm_alloc(&kernel_pmm);
	if (!pa)
		return NULL;
	uint64_t *t = (uint64_t *)(uintptr_t)pa;
	for (unsigned i = 0; i < S2PT_ENTRIES; i++)
		t[i] = 0;
	return t;
}
static void s2_free(void *ctx, void *t) { (void)ctx; pmm_free(&kernel_pmm, (uint64_t)(uintptr_t)t); }
static uint64_t s2_v2p(void *ctx, const void *p) { (void)ctx; return (uint64_t)(uintptr_t)p; }
static void *s2_p2v(void *ctx, uint64_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }
static const struct s2pt_ops s2_ops_identity = {
	.alloc_table = s2_alloc, .free_table = s2_free, .virt_to_phys = s2_v2p, .phys_to_virt = s2_p2v,
};

static uint16_t vmid_alloc(void)
{
	uint16_t limit = el2_caps.vmid16 ? 0xffff : 0xff;
	uint16_t id = next_vmid;
	next_vmid = next_vmid >= limit ? 1 : (uint16_t)(next_vmid + 1); /* VMID 0 stays unused */
	return id;
}

int el2_vm_create(struct vm *vm)
{
	struct el2_vm *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	if (s2pt_init(&s->s2, &s2_ops_identity, el2_caps.vtcr.ipa_bits)) {
		free(s);
		return -1;
	}
	s->vmid = vmid_alloc();
	s->tlb_flush = true; /* the VMID may be a reused one */
	vm->be_vm = s;
	vm->vcpu.be = &s->vcpu;
	if (el2_vgic_create(vm)) {
		el2_vm_destroy(vm);
		return -1;
	}
	return 0;
}

void el2_vm_destroy(struct vm *vm)
{
	struct el2_vm *s = el2_vm_of(vm);
	if (!s)
		return;
	el2_vgic_destroy(vm);
	el2_host_controls_restore(); /* nothing of this VM stays in HCR/MDCR/VTTBR_EL2 */
	s2pt_destroy(&s->s2);
	free(s);
	vm->be_vm = NULL;
	vm->vcpu.be = NULL;
}

static enum s2pt_mem mem_of(uint32_t access)
{
	return (access & VM_MAP_DEVICE) ? S2PT_MEM_DEVICE : S2PT_MEM_NORMAL;
}

int el2_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access)
{
	struct el2_vm *s = el2_vm_of(vm);
	if (access & ~(EL2_MAP_ACCESS_MASK | VM_MAP_DEVICE))
		return -1;
	if (s2pt_map(&s->s2, gpa, hpa, size, access & EL2_MAP_ACCESS_MASK, mem_of(access)))
		return -1;
	s->tlb_flush = true;
	return 0;
}

int el2_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct el2_vm *s = el2_vm_of(vm);
	if (s2pt_unmap(&s->s2, gpa, size))
		return -1;
	s->tlb_flush = true;
	return 0;
}

int el2_set_access(struct vm *vm, uint64_t gpa, uint32_t access)
{
	struct el2_vm *s = el2_vm_of(vm);
	if (access & ~EL2_MAP_ACCESS_MASK)
		return -1;
	if (s2pt_set_access(&s->s2, gpa, access))
		return -1;
	s->tlb_flush = true;
	return 0;
}

bool el2_gpa_access(struct vm *vm, uint64_t gpa, uint32_t *access)
{
	return s2pt_lookup(&el2_vm_of(vm)->s2, gpa, NULL, access, NULL, NULL);
}

void el2_vm_activate(struct el2_vm *s)
{
	write_sysreg(vttbr_el2, s2pt_vttbr(&s->s2, s->vmid));
	isb();
}

void el2_vm_flush_if_changed(struct el2_vm *s)
{
	if (s->tlb_flush) {
		/* Make the table writes visible to the walker, then drop the VMID's stage 1+2 entries. */
		__asm__ volatile("dsb ishst; tlbi vmalls12e1is; dsb ish; isb" ::: "memory");
		s->tlb_flush = false;
	}
}

struct reach_ctx {
	const struct vm_reach_visitor *vis;
};

/*
 * GICv2's GICV frame is mapped into every VM (the guest's GIC CPU
 * interface, el2_vgic.c): device registers of the guest's own, not host
 * memory, so the walk leaves them out.
 */
static void reach_leaf(void *ctx, uint64_t ipa, uint64_t pa, uint64_t size, uint32_t prot, enum s2pt_mem mem)
{
	if (mem == S2PT_MEM_DEVICE && el2_vgic_is_cpuif_page(pa, size))
		return;
	const struct vm_reach_visitor *vis = ((struct reach_ctx *)ctx)->vis;
	if (vis->leaf)
		vis->leaf(vis->ctx, ipa, pa, size, prot);
}

static void reach_table(void *ctx, uint64_t pa)
{
	const struct vm_reach_visitor *vis = ((struct reach_ctx *)ctx)->vis;
	if (vis->table)
		vis->table(vis->ctx, pa);
}

void el2_walk_reach(struct vm *vm, const struct vm_reach_visitor *vis)
{
	struct el2_vm *s = el2_vm_of(vm);
	struct reach_ctx rc = { vis };
	struct s2pt_visitor sv = { .leaf = reach_leaf, .table = reach_table, .ctx = &rc };
	s2pt_walk(&s->s2, &sv);
	if (vis->private_page)
		vis->private_page(vis->ctx, (uint64_t)(uintptr_t)s, sizeof(*s), "EL2 VM state (heap)");
	if (vis->private_page && s->vgic)
		vis->private_page(vis->ctx, (uint64_t)(uintptr_t)s->vgic, sizeof(*s->vgic), "vGIC state (heap)");
}
