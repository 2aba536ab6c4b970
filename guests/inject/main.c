/* SPDX-License-Identifier: MIT */
/*
 * inject: events the hypervisor injects (exceptions with and without error
 * codes, an external interrupt) arrive at the guest's IDT with the right
 * vector, error code, flags and return address; an external interrupt waits
 * while the guest has IF=0 and for the STI shadow; an event whose delivery a
 * nested page fault cut short (the IDT page not mapped yet) is delivered
 * again once the page is; and the guest's own exceptions reach its IDT
 * untouched.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "inject", .features = ANVIL_FEAT_GENERIC, .mem_kib = 4096,
	       .timeout_ms = 10000);

#define EXTERNAL_VECTOR 0x40
#define GP_ERROR_CODE 0x1234u
#define PF_ERROR_CODE 0x6u /* write, user: any value the CPU could push */
#define X86_VEC_BP 3
#define SOFT_INT_VECTOR 0x41

/* What the recording handler saw last. */
static volatile struct {
	unsigned count;
	uint64_t vector, error_code, rip, rsp, rflags;
} seen;

static void record(struct guest_frame *f)
{
	seen.count++;
	seen.vector = f->vector;
	seen.error_code = f->error_code;
	seen.rip = f->rip;
	seen.rsp = f->rsp;
	seen.rflags = f->rflags;
}

static void seen_reset(void)
{
	seen.count = 0;
	seen.vector = seen.error_code = seen.rip = seen.rsp = seen.rflags = ~0ull;
}

/* Inject, let the handler record it; true if it ran exactly once with these values. */
static bool inject_and_check(struct checks *c, uint8_t vector, uint32_t error_code,
			     uint32_t flags, uint64_t want_error_code)
{
	guest_handler_fn old = guest_set_handler(vector, record);

	seen_reset();
	inject(vector, error_code, flags);
	guest_set_handler(vector, old);
	return check(c, seen.count == 1 && seen.vector == vector &&
				seen.error_code == want_error_code,
		     "inject vector %u error code %#x flags %#x: handler ran %u times, saw "
		     "vector %llu error code %#llx",
		     vector, error_code, flags, seen.count, (unsigned long long)seen.vector,
		     (unsigned long long)seen.error_code);
}

static void check_exception_no_error(void)
{
	struct checks c = { 0 };

	inject_and_check(&c, X86_VEC_UD, 0, 0, 0);
	checks_report(&c, "exception_no_error");
}

static void check_exception_error_code(void)
{
	struct checks c = { 0 };

	inject_and_check(&c, X86_VEC_GP, GP_ERROR_CODE, ANVIL_INJECT_ERROR_CODE, GP_ERROR_CODE);
	inject_and_check(&c, X86_VEC_PF, PF_ERROR_CODE, ANVIL_INJECT_ERROR_CODE, PF_ERROR_CODE);
	checks_report(&c, "exception_error_code");
}

/*
 * With IF=1 an injected interrupt arrives as the hypercall returns. The
 * interrupted RFLAGS in the frame must be the guest's own, bit for bit, as
 * captured right before the call (DF set as a marker a wrong value would lose).
 */
static void check_external_interrupt(void)
{
	struct checks c = { 0 };
	guest_handler_fn old = guest_set_handler(EXTERNAL_VECTOR, record);
	struct hc_probe p = { .nr = ANVIL_HC_INJECT, .a = { EXTERNAL_VECTOR, 0, ANVIL_INJECT_EXTERNAL, 0 }, .set_df = 1 };

	seen_reset();
	sti();
	/* Leave the STI shadow before the call (the shadow has a case of its own). */
	__asm__ volatile("nop");
	guest_hypercall_probe(&p);
	cli();
	guest_set_handler(EXTERNAL_VECTOR, old);
	check(&c, seen.count == 1 && seen.vector == EXTERNAL_VECTOR && seen.error_code == 0,
	      "handler ran %u times, saw vector %llu error code %#llx", seen.count,
	      (unsigned long long)seen.vector, (unsigned long long)seen.error_code);
	check(&c, seen.count == 0 || seen.rflags == p.rflags_before,
	      "interrupted rflags %#llx, the guest's before the call were %#llx", (unsigned long long)seen.rflags,
	      (unsigned long long)p.rflags_before);
	check(&c, seen.count == 0 || seen.rip == p.ip_after, "frame rip %#llx, the instruction after the call is at %#llx",
	      (unsigned long long)seen.rip, (unsigned long long)p.ip_after);
	checks_report(&c, "external_interrupt");
}

