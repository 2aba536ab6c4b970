/* SPDX-License-Identifier: MIT */
/*
 * Turning VMX on (docs/vmx.md, "Control selection"): what the CPU offers
 * (CPUID.1:ECX.VMX, the IA32_VMX_* capability MSRs, SDM Vol 3D Appendix A),
 * which controls every VMCS gets, IA32_FEATURE_CONTROL, the CR0/CR4 fixed
 * bits, and VMXON.
 */
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <arch/cpu.h>
#include <arch/timer.h>

#include "vmx.h"
#include "vmx_ops.h"
#include "x86.h"

#define CPUID_1_ECX_VMX (1u << 5)
#define MSR_FEATURE_CONTROL 0x3au
#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ull << 2)
#define CR4_VMXE (1ull << 13)
#define VPID_POOL ASID_POOL_MAX /* VPIDs 1..255: one per VM at a time is plenty */
#define SLICE_HZ 100u           /* the VMX-preemption timer's slice: 10 ms */

struct vmx_caps vmx_caps;
struct asid_pool vmx_vpids;
uint64_t vmx_vmxon_pa;

uint64_t vmx_page_alloc_zeroed(size_t pages)
{
	uint64_t pa = pages == 1 ? pmm_alloc(&kernel_pmm) : pmm_alloc_contig(&kernel_pmm, pages, 1);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, (size_t)pages * ARCH_PAGE_SIZE);
	return pa;
}

/*
 * The controls of the VMCS, per kind: what the hypervisor cannot do without,
 * and what it uses when offered. Everything else stays at the CPU's
 * default (allowed-0 bits are set, whatever they are).
 */
struct ctl_choice {
	enum vmx_ctl_kind kind;
	uint32_t required, optional;
	uint32_t *out;
};

/*
 * Required: host interrupts and NMIs exit (the host keeps them); HLT, MWAIT
 * and MONITOR exit (containment, docs/svm.md "Containment" applies to both
 * backends); I/O and MSR bitmaps; CR8 accesses exit (the guest's TPR must
 * not be the host's); secondary controls for EPT.
 */
#define PIN_REQUIRED (VMX_PIN_EXT_INTR_EXIT | VMX_PIN_NMI_EXIT)
#define PIN_OPTIONAL (VMX_PIN_VIRTUAL_NMI | VMX_PIN_PREEMPTION_TIMER)
#define PROC_REQUIRED (VMX_PROC_HLT_EXIT | VMX_PROC_MWAIT_EXIT | VMX_PROC_MONITOR_EXIT | VMX_PROC_IO_BITMAPS | \
		       VMX_PROC_MSR_BITMAPS | VMX_PROC_CR8_LOAD_EXIT | VMX_PROC_CR8_STORE_EXIT | VMX_PROC_SECONDARY)
/* WBINVD exits (it would write back the host's caches); RDTSCP exists for the guest, as under SVM. */
#define PROC2_REQUIRED VMX_PROC2_EPT
#define PROC2_OPTIONAL (VMX_PROC2_VPID | VMX_PROC2_SPP | VMX_PROC2_WBINVD_EXIT | VMX_PROC2_RDTSCP)
/* A 64-bit host; EFER and PAT switched with the guest's (guest_state.h). */
#define EXIT_REQUIRED (VMX_EXIT_CTL_HOST_64 | VMX_EXIT_CTL_SAVE_EFER | VMX_EXIT_CTL_LOAD_EFER | \
		       VMX_EXIT_CTL_SAVE_PAT | VMX_EXIT_CTL_LOAD_PAT)
/* The timer's value kept across exits, so a slice is guest time however often the guest exits. */
#define EXIT_OPTIONAL VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER
#define ENTRY_REQUIRED (VMX_ENTRY_CTL_IA32E_GUEST | VMX_ENTRY_CTL_LOAD_EFER | VMX_ENTRY_CTL_LOAD_PAT)

/* Bits without which a VMCS would not be what docs/vmx.md says are reported by name. */
static int choose(const struct ctl_choice *c, char *why, size_t n)
{
	uint64_t cap = x86_rdmsr(vmx_ctl_msr(c->kind, vmx_caps.true_ctls));
	uint32_t missing;
	uint32_t v = vmx_ctl_adjust(cap, c->required | c->optional, &missing);
	if (missing & c->required) {
		char names[160];
		vmx_ctl_names(c->kind, missing & c->required, names, sizeof(names));
		snprintf(why, n, "VMX without the controls %s (capability MSR 0x%x = 0x%llx)", names,
			 vmx_ctl_msr(c->kind, vmx_caps.true_ctls), (unsigned long long)cap);
		return -1;
	}
	*c->out = v & ~missing;
	return 0;
}

