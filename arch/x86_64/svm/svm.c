/* SPDX-License-Identifier: MIT */
/*
 * The AMD SVM backend: turning SVM on, per-VM nested page tables, ASIDs and
 * permission maps, the VMCB of the one vCPU, and the VMRUN loop with its
 * clean-bit bookkeeping. Exit decoding is in svm_exit.c, test services and
 * the auditor's report in svm_test.c. Flow and rules: docs/svm.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anvil/catch.h>
#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/vm.h>
#include <arch/cpu.h>
#include <arch/vmm.h>

#include "svm.h"
#include "x86.h"
#include "x86_gwalk.h"

#define EFER_SVME (1ull << 12)
#define EFER_LMA (1ull << 10)
#define EFER_LME (1ull << 8)
#define MSR_VM_CR 0xc0010114u
#define VM_CR_SVMDIS (1ull << 4)
#define MSR_VM_HSAVE_PA 0xc0010117u
#define MSR_TSC_AUX 0xc0000103u
#define PORT_POST 0x80u
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EXT_ECX_SVM (1u << 2)
#define CPUID_SVM_LEAF 0x8000000au

/* Guest state at entry (guest_abi.h layout). CR0: PE MP ET NE WP PG; CR4: PAE OSFXSR OSXMMEXCPT. */
#define GUEST_CR0 0x80010033ull
#define GUEST_CR4 0x620ull
#define GUEST_EFER (EFER_SVME | EFER_NXE | EFER_LMA | EFER_LME)
#define GUEST_RFLAGS 0x2ull
#define GUEST_DR6 0xffff0ff0ull
#define GUEST_DR7 0x400ull
#define GUEST_PAT 0x0007040600070406ull /* the reset value */
/* VMCB segment attributes: descriptor bits 15:8 in attrib 7:0, bits 23:20 in 11:8 (APM Vol 2 §15.5.1). */
#define SEG_ATTR_CODE64 0x29bu /* P, S, type 0xb; L */
#define SEG_ATTR_DATA 0xc93u   /* P, S, type 0x3; D/B, G */
#define SEG_ATTR_TSS64 0x08bu  /* P, busy 64-bit TSS */
#define SEG_LIMIT_FLAT 0xffffffffu
#define GDT_LIMIT 23u
#define TSS_LIMIT 0x67u

struct svm_caps svm_caps;
struct asid_pool svm_asids;
static uint64_t host_save_pa;

static uint64_t page_alloc_zeroed(size_t pages)
{
	uint64_t pa = pages == 1 ? pmm_alloc(&kernel_pmm) : pmm_alloc_contig(&kernel_pmm, pages, 1);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, (size_t)pages * ARCH_PAGE_SIZE);
	return pa;
}

/* ---- probe / enable ---- */

struct msr_read {
	uint32_t msr;
	uint64_t value;
};

static void do_rdmsr(void *p)
{
	struct msr_read *r = p;
	r->value = x86_rdmsr(r->msr);
}

/* RDMSR that survives a #GP (an MSR the CPU, or emulator, does not have). */
static bool rdmsr_safe(uint32_t msr, uint64_t *value)
{
	struct catch_frame cf;
	struct msr_read r = { msr, 0 };
	if (catch_run(&cf, false, do_rdmsr, &r) != CATCH_NONE)
		return false;
	*value = r.value;
	return true;
}

static uint64_t svm_probe(char *why, size_t n)
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
	if (!rdmsr_safe(MSR_VM_CR, &vm_cr))
		klog(LOG_WARN, "svm: RDMSR VM_CR (0x%x) raised #GP; taking SVM as not disabled", MSR_VM_CR);
	if (vm_cr & VM_CR_SVMDIS) {
		snprintf(why, n, "SVM disabled by firmware (VM_CR.SVMDIS)");
		return 0;
	}
	uint64_t f = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT;
	if (svm_caps.nrips)
		f |= ANVIL_FEAT_NRIPS;
	if (svm_caps.vmcb_clean)
		f |= ANVIL_FEAT_VMCB_CLEAN;
	return f;
}

