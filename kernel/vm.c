/* SPDX-License-Identifier: MIT */
/* VM objects: backend choice, guest memory, guest-memory access, outcomes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/quirks.h>
#include <anvil/tap.h>
#include <anvil/vm.h>
#include <arch/cpu.h>
#include <arch/vmm.h>

#define LARGE_PAGE_PAGES 512u /* 2 MiB in 4 KiB pages: lets the backend use large nested pages */

const struct vmm_backend *vmm_backend(uint64_t *features, char *why, size_t why_len)
{
	static const struct vmm_backend *chosen;
	static uint64_t chosen_features;
	static bool probed;
	static char chosen_why[160];

	if (!probed) {
		probed = true;
		chosen_why[0] = 0;
		for (unsigned i = 0; i < arch_vmm_backend_count && !chosen; i++) {
			const struct vmm_backend *be = arch_vmm_backends[i];
			char w[120] = "";
			uint64_t f = be->probe(w, sizeof(w));
			if (!f) {
				size_t used = strlen(chosen_why);
				snprintf(chosen_why + used, sizeof(chosen_why) - used, "%s%s: %s",
					 used ? "; " : "", be->name, w);
				continue;
			}
			if (be->enable(w, sizeof(w))) {
				size_t used = strlen(chosen_why);
				snprintf(chosen_why + used, sizeof(chosen_why) - used, "%s%s: %s",
					 used ? "; " : "", be->name, w);
				continue;
			}
			chosen = be;
			chosen_features = f;
			quirks_set_backend(be->name);
		}
		if (!arch_vmm_backend_count)
			snprintf(chosen_why, sizeof(chosen_why), "no virtualization backend for this arch");
	}
	*features = chosen_features;
	if (why && why_len)
		snprintf(why, why_len, "%s", chosen_why);
	return chosen;
}

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

int vm_create(struct vm *vm, const struct vmm_backend *be, const char *name, uint64_t mem_size,
	      char *err, size_t err_len)
{
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->be = be;
	vm->vcpu.vm = vm;
	vm->vcpu.state = VCPU_CREATED;
	vm->test_msr = ANVIL_TEST_MSR_INIT;
	memslot_init(&vm->mem);

	size_t pages = (size_t)(round_up(mem_size, ARCH_PAGE_SIZE) / ARCH_PAGE_SIZE);
	uint64_t hpa = pmm_alloc_contig(&kernel_pmm, pages, LARGE_PAGE_PAGES);
	if (!hpa)
		hpa = pmm_alloc_contig(&kernel_pmm, pages, 1);
	if (!hpa) {
		snprintf(err, err_len, "no %lu KiB of contiguous host memory for guest RAM",
			 (unsigned long)(mem_size >> 10));
		return -1;
	}
	vm->mem_hpa = hpa;
	vm->mem_size = (uint64_t)pages * ARCH_PAGE_SIZE;
	memset((void *)(uintptr_t)hpa, 0, vm->mem_size);

	struct memslot ram = { .gpa = 0, .size = vm->mem_size, .hpa = hpa, .id = 0 };
	if (memslot_add(&vm->mem, &ram, err, err_len))
		goto fail_mem;
	/* The hypervisor's own image and heap must never back guest memory. */
	uintptr_t hs, he;
	heap_bounds(&hs, &he);
	if (memslot_backs_host_range(&vm->mem, kernel_image_start(), kernel_image_end() - kernel_image_start()) ||
	    memslot_backs_host_range(&vm->mem, hs, he - hs)) {
		snprintf(err, err_len, "guest RAM at host 0x%lx overlaps the hypervisor", (unsigned long)hpa);
		goto fail_mem;
	}
	if (be->vm_create(vm)) {
		snprintf(err, err_len, "%s: could not create the VM", be->name);
		goto fail_mem;
	}
	if (be->map(vm, 0, hpa, vm->mem_size, ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X)) {
		snprintf(err, err_len, "%s: could not map guest RAM", be->name);
		be->vm_destroy(vm);
		goto fail_mem;
	}
	return 0;
fail_mem:
	pmm_free_contig(&kernel_pmm, hpa, pages);
	vm->mem_hpa = 0;
	return -1;
}

