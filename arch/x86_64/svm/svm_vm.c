/* SPDX-License-Identifier: MIT */
/*
 * Per-VM SVM state: the nested page tables (plus the alternative set the
 * NPT clean-bit touch switches to), the ASID, and the MSR and I/O
 * permission maps (docs/svm.md, "Per VM").
 */
#include <stdlib.h>
#include <string.h>

#include <anvil/memory.h>
#include <arch/cpu.h>

#include "svm.h"
#include "x86.h"

static void *npt_alloc(void *ctx)
{
	(void)ctx;
	uint64_t pa = svm_page_alloc_zeroed(1);
	return pa ? (void *)(uintptr_t)pa : NULL;
}
static void npt_free(void *ctx, void *t) { (void)ctx; pmm_free(&kernel_pmm, (uint64_t)(uintptr_t)t); }
static uint64_t npt_v2p(void *ctx, const void *p) { (void)ctx; return (uint64_t)(uintptr_t)p; }
static void *npt_p2v(void *ctx, uint64_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }
static const struct npt_ops npt_ops_identity = {
	.alloc_table = npt_alloc, .free_table = npt_free, .virt_to_phys = npt_v2p, .phys_to_virt = npt_p2v,
};

int svm_vm_create(struct vm *vm)
{
	struct svm_vm *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	vm->be_vm = s;
	if (npt_init(&s->npt, &npt_ops_identity, &npt_format_amd))
		goto fail;
	if (asid_get(&svm_asids, &s->asid, &s->asid_needs_flush))
		goto fail;
	for (int i = 0; i < 2; i++) {
		s->msrpm_pa[i] = svm_page_alloc_zeroed(SVM_MSRPM_PAGES);
		s->iopm_pa[i] = svm_page_alloc_zeroed(SVM_IOPM_PAGES);
		if (!s->msrpm_pa[i] || !s->iopm_pa[i])
			goto fail;
		uint8_t *msrpm = (uint8_t *)(uintptr_t)s->msrpm_pa[i];
		svm_msrpm_init(msrpm);
		svm_msrpm_set(msrpm, X86_MSR_PASSED_AT_START, false, false);
		uint8_t *iopm = (uint8_t *)(uintptr_t)s->iopm_pa[i];
		svm_iopm_init(iopm);
		svm_iopm_set(iopm, SVM_IOPM_ALT_PORT, i == 1);
	}
	return 0;
fail:
	svm_vm_destroy(vm);
	return -1;
}

void svm_vm_destroy(struct vm *vm)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (!s)
		return;
	/* A payload stopped by a fault may have left GIF clear. */
	__asm__ volatile("stgi" ::: "memory");
	svm_test_vm_destroy(s);
	nested_teardown(&s->vcpu);
	if (s->npt.root)
		npt_destroy(&s->npt);
	if (s->asid)
		asid_put(&svm_asids, s->asid);
	for (int i = 0; i < 2; i++) {
		if (s->msrpm_pa[i])
			pmm_free_contig(&kernel_pmm, s->msrpm_pa[i], SVM_MSRPM_PAGES);
		if (s->iopm_pa[i])
			pmm_free_contig(&kernel_pmm, s->iopm_pa[i], SVM_IOPM_PAGES);
	}
	if (s->vcpu.vmcb_pa)
		pmm_free(&kernel_pmm, s->vcpu.vmcb_pa);
	free(s->vcpu.snapshot);
	free(s);
	vm->be_vm = NULL;
	vm->vcpu.be = NULL;
}

void svm_flush_guest_tlb(struct svm_vm *s)
{
	if (s->vcpu.vmcb)
		vmcb_set_tlb_control(s->vcpu.vmcb, asid_tlb_control(true, svm_caps.flush_by_asid));
	else
		s->asid_needs_flush = true; /* no VMCB yet: its first VMRUN flushes */
}