static volatile uint64_t marker;
static volatile uint64_t marker_seen;

static void record_marker(struct guest_frame *f)
{
	marker_seen = marker;
	record(f);
}

/*
 * IF=0: the interrupt waits (the hypervisor must not deliver it through
 * EVENTINJ, which ignores IF). Then STI: it arrives after the instruction
 * following STI (the shadow), not before and not later.
 */
static void check_interrupt_waits_for_if_and_shadow(void)
{
	struct checks c = { 0 };
	guest_handler_fn old = guest_set_handler(EXTERNAL_VECTOR, record_marker);
	uintptr_t after_shadow;

	seen_reset();
	cli();
	inject(EXTERNAL_VECTOR, 0, ANVIL_INJECT_EXTERNAL);
	for (int i = 0; i < 3; i++)
		exit_count(ANVIL_EXIT_HYPERCALL); /* guest entries with IF=0 */
	unsigned early = seen.count;
	marker = 0;
	__asm__ volatile("sti\n\t"
			 "movq $1, %1\n"
			 "1:\tmovq $2, %1\n\t"
			 "cli\n\t"
			 "leaq 1b(%%rip), %0"
			 : "=r"(after_shadow), "=m"(marker)
			 :
			 : "memory");
	guest_set_handler(EXTERNAL_VECTOR, old);
	check(&c, early == 0, "delivered %u times while IF=0", early);
	if (check(&c, seen.count == 1, "after STI the handler ran %u times", seen.count)) {
		check(&c, marker_seen == 1, "taken with marker %llu: %s", (unsigned long long)marker_seen,
		      marker_seen == 0 ? "inside the STI shadow" : "one instruction late");
		check(&c, seen.rip == after_shadow, "frame rip %#llx, want %#llx (right after the shadowed instruction)",
		      (unsigned long long)seen.rip, (unsigned long long)after_shadow);
	}
	checks_report(&c, "interrupt_waits_for_if_and_shadow");
}

/*
 * The IDT page is a demand page: not in the nested tables until first
 * touched. Delivering an event then reads the IDT, takes a nested page fault
 * in the middle of delivery, and the hypervisor maps the page; the event
 * must then be delivered again (EXITINTINFO), exactly once.
 */
static void check_delivery_cut_short(struct checks *c, const char *what, uint8_t vector, void (*raise)(void))
{
	uint64_t idt = (uint64_t)(uintptr_t)guest_idt();
	guest_handler_fn old = guest_set_handler(vector, record);
	struct anvil_fault f;

	seen_reset();
	set_page_access(idt, ANVIL_ACCESS_DEMAND);
	uint64_t faults0 = exit_count(ANVIL_EXIT_MEM_FAULT);
	raise();
	uint64_t faults1 = exit_count(ANVIL_EXIT_MEM_FAULT);
	last_fault(&f);
	guest_set_handler(vector, old);
	check(c, faults1 - faults0 == 1, "%s: %llu nested page faults, want 1 (on the IDT)", what,
	      (unsigned long long)(faults1 - faults0));
	check(c, f.kind == ANVIL_FAULT_DEMAND && (f.gpa & ~0xfffull) == idt,
	      "%s: last fault kind %u at %#llx, want the demand page %#llx", what, f.kind, (unsigned long long)f.gpa,
	      (unsigned long long)idt);
	check(c, seen.count == 1 && seen.vector == vector, "%s: the vector %u handler ran %u times (vector %llu)",
	      what, vector, seen.count, (unsigned long long)seen.vector);
}

static void inject_ud(void)
{
	inject(X86_VEC_UD, 0, 0);
}

void raise_ud_skip(void);
__asm__(".text\n"
	".globl raise_ud_skip\n.type raise_ud_skip, @function\nraise_ud_skip:\n\tud2\n\tret\n");

static void skip_ud(struct guest_frame *f)
{
	record(f);
	f->rip += 2; /* past the ud2 */
}

static void guest_ud(void)
{
	guest_set_handler(X86_VEC_UD, skip_ud);
	raise_ud_skip();
}