static int svm_enable(char *why, size_t n)
{
	if (asid_pool_init(&svm_asids, svm_caps.nasid)) {
		snprintf(why, n, "CPU offers %u ASIDs", (unsigned)svm_caps.nasid);
		return -1;
	}
	uint64_t hsave = page_alloc_zeroed(1);
	host_save_pa = page_alloc_zeroed(1);
	if (!hsave || !host_save_pa) {
		snprintf(why, n, "no memory for the host save areas");
		return -1;
	}
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_SVME);
	x86_wrmsr(MSR_VM_HSAVE_PA, hsave);
	klog(LOG_INFO, "svm: on; %u ASIDs, NRIPS %s, VMCB clean bits %s, flush by ASID %s, decode assists %s",
	     (unsigned)svm_caps.nasid, svm_caps.nrips ? "yes" : "no (instruction lengths decoded)",
	     svm_caps.vmcb_clean ? "yes" : "no (tracked and audited in software)",
	     svm_caps.flush_by_asid ? "yes" : "no", (svm_caps.features & SVM_CPUID_DECODE_ASSISTS) ? "yes" : "no");
	return 0;
}

/* ---- nested page tables ---- */

static void *npt_alloc(void *ctx)
{
	(void)ctx;
	uint64_t pa = page_alloc_zeroed(1);
	return pa ? (void *)(uintptr_t)pa : NULL;
}
static void npt_free(void *ctx, void *t) { (void)ctx; pmm_free(&kernel_pmm, (uint64_t)(uintptr_t)t); }
static uint64_t npt_v2p(void *ctx, const void *p) { (void)ctx; return (uint64_t)(uintptr_t)p; }
static void *npt_p2v(void *ctx, uint64_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }
static const struct npt_ops npt_ops_identity = {
	.alloc_table = npt_alloc, .free_table = npt_free, .virt_to_phys = npt_v2p, .phys_to_virt = npt_p2v,
};

/* ---- VM ---- */

static void svm_vm_destroy(struct vm *vm);

static int svm_vm_create(struct vm *vm)
{
	struct svm_vm *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	vm->be_vm = s;
	if (npt_init(&s->npt, &npt_ops_identity))
		goto fail;
	if (asid_get(&svm_asids, &s->asid, &s->asid_needs_flush))
		goto fail;
	for (int i = 0; i < 2; i++) {
		s->msrpm_pa[i] = page_alloc_zeroed(SVM_MSRPM_PAGES);
		if (!s->msrpm_pa[i])
			goto fail;
		uint8_t *map = (uint8_t *)(uintptr_t)s->msrpm_pa[i];
		svm_msrpm_init(map);
		svm_msrpm_set(map, MSR_TSC_AUX, false, false);
	}
	s->iopm_pa = page_alloc_zeroed(SVM_IOPM_PAGES);
	if (!s->iopm_pa)
		goto fail;
	svm_iopm_init((uint8_t *)(uintptr_t)s->iopm_pa);
	svm_iopm_set((uint8_t *)(uintptr_t)s->iopm_pa, PORT_POST, false);
	return 0;
fail:
	svm_vm_destroy(vm);
	return -1;
}

static void svm_vm_destroy(struct vm *vm)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (!s)
		return;
	/* A payload stopped by a fault or the watchdog may have left GIF clear. */
	__asm__ volatile("stgi" ::: "memory");
	if (s->npt.root)
		npt_destroy(&s->npt);
	if (s->asid)
		asid_put(&svm_asids, s->asid);
	for (int i = 0; i < 2; i++)
		if (s->msrpm_pa[i])
			pmm_free_contig(&kernel_pmm, s->msrpm_pa[i], SVM_MSRPM_PAGES);
	if (s->iopm_pa)
		pmm_free_contig(&kernel_pmm, s->iopm_pa, SVM_IOPM_PAGES);
	if (s->vcpu.vmcb_pa)
		pmm_free(&kernel_pmm, s->vcpu.vmcb_pa);
	free(s->vcpu.snapshot);
	free(s);
	vm->be_vm = NULL;
	vm->vcpu.be = NULL;
}

static void flush_guest_tlb(struct svm_vm *s);