void vm_destroy(struct vm *vm)
{
	if (vm->be && vm->be_vm)
		vm->be->vm_destroy(vm);
	if (vm->mem_hpa)
		pmm_free_contig(&kernel_pmm, vm->mem_hpa, (size_t)(vm->mem_size / ARCH_PAGE_SIZE));
	vm->mem_hpa = 0;
}

void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t hpa;
	if (!memslot_translate(&vm->mem, gpa, len, &hpa))
		return NULL;
	return (void *)(uintptr_t)hpa; /* guest RAM is in the hypervisor's identity map */
}

/* The nested rights allow this access (a demand page is mapped as a first touch would). */
static bool nested_allows(struct vm *vm, uint64_t gpa, uint32_t access, bool *in_memory)
{
	uint32_t have = 0;
	*in_memory = memslot_find(&vm->mem, gpa) != NULL;
	if (!*in_memory)
		return false;
	if (!vm->be->gpa_access(vm, gpa, &have) || !have)
		if (vm_demand_map(vm, gpa))
			return true;
	return (have & access) == access;
}

static bool copy_gva(struct vcpu *v, uint64_t gva, void *buf, size_t len, uint32_t access,
		     struct vm_copy_fault *f)
{
	uint8_t *b = buf;
	struct vm_copy_fault local;
	if (!f)
		f = &local;
	while (len) {
		size_t chunk = ARCH_PAGE_SIZE - (gva & (ARCH_PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		uint64_t gpa;
		uint32_t pf_error = 0;
		*f = (struct vm_copy_fault){ .gva = gva, .access = access };
		if (!v->vm->be->gva_to_gpa(v, gva, access, &gpa, &pf_error)) {
			f->guest_pt = true;
			f->pf_error = pf_error;
			return false;
		}
		f->gpa = gpa;
		uint8_t *p = vm_gpa_ptr(v->vm, gpa, chunk);
		if (!nested_allows(v->vm, gpa, access, &f->in_memory) || !p)
			return false;
		if (access == ANVIL_ACCESS_W)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		b += chunk;
		gva += chunk;
		len -= chunk;
	}
	return true;
}

bool vm_copy_from_guest(struct vcpu *v, uint64_t gva, void *buf, size_t len, struct vm_copy_fault *f)
{
	return copy_gva(v, gva, buf, len, ANVIL_ACCESS_R, f);
}

bool vm_copy_to_guest(struct vcpu *v, uint64_t gva, const void *buf, size_t len, struct vm_copy_fault *f)
{
	return copy_gva(v, gva, (void *)buf, len, ANVIL_ACCESS_W, f);
}

bool vm_demand_map(struct vm *vm, uint64_t gpa)
{
	uint64_t page = gpa & ~(uint64_t)(ARCH_PAGE_SIZE - 1);
	for (unsigned i = 0; i < vm->demand_count; i++) {
		if (vm->demand[i] != page)
			continue;
		vm->demand[i] = vm->demand[--vm->demand_count];
		if (vm->be->set_access(vm, page, ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X))
			return false;
		vm->fault_count++;
		vm->last_fault = (struct anvil_fault){ .kind = ANVIL_FAULT_DEMAND, .access = ANVIL_ACCESS_R,
						       .gpa = gpa, .count = vm->fault_count };
		return true;
	}
	return false;
}

/* Record a fault for last_fault; resume at the recovery ip if one was expected (0), else -1. */
static int fault_recorded(struct vcpu *v)
{
	struct vm *vm = v->vm;
	if (!vm->fault_expected)
		return -1;
	vm->fault_expected = false;
	vm->be->set_ip(v, vm->fault_recovery_ip);
	return 0;
}

int vm_guest_spp_fault(struct vcpu *v, uint64_t gpa, uint64_t ip)
{
	struct vm *vm = v->vm;
	vm->fault_count++;
	vm->last_fault = (struct anvil_fault){
		.kind = ANVIL_FAULT_SPP,
		.access = ANVIL_ACCESS_W,
		.gpa = gpa,
		.ip = ip,
		.count = vm->fault_count,
		.subpage = (uint32_t)((gpa & (ARCH_PAGE_SIZE - 1)) / ANVIL_SPP_SUBPAGE),
	};
	if (!fault_recorded(v))
		return 0;
	vm_end_detail(vm, VM_OUTCOME_BAD_MEMORY, (struct vm_end_detail){ .access = ANVIL_ACCESS_W, .value = gpa },
		      "guest write of guest-physical 0x%lx at ip 0x%lx: sub-page %u is write-protected (SPP)",
		      (unsigned long)gpa, (unsigned long)ip, vm->last_fault.subpage);
	return -1;
}

static const char *access_name(uint32_t a)
{
	return a & ANVIL_ACCESS_X ? "execute" : a & ANVIL_ACCESS_W ? "write" : "read";
}

int vm_guest_fault(struct vcpu *v, uint64_t gpa, uint32_t access, uint64_t ip, bool in_walk)
{
	struct vm *vm = v->vm;
	if (vm_demand_map(vm, gpa)) {
		vm->last_fault.access = access;
		vm->last_fault.ip = ip;
		return 0; /* the access, or the event being delivered, restarts */
	}
	/*
	 * Inside a memslot the page exists, so the access was not allowed (a
	 * no-access page has no present nested entry, but it is still mapped
	 * guest memory); outside every memslot there is nothing at that address.
	 */
	bool in_memory = memslot_find(&vm->mem, gpa) != NULL;
	vm->fault_count++;
	vm->last_fault = (struct anvil_fault){
		.kind = in_memory ? ANVIL_FAULT_PERMISSION : ANVIL_FAULT_NOT_MAPPED,
		.access = access,
		.gpa = gpa,
		.ip = ip,
		.count = vm->fault_count,
	};
	if (!fault_recorded(v))
		return 0;
	vm_end_detail(vm, VM_OUTCOME_BAD_MEMORY, (struct vm_end_detail){ .access = (uint8_t)access, .value = gpa },
		      "guest %s of guest-physical 0x%lx at ip 0x%lx: %s%s", access_name(access),
		      (unsigned long)gpa, (unsigned long)ip, in_memory ? "access not allowed" : "outside guest memory",
		      in_walk ? " (during the guest's page-table walk)" : "");
	return -1;
}

static void vm_vend(struct vm *vm, enum vm_outcome o, struct vm_end_detail d, const char *fmt, va_list ap)
{
	if (vm->outcome != VM_OUTCOME_RUNNING)
		return;
	vm->outcome = o;
	vm->end = d;
	vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
}

void vm_end(struct vm *vm, enum vm_outcome o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm_vend(vm, o, (struct vm_end_detail){ .arg = ANVIL_EXPECT_ARG_NONE }, fmt, ap);
	va_end(ap);
}

void vm_end_detail(struct vm *vm, enum vm_outcome o, struct vm_end_detail d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm_vend(vm, o, d, fmt, ap);
	va_end(ap);
}

void vm_report(struct vm *vm, bool ok, const char *case_name, const char *detail)
{
	char name[TAP_NAME_MAX];
	snprintf(name, sizeof(name), "%s/%s", vm->name, case_name);
	vm->cases++;
	const struct quirk *q = quirk_for_case(name);
	if (ok && detail && *detail)
		klog(LOG_DEBUG, "%s: %s", name, detail);
	quirk_tap_verdict(vm->tap, name, ok, detail && *detail ? detail : "the guest reported a failure",
			  q ? q->id : NULL);
}

void vm_report_skip(struct vm *vm, const char *case_name, const char *reason)
{
	char name[TAP_NAME_MAX];
	snprintf(name, sizeof(name), "%s/%s", vm->name, case_name);
	tap_skip(vm->tap, name, reason);
}

const char *vm_outcome_name(enum vm_outcome o)
{
	static const char *const names[] = {
		[VM_OUTCOME_RUNNING] = "still running",
		[VM_OUTCOME_FINISHED] = "finished",
		[VM_OUTCOME_TRIPLE_FAULT] = "triple fault",
		[VM_OUTCOME_TIMEOUT] = "timeout",
		[VM_OUTCOME_BAD_MEMORY] = "bad memory access",
		[VM_OUTCOME_BAD_HYPERCALL] = "bad hypercall",
		[VM_OUTCOME_GUEST_ERROR] = "guest error",
		[VM_OUTCOME_HV_ERROR] = "hypervisor error",
	};
	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "invalid";
}