static int choose_controls(char *why, size_t n)
{
	const struct ctl_choice c[] = {
		{ VMX_CTL_PIN, PIN_REQUIRED, PIN_OPTIONAL, &vmx_caps.pin },
		{ VMX_CTL_PROC, PROC_REQUIRED, 0, &vmx_caps.proc },
		{ VMX_CTL_PROC2, PROC2_REQUIRED, PROC2_OPTIONAL, &vmx_caps.proc2 },
		{ VMX_CTL_EXIT, EXIT_REQUIRED, EXIT_OPTIONAL, &vmx_caps.exit },
		{ VMX_CTL_ENTRY, ENTRY_REQUIRED, 0, &vmx_caps.entry },
	};
	/* In this order: the secondary controls' MSR exists only once the primary ones allow them. */
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (choose(&c[i], why, n))
			return -1;
	return 0;
}

/* EPT as npt_format_ept builds it, VPID only with an INVVPID that can flush it. */
static int choose_ept_vpid(char *why, size_t n)
{
	uint64_t cap = vmx_caps.ept_vpid = x86_rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	uint64_t missing = vmx_ept_caps_missing(cap, VMX_EPT_CAP_NPT_NEEDS);
	if (!(cap & (VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL)))
		missing |= VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL;
	if (missing) {
		char names[160];
		vmx_ept_cap_names(missing, names, sizeof(names));
		snprintf(why, n, "EPT without %s (IA32_VMX_EPT_VPID_CAP = 0x%llx)", names, (unsigned long long)cap);
		return -1;
	}
	vmx_caps.invept_single = cap & VMX_EPT_CAP_INVEPT_SINGLE;
	vmx_caps.ept_ad = cap & VMX_EPT_CAP_AD;
	bool invvpid = (cap & VMX_EPT_CAP_INVVPID) && (cap & (VMX_EPT_CAP_INVVPID_SINGLE | VMX_EPT_CAP_INVVPID_ALL));
	if (!invvpid)
		vmx_caps.proc2 &= ~VMX_PROC2_VPID;
	vmx_caps.vpid = vmx_caps.proc2 & VMX_PROC2_VPID;
	vmx_caps.invvpid_single = cap & VMX_EPT_CAP_INVVPID_SINGLE;
	return 0;
}

static bool firmware_disabled(char *why, size_t n)
{
	uint64_t fc = 0;
	if (!x86_rdmsr_safe(MSR_FEATURE_CONTROL, &fc))
		return false; /* no such MSR: nothing locks VMX off */
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		snprintf(why, n,
			 "VMX disabled by firmware (IA32_FEATURE_CONTROL = 0x%llx: locked with VMXON outside SMX off)",
			 (unsigned long long)fc);
		return true;
	}
	return false;
}

uint64_t vmx_probe(char *why, size_t n)
{
	uint32_t r[4];
	x86_cpuid(1, 0, r);
	if (!(r[2] & CPUID_1_ECX_VMX)) {
		snprintf(why, n, "no VMX on this CPU (CPUID.1:ECX[5] clear)");
		return 0;
	}
	if (firmware_disabled(why, n))
		return 0;
	memset(&vmx_caps, 0, sizeof(vmx_caps));
	vmx_caps.basic = x86_rdmsr(MSR_IA32_VMX_BASIC);
	vmx_caps.true_ctls = vmx_basic_true_ctls(vmx_caps.basic);
	vmx_caps.ins_outs_info = vmx_basic_ins_outs_info(vmx_caps.basic);
	if (vmx_basic_region_size(vmx_caps.basic) > ARCH_PAGE_SIZE || vmx_basic_mem_type(vmx_caps.basic) != VMX_MEM_TYPE_WB) {
		snprintf(why, n, "IA32_VMX_BASIC = 0x%llx: VMCS larger than a page or not write-back",
			 (unsigned long long)vmx_caps.basic);
		return 0;
	}
	if (choose_controls(why, n) || choose_ept_vpid(why, n))
		return 0;
	vmx_caps.misc = x86_rdmsr(MSR_IA32_VMX_MISC);
	vmx_caps.cr0_fixed0 = x86_rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	vmx_caps.cr0_fixed1 = x86_rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	vmx_caps.cr4_fixed0 = x86_rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	vmx_caps.cr4_fixed1 = x86_rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	vmx_caps.spp = vmx_caps.proc2 & VMX_PROC2_SPP;
	vmx_caps.virtual_nmi = vmx_caps.pin & VMX_PIN_VIRTUAL_NMI;
	vmx_caps.preemption_timer = vmx_caps.pin & VMX_PIN_PREEMPTION_TIMER;
	if (!vmx_caps.preemption_timer)
		vmx_caps.exit &= ~VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER; /* VM entry refuses it without the timer */
	/* NMI-window exiting needs virtual NMIs (SDM Vol 3C §27.2.1.1); turned on only while an NMI waits. */
	uint64_t proc_cap = x86_rdmsr(vmx_ctl_msr(VMX_CTL_PROC, vmx_caps.true_ctls));
	vmx_caps.nmi_window = vmx_caps.virtual_nmi && ((proc_cap >> 32) & VMX_PROC_NMI_WINDOW_EXIT);
	uint64_t f = ANVIL_FEAT_GENERIC | ANVIL_FEAT_VMX | ANVIL_FEAT_EPT;
	if (vmx_caps.vpid)
		f |= ANVIL_FEAT_VPID;
	if (vmx_caps.spp)
		f |= ANVIL_FEAT_SPP;
	return f;
}