static int svm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t access)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (npt_map(&s->npt, gpa, hpa, size, access))
		return -1;
	flush_guest_tlb(s); /* a remapped page may be cached under its old translation */
	return 0;
}

static void flush_guest_tlb(struct svm_vm *s)
{
	/* Nested translations changed: the guest's TLB entries must go before it runs again. */
	if (s->vcpu.vmcb)
		vmcb_set_tlb_control(s->vcpu.vmcb, asid_tlb_control(true, svm_caps.flush_by_asid));
	else
		s->asid_needs_flush = true; /* no VMCB yet: its first VMRUN flushes */
}

static int svm_set_access(struct vm *vm, uint64_t gpa, uint32_t access)
{
	struct svm_vm *s = svm_vm_of(vm);
	if (npt_set_access(&s->npt, gpa, access))
		return -1;
	flush_guest_tlb(s);
	return 0;
}

/* ---- registers ---- */

static uint64_t *gpr_slot(struct svm_vcpu *s, enum x86_reg r)
{
	switch (r) {
	case X86_RBX: return &s->gprs.rbx;
	case X86_RCX: return &s->gprs.rcx;
	case X86_RDX: return &s->gprs.rdx;
	case X86_RSI: return &s->gprs.rsi;
	case X86_RDI: return &s->gprs.rdi;
	case X86_RBP: return &s->gprs.rbp;
	case X86_R8: return &s->gprs.r8;
	case X86_R9: return &s->gprs.r9;
	case X86_R10: return &s->gprs.r10;
	case X86_R11: return &s->gprs.r11;
	case X86_R12: return &s->gprs.r12;
	case X86_R13: return &s->gprs.r13;
	case X86_R14: return &s->gprs.r14;
	case X86_R15: return &s->gprs.r15;
	default: return NULL;
	}
}

static uint64_t svm_reg_get(struct vcpu *v, enum x86_reg r)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	switch (r) {
	case X86_RAX: return s->vmcb->save.rax;
	case X86_RSP: return s->vmcb->save.rsp;
	case X86_RIP: return s->vmcb->save.rip;
	case X86_RFLAGS: return s->vmcb->save.rflags;
	case X86_CR3: return s->vmcb->save.cr3;
	default: return *gpr_slot(s, r);
	}
}

static void svm_reg_set(struct vcpu *v, enum x86_reg r, uint64_t val)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	switch (r) {
	case X86_RAX: vmcb_set_rax(s->vmcb, val); break;
	case X86_RSP: vmcb_set_rsp(s->vmcb, val); break;
	case X86_RIP: vmcb_set_rip(s->vmcb, val); break;
	case X86_RFLAGS: vmcb_set_rflags(s->vmcb, val); break;
	case X86_CR3: vmcb_set_cr3(s->vmcb, val); break;
	default: *gpr_slot(s, r) = val; break;
	}
}

static const struct x86_vcpu_ops svm_x86_ops = { .get = svm_reg_get, .set = svm_reg_set };

/* ---- vCPU ---- */

static struct vmcb_seg seg(uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	return (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = limit, .base = base };
}

static void setup_control(struct vmcb *c, struct svm_vm *s)
{
	vmcb_set_intercept_misc1(c, VMCB_MISC1_INTR | VMCB_MISC1_NMI | VMCB_MISC1_SHUTDOWN | VMCB_MISC1_CPUID |
					    VMCB_MISC1_HLT | VMCB_MISC1_INVLPGA | VMCB_MISC1_IOIO_PROT |
					    VMCB_MISC1_MSR_PROT);
	vmcb_set_intercept_misc2(c, VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL | VMCB_MISC2_VMLOAD | VMCB_MISC2_VMSAVE |
					    VMCB_MISC2_STGI | VMCB_MISC2_CLGI | VMCB_MISC2_SKINIT);
	vmcb_set_iopm_base_pa(c, s->iopm_pa);
	vmcb_set_msrpm_base_pa(c, s->msrpm_pa[s->msrpm_cur]);
	vmcb_set_asid(c, s->asid);
	vmcb_set_tlb_control(c, asid_tlb_control(s->asid_needs_flush, svm_caps.flush_by_asid));
	/* Host interrupts stay with the host (host RFLAGS.IF); the guest's IF masks only virtual ones. */
	vmcb_set_int_ctl(c, VMCB_INT_CTL_V_INTR_MASKING);
	vmcb_set_nested_ctl(c, VMCB_NESTED_CTL_NP_ENABLE);
	vmcb_set_n_cr3(c, s->npt.root_pa);
}

