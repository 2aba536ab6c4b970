/* SPDX-License-Identifier: MIT */
/*
 * The guest ABI's calls. Every pointer and length a guest passes is checked
 * against its memslots before use; a call with bad arguments ends the payload
 * (VM_OUTCOME_BAD_HYPERCALL) with a reason naming the call and the argument.
 */
#include <stdio.h>
#include <string.h>

#include <anvil/abi_check.h>
#include <anvil/console.h>
#include <anvil/hypercall.h>
#include <anvil/tap.h>
#include <anvil/vm.h>
#include <arch/cpu.h>

#define REMAP_GPA_LIMIT (1ull << 48) /* 4-level nested paging */
#define REMAP_SLOT_ID 1u

struct hc_ctx {
	struct vcpu *v;
	struct vm *vm;
	const uint64_t *a;
	uint64_t nr;
	const char *call;
	uint64_t result;
};


/* Argument arg (0-3, or ANVIL_EXPECT_ARG_NONE) of this call is refused: the payload ends. */
static int bad_call(struct hc_ctx *c, unsigned arg, const char *what, uint64_t value)
{
	struct vm_end_detail d = { .call = (uint16_t)c->nr, .arg = (uint8_t)arg, .value = value };
	vm_end_detail(c->vm, VM_OUTCOME_BAD_HYPERCALL, d, "hypercall %s: argument %u: %s (0x%lx)", c->call, arg,
		      what, (unsigned long)value);
	return -1;
}

/* Why the guest's memory refused a copy (docs/guest-abi.md, "Memory the hypervisor touches"). */
static const char *copy_refusal(const struct vm_copy_fault *f, bool write)
{
	if (f->guest_pt)
		return write ? "the guest's page tables do not allow writing it" :
			       "the guest's page tables do not map it";
	if (!f->in_memory)
		return "outside guest memory";
	return write ? "the page is not writable (set_page_access)" : "the page is not readable (set_page_access)";
}

/* A counted string (argument arg = gva, arg + 1 = len) into buf (NUL-terminated). */
static int get_counted(struct hc_ctx *c, unsigned arg, char *buf, size_t max)
{
	uint64_t gva = c->a[arg], len = c->a[arg + 1];
	struct vm_copy_fault f;
	if (len > max - 1 || len > ANVIL_STR_MAX)
		return bad_call(c, arg + 1, "string longer than the ABI allows", len);
	if (!vm_copy_from_guest(c->v, gva, buf, (size_t)len, &f))
		return bad_call(c, arg, copy_refusal(&f, false), gva);
	buf[len] = 0;
	return 0;
}

/*
 * A NUL-terminated string of at most max - 1 bytes: read a page's worth at a
 * time (one guest page walk per page, not per byte) and stop at the NUL.
 */
static int get_cstring(struct hc_ctx *c, unsigned arg, char *buf, size_t max)
{
	uint64_t gva = c->a[arg];
	size_t got = 0;
	struct vm_copy_fault f;
	while (got < max) {
		size_t chunk = ARCH_PAGE_SIZE - ((gva + got) & (ARCH_PAGE_SIZE - 1));
		if (chunk > max - got)
			chunk = max - got;
		if (!vm_copy_from_guest(c->v, gva + got, buf + got, chunk, &f))
			return bad_call(c, arg, copy_refusal(&f, false), gva + got);
		if (memchr(buf + got, 0, chunk))
			return 0;
		got += chunk;
	}
	return bad_call(c, arg, "string not terminated within the ABI's limit", gva);
}

