/* SPDX-License-Identifier: MIT */
/*
 * nsvm_inject: L1 injects events into L2 through vmcb12's EVENTINJ (APM
 * Vol 2 15.20) and sees them arrive at L2's own IDT (docs/nested-svm.md).
 * L2's IDT sends vectors 0-79 to stubs that report the vector and the top
 * of the stack to L1 (l2.S).
 *
 *   exception        #UD (vector 6, no error code): L2's stub 6 runs, the
 *                    stack holds the RIP L2 was at
 *   exception_error  #GP with error code 0x1230: stub 13 with it on the stack
 *   interrupt        external interrupt 0x40 (L2's IF set): stub 0x40
 *   virtual_interrupt  V_IRQ with vector 0x44 (V_IGN_TPR, top priority):
 *                    L2 (IF set) takes it through its IDT, and the
 *                    #VMEXIT writes V_IRQ back clear
 *   l1_interrupt_exits_l2  an interrupt for L1 waiting (IF clear) when L1
 *                    VMRUNs an L2 with INTR intercepted: #VMEXIT(INTR) at
 *                    once, L2 not run, L1 takes it after STGI and STI
 *   delivery_exit    interrupt 0x41 into an L2 whose IDT limit is 0, L1
 *                    intercepting #GP: the #GP of the delivery exits to L1
 *                    (exit 0x4d) with EXITINTINFO holding the interrupt
 *                    that was being delivered
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "nsvm_inject", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 20000);

#define L2_SEEN 0x5ee
#define L2_IDLE 0x1d1e
#define STUB_SIZE 16u
#define VECTORS 80u
#define EV_V (1ull << 31)
#define EV_EV (1ull << 11)
#define EV_TYPE_INTR (0ull << 8)
#define EV_TYPE_EXCP (3ull << 8)
#define EV_TYPE_MASK (7ull << 8)
#define EXIT_GP 0x4du
#define INTERCEPT_GP (1u << 13)
#define RFLAGS_IF (1u << 9)
#define GATE_INTR64 0x8e00u /* P, DPL 0, 64-bit interrupt gate */

extern const uint8_t l2_stubs[];
void l2_idle(void);
void l2_sti_idle(void);

static struct nsvm_vmcb vmcb;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t l2_stack[16384] __attribute__((aligned(16)));

struct gate {
	uint16_t off_lo, sel, flags, off_mid;
	uint32_t off_hi, rsvd;
};
_Static_assert(sizeof(struct gate) == 16, "APM Vol 2 4.8.4: 16-byte gate");
static struct gate l2_idt[VECTORS] __attribute__((aligned(4096)));

static void build_idt(void)
{
	for (unsigned v = 0; v < VECTORS; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(l2_stubs + v * STUB_SIZE);
		l2_idt[v] = (struct gate){ (uint16_t)a, ANVIL_GUEST_CS, GATE_INTR64, (uint16_t)(a >> 16),
					   (uint32_t)(a >> 32), 0 };
	}
}

struct seen {
	uint64_t code, rax, vector, top, exit_int_info;
};

/* One VMRUN of an idle L2 (RFLAGS.IF set) with event ev injected; the exit as L1 saw it. */
static struct seen run_injected(uint64_t ev, uint16_t idt_limit, uint32_t extra_exc)
{
	struct nsvm_gprs g;

	memset(&g, 0, sizeof(g));
	nsvm_vmcb_init(&vmcb, l2_idle, l2_stack + sizeof(l2_stack));
	vmcb.idtr.base = (uint64_t)(uintptr_t)l2_idt;
	vmcb.idtr.limit = idt_limit;
	vmcb.rflags |= RFLAGS_IF;
	vmcb.intercept_exc |= extra_exc;
	vmcb.event_inj = ev;
	uint64_t code = nsvm_run(&vmcb, &g);
	return (struct seen){ code, vmcb.rax, g.rbx, g.rcx, vmcb.exit_int_info };
}

static void expect_stub(const char *name, uint64_t ev, unsigned vector, bool error, uint64_t error_code)
{
	struct checks c = { 0 };
	struct seen s = run_injected(ev, sizeof(l2_idt) - 1, 0);

	if (check(&c, s.code == NSVM_EXIT_VMMCALL && s.rax == L2_SEEN,
		  "exit %#llx RAX %#llx: L2's handler did not run", (unsigned long long)s.code, (unsigned long long)s.rax)) {
		check(&c, s.vector == vector, "L2 took vector %llu, want %u", (unsigned long long)s.vector, vector);
		if (error)
			check(&c, s.top == error_code, "error code on L2's stack %#llx, want %#llx",
			      (unsigned long long)s.top, (unsigned long long)error_code);
		else
			check(&c, s.top == (uint64_t)(uintptr_t)l2_idle, "RIP on L2's stack %#llx, want l2_idle %#llx",
			      (unsigned long long)s.top, (unsigned long long)(uintptr_t)l2_idle);
	}
	check(&c, vmcb.event_inj == 0, "EVENTINJ %#llx after the #VMEXIT, want 0 (cleared)", (unsigned long long)vmcb.event_inj);
	checks_report(&c, name);
}

#define V_IRQ (1u << 8)
#define V_IGN_TPR (1u << 20)
#define V_PRIO_TOP (0xfu << 16)

