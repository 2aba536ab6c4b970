/* SPDX-License-Identifier: MIT */
/*
 * CPU exceptions raised on purpose inside the hypervisor: each must reach
 * the handler with the right vector and error code and execution must
 * resume afterwards.
 */
#include <stddef.h>
#include <stdint.h>

#include <anvil/catch.h>
#include <anvil/ktest.h>
#include <arch/trap.h>

#define VEC_DE 0
#define VEC_UD 6
#define VEC_GP 13
#define NONCANONICAL_ADDR 0x8000000000000000ull
/* docs/emulator-quirks.md: QEMU TCG raises nothing for an unknown MSR. */
#define QUIRK_UNKNOWN_MSR "qemu-tcg-unknown-msr-no-gp"

static void do_ud(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

static void do_gp_noncanonical(void *arg)
{
	(void)arg;
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)NONCANONICAL_ADDR;
	(void)*p;
}

static void do_gp_bad_msr(void *arg)
{
	(void)arg;
	/* MSR 0xffffffff does not exist on any x86 CPU. */
	__asm__ volatile("rdmsr" ::"c"(0xffffffffu) : "rax", "rdx");
}

static void do_gp_bad_wrmsr(void *arg)
{
	(void)arg;
	__asm__ volatile("wrmsr" ::"c"(0xffffffffu), "a"(0), "d"(0));
}

static void do_de(void *arg)
{
	uint32_t zero = *(volatile uint32_t *)arg;
	uint32_t q;
	__asm__ volatile("xor %%edx, %%edx; mov $1, %%eax; divl %1" : "=&a"(q) : "c"(zero) : "rdx");
	(void)q;
}

/* The fault caught in cf is `vector`, classified as `kind`. */
static void check_fault(struct ktest_ctx *t, const struct catch_frame *cf, uint32_t vector, uint32_t kind,
			const char *what)
{
	check(t, cf->fault.vector == vector, "%s raises vector %u (got %u, %s)", what, vector, cf->fault.vector,
	      arch_fault_name(cf->fault.vector));
	check(t, cf->fault.kind == kind, "%s is classified as fault kind %u", what, kind);
}

static bool expect(struct ktest_ctx *t, void (*fn)(void *), void *arg, uint32_t vector, uint32_t kind,
		   const char *what)
{
	struct catch_frame cf;
	int r = catch_run(&cf, false, fn, arg);
	if (!check(t, r == CATCH_FAULT, "%s raises an exception", what))
		return false;
	check_fault(t, &cf, vector, kind, what);
	return true;
}

/*
 * fn must raise #GP(0). Only whether it raises anything is what quirk_id
 * explains; a wrong vector, kind or error code is a plain failure.
 */
static void expect_gp0_unless_quirk(struct ktest_ctx *t, void (*fn)(void *), const char *quirk_id,
				    const char *what)
{
	struct catch_frame cf;
	int r = catch_run(&cf, false, fn, NULL);
	if (!check_quirk(t, r == CATCH_FAULT, quirk_id, "%s raises an exception", what))
		return;
	check_fault(t, &cf, VEC_GP, FAULT_GENERAL_PROTECTION, what);
	check(t, cf.fault.has_error_code && cf.fault.error_code == 0, "#GP from %s has error code 0 (got 0x%lx)",
	      what, (unsigned long)cf.fault.error_code);
}

KTEST(cpu, invalid_opcode)
{
	expect(t, do_ud, NULL, VEC_UD, FAULT_INVALID_OPCODE, "ud2");
	/* Resumed: a second one is caught just the same. */
	expect(t, do_ud, NULL, VEC_UD, FAULT_INVALID_OPCODE, "a second ud2");
}

KTEST(cpu, general_protection)
{
	struct catch_frame cf;
	expect(t, do_gp_noncanonical, NULL, VEC_GP, FAULT_GENERAL_PROTECTION, "a non-canonical load");
	if (catch_run(&cf, false, do_gp_noncanonical, NULL) == CATCH_FAULT)
		check(t, cf.fault.has_error_code && cf.fault.error_code == 0,
		      "#GP from a non-canonical address has error code 0 (got 0x%lx)", (unsigned long)cf.fault.error_code);
}

/* SDM Vol. 2B RDMSR/WRMSR: an unimplemented MSR raises #GP(0). */
KTEST(cpu, gp_unknown_msr)
{
	expect_gp0_unless_quirk(t, do_gp_bad_msr, QUIRK_UNKNOWN_MSR, "rdmsr of MSR 0xffffffff");
	expect_gp0_unless_quirk(t, do_gp_bad_wrmsr, QUIRK_UNKNOWN_MSR, "wrmsr of MSR 0xffffffff");
}

KTEST(cpu, divide_error)
{
	uint32_t zero = 0;
	expect(t, do_de, &zero, VEC_DE, FAULT_DIVIDE, "div by zero");
	uint32_t one = 1;
	struct catch_frame cf;
	check(t, catch_run(&cf, false, do_de, &one) == CATCH_NONE, "div by one raises nothing");
}