/* Guest text goes to the log, made printable. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n')
			*s = '?';
		else if ((unsigned char)*s >= 0x7f)
			*s = '?';
}

static int hc_print(struct hc_ctx *c)
{
	char buf[ANVIL_STR_MAX + 1];
	if (get_counted(c, 0, buf, sizeof(buf)))
		return -1;
	sanitize(buf);
	klog(LOG_INFO, "[%s] %s", c->vm->name, buf);
	return 0;
}

static int hc_report(struct hc_ctx *c)
{
	char name[ABI_CASE_NAME_MAX + 1], detail[ANVIL_STR_MAX + 1] = "";
	if (c->a[2] > ABI_CASE_NAME_MAX)
		return bad_call(c, 2, "case name longer than 64", c->a[2]);
	if (get_counted(c, 1, name, sizeof(name)))
		return -1;
	if (!abi_case_name_valid(name))
		return bad_call(c, 1, "case name is empty or not [a-z0-9_./-]", c->a[1]);
	if (c->a[3] && get_cstring(c, 3, detail, sizeof(detail)))
		return -1;
	sanitize(detail);
	switch (c->a[0]) {
	case ANVIL_VERDICT_FAIL:
	case ANVIL_VERDICT_PASS:
		vm_report(c->vm, c->a[0] == ANVIL_VERDICT_PASS, name, detail);
		return 0;
	case ANVIL_VERDICT_SKIP:
		if (!detail[0])
			return bad_call(c, 3, "a skipped case needs its reason", c->a[3]);
		vm_report_skip(c->vm, name, detail);
		return 0;
	default:
		return bad_call(c, 0, "verdict is not fail (0), pass (1) or skip (2)", c->a[0]);
	}
}

static int hc_finish(struct hc_ctx *c)
{
	vm_end(c->vm, VM_OUTCOME_FINISHED, "finished");
	return 0;
}

static int hc_expect_fault(struct hc_ctx *c)
{
	c->vm->fault_expected = true;
	c->vm->fault_recovery_ip = c->a[0];
	return 0;
}

static int hc_last_fault(struct hc_ctx *c)
{
	struct vm_copy_fault f;
	if (!vm_copy_to_guest(c->v, c->a[0], &c->vm->last_fault, sizeof(c->vm->last_fault), &f))
		return bad_call(c, 0, copy_refusal(&f, true), c->a[0]);
	return 0;
}

static int hc_inject(struct hc_ctx *c)
{
	const char *problem = abi_inject_problem(c->a[0], c->a[1], c->a[2]);
	if (problem)
		return bad_call(c, 0, problem, c->a[0]);
	if (c->vm->be->inject(c->v, (uint8_t)c->a[0], (uint32_t)c->a[1], (uint32_t)c->a[2]))
		return bad_call(c, 0, "the backend cannot inject that event now", c->a[0]);
	return 0;
}

static bool demand_pending(const struct vm *vm, uint64_t gpa)
{
	for (unsigned i = 0; i < vm->demand_count; i++)
		if (vm->demand[i] == gpa)
			return true;
	return false;
}

static int hc_set_page_access(struct hc_ctx *c)
{
	uint64_t gpa = c->a[0], access = c->a[1];
	struct vm *vm = c->vm;
	if (gpa & (ARCH_PAGE_SIZE - 1))
		return bad_call(c, 0, "address not 4 KiB aligned", gpa);
	if (!vm_gpa_ptr(vm, gpa, ARCH_PAGE_SIZE))
		return bad_call(c, 0, "address outside guest memory", gpa);
	if (access != ANVIL_ACCESS_DEMAND && !abi_access_valid(access))
		return bad_call(c, 1, "access must be 0, R, RW, RX, RWX or DEMAND", access);
	bool demand = access == ANVIL_ACCESS_DEMAND;
	if (demand && !demand_pending(vm, gpa) && vm->demand_count == VM_DEMAND_MAX)
		return bad_call(c, 0, "too many demand pages waiting for their first touch", gpa);
	if (vm->be->set_access(vm, gpa, demand ? 0 : (uint32_t)access))
		return bad_call(c, 0, "the backend could not change the access", gpa);
	for (unsigned i = 0; i < vm->demand_count; i++)
		if (vm->demand[i] == gpa)
			vm->demand[i--] = vm->demand[--vm->demand_count];
	if (demand)
		vm->demand[vm->demand_count++] = gpa;
	return 0;
}

static int hc_remap_page(struct hc_ctx *c)
{
	uint64_t gpa = c->a[0], src = c->a[1], hpa;
	char err[120];
	if (gpa & (ARCH_PAGE_SIZE - 1))
		return bad_call(c, 0, "address not 4 KiB aligned", gpa);
	if (src & (ARCH_PAGE_SIZE - 1))
		return bad_call(c, 1, "address not 4 KiB aligned", src);
	if (gpa >= REMAP_GPA_LIMIT)
		return bad_call(c, 0, "address beyond 48-bit guest-physical space", gpa);
	if (!memslot_translate(&c->vm->mem, src, ARCH_PAGE_SIZE, &hpa))
		return bad_call(c, 1, "source outside guest memory", src);
	struct memslot alias = { .gpa = gpa, .size = ARCH_PAGE_SIZE, .hpa = hpa, .id = REMAP_SLOT_ID };
	if (memslot_add(&c->vm->mem, &alias, err, sizeof(err))) {
		klog(LOG_ERROR, "%s: remap_page: %s", c->vm->name, err);
		return bad_call(c, 0, "target is already guest memory or no slot is free", gpa);
	}
	if (c->vm->be->map(c->vm, gpa, hpa, ARCH_PAGE_SIZE, ANVIL_ACCESS_R | ANVIL_ACCESS_W)) {
		memslot_remove(&c->vm->mem, gpa);
		return bad_call(c, 0, "the backend could not map the page", gpa);
	}
	return 0;
}

static int hc_unmap_page(struct hc_ctx *c)
{
	uint64_t gpa = c->a[0];
	const struct memslot *m = memslot_find(&c->vm->mem, gpa);
	if (!m || m->gpa != gpa || m->id != REMAP_SLOT_ID)
		return bad_call(c, 0, "not a page remap_page made", gpa);
	/* Nested tables first: a guest that still reaches the page must fault, not see it. */
	if (c->vm->be->unmap(c->vm, gpa, ARCH_PAGE_SIZE))
		return bad_call(c, 0, "the backend could not unmap the page", gpa);
	memslot_remove(&c->vm->mem, gpa);
	return 0;
}