/* Every change goes to both nested maps while the alternative one exists. */
int svm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (access & VM_MAP_DEVICE)
		return -1; /* no memory types here yet: nothing maps device memory on x86 */
	if (npt_map(&s->npt, gpa, hpa, size, access) || (s->alt.root && npt_map(&s->alt, gpa, hpa, size, access)))
		return -1;
	svm_flush_guest_tlb(s); /* a remapped page may be cached under its old translation */
	return 0;
}

int svm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (npt_unmap(&s->npt, gpa, size) || (s->alt.root && npt_unmap(&s->alt, gpa, size)))
		return -1;
	svm_flush_guest_tlb(s);
	return 0;
}

int svm_set_access(struct vm *vm, uint64_t gpa, uint32_t access)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (npt_set_access(&s->npt, gpa, access) || (s->alt.root && npt_set_access(&s->alt, gpa, access)))
		return -1;
	svm_flush_guest_tlb(s);
	return 0;
}

bool svm_gpa_access(struct vm *vm, uint64_t gpa, uint32_t *access)
{
	struct svm_vm *s = svm_vm_of(vm);
	return npt_lookup(s->alt_active ? &s->alt : &s->npt, gpa, NULL, access, NULL);
}

int svm_set_msr_intercept(struct svm_vm *s, uint32_t msr, bool read, bool write)
{
	for (int i = 0; i < 2; i++)
		if (svm_msrpm_set((uint8_t *)(uintptr_t)s->msrpm_pa[i], msr, read, write))
			return -1;
	return 0;
}

void svm_set_io_intercept(struct svm_vm *s, uint16_t port, bool on)
{
	for (int i = 0; i < 2; i++)
		svm_iopm_set((uint8_t *)(uintptr_t)s->iopm_pa[i], port, on || (i == 1 && port == SVM_IOPM_ALT_PORT));
}

struct reach_ctx {
	const struct vm_reach_visitor *vis;
};

static void reach_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	const struct vm_reach_visitor *vis = ((struct reach_ctx *)ctx)->vis;
	if (vis->leaf)
		vis->leaf(vis->ctx, gpa, hpa, size, prot);
}

static void reach_table(void *ctx, uint64_t pa)
{
	const struct vm_reach_visitor *vis = ((struct reach_ctx *)ctx)->vis;
	if (vis->table)
		vis->table(vis->ctx, pa);
}

static void private_page(const struct vm_reach_visitor *vis, uint64_t pa, uint64_t pages, const char *what)
{
	if (pa && vis->private_page)
		vis->private_page(vis->ctx, pa, pages * ARCH_PAGE_SIZE, what);
}

void svm_walk_reach(struct vm *vm, const struct vm_reach_visitor *vis)
{
	struct svm_vm *s = svm_vm_of(vm);
	struct reach_ctx rc = { vis };
	struct npt_visitor nv = { .leaf = reach_leaf, .table = reach_table, .ctx = &rc };
	npt_walk(&s->npt, &nv);
	if (s->alt.root)
		npt_walk(&s->alt, &nv);
	if (s->vcpu.nested.shadow.npt.root)
		npt_walk(&s->vcpu.nested.shadow.npt, &nv); /* what L2 reaches through L1's nested tables */
	const struct svm_nested *n = &s->vcpu.nested;
	private_page(vis, n->vmcb01 ? n->vmcb01_pa : s->vcpu.vmcb_pa, 1, "VMCB");
	private_page(vis, n->vmcb02_pa, 1, "nested vmcb02");
	private_page(vis, n->msrpm02_pa, SVM_MSRPM_PAGES, "nested merged MSR permission map");
	private_page(vis, n->iopm02_pa, SVM_IOPM_PAGES, "nested merged I/O permission map");
	private_page(vis, svm_host_save_pa, 1, "host VMSAVE area");
	private_page(vis, svm_hsave_pa, 1, "VM_HSAVE_PA area");
	for (int i = 0; i < 2; i++) {
		private_page(vis, s->msrpm_pa[i], SVM_MSRPM_PAGES, "MSR permission map");
		private_page(vis, s->iopm_pa[i], SVM_IOPM_PAGES, "I/O permission map");
	}
}