/*
 * V_IRQ (APM 15.21.4): L2 takes the virtual interrupt through its IDT once
 * its IF is set, at entry (at_entry) or by its own STI (after_sti); the
 * #VMEXIT reports V_IRQ taken.
 */
static void case_virtual_interrupt(const char *name, bool at_entry)
{
	struct checks c = { 0 };
	struct nsvm_gprs g;

	memset(&g, 0, sizeof(g));
	nsvm_vmcb_init(&vmcb, at_entry ? l2_idle : l2_sti_idle, l2_stack + sizeof(l2_stack));
	vmcb.idtr.base = (uint64_t)(uintptr_t)l2_idt;
	vmcb.idtr.limit = sizeof(l2_idt) - 1;
	if (at_entry)
		vmcb.rflags |= RFLAGS_IF;
	vmcb.int_ctl = V_IRQ | V_IGN_TPR | V_PRIO_TOP;
	vmcb.int_vector = 0x44;
	uint64_t code = nsvm_run(&vmcb, &g);
	if (check(&c, code == NSVM_EXIT_VMMCALL && vmcb.rax == L2_SEEN, "exit %#llx RAX %#llx: L2's handler did not run",
		  (unsigned long long)code, (unsigned long long)vmcb.rax))
		check(&c, g.rbx == 0x44, "L2 took vector %llu, want 0x44", (unsigned long long)g.rbx);
	check(&c, !(vmcb.int_ctl & V_IRQ), "V_IRQ still set in vmcb12 after L2 took the interrupt (int_ctl %#x)",
	      vmcb.int_ctl);
	checks_report(&c, name);
}

static void case_delivery_exit(void)
{
	struct checks c = { 0 };
	uint64_t ev = 0x41 | EV_TYPE_INTR | EV_V;
	struct seen s = run_injected(ev, 0, INTERCEPT_GP);

	check(&c, s.code == EXIT_GP, "exit %#llx, want #GP (0x4d) from the delivery", (unsigned long long)s.code);
	check(&c, (s.exit_int_info & (EV_V | EV_TYPE_MASK | 0xff)) == ev,
	      "EXITINTINFO %#llx, want the interrupt being delivered %#llx", (unsigned long long)s.exit_int_info,
	      (unsigned long long)ev);
	checks_report(&c, "delivery_exit");
}

#define L1_VECTOR 0x58
#define EXIT_INTR 0x60u
#define INTERCEPT_INTR (1u << 0)

static volatile unsigned l1_irqs;
static void on_l1_vector(struct guest_frame *f)
{
	(void)f;
	l1_irqs++;
}

/*
 * An interrupt for L1 that waits (IF clear when Anvil was asked for it) is
 * a physical interrupt for L2's host: with INTR intercepted, the VMRUN
 * exits at once with #VMEXIT(INTR), L2 never runs, and L1 takes the
 * interrupt after STGI with IF set.
 */
static void case_l1_interrupt(void)
{
	struct checks c = { 0 };
	struct nsvm_gprs g;
	guest_handler_fn old = guest_set_handler(L1_VECTOR, on_l1_vector);

	memset(&g, 0, sizeof(g));
	l1_irqs = 0;
	nsvm_vmcb_init(&vmcb, l2_idle, l2_stack + sizeof(l2_stack));
	vmcb.intercept_misc1 |= INTERCEPT_INTR;
	cli();
	inject(L1_VECTOR, 0, ANVIL_INJECT_EXTERNAL);
	uint64_t code = nsvm_run_gif(&vmcb, &g); /* CLGI, VMRUN, STGI */
	unsigned before = l1_irqs;
	sti();
	for (int i = 0; i < 4 && !l1_irqs; i++)
		exit_count(ANVIL_EXIT_HYPERCALL);
	cli();
	guest_set_handler(L1_VECTOR, old);
	check(&c, code == EXIT_INTR, "VMRUN with an interrupt for L1 waiting: exit %#llx, want #VMEXIT(INTR) 0x60",
	      (unsigned long long)code);
	check(&c, vmcb.rip == (uint64_t)(uintptr_t)l2_idle, "L2 ran (RIP %#llx) before the #VMEXIT(INTR)",
	      (unsigned long long)vmcb.rip);
	check(&c, before == 0 && l1_irqs == 1, "L1 took the interrupt %u times with IF clear, %u after STI; want 0 and 1",
	      before, l1_irqs);
	checks_report(&c, "l1_interrupt_exits_l2");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "exception", "exception_error", "interrupt", "delivery_exit",
					     "virtual_interrupt_after_sti", "virtual_interrupt_at_entry",
					     "l1_interrupt_exits_l2" };
	(void)info;
	if (!nsvm_start_or_skip(hsave, false, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	build_idt();
	expect_stub("exception", 6 | EV_TYPE_EXCP | EV_V, 6, false, 0);
	expect_stub("exception_error", 13 | EV_TYPE_EXCP | EV_EV | EV_V | (0x1230ull << 32), 13, true, 0x1230);
	expect_stub("interrupt", 0x40 | EV_TYPE_INTR | EV_V, 0x40, false, 0);
	case_delivery_exit();
	case_virtual_interrupt("virtual_interrupt_after_sti", false);
	case_virtual_interrupt("virtual_interrupt_at_entry", true);
	case_l1_interrupt();
	return 0;
}
