/* SPDX-License-Identifier: MIT */
/* L1's side of nested SVM (guest/nsvm.h). */
#include <string.h>

#include <anvil/guest_abi.h>
#include <guest/nsvm.h>
#include <guest/report.h>
#include <guest/x86.h>

#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_SVM_FEATURES 0x8000000au
#define CPUID_ECX_SVM (1u << 2)
#define MSR_EFER 0xc0000080u
#define MSR_VM_HSAVE_PA 0xc0010117u
#define SEG_CODE64 0xa9bu /* type 0xb, S, P, L, G (APM Vol 2 Table B-2 attribute format) */
#define SEG_DATA 0xc93u   /* type 3, S, P, D/B, G */
#define RFLAGS_FIXED 0x2u
#define GUEST_PAT 0x0007040600070406ull /* the reset value (APM Vol 2 7.8.2) */

uint64_t nsvm_vmrun_raw(uint64_t vmcb_pa, struct nsvm_gprs *g);

bool nsvm_supported(uint32_t *edx_features, uint32_t *nasid)
{
	struct cpuid_result r = cpuid(CPUID_EXT_FEATURES, 0);

	if (!(r.ecx & CPUID_ECX_SVM))
		return false;
	r = cpuid(CPUID_SVM_FEATURES, 0);
	*edx_features = r.edx;
	*nasid = r.ebx;
	return true;
}

bool nsvm_enable(void *hsave)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | NSVM_EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uint64_t)(uintptr_t)hsave);
	return (rdmsr(MSR_EFER) & NSVM_EFER_SVME) && rdmsr(MSR_VM_HSAVE_PA) == (uint64_t)(uintptr_t)hsave;
}

#define SVM_NP (1u << 0) /* Fn8000_000A EDX[0] */

bool nsvm_start_or_skip(void *hsave, bool need_npt, const char *const *cases, unsigned n)
{
	uint32_t edx = 0, nasid = 0;
	const char *why = NULL;

	if (!nsvm_supported(&edx, &nasid))
		why = "no SVM for L1 (CPUID Fn8000_0001 ECX[2] clear)";
	else if (need_npt && !(edx & SVM_NP))
		why = "no nested paging for L1 (CPUID Fn8000_000A EDX[0] clear)";
	else if (!nsvm_enable(hsave))
		why = "EFER.SVME or VM_HSAVE_PA refused";
	if (!why)
		return true;
	for (unsigned i = 0; i < n; i++)
		report_skip(cases[i], "%s", why);
	return false;
}

static uint64_t read_cr(int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%cr3, %0" : "=r"(v)); break;
	case 4: __asm__ volatile("mov %%cr4, %0" : "=r"(v)); break;
	}
	return v;
}

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static struct nsvm_seg seg(uint16_t sel, uint16_t attrib)
{
	return (struct nsvm_seg){ .sel = sel, .attrib = attrib, .limit = 0xffffffffu, .base = 0 };
}

void nsvm_vmcb_init(struct nsvm_vmcb *v, void (*entry)(void), void *stack_top)
{
	struct dtr gdt, idt;

	memset(v, 0, sizeof(*v));
	__asm__ volatile("sgdt %0" : "=m"(gdt));
	__asm__ volatile("sidt %0" : "=m"(idt));
	v->intercept_misc2 = NSVM_MISC2_VMRUN | NSVM_MISC2_VMMCALL;
	v->asid = 1;
	v->cs = seg(ANVIL_GUEST_CS, SEG_CODE64);
	v->ds = v->es = v->ss = seg(ANVIL_GUEST_DS, SEG_DATA);
	v->gdtr = (struct nsvm_seg){ .limit = gdt.limit, .base = gdt.base };
	v->idtr = (struct nsvm_seg){ .limit = idt.limit, .base = idt.base };
	v->cpl = 0;
	v->efer = rdmsr(MSR_EFER);
	v->cr0 = read_cr(0);
	v->cr3 = read_cr(3);
	v->cr4 = read_cr(4);
	v->dr6 = 0xffff0ff0u;
	v->dr7 = 0x400u;
	v->rflags = RFLAGS_FIXED;
	v->rip = (uint64_t)(uintptr_t)entry;
	v->rsp = (uint64_t)(uintptr_t)stack_top;
	v->g_pat = GUEST_PAT;
}

uint64_t nsvm_run(struct nsvm_vmcb *v, struct nsvm_gprs *g)
{
	nsvm_vmrun_raw((uint64_t)(uintptr_t)v, g);
	return v->exit_code;
}

uint64_t nsvm_run_gif(struct nsvm_vmcb *v, struct nsvm_gprs *g)
{
	__asm__ volatile("clgi" ::: "memory");
	uint64_t code = nsvm_run(v, g);
	__asm__ volatile("stgi" ::: "memory");
	return code;
}

void nsvm_vmload(struct nsvm_vmcb *v)
{
	__asm__ volatile("vmload %%rax" : : "a"(v) : "memory");
}

void nsvm_vmsave(struct nsvm_vmcb *v)
{
	__asm__ volatile("vmsave %%rax" : : "a"(v) : "memory");
}