static void setup_save(struct vmcb *c, const struct vcpu_entry *e)
{
	struct vmcb_seg code = seg(ANVIL_GUEST_CS, SEG_ATTR_CODE64, SEG_LIMIT_FLAT, 0);
	struct vmcb_seg data = seg(ANVIL_GUEST_DS, SEG_ATTR_DATA, SEG_LIMIT_FLAT, 0);
	vmcb_set_cs(c, code);
	vmcb_set_ds(c, data);
	vmcb_set_es(c, data);
	vmcb_set_ss(c, data);
	vmcb_set_fs(c, data);
	vmcb_set_gs(c, data);
	vmcb_set_gdtr(c, seg(0, 0, GDT_LIMIT, ANVIL_GUEST_GDT));
	vmcb_set_idtr(c, seg(0, 0, 0, 0));
	vmcb_set_tr(c, seg(0, SEG_ATTR_TSS64, TSS_LIMIT, 0));
	vmcb_set_ldtr(c, seg(0, 0, 0, 0));
	vmcb_set_cpl(c, 0);
	vmcb_set_efer(c, GUEST_EFER);
	vmcb_set_cr0(c, GUEST_CR0);
	vmcb_set_cr3(c, e->page_table_root);
	vmcb_set_cr4(c, GUEST_CR4);
	vmcb_set_dr6(c, GUEST_DR6);
	vmcb_set_dr7(c, GUEST_DR7);
	vmcb_set_rflags(c, GUEST_RFLAGS);
	vmcb_set_rip(c, e->ip);
	vmcb_set_rsp(c, e->sp);
	vmcb_set_rax(c, 0);
	vmcb_set_g_pat(c, GUEST_PAT);
}

static int svm_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e)
{
	struct svm_vm *s = svm_vm_of(v->vm);
	struct svm_vcpu *c = &s->vcpu;
	memset(c, 0, sizeof(*c));
	c->x86.ops = &svm_x86_ops;
	c->vmcb_pa = page_alloc_zeroed(1);
	c->snapshot = malloc(sizeof(struct vmcb));
	if (!c->vmcb_pa || !c->snapshot)
		return -1;
	c->vmcb = (struct vmcb *)(uintptr_t)c->vmcb_pa;
	c->last_cpu = -1;
	v->be = c;
	setup_control(c->vmcb, s);
	setup_save(c->vmcb, e);
	c->gprs.rdi = e->arg0;
	return 0;
}

/* Only the boot CPU runs guests so far; a vCPU that moved would find a different index here. */
static int this_cpu(void) { return 0; }

static void before_vmrun(struct vcpu *v, struct svm_vcpu *c)
{
	if (!c->launched || c->last_cpu != this_cpu())
		vmcb_mark_all_dirty(c->vmcb);
	if (v->vm->audit && c->snapshot_valid)
		svm_audit_before_vmrun(c);
	/* Without VmcbClean the CPU must see 0; the software view is rebuilt after the exit. */
	if (!svm_caps.vmcb_clean)
		vmcb_mark_all_dirty(c->vmcb);
}

static void after_vmexit(struct vcpu *v, struct svm_vcpu *c)
{
	c->launched = true;
	c->last_cpu = this_cpu();
	vmcb_mark_clean_after_exit(c->vmcb);
	if (c->vmcb->control.tlb_control != VMCB_TLB_NOTHING)
		vmcb_set_tlb_control(c->vmcb, VMCB_TLB_NOTHING);
	if (v->vm->audit) {
		vmcb_audit_snapshot(c->snapshot, c->vmcb);
		c->snapshot_valid = true;
	}
}

