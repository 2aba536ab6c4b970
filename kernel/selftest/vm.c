/* SPDX-License-Identifier: MIT */
/*
 * The VM core without a guest: VMs are created and torn down without losing
 * a page (nested tables, permission maps, VMCB, guest RAM, aliases), and the
 * memory behind guest RAM is never the hypervisor's own.
 */
#include <stdio.h>

#include <anvil/ktest.h>
#include <anvil/memory.h>
#include <anvil/vm.h>
#include <arch/cpu.h>
#include <arch/vmm.h>

#define ROUNDS 16
#define GUEST_MEM (2u << 20)
#define ALIAS_GPA 0x40000000ull

static struct vm test_vm;

static const struct vmm_backend *backend_or_skip(struct ktest_ctx *t)
{
	uint64_t features;
	char why[160];
	const struct vmm_backend *be = vmm_backend(&features, why, sizeof(why));
	if (!be)
		ktest_skip(t, "no virtualization backend: %s", why);
	return be;
}

/* One VM through its whole life: create, a split and an alias mapping, vCPU set-up, destroy. */
static bool one_vm(struct ktest_ctx *t, const struct vmm_backend *be, int round)
{
	char err[160];
	struct vm *vm = &test_vm;
	if (!check(t, vm_create(vm, be, "selftest", GUEST_MEM, err, sizeof(err)) == 0, "round %d: vm_create: %s",
		   round, err))
		return false;
	struct vcpu_entry e = { .ip = ANVIL_GUEST_LOAD };
	bool ok = check(t, arch_guest_prepare(vm_gpa_ptr(vm, 0, vm->mem_size), vm->mem_size, &e, err,
					      sizeof(err)) == 0, "round %d: guest layout: %s", round, err) &&
		  check(t, be->set_access(vm, 5 * ARCH_PAGE_SIZE, ANVIL_ACCESS_R) == 0, "round %d: set_access", round) &&
		  check(t, be->map(vm, ALIAS_GPA, vm->mem_hpa, ARCH_PAGE_SIZE, ANVIL_ACCESS_R | ANVIL_ACCESS_W) == 0,
			"round %d: alias mapping", round) &&
		  check(t, be->vcpu_setup(&vm->vcpu, &e) == 0, "round %d: vcpu setup", round);
	vm_destroy(vm);
	return ok;
}

KTEST(vm, create_destroy_no_leak)
{
	const struct vmm_backend *be = backend_or_skip(t);
	if (!be)
		return;
	/* The first VM also makes one-time allocations (host save areas at enable time are already done). */
	if (!one_vm(t, be, 0))
		return;
	uint64_t before = kernel_pmm.free_pages;
	for (int i = 1; i <= ROUNDS; i++)
		if (!one_vm(t, be, i))
			return;
	check(t, kernel_pmm.free_pages == before, "%d VMs created and destroyed: %ld pages not returned", ROUNDS,
	      (long)(before - kernel_pmm.free_pages));
}

KTEST(vm, guest_ram_is_not_the_hypervisor)
{
	const struct vmm_backend *be = backend_or_skip(t);
	if (!be)
		return;
	char err[160];
	struct vm *vm = &test_vm;
	if (!check(t, vm_create(vm, be, "selftest", GUEST_MEM, err, sizeof(err)) == 0, "vm_create: %s", err))
		return;
	uintptr_t hs, he;
	heap_bounds(&hs, &he);
	check(t, !memslot_backs_host_range(&vm->mem, kernel_image_start(), kernel_image_end() - kernel_image_start()),
	      "guest RAM at host 0x%lx overlaps the kernel image", (unsigned long)vm->mem_hpa);
	check(t, !memslot_backs_host_range(&vm->mem, hs, he - hs), "guest RAM at host 0x%lx overlaps the heap",
	      (unsigned long)vm->mem_hpa);
	check(t, memslot_find(&vm->mem, 0) && !memslot_find(&vm->mem, vm->mem_size),
	      "guest RAM is exactly one slot [0, 0x%lx)", (unsigned long)vm->mem_size);
	check(t, vm_gpa_ptr(vm, vm->mem_size - 8, 16) == NULL, "a range running past guest RAM has no host pointer");
	vm_destroy(vm);
}

/* ---- what a live VM's nested tables reach ---- */

#define REACH_ALIAS_GPA 0x40000000ull
#define REACH_MAX_PRIVATE 16u
#define REACH_MAX_TABLES 64u

struct reach {
	struct ktest_ctx *t;
	const struct vm *vm;
	unsigned leaves, present, tables, privates;
	bool bad;
	struct { uint64_t hpa, size; const char *what; } page[REACH_MAX_PRIVATE + REACH_MAX_TABLES + 3];
	unsigned pages;
};

