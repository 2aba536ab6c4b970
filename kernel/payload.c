/* SPDX-License-Identifier: MIT */
/*
 * The payload runner. For each embedded payload: validate the image and its
 * manifest, skip it (visibly) if this CPU lacks what it needs, build a VM with
 * its memory, load it, run it under the watchdog, then judge the outcome
 * against what the manifest expects. A payload that faults, hangs or attacks
 * the hypervisor ends with a reason and the next one runs.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <anvil/catch.h>
#include <anvil/clock.h>
#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <anvil/manifest.h>
#include <anvil/memory.h>
#include <anvil/payload.h>
#include <anvil/quirks.h>
#include <anvil/tap.h>
#include <anvil/vm.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <arch/vmm.h>

__attribute__((weak)) const struct payload_blob anvil_payload_table[1];
__attribute__((weak)) const uint64_t anvil_payload_count;

#define NAME_MAX_LEN 96

static struct vm the_vm; /* one payload at a time; large, so not on the stack */

static const char *tap_case(const struct anvil_manifest *m, char *buf, size_t n, const char *c)
{
	snprintf(buf, n, "%s/%s", m->name, c);
	return buf;
}

static bool selected(const struct anvil_options *opt, const char *name)
{
	char with_case[NAME_MAX_LEN];
	snprintf(with_case, sizeof(with_case), "%s/", name);
	return cmdline_test_selected(opt, name) || cmdline_test_selected(opt, with_case);
}

