/* SPDX-License-Identifier: MIT */
/*
 * chaos on x86: random CPUID leaves (the hypervisor's own leaf must carry
 * its signature), the test MSR and test port round trips, an unknown MSR
 * in the hypervisor's range (#GP), and the guest's own #UD and #BP.
 */
#include <guest/guest.h>

#include "../chaos.h"

#define X86_VEC_BP 3u

void chaos_x86_ud2(void);
void chaos_x86_int3(void);
void chaos_x86_int3_after(void);
void chaos_x86_rdmsr_unknown(void);
void chaos_x86_rdmsr_at(void);

uint64_t chaos_arch_outside_limit(void)
{
	return 1ull << 32; /* the guest's own page tables map the first 4 GiB */
}

static void rdmsr_unknown(void *arg) { (void)arg; chaos_x86_rdmsr_unknown(); }
static void run_ud2(void *arg) { (void)arg; chaos_x86_ud2(); }
static void run_int3(void *arg) { (void)arg; chaos_x86_int3(); }

static void trap_expected(struct chaos *s, void (*fn)(void *), uint64_t vector, uint64_t rip, const char *what)
{
	struct guest_trap t;
	bool caught = guest_try(fn, NULL, &t);
	check(&s->c, caught && t.vector == vector && t.rip == rip,
	      "step %u: %s: caught %d vector %llu at %#llx, want vector %llu at %#llx", s->iteration, what, caught,
	      (unsigned long long)t.vector, (unsigned long long)t.rip, (unsigned long long)vector,
	      (unsigned long long)rip);
}

void chaos_arch_action(struct chaos *s)
{
	switch (chaos_below(s, 5)) {
	case 0: {
		uint32_t leaf = chaos_below(s, 2) ? ANVIL_CPUID_BASE : (uint32_t)chaos_next(s);
		struct cpuid_result r = cpuid(leaf, (uint32_t)chaos_next(s));
		if (leaf == ANVIL_CPUID_BASE)
			check(&s->c, r.ebx == ANVIL_CPUID_SIG_EBX && r.ecx == ANVIL_CPUID_SIG_ECX && r.edx == ANVIL_CPUID_SIG_EDX,
			      "step %u: CPUID %#x signature %#x %#x %#x", s->iteration, leaf, r.ebx, r.ecx, r.edx);
		return;
	}
	case 1: {
		uint64_t v = chaos_next(s);
		wrmsr(ANVIL_TEST_MSR, v);
		uint64_t got = rdmsr(ANVIL_TEST_MSR);
		check(&s->c, got == v, "step %u: test MSR wrote %#llx, reads %#llx", s->iteration, (unsigned long long)v,
		      (unsigned long long)got);
		return;
	}
	case 2: {
		uint32_t v = (uint32_t)chaos_next(s);
		outl(ANVIL_TEST_PORT, v);
		uint32_t got = inl(ANVIL_TEST_PORT);
		check(&s->c, got == v, "step %u: test port wrote %#x, reads %#x", s->iteration, v, got);
		return;
	}
	case 3:
		trap_expected(s, rdmsr_unknown, X86_VEC_GP, (uint64_t)(uintptr_t)chaos_x86_rdmsr_at, "RDMSR of an unknown MSR");
		return;
	default:
		if (chaos_below(s, 2))
			trap_expected(s, run_ud2, X86_VEC_UD, (uint64_t)(uintptr_t)chaos_x86_ud2, "ud2");
		else
			trap_expected(s, run_int3, X86_VEC_BP, (uint64_t)(uintptr_t)chaos_x86_int3_after, "int3");
		return;
	}
}
