/* SPDX-License-Identifier: MIT */
/*
 * Per-VM VMX state (docs/vmx.md, "Per VM"): the EPT tables, the VPID, the
 * MSR and I/O bitmaps, the sub-page permission table, and what the
 * translation reaches for the containment self-test. Every change to the
 * EPT marks the translations stale; the next entry flushes them (INVEPT).
 */
#include <stdlib.h>
#include <string.h>

#include <anvil/memory.h>
#include <arch/cpu.h>

#include "vmx.h"
#include "x86.h"
#include "x86_passthrough.h"

/* MSR bitmap (SDM Vol 3C §25.6.9): four 1 KiB bitmaps, a set bit exits. */
#define MSRBM_READ_LOW 0x000u
#define MSRBM_READ_HIGH 0x400u
#define MSRBM_WRITE_LOW 0x800u
#define MSRBM_WRITE_HIGH 0xc00u
#define MSRBM_LOW_LAST 0x1fffu
#define MSRBM_HIGH_FIRST 0xc0000000u
#define MSRBM_HIGH_LAST 0xc0001fffu
/* I/O bitmaps (SDM Vol 3C §25.6.4): A for ports 0x0000-0x7fff, B for 0x8000-0xffff, a set bit exits. */
#define IO_BITMAP_PAGES 2u
_Static_assert(IO_BITMAP_PAGES * 4096u * 8u == 0x10000u, "one bit per port");

static void *table_alloc(void *ctx)
{
	(void)ctx;
	uint64_t pa = vmx_page_alloc_zeroed(1);
	return pa ? (void *)(uintptr_t)pa : NULL;
}
static void table_free(void *ctx, void *t) { (void)ctx; pmm_free(&kernel_pmm, (uint64_t)(uintptr_t)t); }
static uint64_t table_v2p(void *ctx, const void *p) { (void)ctx; return (uint64_t)(uintptr_t)p; }
static void *table_p2v(void *ctx, uint64_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }
const struct npt_ops vmx_table_ops = {
	.alloc_table = table_alloc, .free_table = table_free, .virt_to_phys = table_v2p, .phys_to_virt = table_p2v,
};