static void enter_guest(struct svm_vcpu *c)
{
	__asm__ volatile("clgi; sti" ::: "memory");
	svm_vmrun(c->vmcb_pa, &c->gprs, host_save_pa);
	__asm__ volatile("cli; stgi" ::: "memory");
}

/* ANVIL_HC_MINIMAL_EXITS: a VMMCALL costs an exit, a RIP update and a VMRUN, nothing more. */
static bool minimal_exit(struct vcpu *v, struct svm_vcpu *c)
{
	struct vmcb *vmcb = c->vmcb;
	if (!v->minimal_exits || vmcb->control.exit_code != VMEXIT_VMMCALL ||
	    vmcb->save.rax == ANVIL_HC_MINIMAL_EXITS)
		return false;
	vmcb_set_rip(vmcb, svm_caps.nrips ? vmcb->control.next_rip : vmcb->save.rip + 3 /* 0f 01 d9 */);
	return true;
}

static int svm_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *c = svm_vcpu_of(v);
	before_vmrun(v, c);
	enter_guest(c);
	while (minimal_exit(v, c))
		enter_guest(c);
	after_vmexit(v, c);
	svm_decode_exit(v, e);
	return 0;
}

static void svm_set_ip(struct vcpu *v, uint64_t ip) { vmcb_set_rip(svm_vcpu_of(v)->vmcb, ip); }
static void svm_set_result(struct vcpu *v, uint64_t val) { vmcb_set_rax(svm_vcpu_of(v)->vmcb, val); }

static int svm_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags)
{
	uint64_t ev = vector | VMCB_EVENTINJ_V;
	if (flags & ANVIL_INJECT_EXTERNAL || vector >= 32)
		ev |= VMCB_EVENTINJ_TYPE_INTR;
	else if (vector == 2)
		ev |= VMCB_EVENTINJ_TYPE_NMI;
	else
		ev |= VMCB_EVENTINJ_TYPE_EXCP;
	if (flags & ANVIL_INJECT_ERROR_CODE) {
		if ((ev & VMCB_EVENTINJ_TYPE_MASK) != VMCB_EVENTINJ_TYPE_EXCP)
			return -1; /* only exceptions push an error code */
		ev |= VMCB_EVENTINJ_EV | ((uint64_t)error_code << VMCB_EVENTINJ_ERRCODE_SHIFT);
	}
	vmcb_set_event_inj(svm_vcpu_of(v)->vmcb, ev);
	return 0;
}

struct gwalk_ctx {
	struct vm *vm;
};

static bool gwalk_read(void *ctx, uint64_t gpa, uint64_t *val)
{
	struct gwalk_ctx *g = ctx;
	uint64_t *p = vm_gpa_ptr(g->vm, gpa, sizeof(*p));
	if (!p)
		return false;
	*val = *p;
	return true;
}

static bool svm_gva_to_gpa(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
	struct vmcb *vmcb = svm_vcpu_of(v)->vmcb;
	if (!(vmcb->save.cr0 & (1ull << 31))) { /* paging off: physical */
		*gpa = gva;
		return true;
	}
	struct gwalk_ctx g = { v->vm };
	uint32_t flags;
	return x86_gwalk(vmcb->save.cr3, gva, gwalk_read, &g, gpa, &flags) == X86_GWALK_OK;
}

static const struct vmm_backend svm_backend = {
	.name = "svm",
	.probe = svm_probe,
	.enable = svm_enable,
	.vm_create = svm_vm_create,
	.vm_destroy = svm_vm_destroy,
	.map = svm_map,
	.set_access = svm_set_access,
	.vcpu_setup = svm_vcpu_setup,
	.vcpu_run = svm_vcpu_run,
	.skip_instruction = svm_skip_instruction,
	.set_ip = svm_set_ip,
	.set_hypercall_result = svm_set_result,
	.inject = svm_inject,
	.gva_to_gpa = svm_gva_to_gpa,
	.arch_test = svm_arch_test,
	.report_final = svm_report_final,
};

const struct vmm_backend *const arch_vmm_backends[] = { &svm_backend };
const unsigned arch_vmm_backend_count = 1;
