/* SPDX-License-Identifier: MIT */
/*
 * host_state_set: change every piece of CPU state SVM or VMX does not switch
 * between host and guest (DR0-DR3, DR7, IA32_TSC_AUX, XCR0,
 * IA32_KERNEL_GS_BASE), and run every
 * instruction that would reach host state (INVD, WBINVD, XSETBV, MONITOR,
 * MWAIT, RDPRU). Each must behave as guest-abi.md says, and none may reach
 * the host: the hypervisor's `host_state_set/host_intact` case compares the
 * host's values after the payload, and the next payload (host_state_check)
 * must find the documented entry state, not these values.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "host_state_set", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000);

#define DR_VALUE(i) (0x0000100000001000ull * ((i) + 1) + 0x10 * (i))
#define DR7_VALUE 0x600ull /* GE set: no breakpoint enabled */
#define TSC_AUX_VALUE 0x5eedu
#define CPUID_EXT_EDX_RDTSCP (1u << 27)
#define XCR0_X87_SSE 0x3ull
#define XCR0_AVX_WITHOUT_SSE 0x5ull

static void check_debug_registers(void)
{
	struct checks c = { 0 };
	for (unsigned i = 0; i < 4; i++)
		write_dr(i, DR_VALUE(i));
	write_dr(7, DR7_VALUE);
	for (unsigned i = 0; i < 4; i++)
		check(&c, read_dr(i) == DR_VALUE(i), "DR%u reads %#llx after writing %#llx", i,
		      (unsigned long long)read_dr(i), (unsigned long long)DR_VALUE(i));
	check(&c, read_dr7() == DR7_VALUE, "DR7 reads %#llx after writing %#llx", (unsigned long long)read_dr7(),
	      DR7_VALUE);
	checks_report(&c, "debug_registers");
}

static void check_tsc_aux(void)
{
	if (cpuid(0x80000000u, 0).eax < 0x80000001u || !(cpuid(0x80000001u, 0).edx & CPUID_EXT_EDX_RDTSCP)) {
		report_skip("tsc_aux", "the CPU has no RDTSCP, so no IA32_TSC_AUX");
		return;
	}
	uint32_t aux;
	wrmsr(X86_MSR_TSC_AUX, TSC_AUX_VALUE);
	rdtscp(&aux);
	reportf(aux == TSC_AUX_VALUE, "tsc_aux", "RDTSCP reads TSC_AUX %#x after writing %#x", aux, TSC_AUX_VALUE);
}

static void do_xsetbv(void *arg)
{
	xsetbv0(*(uint64_t *)arg);
}

static bool has_xsave(void)
{
	return cpuid(1, 0).ecx & X86_CPUID_1_ECX_XSAVE;
}

/* XSETBV takes a valid value (x87 and SSE) and refuses AVX without SSE with #GP(0). */
static void check_xcr0(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	if (!has_xsave()) {
		report_skip("xcr0", "the CPU has no XSAVE, so no XCR0");
		return;
	}
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	uint64_t v = XCR0_X87_SSE;
	check(&c, !guest_try(do_xsetbv, &v, &t), "XSETBV %#llx raised vector %llu", (unsigned long long)v,
	      (unsigned long long)t.vector);
	check(&c, xgetbv0() == XCR0_X87_SSE, "XCR0 reads %#llx after XSETBV %#llx", (unsigned long long)xgetbv0(),
	      (unsigned long long)v);
	v = XCR0_AVX_WITHOUT_SSE;
	bool faulted = guest_try(do_xsetbv, &v, &t);
	check(&c, faulted && t.vector == X86_VEC_GP && t.error_code == 0, "XSETBV %#llx %s (vector %llu)",
	      (unsigned long long)v, faulted ? "faulted" : "was accepted", (unsigned long long)t.vector);
	check(&c, xgetbv0() == XCR0_X87_SSE, "a refused XSETBV changed XCR0 to %#llx", (unsigned long long)xgetbv0());
	checks_report(&c, "xcr0");
}

#define KERNEL_GS_VALUE 0x00007e57000012f0ull

