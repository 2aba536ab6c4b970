/* SPDX-License-Identifier: MIT */
/* The hypervisor's own page tables: permissions, guard pages, NULL page. */
#include <stdint.h>

#include <anvil/catch.h>
#include <anvil/ktest.h>
#include <anvil/platform.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/trap.h>

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static const char rodata_probe[] = "read-only";
static uint64_t data_probe = 1;
static const uint8_t ret_insn[] = ARCH_RETURN_INSN; /* placed in .rodata */

static void write_byte(void *p)
{
	*(volatile uint8_t *)p = 0x90;
}

static void read_byte(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void call_code(void *p)
{
	((void (*)(void))p)();
}

static const char *const access_names[] = { "none", "read", "write", "execute" };

static void expect_page_fault(struct ktest_ctx *t, void (*fn)(void *), void *addr, uint32_t want_access,
			      bool want_present, const char *what)
{
	struct catch_frame cf;
	int r = catch_run(&cf, false, fn, addr);
	if (!check(t, r == CATCH_FAULT && cf.fault.kind == FAULT_PAGE, "%s raises a page fault (result %d, %s)",
		   what, r, r == CATCH_FAULT ? arch_fault_name(cf.fault.vector) : "no fault"))
		return;
	check(t, cf.fault.addr == (uintptr_t)addr, "%s reports address %p (got 0x%lx)", what, addr,
	      (unsigned long)cf.fault.addr);
	check(t, cf.fault.access == want_access, "%s is reported as a %s access (got %s, error code 0x%lx)", what,
	      access_names[want_access], access_names[cf.fault.access & 3], (unsigned long)cf.fault.error_code);
	check(t, cf.fault.present == want_present, "%s is reported as %s", what,
	      want_present ? "a protection violation" : "a missing page");
}

KTEST(mmu, section_permissions)
{
	uint32_t prot = 0;
	check(t, arch_mmu_lookup((uintptr_t)__kernel_start, NULL, &prot) && prot == (MMU_R | MMU_X),
	      "kernel text is mapped read+execute (prot %u)", prot);
	check(t, arch_mmu_lookup((uintptr_t)rodata_probe, NULL, &prot) && prot == MMU_R,
	      "rodata is mapped read-only, no execute (prot %u)", prot);
	check(t, arch_mmu_lookup((uintptr_t)&data_probe, NULL, &prot) && prot == (MMU_R | MMU_W),
	      "data is mapped read/write, no execute (prot %u)", prot);
	check(t, !arch_mmu_lookup(0, NULL, &prot), "page 0 is not mapped");
}

KTEST(mmu, write_to_text_faults)
{
	expect_page_fault(t, write_byte, (void *)(uintptr_t)write_byte, FAULT_ACCESS_WRITE, true,
			  "a write to hypervisor text");
	expect_page_fault(t, write_byte, (void *)(uintptr_t)rodata_probe, FAULT_ACCESS_WRITE, true,
			  "a write to rodata");
}

KTEST(mmu, execute_data_faults)
{
	expect_page_fault(t, call_code, (void *)(uintptr_t)ret_insn, FAULT_ACCESS_EXEC, true,
			  "a call into rodata (NX)");
}

KTEST(mmu, null_page_faults)
{
	expect_page_fault(t, read_byte, (void *)(uintptr_t)8, FAULT_ACCESS_READ, false, "a read near NULL");
	expect_page_fault(t, write_byte, (void *)(uintptr_t)16, FAULT_ACCESS_WRITE, false, "a write near NULL");
}

struct overflow_ctx {
	void *top;
	unsigned depth;
};

static volatile unsigned recursion_limit = ~0u;

static unsigned recurse(unsigned n)
{
	volatile uint8_t pad[256];
	pad[0] = (uint8_t)n;
	if (n >= recursion_limit)
		return 0;
	return recurse(n + 1) + pad[0];
}

static void overflow_body(void *arg)
{
	(void)arg;
	(void)recurse(0);
}

static void overflow_on_stack(void *arg)
{
	struct overflow_ctx *o = arg;
	arch_call_on_stack(overflow_body, NULL, o->top);
}

KTEST(mmu, stack_guard_page)
{
	const size_t pages = 2;
	void *top = arch_stack_alloc(pages);
	if (!check(t, top != NULL, "a guarded stack can be allocated"))
		return;
	uintptr_t guard = (uintptr_t)top - (pages + 1) * ARCH_PAGE_SIZE;
	check(t, !arch_mmu_lookup(guard, NULL, NULL), "the page below the stack is unmapped");
	struct overflow_ctx o = { top, 0 };
	struct catch_frame cf;
	int r = catch_run(&cf, false, overflow_on_stack, &o);
	if (!check(t, r == CATCH_FAULT, "unbounded recursion is stopped by a fault"))
		return;
	ktest_diag(t, "stack overflow reported as %s, address 0x%lx", arch_fault_name(cf.fault.vector),
		   (unsigned long)cf.fault.addr);
	check(t, cf.fault.kind == FAULT_PAGE || cf.fault.kind == FAULT_DOUBLE,
	      "the overflow is a page fault or double fault");
	check(t, cf.fault.addr >= guard && cf.fault.addr < guard + ARCH_PAGE_SIZE,
	      "the faulting address 0x%lx lies in the guard page 0x%lx", (unsigned long)cf.fault.addr,
	      (unsigned long)guard);
}
