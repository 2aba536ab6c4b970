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
