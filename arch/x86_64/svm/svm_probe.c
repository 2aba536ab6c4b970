/* SPDX-License-Identifier: MIT */
/*
 * Turning SVM on: what the CPU offers (CPUID Fn8000_0001/Fn8000_000A, VM_CR),
 * EFER.SVME, VM_HSAVE_PA and the host's VMSAVE area (docs/svm.md).
 */
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <arch/cpu.h>

#include "svm.h"
#include "x86.h"

#define EFER_SVME (1ull << 12)
#define MSR_VM_CR 0xc0010114u
#define VM_CR_SVMDIS (1ull << 4)
#define MSR_VM_HSAVE_PA 0xc0010117u
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EXT_ECX_SVM (1u << 2)
#define CPUID_SVM_LEAF 0x8000000au

struct svm_caps svm_caps;
struct asid_pool svm_asids;
uint64_t svm_host_save_pa;
uint64_t svm_hsave_pa;

uint64_t svm_page_alloc_zeroed(size_t pages)
{
	uint64_t pa = pages == 1 ? pmm_alloc(&kernel_pmm) : pmm_alloc_contig(&kernel_pmm, pages, 1);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, (size_t)pages * ARCH_PAGE_SIZE);
	return pa;
}

uint64_t svm_probe(char *why, size_t n)
{
	uint32_t r[4];
	char vendor[13];
	x86_cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	x86_cpuid(0x80000000u, 0, r);
	if (r[0] < CPUID_SVM_LEAF) {
		snprintf(why, n, "no SVM on this %s CPU (no CPUID leaf 0x8000000a)", vendor);
		return 0;
	}
	x86_cpuid(CPUID_EXT_FEATURES, 0, r);
	if (!(r[2] & CPUID_EXT_ECX_SVM)) {
		snprintf(why, n, "no SVM on this %s CPU (CPUID 0x80000001 ECX[2] clear)", vendor);
		return 0;
	}
	x86_cpuid(CPUID_SVM_LEAF, 0, r);
	svm_caps.nasid = r[1];
	svm_caps.features = r[3];
	svm_caps.nrips = r[3] & SVM_CPUID_NRIPS;
	svm_caps.vmcb_clean = r[3] & SVM_CPUID_VMCB_CLEAN;
	svm_caps.flush_by_asid = r[3] & SVM_CPUID_FLUSH_BY_ASID;
	if (!(r[3] & SVM_CPUID_NP)) {
		snprintf(why, n, "SVM without nested paging");
		return 0;
	}
	uint64_t vm_cr = 0;
	if (!x86_rdmsr_safe(MSR_VM_CR, &vm_cr))
		klog(LOG_WARN, "svm: RDMSR VM_CR (0x%x) raised #GP; taking SVM as not disabled", MSR_VM_CR);
	if (vm_cr & VM_CR_SVMDIS) {
		snprintf(why, n, "SVM disabled by firmware (VM_CR.SVMDIS)");
		return 0;
	}
	uint64_t f = ANVIL_FEAT_GENERIC | ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM;
	if (svm_caps.nrips)
		f |= ANVIL_FEAT_NRIPS;
	if (svm_caps.vmcb_clean)
		f |= ANVIL_FEAT_VMCB_CLEAN;
	return f;
}

int svm_enable(char *why, size_t n)
{
	if (asid_pool_init(&svm_asids, svm_caps.nasid)) {
		snprintf(why, n, "CPU offers %u ASIDs", (unsigned)svm_caps.nasid);
		return -1;
	}
	svm_hsave_pa = svm_page_alloc_zeroed(1);
	svm_host_save_pa = svm_page_alloc_zeroed(1);
	if (!svm_hsave_pa || !svm_host_save_pa) {
		snprintf(why, n, "no memory for the host save areas");
		return -1;
	}
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_SVME);
	x86_wrmsr(MSR_VM_HSAVE_PA, svm_hsave_pa);
	/* The host's VMLOAD state (TR, FS, GS, LDTR, SYSCALL MSRs...) is fixed from here on: save it once. */
	__asm__ volatile("vmsave %0" ::"a"(svm_host_save_pa) : "memory");
	klog(LOG_INFO, "svm: on; %u ASIDs, NRIPS %s, VMCB clean bits %s, flush by ASID %s, decode assists %s",
	     (unsigned)svm_caps.nasid, svm_caps.nrips ? "yes" : "no (instruction lengths decoded)",
	     svm_caps.vmcb_clean ? "yes" : "no (tracked and audited in software)",
	     svm_caps.flush_by_asid ? "yes" : "no", (svm_caps.features & SVM_CPUID_DECODE_ASSISTS) ? "yes" : "no");
	return 0;
}
