/* SPDX-License-Identifier: MIT */
/*
 * Emulated device registers (ANVIL_EXIT_MMIO): a VM keeps a short list of
 * guest-physical ranges with their handlers (the vGIC's distributor, ...).
 * The backend decodes the access (address, size, direction, register); the
 * core finds the range, calls its handler, and hands a read's value back to
 * the backend, which writes the register and moves the guest on. An access
 * to no registered range is an access outside guest memory, as it would be
 * without the device.
 */
#include <anvil/vm.h>

int vm_mmio_add(struct vm *vm, const struct vm_mmio_region *r)
{
	if (vm->mmio_count >= VM_MMIO_MAX || !r->size || r->base + r->size < r->base)
		return -1;
	for (unsigned i = 0; i < vm->mmio_count; i++) {
		const struct vm_mmio_region *o = &vm->mmio[i];
		if (r->base < o->base + o->size && o->base < r->base + r->size)
			return -1; /* overlaps */
	}
	vm->mmio[vm->mmio_count++] = *r;
	return 0;
}

static const struct vm_mmio_region *find(const struct vm *vm, uint64_t gpa, uint8_t size)
{
	for (unsigned i = 0; i < vm->mmio_count; i++) {
		const struct vm_mmio_region *r = &vm->mmio[i];
		if (gpa >= r->base && gpa - r->base + size <= r->size)
			return r;
	}
	return NULL;
}

bool vm_mmio_claims(const struct vm *vm, uint64_t gpa)
{
	return find(vm, gpa, 1) != NULL;
}

int vm_exit_mmio(struct vcpu *v, struct vm_exit *e)
{
	struct vm *vm = v->vm;
	const struct vm_mmio_region *r = find(vm, e->u.mmio.gpa, e->u.mmio.size);
	if (!r)
		return vm_guest_fault(v, e->u.mmio.gpa, e->u.mmio.write ? ANVIL_ACCESS_W : ANVIL_ACCESS_R, e->ip, false);
	uint64_t off = e->u.mmio.gpa - r->base, value = 0;
	int rc = e->u.mmio.write ? r->write(r->ctx, v, off, e->u.mmio.size, e->u.mmio.value)
				 : r->read(r->ctx, v, off, e->u.mmio.size, &value);
	if (rc)
		return vm->outcome == VM_OUTCOME_RUNNING ? (vm_end(vm, VM_OUTCOME_GUEST_ERROR,
			"%s of %u bytes at 0x%lx (%s + 0x%lx) refused by the device", e->u.mmio.write ? "write" : "read",
			e->u.mmio.size, (unsigned long)e->u.mmio.gpa, r->name, (unsigned long)off), -1) : -1;
	if (vm->be->complete_mmio(v, e, value)) {
		vm_end(vm, VM_OUTCOME_HV_ERROR, "could not complete the MMIO access at ip 0x%lx", (unsigned long)e->ip);
		return -1;
	}
	return 0;
}
