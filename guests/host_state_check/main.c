/* SPDX-License-Identifier: MIT */
/*
 * host_state_check: runs right after host_state_set, which changed DR0-DR3,
 * DR7, IA32_TSC_AUX, XCR0 and IA32_KERNEL_GS_BASE. This payload must find the entry state
 * guest-abi.md documents ("Entry state"), not what the previous payload left.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "host_state_check", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000);

#define DR6_ENTRY 0xffff0ff0ull
#define DR7_ENTRY 0x400ull
#define XCR0_ENTRY 0x1ull
#define CPUID_EXT_EDX_RDTSCP (1u << 27)

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	struct checks c = { 0 };
	for (unsigned i = 0; i < 4; i++)
		check(&c, read_dr(i) == 0, "DR%u is %#llx at entry, want 0", i, (unsigned long long)read_dr(i));
	check(&c, read_dr6() == DR6_ENTRY, "DR6 is %#llx at entry", (unsigned long long)read_dr6());
	check(&c, read_dr7() == DR7_ENTRY, "DR7 is %#llx at entry", (unsigned long long)read_dr7());
	checks_report(&c, "entry_debug_registers");

	if (cpuid(0x80000000u, 0).eax >= 0x80000001u && (cpuid(0x80000001u, 0).edx & CPUID_EXT_EDX_RDTSCP)) {
		uint32_t aux;
		rdtscp(&aux);
		reportf(aux == 0, "entry_tsc_aux", "TSC_AUX is %#x at entry, want 0", aux);
	} else {
		report_skip("entry_tsc_aux", "the CPU has no RDTSCP, so no IA32_TSC_AUX");
	}

	if (cpuid(1, 0).ecx & X86_CPUID_1_ECX_XSAVE) {
		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
		uint64_t xcr0 = xgetbv0();
		reportf(xcr0 == XCR0_ENTRY, "entry_xcr0", "XCR0 is %#llx at entry, want %#llx", (unsigned long long)xcr0,
			XCR0_ENTRY);
	} else {
		report_skip("entry_xcr0", "the CPU has no XSAVE, so no XCR0");
	}

	if (cpuid(7, 0).ebx & X86_CPUID_7_EBX_FSGSBASE) {
		write_cr4(read_cr4() | X86_CR4_FSGSBASE);
		uint64_t gs = rdgsbase();
		swapgs();
		uint64_t kernel_gs = rdgsbase();
		swapgs();
		reportf(kernel_gs == 0, "entry_kernel_gs_base", "IA32_KERNEL_GS_BASE is %#llx at entry, want 0 (GS.base %#llx)",
			(unsigned long long)kernel_gs, (unsigned long long)gs);
	} else {
		report_skip("entry_kernel_gs_base", "the CPU has no RDGSBASE to read it through SWAPGS");
	}
	return 0;
}
