/* SPDX-License-Identifier: MIT */
/*
 * The host state a payload could reach without the CPU switching it
 * (arch/vmm.h; IA32_KERNEL_GS_BASE through SWAPGS under VMX): saved before a payload, set to the guest ABI's entry values
 * (docs/guest-abi.md, "Entry state") for it, and put back after it.
 */
#include <stdio.h>

#include <arch/vmm.h>

#include "x86.h"

#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_EXT_EDX_RDTSCP (1u << 27)
#define CPUID_7_ECX_RDPID (1u << 22)
#define DR6_INIT 0xffff0ff0ull
#define DR7_INIT 0x400ull     /* every breakpoint off */
#define XCR0_INIT 0x1ull      /* x87 only: the reset value */
#define TSC_AUX_INIT 0ull
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define KERNEL_GS_BASE_INIT 0ull

bool x86_has_xsave(void)
{
	uint32_t r[4];
	x86_cpuid(1, 0, r);
	return r[2] & CPUID_1_ECX_XSAVE;
}

/* IA32_TSC_AUX exists when RDTSCP or RDPID does. */
static bool has_tsc_aux(void)
{
	uint32_t r[4];
	x86_cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x80000001u) {
		x86_cpuid(0x80000001u, 0, r);
		if (r[3] & CPUID_EXT_EDX_RDTSCP)
			return true;
	}
	x86_cpuid(0, 0, r);
	if (r[0] < 7)
		return false;
	x86_cpuid(7, 0, r);
	return r[2] & CPUID_7_ECX_RDPID;
}

/* XCR0 through CR4.OSXSAVE, which the host otherwise leaves as it found it. */
uint64_t x86_xcr0_read(void)
{
	uint64_t cr4 = x86_read_cr4();
	x86_write_cr4(cr4 | CR4_OSXSAVE);
	uint64_t v = x86_xgetbv(0);
	x86_write_cr4(cr4);
	return v;
}

void x86_xcr0_write(uint64_t v)
{
	uint64_t cr4 = x86_read_cr4();
	x86_write_cr4(cr4 | CR4_OSXSAVE);
	x86_xsetbv(0, v);
	x86_write_cr4(cr4);
}

void arch_host_state_save(struct arch_host_state *s)
{
	for (unsigned i = 0; i < 4; i++)
		s->dr[i] = x86_read_dr(i);
	s->dr6 = x86_read_dr(6);
	s->dr7 = x86_read_dr(7);
	s->has_xcr0 = x86_has_xsave();
	s->xcr0 = s->has_xcr0 ? x86_xcr0_read() : 0;
	s->has_tsc_aux = has_tsc_aux() && x86_rdmsr_safe(MSR_TSC_AUX, &s->tsc_aux);
	if (!s->has_tsc_aux)
		s->tsc_aux = 0;
	s->kernel_gs_base = x86_rdmsr(MSR_KERNEL_GS_BASE);
}

void arch_payload_state_enter(void)
{
	for (unsigned i = 0; i < 4; i++)
		x86_write_dr(i, 0);
	x86_write_dr(6, DR6_INIT);
	x86_write_dr(7, DR7_INIT);
	if (x86_has_xsave())
		x86_xcr0_write(XCR0_INIT);
	if (has_tsc_aux())
		x86_wrmsr_safe(MSR_TSC_AUX, TSC_AUX_INIT);
	x86_wrmsr(MSR_KERNEL_GS_BASE, KERNEL_GS_BASE_INIT);
}

void arch_host_state_restore(const struct arch_host_state *s)
{
	for (unsigned i = 0; i < 4; i++)
		x86_write_dr(i, s->dr[i]);
	x86_write_dr(6, s->dr6);
	x86_write_dr(7, s->dr7);
	if (s->has_xcr0)
		x86_xcr0_write(s->xcr0);
	if (s->has_tsc_aux)
		x86_wrmsr_safe(MSR_TSC_AUX, s->tsc_aux);
	x86_wrmsr(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
}

bool arch_host_state_differs(const struct arch_host_state *was, const struct arch_host_state *now, char *buf,
			     size_t n)
{
	static const char *const dr_names[4] = { "DR0", "DR1", "DR2", "DR3" };
	const char *what = NULL;
	uint64_t a = 0, b = 0;
	for (unsigned i = 0; i < 4 && !what; i++)
		if (was->dr[i] != now->dr[i])
			what = dr_names[i], a = was->dr[i], b = now->dr[i];
	if (!what && was->dr6 != now->dr6)
		what = "DR6", a = was->dr6, b = now->dr6;
	if (!what && was->dr7 != now->dr7)
		what = "DR7", a = was->dr7, b = now->dr7;
	if (!what && was->xcr0 != now->xcr0)
		what = "XCR0", a = was->xcr0, b = now->xcr0;
	if (!what && was->tsc_aux != now->tsc_aux)
		what = "IA32_TSC_AUX", a = was->tsc_aux, b = now->tsc_aux;
	if (!what && was->kernel_gs_base != now->kernel_gs_base)
		what = "IA32_KERNEL_GS_BASE", a = was->kernel_gs_base, b = now->kernel_gs_base;
	if (!what)
		return false;
	snprintf(buf, n, "host %s was 0x%llx, is 0x%llx", what, (unsigned long long)a, (unsigned long long)b);
	return true;
}