/*
 * SWAPGS exchanges GS.base with IA32_KERNEL_GS_BASE, an MSR VMX does not
 * switch: the guest leaves its own value in it (host_intact proves the
 * host's comes back).
 */
static void check_kernel_gs_base(void)
{
	if (!(cpuid(7, 0).ebx & X86_CPUID_7_EBX_FSGSBASE)) {
		report_skip("kernel_gs_base", "the CPU has no RDGSBASE/WRGSBASE to set GS.base with");
		return;
	}
	write_cr4(read_cr4() | X86_CR4_FSGSBASE);
	uint64_t gs0 = rdgsbase();
	wrgsbase(KERNEL_GS_VALUE);
	swapgs();
	uint64_t entry = rdgsbase(); /* what IA32_KERNEL_GS_BASE held */
	swapgs();
	uint64_t back = rdgsbase();
	swapgs(); /* leave KERNEL_GS_VALUE in IA32_KERNEL_GS_BASE */
	reportf(entry == 0 && back == KERNEL_GS_VALUE, "kernel_gs_base",
		"SWAPGS gave %#llx (IA32_KERNEL_GS_BASE at entry, want 0) and back %#llx (want %#llx); GS.base was %#llx",
		(unsigned long long)entry, (unsigned long long)back, KERNEL_GS_VALUE, (unsigned long long)gs0);
}

static void do_invd(void *arg) { (void)arg; __asm__ volatile("invd" ::: "memory"); }
static void do_wbinvd(void *arg) { (void)arg; __asm__ volatile("wbinvd" ::: "memory"); }

/* INVD (which would throw away the host's dirty lines) and WBINVD exit, and the guest goes on. */
static void check_cache_instructions(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	void (*const fns[2])(void *) = { do_invd, do_wbinvd };
	static const char *const names[2] = { "INVD", "WBINVD" };
	for (int i = 0; i < 2; i++) {
		uint64_t n0 = exit_count(ANVIL_EXIT_PRIV_INSN);
		bool faulted = guest_try(fns[i], NULL, &t);
		uint64_t n1 = exit_count(ANVIL_EXIT_PRIV_INSN);
		check(&c, !faulted, "%s raised vector %llu", names[i], (unsigned long long)t.vector);
		check(&c, n1 - n0 == 1, "%s: %llu privileged-instruction exits, want 1", names[i],
		      (unsigned long long)(n1 - n0));
	}
	checks_report(&c, "cache_instructions_intercepted");
}

static void do_monitor(void *arg)
{
	(void)arg;
	__asm__ volatile(".byte 0x0f, 0x01, 0xc8" : : "a"(arg), "c"(0), "d"(0) : "memory"); /* monitor */
}
static void do_mwait(void *arg)
{
	(void)arg;
	__asm__ volatile(".byte 0x0f, 0x01, 0xc9" : : "a"(0), "c"(0) : "memory"); /* mwait */
}
static void do_rdpru(void *arg)
{
	(void)arg;
	uint32_t lo, hi;
	__asm__ volatile(".byte 0x0f, 0x01, 0xfd" : "=a"(lo), "=d"(hi) : "c"(0)); /* rdpru */
}

/* MONITOR, MWAIT and RDPRU are hidden from the guest's CPUID: each raises #UD. */
static void check_hidden_instructions(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	void (*const fns[3])(void *) = { do_monitor, do_mwait, do_rdpru };
	static const char *const names[3] = { "MONITOR", "MWAIT", "RDPRU" };
	check(&c, !(cpuid(1, 0).ecx & (1u << 3)), "CPUID.1:ECX shows MONITOR");
	for (int i = 0; i < 3; i++) {
		bool faulted = guest_try(fns[i], &t, &t);
		check(&c, faulted && t.vector == X86_VEC_UD, "%s %s (vector %llu)", names[i],
		      faulted ? "faulted" : "completed", (unsigned long long)t.vector);
	}
	checks_report(&c, "hidden_instructions_ud");
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	check_debug_registers();
	check_tsc_aux();
	check_xcr0();
	check_kernel_gs_base();
	check_cache_instructions();
	check_hidden_instructions();
	return 0;
}