static int load_segments(struct vm *vm, const struct payload_blob *b, const struct payload_image *img,
			 char *err, size_t n)
{
	for (uint32_t i = 0; i < img->elf.segment_count; i++) {
		const struct elf64_segment *s = &img->elf.segments[i];
		uint8_t *dst = vm_gpa_ptr(vm, s->paddr, s->memsz);
		if (!dst) {
			snprintf(err, n, "segment %u (0x%lx+0x%lx) is outside guest memory", (unsigned)i,
				 (unsigned long)s->paddr, (unsigned long)s->memsz);
			return -1;
		}
		memcpy(dst, b->data + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

static void write_info(struct vm *vm, uint64_t features, uint64_t chaos_seed, uint32_t chaos_iterations)
{
	struct anvil_guest_info *gi = vm_gpa_ptr(vm, ANVIL_GUEST_INFO, sizeof(*gi));
	memset(gi, 0, sizeof(*gi));
	gi->magic = ANVIL_GUEST_INFO_MAGIC;
	gi->abi_version = ANVIL_ABI_VERSION;
	gi->mem_kib = (uint32_t)(vm->mem_size >> 10);
	gi->tsc_hz = arch_cycles_hz();
	gi->features = features;
	snprintf(gi->backend, sizeof(gi->backend), "%s", vm->be->name);
	gi->chaos_seed = chaos_seed;
	gi->chaos_iterations = chaos_iterations;
}

/* chaos=<seed>, or one chosen once from the cycle counter and said on the console, so a run replays. */
static uint32_t chaos_seed(const struct anvil_options *opt)
{
	static uint32_t chosen;
	if (opt->chaos_seed_set)
		return opt->chaos_seed;
	if (!chosen) {
		uint64_t c = arch_cycles();
		chosen = (uint32_t)(c ^ (c >> 32)) | 1u;
		klog(LOG_INFO, "chaos: seed %u chosen at boot (replay with chaos=%u:%u)", chosen, chosen,
		     opt->chaos_iterations);
	}
	return chosen;
}

static void run_body(void *p)
{
	struct vm *vm = p;
	vm_run(&vm->vcpu);
}

/* The detail of the ending, where the manifest names one. NULL if it matches. */
static const char *detail_mismatch(const struct vm *vm, const struct anvil_manifest *m, char *buf, size_t n)
{
	const struct vm_end_detail *d = &vm->end;
	switch (m->expect) {
	case ANVIL_EXPECT_BAD_HYPERCALL:
		if (!m->expect_call)
			return NULL;
		if (d->call == m->expect_call && d->arg == m->expect_arg && d->value == m->expect_value)
			return NULL;
		snprintf(buf, n, "expected call %u argument %u = 0x%llx refused, got call %u argument %u = 0x%llx",
			 m->expect_call, m->expect_arg, (unsigned long long)m->expect_value, d->call, d->arg,
			 (unsigned long long)d->value);
		return buf;
	case ANVIL_EXPECT_BAD_MEMORY:
		if (!m->expect_value && !m->expect_access)
			return NULL;
		if (d->value == m->expect_value && (!m->expect_access || d->access == m->expect_access))
			return NULL;
		snprintf(buf, n, "expected access 0x%x to guest-physical 0x%llx, got access 0x%x to 0x%llx",
			 m->expect_access, (unsigned long long)m->expect_value, d->access,
			 (unsigned long long)d->value);
		return buf;
	default:
		return NULL;
	}
}

static enum vm_outcome expected_outcome(uint32_t expect)
{
	switch (expect) {
	case ANVIL_EXPECT_TRIPLE_FAULT: return VM_OUTCOME_TRIPLE_FAULT;
	case ANVIL_EXPECT_TIMEOUT: return VM_OUTCOME_TIMEOUT;
	case ANVIL_EXPECT_BAD_MEMORY: return VM_OUTCOME_BAD_MEMORY;
	case ANVIL_EXPECT_BAD_HYPERCALL: return VM_OUTCOME_BAD_HYPERCALL;
	default: return VM_OUTCOME_FINISHED;
	}
}

/* The payload's own verdict line(s) after it stopped. */
static void judge(struct vm *vm, const struct anvil_manifest *manifest)
{
	/* An ending declared at run time (ANVIL_HC_EXPECT_END) replaces the manifest's. */
	struct anvil_manifest declared = *manifest;
	const struct anvil_manifest *m = manifest;
	if (vm->end_declared) {
		declared.expect = vm->declared_expect;
		declared.expect_call = vm->declared.call;
		declared.expect_arg = vm->declared.arg;
		declared.expect_value = vm->declared.value;
		m = &declared;
	}
	char name[NAME_MAX_LEN], msg[VM_REASON_MAX + 80];
	enum vm_outcome want = expected_outcome(m->expect);
	if (m->expect != ANVIL_EXPECT_PASS) {
		char why[160];
		tap_case(m, name, sizeof(name), "contained");
		const char *wrong = vm->outcome == want ? detail_mismatch(vm, m, why, sizeof(why)) : NULL;
		if (wrong) {
			snprintf(msg, sizeof(msg), "%s: %s", wrong, vm->reason);
			tap_not_ok(vm->tap, name, msg);
		} else if (vm->outcome == want) {
			tap_ok(vm->tap, name);
			tap_diag(vm->tap, "%s ended as its %s expects (%s): %s", m->name,
				 vm->end_declared ? "declaration at run time" : "manifest", manifest_expect_name(m->expect),
				 vm->reason);
		} else {
			snprintf(msg, sizeof(msg), "expected %s, got %s: %s", manifest_expect_name(m->expect),
				 vm_outcome_name(vm->outcome), vm->reason);
			tap_not_ok(vm->tap, name, msg);
		}
		return;
	}
	if (vm->outcome == VM_OUTCOME_FINISHED) {
		if (vm->cases == 0)
			tap_not_ok(vm->tap, tap_case(m, name, sizeof(name), "run"), "finished without reporting a case");
		return;
	}
	snprintf(msg, sizeof(msg), "%s%s", vm->outcome == VM_OUTCOME_TIMEOUT ? "" : "payload ended: ", vm->reason);
	tap_not_ok(vm->tap, tap_case(m, name, sizeof(name), "run"), msg);
}

/*
 * What a payload run must leave as it found it: the page allocator (every
 * page back, bitmap and count consistent), the heap (every byte back), the
 * VM's memslots (well-formed while it lived), and the CPU state the hardware
 * does not switch for a guest (arch_host_state).
 */
struct host_check {
	uint64_t free_pages;
	size_t heap_used;
	struct arch_host_state cpu;
	char memslots[160]; /* what was wrong with the memslots or their nested mappings, if anything */
};

static size_t heap_in_use(void)
{
	return mallinfo().uordblks;
}

static void host_check_begin(struct host_check *h)
{
	h->free_pages = kernel_pmm.free_pages;
	h->heap_used = heap_in_use();
	h->memslots[0] = 0;
	arch_host_state_save(&h->cpu);
}

/* Memslots and nested tables agree: every slot's pages are mapped, to the slot's host pages. */
struct slot_cover {
	const struct vm *vm;
	uint64_t covered[MEMSLOT_MAX];
	char *why;
	size_t n;
};

static void cover_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access)
{
	struct slot_cover *c = ctx;
	const struct memslot *m = memslot_find(&c->vm->mem, gpa);
	if (c->why[0])
		return;
	if (!m) {
		if (access && !memslot_backs_host_range(&c->vm->mem, hpa, size))
			snprintf(c->why, c->n, "nested tables map gpa 0x%lx to host 0x%lx, no guest memory",
				 (unsigned long)gpa, (unsigned long)hpa);
		return;
	}
	if (hpa != m->hpa + (gpa - m->gpa)) {
		snprintf(c->why, c->n, "nested tables map gpa 0x%lx to host 0x%lx, its memslot says 0x%lx",
			 (unsigned long)gpa, (unsigned long)hpa, (unsigned long)(m->hpa + (gpa - m->gpa)));
		return;
	}
	uint64_t left = m->gpa + m->size - gpa;
	c->covered[m - c->vm->mem.slots] += size < left ? size : left;
}

/* Called with the VM still alive: the memslots sound, and in step with the nested tables. */
static void host_check_vm(struct host_check *h, const struct vm *vm)
{
	if (memslot_check(&vm->mem, h->memslots, sizeof(h->memslots)) || !vm->be->walk_reach)
		return;
	static struct slot_cover c;
	c = (struct slot_cover){ .vm = vm, .why = h->memslots, .n = sizeof(h->memslots) };
	struct vm_reach_visitor vis = { .leaf = cover_leaf, .ctx = &c };
	vm->be->walk_reach((struct vm *)vm, &vis);
	for (unsigned i = 0; i < vm->mem.count && !h->memslots[0]; i++)
		if (c.covered[i] < vm->mem.slots[i].size)
			snprintf(h->memslots, sizeof(h->memslots), "memslot at gpa 0x%lx: %lu of %lu bytes in the nested tables",
				 (unsigned long)vm->mem.slots[i].gpa, (unsigned long)c.covered[i],
				 (unsigned long)vm->mem.slots[i].size);
}

/* After vm_destroy: one case, "<payload>/host_intact". */
static void host_check_end(struct host_check *h, struct tap_writer *tap, const struct anvil_manifest *m)
{
	char name[NAME_MAX_LEN], why[200], pmm_err[120];
	struct arch_host_state now;
	arch_host_state_restore(&h->cpu);
	arch_host_state_save(&now);
	size_t heap = heap_in_use();
	tap_case(m, name, sizeof(name), "host_intact");
	if (h->memslots[0])
		snprintf(why, sizeof(why), "while it ran: %s", h->memslots);
	else if (pmm_check(&kernel_pmm, pmm_err, sizeof(pmm_err)))
		snprintf(why, sizeof(why), "%s", pmm_err);
	else if (kernel_pmm.free_pages != h->free_pages)
		snprintf(why, sizeof(why), "%lld pages not returned to the allocator",
			 (long long)(h->free_pages - kernel_pmm.free_pages));
	else if (heap != h->heap_used)
		snprintf(why, sizeof(why), "heap in use %zu bytes, was %zu", heap, h->heap_used);
	else if (!arch_host_state_differs(&h->cpu, &now, why, sizeof(why))) {
		tap_ok(tap, name);
		return;
	}
	tap_not_ok(tap, name, why);
}

static void run_payload(const struct payload_image *img, const struct payload_blob *b,
			const struct vmm_backend *be, uint64_t features, struct tap_writer *tap,
			const struct anvil_options *opt)
{
	const struct anvil_manifest *m = &img->manifest;
	char name[NAME_MAX_LEN], err[160];
	struct vm *vm = &the_vm;
	struct host_check hc;
	host_check_begin(&hc);
	if (vm_create(vm, be, m->name, (uint64_t)m->mem_kib << 10, err, sizeof(err))) {
		tap_not_ok(tap, tap_case(m, name, sizeof(name), "run"), err);
		return;
	}
	vm->tap = tap;
	vm->audit = opt->audit;
	vm->requested = m->features;
	struct vcpu_entry entry = { 0 };
	if (load_segments(vm, b, img, err, sizeof(err)) ||
	    arch_guest_prepare(vm_gpa_ptr(vm, 0, vm->mem_size), vm->mem_size, &entry, err, sizeof(err))) {
		tap_not_ok(tap, tap_case(m, name, sizeof(name), "run"), err);
		vm_destroy(vm);
		return;
	}
	write_info(vm, features, chaos_seed(opt), opt->chaos_iterations);
	entry.ip = img->elf.entry;
	entry.arg0 = ANVIL_GUEST_INFO;
	entry.mem_size = vm->mem_size;
	if (be->vcpu_setup(&vm->vcpu, &entry) || !vcpu_state_transition(&vm->vcpu.state, VCPU_READY)) {
		tap_not_ok(tap, tap_case(m, name, sizeof(name), "run"), "could not set up the vCPU");
		vm_destroy(vm);
		return;
	}

	uint64_t ms = m->timeout_ms ? m->timeout_ms : (uint64_t)opt->timeout_s * 1000u;
	struct catch_frame cf;
	/*
	 * Not a watchdog frame: the deadline only stops the guest (vm_run checks
	 * it before every entry); faults in the hypervisor are still caught.
	 */
	vm->timeout_ms = ms;
	arch_payload_state_enter();
	clock_set_deadline_ms(ms);
	int r = catch_run(&cf, false, run_body, vm);
	clock_clear_deadline();
	arch_irq_enable(); /* a fault may have unwound from the loop, which runs with interrupts off */
	if (r == CATCH_FAULT)
		vm_end(vm, VM_OUTCOME_HV_ERROR, "hypervisor %s at ip 0x%lx while running the payload (address 0x%lx)",
		       arch_fault_name(cf.fault.vector), (unsigned long)cf.fault.ip, (unsigned long)cf.fault.addr);
	if (be->report_final)
		be->report_final(&vm->vcpu);
	judge(vm, m);
	host_check_vm(&hc, vm);
	vm_destroy(vm);
	host_check_end(&hc, tap, m);
}

/*
 * A payload whose expected ending an active quirk turns into a dead or hung
 * emulator is not run: its verdict case is reported TODO under that quirk,
 * so the loss is visible and the rest of the run survives.
 */
static bool quirk_blocks(struct tap_writer *tap, const struct anvil_manifest *m)
{
	char name[NAME_MAX_LEN];
	tap_case(m, name, sizeof(name), m->expect != ANVIL_EXPECT_PASS ? "contained" : "run");
	const struct quirk *q = quirk_for_case(name);
	if (!q || !q->fatal)
		return false;
	klog(LOG_ERROR, "%s not run on this emulator: %s (quirk %s)", m->name, q->summary, q->id);
	tap_todo(tap, name, q->id);
	return true;
}

unsigned payload_run_all(struct tap_writer *tap, const struct anvil_options *opt)
{
	unsigned failed_before = tap->failed;
	uint64_t features = 0;
	char why[160];
	const struct vmm_backend *be = NULL;
	bool probed = false;

	for (uint64_t i = 0; i < anvil_payload_count; i++) {
		const struct payload_blob *b = &anvil_payload_table[i];
		struct payload_image img;
		char err[160], name[NAME_MAX_LEN];
		if (payload_image_parse(b->data, (size_t)b->size, ARCH_GUEST_ELF_MACHINE, ARCH_GUEST_ARCH_NAME, &img,
					err, sizeof(err))) {
			snprintf(name, sizeof(name), "payload%lu/image", (unsigned long)i);
			tap_not_ok(tap, name, err);
			continue;
		}
		const struct anvil_manifest *m = &img.manifest;
		if (!selected(opt, m->name))
			continue;
		if ((m->flags & ANVIL_MANIFEST_BENCH) && !opt->bench)
			continue;
		if (!probed) {
			be = vmm_backend(&features, why, sizeof(why));
			probed = true;
			klog(LOG_INFO, "vmm: %s%s%s", be ? be->name : "no backend", be ? "" : ": ", be ? "" : why);
		}
		uint64_t missing = m->features & ~features;
		if (!be || missing) {
			char need[96];
			manifest_feature_names(missing ? missing : m->features, need, sizeof(need));
			snprintf(err, sizeof(err), "needs %s (%s)", need, be ? "not offered by this CPU" : why);
			tap_skip(tap, tap_case(m, name, sizeof(name), "run"), err);
			continue;
		}
		if (quirk_blocks(tap, m))
			continue;
		if (!arch_timer_hz()) {
			/* Nothing could stop a payload that hangs (timer/tick_rate failed and says why). */
			tap_skip(tap, tap_case(m, name, sizeof(name), "run"), "no watchdog: the periodic timer is not running");
			continue;
		}
		klog(LOG_INFO, "payload %s: %u KiB, %s backend", m->name, m->mem_kib, be->name);
		run_payload(&img, b, be, features, tap, opt);
	}
	return tap->failed - failed_before;
}