static int hc_exit_count(struct hc_ctx *c)
{
	if (c->a[0] >= ANVIL_EXIT_KIND_COUNT)
		return bad_call(c, 0, "unknown exit kind", c->a[0]);
	c->result = c->vm->exit_counts[c->a[0]];
	return 0;
}

static int hc_bench(struct hc_ctx *c)
{
	char name[ANVIL_STR_MAX + 1], unit[ANVIL_STR_MAX + 1];
	if (get_counted(c, 0, name, sizeof(name)) || get_cstring(c, 3, unit, sizeof(unit)))
		return -1;
	tap_bench(c->vm->tap, name, c->a[2], unit);
	return 0;
}

static int hc_minimal_exits(struct hc_ctx *c)
{
	if (c->a[0] > 1)
		return bad_call(c, 0, "mode is neither 0 nor 1", c->a[0]);
	c->v->minimal_exits = c->a[0] == 1;
	return 0;
}

/* The payload is about to end as a bad hypercall and says exactly how (guest_abi.h). */
static int hc_expect_end(struct hc_ctx *c)
{
	if (c->a[0] != ANVIL_EXPECT_BAD_HYPERCALL)
		return bad_call(c, 0, "only ANVIL_EXPECT_BAD_HYPERCALL can be declared", c->a[0]);
	if (c->a[1] > UINT16_MAX)
		return bad_call(c, 1, "call number above 16 bits", c->a[1]);
	if (c->a[2] > 3 && c->a[2] != ANVIL_EXPECT_ARG_NONE)
		return bad_call(c, 2, "argument is neither 0-3 nor ANVIL_EXPECT_ARG_NONE", c->a[2]);
	c->vm->end_declared = true;
	c->vm->declared_expect = (uint32_t)c->a[0];
	c->vm->declared = (struct vm_end_detail){ .call = (uint16_t)c->a[1], .arg = (uint8_t)c->a[2], .value = c->a[3] };
	return 0;
}

static int hc_arch_test(struct hc_ctx *c)
{
	char why[120] = "";
	int arg = 0;
	if (c->vm->be->arch_test(c->v, c->a, &c->result, &arg, why, sizeof(why)))
		return bad_call(c, (unsigned)arg, why, c->a[arg]);
	return 0;
}

typedef int (*hc_fn)(struct hc_ctx *c);
static const hc_fn calls[ANVIL_HC_COUNT] = {
	[ANVIL_HC_PRINT] = hc_print, [ANVIL_HC_REPORT] = hc_report, [ANVIL_HC_FINISH] = hc_finish,
	[ANVIL_HC_EXPECT_FAULT] = hc_expect_fault, [ANVIL_HC_LAST_FAULT] = hc_last_fault,
	[ANVIL_HC_INJECT] = hc_inject, [ANVIL_HC_SET_PAGE_ACCESS] = hc_set_page_access,
	[ANVIL_HC_REMAP_PAGE] = hc_remap_page, [ANVIL_HC_EXIT_COUNT] = hc_exit_count,
	[ANVIL_HC_BENCH] = hc_bench, [ANVIL_HC_MINIMAL_EXITS] = hc_minimal_exits,
	[ANVIL_HC_ARCH_TEST] = hc_arch_test, [ANVIL_HC_UNMAP_PAGE] = hc_unmap_page,
	[ANVIL_HC_EXPECT_END] = hc_expect_end,
};

int hypercall_exit(struct vcpu *v, struct vm_exit *e)
{
	uint64_t nr = e->u.hypercall.nr;
	const char *name = abi_call_name(nr);
	struct hc_ctx c = { .v = v, .vm = v->vm, .a = e->u.hypercall.a, .nr = nr, .call = name };
	if (nr >= ANVIL_HC_COUNT || !calls[nr] || !name) {
		struct vm_end_detail d = { .call = (uint16_t)nr, .arg = ANVIL_EXPECT_ARG_NONE, .value = nr };
		vm_end_detail(v->vm, VM_OUTCOME_BAD_HYPERCALL, d, "unknown hypercall number %lu at ip 0x%lx",
			      (unsigned long)nr, (unsigned long)e->ip);
		return -1;
	}
	if (calls[nr](&c))
		return -1;
	if (v->vm->outcome != VM_OUTCOME_RUNNING)
		return -1;
	/* Past the call first: an injected event is delivered at the next instruction. */
	v->vm->be->set_hypercall_result(v, c.result);
	if (v->vm->be->skip_instruction(v, e)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not skip the hypercall at 0x%lx", (unsigned long)e->ip);
		return -1;
	}
	return 0;
}