void raise_int_soft(void);
extern const char raise_int_soft_after[];
__asm__(".text\n"
	".globl raise_int_soft\n.type raise_int_soft, @function\nraise_int_soft:\n\tint $0x41\n"
	".globl raise_int_soft_after\nraise_int_soft_after:\n\tret\n");

/*
 * A software interrupt cut short: redelivered (VMX: with its instruction
 * length) or run again (SVM), either way exactly once and returning right
 * after the INT instruction, not onto it.
 */
static void check_soft_int_cut_short(void)
{
	struct checks c = { 0 };
	/* A wrong event delivered instead (a stale #UD) is recorded, and the INT skipped, not fatal. */
	guest_handler_fn old_ud = guest_set_handler(X86_VEC_UD, skip_ud);

	check_delivery_cut_short(&c, "the guest's own int $0x41", SOFT_INT_VECTOR, raise_int_soft);
	guest_set_handler(X86_VEC_UD, old_ud);
	check(&c, seen.rip == (uint64_t)(uintptr_t)raise_int_soft_after, "int $0x41: frame rip %#llx, want %p",
	      (unsigned long long)seen.rip, (const void *)raise_int_soft_after);
	checks_report(&c, "soft_int_cut_short_is_redelivered");
}

static void check_reinjection(void)
{
	struct checks c = { 0 };

	check_delivery_cut_short(&c, "injected #UD", X86_VEC_UD, inject_ud);
	check_delivery_cut_short(&c, "the guest's own ud2", X86_VEC_UD, guest_ud);
	checks_report(&c, "delivery_cut_short_is_redelivered");
}

/* The handler's frame shows the instruction after the hypercall and the stack
 * pointer the hypercall ran with. */
static void check_injected_rip(void)
{
	struct checks c = { 0 };
	guest_handler_fn old = guest_set_handler(X86_VEC_UD, record);
	struct hc_probe p = { .nr = ANVIL_HC_INJECT, .a = { X86_VEC_UD, 0, 0, 0 } };

	seen_reset();
	guest_hypercall_probe(&p);
	guest_set_handler(X86_VEC_UD, old);
	if (check(&c, seen.count == 1, "handler ran %u times", seen.count)) {
		check(&c, seen.rip == p.ip_after, "frame rip %#llx, the instruction after the call is at %#llx",
		      (unsigned long long)seen.rip, (unsigned long long)p.ip_after);
		check(&c, seen.rsp == p.rsp_at, "frame rsp %#llx, the call ran with rsp %#llx",
		      (unsigned long long)seen.rsp, (unsigned long long)p.rsp_at);
	}
	checks_report(&c, "injected_rip");
}

/* A fault (#UD) reports the faulting instruction, a trap (#BP) the next one. */
void raise_ud(void);
void raise_bp(void);
__asm__(".text\n"
	".globl raise_ud\n.type raise_ud, @function\nraise_ud:\n\tud2\n\tret\n"
	".globl raise_bp\n.type raise_bp, @function\nraise_bp:\n\tint3\n\tret\n");

static void call_fn(void *fn)
{
	((void (*)(void))fn)();
}

static void check_native_exceptions(void)
{
	struct checks c = { 0 };
	struct guest_trap trap;
	uint64_t ud = (uint64_t)(uintptr_t)raise_ud, bp = (uint64_t)(uintptr_t)raise_bp;

	if (check(&c, guest_try(call_fn, (void *)raise_ud, &trap), "ud2 raised nothing"))
		check(&c, trap.vector == X86_VEC_UD && trap.rip == ud,
		      "ud2 at %#llx: vector %llu at rip %#llx", (unsigned long long)ud,
		      (unsigned long long)trap.vector, (unsigned long long)trap.rip);
	if (check(&c, guest_try(call_fn, (void *)raise_bp, &trap), "int3 raised nothing"))
		check(&c, trap.vector == X86_VEC_BP && trap.rip == bp + 1,
		      "int3 at %#llx: vector %llu at rip %#llx", (unsigned long long)bp,
		      (unsigned long long)trap.vector, (unsigned long long)trap.rip);
	checks_report(&c, "native_exceptions");
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	check_native_exceptions();
	check_exception_no_error();
	check_exception_error_code();
	check_external_interrupt();
	check_interrupt_waits_for_if_and_shadow();
	check_reinjection();
	check_soft_int_cut_short();
	check_injected_rip();
	return 0;
}