static void remember(struct reach *r, uint64_t hpa, uint64_t size, const char *what)
{
	if (r->pages < sizeof(r->page) / sizeof(r->page[0]))
		r->page[r->pages++] = (typeof(r->page[0])){ hpa, size, what };
	else
		r->bad = !check(r->t, false, "more host pages than the test can hold");
}

/* A present leaf must land inside the host memory of one of the VM's memslots. */
static void reach_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access)
{
	struct reach *r = ctx;
	r->leaves++;
	if (!access)
		return; /* not present: the guest reaches nothing through it */
	r->present++;
	bool inside = false;
	for (unsigned i = 0; i < r->vm->mem.count && !inside; i++) {
		const struct memslot *m = &r->vm->mem.slots[i];
		inside = hpa >= m->hpa && hpa - m->hpa + size <= m->size;
	}
	if (!inside)
		r->bad = !check(r->t, false, "gpa 0x%lx reaches host 0x%lx+0x%lx, outside every memslot",
				(unsigned long)gpa, (unsigned long)hpa, (unsigned long)size);
}

static void reach_table(void *ctx, uint64_t hpa)
{
	struct reach *r = ctx;
	r->tables++;
	remember(r, hpa, ARCH_PAGE_SIZE, "a nested page table");
}

static void reach_private(void *ctx, uint64_t hpa, uint64_t size, const char *what)
{
	struct reach *r = ctx;
	r->privates++;
	remember(r, hpa, size, what);
}

/*
 * Everything a live VM's nested tables map is its own memory: walk every
 * leaf and prove each present one lands inside the VM's memslots, then prove
 * that none of the hypervisor's pages does: the nested tables themselves,
 * the backend's own pages (VMCB, host save areas, permission maps), the
 * hypervisor image and its heap. (Every other allocation, stacks included,
 * comes from the page allocator, which never hands out guest RAM twice.)
 */
KTEST(vm, nested_tables_reach_only_guest_memory)
{
	const struct vmm_backend *be = backend_or_skip(t);
	if (!be)
		return;
	if (!be->walk_reach) {
		ktest_skip(t, "backend %s cannot list what its tables reach", be->name);
		return;
	}
	char err[160];
	struct vm *vm = &test_vm;
	if (!check(t, vm_create(vm, be, "selftest", GUEST_MEM, err, sizeof(err)) == 0, "vm_create: %s", err))
		return;
	struct vcpu_entry e = { .ip = ANVIL_GUEST_LOAD };
	struct memslot alias = { .gpa = REACH_ALIAS_GPA, .size = ARCH_PAGE_SIZE, .hpa = vm->mem_hpa + ARCH_PAGE_SIZE,
				 .id = 1 };
	bool ready = check(t, arch_guest_prepare(vm_gpa_ptr(vm, 0, vm->mem_size), vm->mem_size, &e, err, sizeof(err)) == 0,
			   "guest layout: %s", err) &&
		     check(t, be->vcpu_setup(&vm->vcpu, &e) == 0, "vcpu setup") &&
		     check(t, be->set_access(vm, 5 * ARCH_PAGE_SIZE, ANVIL_ACCESS_R) == 0, "set_access") &&
		     check(t, memslot_add(&vm->mem, &alias, err, sizeof(err)) == 0, "alias slot: %s", err) &&
		     check(t, be->map(vm, alias.gpa, alias.hpa, alias.size, ANVIL_ACCESS_R | ANVIL_ACCESS_W) == 0, "alias");
	if (ready) {
		static struct reach r;
		r = (struct reach){ .t = t, .vm = vm };
		uintptr_t hs, he;
		heap_bounds(&hs, &he);
		remember(&r, kernel_image_start(), kernel_image_end() - kernel_image_start(), "the hypervisor image");
		remember(&r, hs, he - hs, "the heap");
		struct vm_reach_visitor vis = { reach_leaf, reach_table, reach_private, &r };
		be->walk_reach(vm, &vis);
		check(t, r.present > 0 && r.tables > 0 && r.privates > 0, "the walk saw %u present leaves, %u tables, %u private pages",
		      r.present, r.tables, r.privates);
		for (unsigned i = 0; i < r.pages && !r.bad; i++)
			r.bad = !check(t, !memslot_backs_host_range(&vm->mem, r.page[i].hpa, r.page[i].size),
				       "%s at host 0x%lx is guest memory", r.page[i].what, (unsigned long)r.page[i].hpa);
		if (!r.bad)
			ktest_diag(t, "%u leaves (%u present) inside guest memory; %u table pages, %u private pages, the image and the heap outside it",
				   r.leaves, r.present, r.tables, r.privates);
	}
	vm_destroy(vm);
}
