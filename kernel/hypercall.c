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
	const char *call;
	uint64_t result;
};


static int bad_call(struct hc_ctx *c, const char *what, uint64_t value)
{
	vm_end(c->vm, VM_OUTCOME_BAD_HYPERCALL, "hypercall %s: %s (0x%lx)", c->call, what, (unsigned long)value);
	return -1;
}

/* A counted string (gva, len) into buf (NUL-terminated, len <= ANVIL_STR_MAX). */
static int get_counted(struct hc_ctx *c, uint64_t gva, uint64_t len, char *buf, size_t max)
{
	if (len > max - 1 || len > ANVIL_STR_MAX)
		return bad_call(c, "string longer than the ABI allows", len);
	if (!vm_read_gva(c->v, gva, buf, (size_t)len))
		return bad_call(c, "string pointer outside guest memory", gva);
	buf[len] = 0;
	return 0;
}

/*
 * A NUL-terminated string of at most max - 1 bytes: read a page's worth at a
 * time (one guest page walk per page, not per byte) and stop at the NUL.
 */
static int get_cstring(struct hc_ctx *c, uint64_t gva, char *buf, size_t max)
{
	size_t got = 0;
	while (got < max) {
		size_t chunk = ARCH_PAGE_SIZE - ((gva + got) & (ARCH_PAGE_SIZE - 1));
		if (chunk > max - got)
			chunk = max - got;
		if (!vm_read_gva(c->v, gva + got, buf + got, chunk))
			return bad_call(c, "string pointer outside guest memory", gva + got);
		if (memchr(buf + got, 0, chunk))
			return 0;
		got += chunk;
	}
	return bad_call(c, "string not terminated within the ABI's limit", gva);
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
	if (get_counted(c, c->a[0], c->a[1], buf, sizeof(buf)))
		return -1;
	sanitize(buf);
	klog(LOG_INFO, "[%s] %s", c->vm->name, buf);
	return 0;
}

static int hc_report(struct hc_ctx *c)
{
	char name[ABI_CASE_NAME_MAX + 1], detail[ANVIL_STR_MAX + 1] = "";
	if (c->a[2] > ABI_CASE_NAME_MAX)
		return bad_call(c, "case name longer than 64", c->a[2]);
	if (get_counted(c, c->a[1], c->a[2], name, sizeof(name)))
		return -1;
	if (!abi_case_name_valid(name))
		return bad_call(c, "case name is empty or not [a-z0-9_./-]", c->a[1]);
	if (c->a[3] && get_cstring(c, c->a[3], detail, sizeof(detail)))
		return -1;
	sanitize(detail);
	if (c->a[0] > 1)
		return bad_call(c, "result is neither 0 (fail) nor 1 (pass)", c->a[0]);
	vm_report(c->vm, c->a[0] == 1, name, detail);
	return 0;
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
	if (!vm_write_gva(c->v, c->a[0], &c->vm->last_fault, sizeof(c->vm->last_fault)))
		return bad_call(c, "record pointer outside guest memory", c->a[0]);
	return 0;
}

static int hc_inject(struct hc_ctx *c)
{
	const char *problem = abi_inject_problem(c->a[0], c->a[1], c->a[2]);
	if (problem)
		return bad_call(c, problem, c->a[0]);
	if (c->vm->be->inject(c->v, (uint8_t)c->a[0], (uint32_t)c->a[1], (uint32_t)c->a[2]))
		return bad_call(c, "the backend cannot inject that event", c->a[0]);
	return 0;
}

static int hc_set_page_access(struct hc_ctx *c)
{
	uint64_t gpa = c->a[0];
	if (gpa & (ARCH_PAGE_SIZE - 1))
		return bad_call(c, "address not 4 KiB aligned", gpa);
	if (!vm_gpa_ptr(c->vm, gpa, ARCH_PAGE_SIZE))
		return bad_call(c, "address outside guest memory", gpa);
	if (!abi_access_valid(c->a[1]))
		return bad_call(c, "access must be 0, R, RW, RX or RWX", c->a[1]);
	if (c->vm->be->set_access(c->vm, gpa, (uint32_t)c->a[1]))
		return bad_call(c, "the backend could not change the access", gpa);
	return 0;
}