/* CR0/CR4 as VMX operation needs them (SDM Vol 3C §24.8): report what the host's values lack. */
static int fix_host_crs(char *why, size_t n)
{
	uint64_t bad;
	uint64_t cr0 = vmx_cr_fixed_apply(x86_read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1);
	uint64_t cr4 = vmx_cr_fixed_apply(x86_read_cr4() | CR4_VMXE, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1);
	if (!vmx_cr_fixed_ok(cr0, vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1, &bad) ||
	    !vmx_cr_fixed_ok(cr4, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1, &bad)) {
		snprintf(why, n, "CR0/CR4 cannot meet the VMX fixed bits (bits 0x%llx)", (unsigned long long)bad);
		return -1;
	}
	x86_write_cr0(cr0);
	x86_write_cr4(cr4);
	return 0;
}

int vmx_enable(char *why, size_t n)
{
	uint64_t fc = 0;
	if (x86_rdmsr_safe(MSR_FEATURE_CONTROL, &fc) && !(fc & FEATURE_CONTROL_LOCK) &&
	    !x86_wrmsr_safe(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		snprintf(why, n, "writing IA32_FEATURE_CONTROL (0x%llx) raised #GP", (unsigned long long)fc);
		return -1;
	}
	if (asid_pool_init(&vmx_vpids, VPID_POOL)) {
		snprintf(why, n, "no VPID pool");
		return -1;
	}
	vmx_caps.vpids = VPID_POOL;
	vmx_vmxon_pa = vmx_page_alloc_zeroed(1);
	if (!vmx_vmxon_pa) {
		snprintf(why, n, "no memory for the VMXON region");
		return -1;
	}
	*(uint32_t *)(uintptr_t)vmx_vmxon_pa = vmx_basic_revision(vmx_caps.basic);
	if (fix_host_crs(why, n))
		return -1;
	uint8_t cf, zf;
	__asm__ volatile("vmxon %[pa]; setc %[cf]; setz %[zf]"
			 : [cf] "=qm"(cf), [zf] "=qm"(zf)
			 : [pa] "m"(vmx_vmxon_pa)
			 : "cc", "memory");
	if (cf | zf) {
		snprintf(why, n, "VMXON failed (%s)", cf ? "VMfailInvalid: bad VMXON region" : "VMfailValid");
		return -1;
	}
	if (vmx_caps.preemption_timer && !arch_cycles_hz())
		vmx_caps.preemption_timer = false; /* no TSC rate: no slice to set */
	char pin[120], proc2[200];
	vmx_ctl_names(VMX_CTL_PIN, vmx_caps.pin, pin, sizeof(pin));
	vmx_ctl_names(VMX_CTL_PROC2, vmx_caps.proc2, proc2, sizeof(proc2));
	klog(LOG_INFO, "vmx: on; VMCS revision 0x%x, %s controls; %s; %s; EPT A/D %s", vmx_basic_revision(vmx_caps.basic),
	     vmx_caps.true_ctls ? "true" : "default", pin, proc2, vmx_caps.ept_ad ? "yes" : "no");
	return 0;
}

uint32_t vmx_slice_ticks(void)
{
	if (!vmx_caps.preemption_timer)
		return 0;
	return vmx_preemption_ticks(vmx_caps.misc, arch_cycles_hz() / SLICE_HZ);
}