static void bit_set(uint8_t *map, uint32_t bit, bool on)
{
	if (on)
		map[bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		map[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

int vmx_set_msr_intercept(struct vmx_vm *s, uint32_t msr, bool read, bool write)
{
	uint8_t *map = (uint8_t *)(uintptr_t)s->msr_bitmap_pa;
	uint32_t rd, wr, bit;
	if (msr <= MSRBM_LOW_LAST) {
		rd = MSRBM_READ_LOW, wr = MSRBM_WRITE_LOW, bit = msr;
	} else if (msr >= MSRBM_HIGH_FIRST && msr <= MSRBM_HIGH_LAST) {
		rd = MSRBM_READ_HIGH, wr = MSRBM_WRITE_HIGH, bit = msr - MSRBM_HIGH_FIRST;
	} else {
		return -1; /* outside both ranges every access exits */
	}
	bit_set(map + rd, bit, read);
	bit_set(map + wr, bit, write);
	return 0;
}

void vmx_set_io_intercept(struct vmx_vm *s, uint16_t port, bool on)
{
	bit_set((uint8_t *)(uintptr_t)s->io_bitmap_pa, port, on);
}

int vmx_vm_create(struct vm *vm)
{
	struct vmx_vm *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	vm->be_vm = s;
	s->misconfig_gpa = ~0ull;
	if (npt_init(&s->ept, &vmx_table_ops, &npt_format_ept))
		goto fail;
	if (vmx_caps.vpid && asid_get(&vmx_vpids, &s->vpid, &s->vpid_needs_flush))
		goto fail;
	s->msr_bitmap_pa = vmx_page_alloc_zeroed(1);
	s->io_bitmap_pa = vmx_page_alloc_zeroed(IO_BITMAP_PAGES);
	if (!s->msr_bitmap_pa || !s->io_bitmap_pa)
		goto fail;
	/* Everything exits but what the host switches itself (host_state.c): the same policy as SVM. */
	memset((void *)(uintptr_t)s->msr_bitmap_pa, 0xff, ARCH_PAGE_SIZE);
	memset((void *)(uintptr_t)s->io_bitmap_pa, 0xff, IO_BITMAP_PAGES * ARCH_PAGE_SIZE);
	vmx_set_msr_intercept(s, X86_MSR_PASSED_AT_START, false, false);
	vmx_set_io_intercept(s, X86_PORT_PASSED_AT_START, false);
	if (vmx_caps.spp) {
		s->spp = malloc(sizeof(*s->spp));
		if (!s->spp || sppt_init(&s->sppt, &vmx_table_ops))
			goto fail;
		spp_records_init(s->spp);
	}
	return 0;
fail:
	vmx_vm_destroy(vm);
	return -1;
}

void vmx_vm_destroy(struct vm *vm)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	if (!s)
		return;
	if (s->vcpu.vmcs_pa) {
		vmx_vmcs_clear(s->vcpu.vmcs_pa);
		pmm_free(&kernel_pmm, s->vcpu.vmcs_pa);
	}
	vmx_spp_vm_destroy(s);
	if (s->ept.root) {
		/* The tables' pages go back to the allocator: no translation through them may stay cached. */
		vmx_invept(s);
		npt_destroy(&s->ept);
	}
	if (s->vpid)
		asid_put(&vmx_vpids, s->vpid);
	if (s->msr_bitmap_pa)
		pmm_free(&kernel_pmm, s->msr_bitmap_pa);
	if (s->io_bitmap_pa)
		pmm_free_contig(&kernel_pmm, s->io_bitmap_pa, IO_BITMAP_PAGES);
	free(s);
	vm->be_vm = NULL;
	vm->vcpu.be = NULL;
}

int vmx_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	if (access & VM_MAP_DEVICE)
		return -1; /* no memory types here yet: nothing maps device memory on x86 */
	s->ept_stale = true; /* a remapped page may be cached under its old translation */
	return npt_map(&s->ept, gpa, hpa, size, access);
}

int vmx_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	s->ept_stale = true;
	return npt_unmap(&s->ept, gpa, size);
}

int vmx_set_access(struct vm *vm, uint64_t gpa, uint32_t access)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	s->ept_stale = true;
	return npt_set_access(&s->ept, gpa, access);
}

bool vmx_gpa_access(struct vm *vm, uint64_t gpa, uint32_t *access)
{
	return npt_lookup(&vmx_vm_of(vm)->ept, gpa, NULL, access, NULL);
}

/* ---- what the translation reaches ---- */

static void reach_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	const struct vm_reach_visitor *vis = ctx;
	if (vis->leaf)
		vis->leaf(vis->ctx, gpa, hpa, size, prot);
}

static void reach_table(void *ctx, uint64_t pa)
{
	const struct vm_reach_visitor *vis = ctx;
	if (vis->table)
		vis->table(vis->ctx, pa);
}

static void reach_sppt(void *ctx, uint64_t pa)
{
	const struct vm_reach_visitor *vis = ctx;
	if (vis->private_page)
		vis->private_page(vis->ctx, pa, ARCH_PAGE_SIZE, "SPP table");
}

static void private_page(const struct vm_reach_visitor *vis, uint64_t pa, uint64_t pages, const char *what)
{
	if (pa && vis->private_page)
		vis->private_page(vis->ctx, pa, pages * ARCH_PAGE_SIZE, what);
}

void vmx_walk_reach(struct vm *vm, const struct vm_reach_visitor *vis)
{
	struct vmx_vm *s = vmx_vm_of(vm);
	struct npt_visitor nv = { .leaf = reach_leaf, .table = reach_table, .ctx = (void *)vis };
	npt_walk(&s->ept, &nv);
	private_page(vis, s->vcpu.vmcs_pa, 1, "VMCS");
	private_page(vis, vmx_vmxon_pa, 1, "VMXON region");
	private_page(vis, s->msr_bitmap_pa, 1, "MSR bitmap");
	private_page(vis, s->io_bitmap_pa, IO_BITMAP_PAGES, "I/O bitmaps");
	if (s->spp)
		sppt_walk_tables(&s->sppt, reach_sppt, (void *)vis);
}