static int hc_remap_page(struct hc_ctx *c)
{
	uint64_t gpa = c->a[0], src = c->a[1], hpa;
	char err[120];
	if ((gpa | src) & (ARCH_PAGE_SIZE - 1))
		return bad_call(c, "address not 4 KiB aligned", gpa | src);
	if (gpa >= REMAP_GPA_LIMIT)
		return bad_call(c, "address beyond 48-bit guest-physical space", gpa);
	if (!memslot_translate(&c->vm->mem, src, ARCH_PAGE_SIZE, &hpa))
		return bad_call(c, "source outside guest memory", src);
	struct memslot alias = { .gpa = gpa, .size = ARCH_PAGE_SIZE, .hpa = hpa, .id = REMAP_SLOT_ID };
	if (memslot_add(&c->vm->mem, &alias, err, sizeof(err))) {
		klog(LOG_ERROR, "%s: remap_page: %s", c->vm->name, err);
		return bad_call(c, "target is already guest memory or no slot is free", gpa);
	}
	if (c->vm->be->map(c->vm, gpa, hpa, ARCH_PAGE_SIZE, ANVIL_ACCESS_R | ANVIL_ACCESS_W))
		return bad_call(c, "the backend could not map the page", gpa);
	return 0;
}

static int hc_exit_count(struct hc_ctx *c)
{
	if (c->a[0] >= ANVIL_EXIT_KIND_COUNT)
		return bad_call(c, "unknown exit kind", c->a[0]);
	c->result = c->vm->exit_counts[c->a[0]];
	return 0;
}

static int hc_bench(struct hc_ctx *c)
{
	char name[ANVIL_STR_MAX + 1], unit[ANVIL_STR_MAX + 1];
	if (get_counted(c, c->a[0], c->a[1], name, sizeof(name)) || get_cstring(c, c->a[3], unit, sizeof(unit)))
		return -1;
	tap_bench(c->vm->tap, name, c->a[2], unit);
	return 0;
}

static int hc_minimal_exits(struct hc_ctx *c)
{
	if (c->a[0] > 1)
		return bad_call(c, "mode is neither 0 nor 1", c->a[0]);
	c->v->minimal_exits = c->a[0] == 1;
	return 0;
}

static int hc_arch_test(struct hc_ctx *c)
{
	char why[120] = "";
	if (c->vm->be->arch_test(c->v, c->a, &c->result, why, sizeof(why))) {
		vm_end(c->vm, VM_OUTCOME_BAD_HYPERCALL, "hypercall arch_test: %s", why);
		return -1;
	}
	return 0;
}

typedef int (*hc_fn)(struct hc_ctx *c);
static const hc_fn calls[ANVIL_HC_COUNT] = {
	[ANVIL_HC_PRINT] = hc_print, [ANVIL_HC_REPORT] = hc_report, [ANVIL_HC_FINISH] = hc_finish,
	[ANVIL_HC_EXPECT_FAULT] = hc_expect_fault, [ANVIL_HC_LAST_FAULT] = hc_last_fault,
	[ANVIL_HC_INJECT] = hc_inject, [ANVIL_HC_SET_PAGE_ACCESS] = hc_set_page_access,
	[ANVIL_HC_REMAP_PAGE] = hc_remap_page, [ANVIL_HC_EXIT_COUNT] = hc_exit_count,
	[ANVIL_HC_BENCH] = hc_bench, [ANVIL_HC_MINIMAL_EXITS] = hc_minimal_exits,
	[ANVIL_HC_ARCH_TEST] = hc_arch_test,
};

int hypercall_exit(struct vcpu *v, struct vm_exit *e)
{
	uint64_t nr = e->u.hypercall.nr;
	struct hc_ctx c = { .v = v, .vm = v->vm, .a = e->u.hypercall.a, .call = "?" };
	if (nr >= ANVIL_HC_COUNT || !calls[nr] || !abi_call_name(nr)) {
		vm_end(v->vm, VM_OUTCOME_BAD_HYPERCALL, "unknown hypercall number %lu at ip 0x%lx",
		       (unsigned long)nr, (unsigned long)e->ip);
		return -1;
	}
	c.call = abi_call_name(nr);
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
