/* SPDX-License-Identifier: MIT */
/*
 * What L1 sees of SVM (docs/nested-svm.md, "What L1 sees"): CPUID
 * Fn8000_0001 ECX.SVM and Fn8000_000A, EFER.SVME, VM_HSAVE_PA and VM_CR,
 * and the SVM instructions other than VMRUN (nested_run.c): VMLOAD,
 * VMSAVE, CLGI, STGI, INVLPGA. APM Vol 2 chapter 15 and Vol 3 (the
 * instruction pages) give the faults each can raise.
 */
#include <stdlib.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/memory.h>
#include <anvil/vm.h>

#include "cpuid_policy.h"
#include "nsvm_caps.h"
#include "nsvm_merge.h"
#include "nsvm_regs.h"
#include "nested.h"
#include "svm.h"
#include "x86.h"

#define EFER_SVME (1ull << 12)
#define EFER_LMA (1ull << 10)
#define MSR_VM_CR 0xc0010114u
#define MSR_VM_HSAVE_PA 0xc0010117u
#define MSR_PAT 0x277u
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_SVM_FEATURES 0x8000000au
#define CPUID_EXT_ECX_SVM (1u << 2)
#define SVM_REVISION 1u
#define PAGE_4K 0x1000ull
#define PAGE_MASK (PAGE_4K - 1)

/*
 * Fn8000_000A: revision 1, NESTED_NASID ASIDs, and in EDX what nested SVM
 * implements: NP (shadow nested tables, nested_npt.c), NRIPS (next RIP is
 * computed, decoded where the host has no NRIP), VmcbClean (the bits are
 * hints: reloading everything is allowed) and FlushByAsid.
 */
void nested_cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	if (leaf == CPUID_EXT_FEATURES) {
		*ecx |= CPUID_EXT_ECX_SVM;
	} else if (leaf == CPUID_SVM_FEATURES) {
		*eax = SVM_REVISION;
		*ebx = NESTED_NASID;
		*ecx = 0;
		*edx = SVM_CPUID_NP | SVM_CPUID_NRIPS | SVM_CPUID_VMCB_CLEAN | SVM_CPUID_FLUSH_BY_ASID;
	}
}

/* L1's CPUID as the policy and nested_cpuid() give it. */
static void l1_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	uint32_t r[4];
	x86_cpuid(leaf, sub, r);
	struct cpuid_regs host = { r[0], r[1], r[2], r[3] }, o;
	cpuid_policy_apply(leaf, sub, &host, &o);
	nested_cpuid(leaf, &o.eax, &o.ebx, &o.ecx, &o.edx);
	out[0] = o.eax, out[1] = o.ebx, out[2] = o.ecx, out[3] = o.edx;
}

/* What the consistency checks allow: the CR4/EFER bits and width of the CPU L1 is shown. */
static void caps_of_l1(struct nsvm_caps *caps)
{
	uint32_t l1[4], l7[4], e1[4], e8[4], sv[4];
	l1_cpuid(1, 0, l1);
	l1_cpuid(7, 0, l7);
	l1_cpuid(CPUID_EXT_FEATURES, 0, e1);
	l1_cpuid(0x80000008u, 0, e8);
	l1_cpuid(CPUID_SVM_FEATURES, 0, sv);
	struct nsvm_cpuid_view view = { .l1_ecx = l1[2], .l1_edx = l1[3], .l7_ebx = l7[1], .l7_ecx = l7[2],
					.e1_ecx = e1[2], .e1_edx = e1[3], .e8_eax = e8[0], .svm_edx = sv[3] };
	nsvm_caps_from_cpuid(&view, caps);
}

int nested_setup(struct vcpu *v, struct svm_vcpu *c)
{
	struct svm_nested *n = &c->nested;
	memset(n, 0, sizeof(*n));
	if (!(v->vm->requested & ANVIL_FEAT_NESTED_SVM))
		return 0;
	n->vmcb01 = c->vmcb;
	n->vmcb01_pa = c->vmcb_pa;
	n->vmcb02_pa = svm_page_alloc_zeroed(1);
	n->msrpm02_pa = svm_page_alloc_zeroed(SVM_MSRPM_PAGES);
	n->iopm02_pa = svm_page_alloc_zeroed(SVM_IOPM_PAGES);
	n->cache = malloc(sizeof(*n->cache));
	n->snapshot_other = malloc(sizeof(struct vmcb));
	bool flush;
	if (!n->vmcb02_pa || !n->msrpm02_pa || !n->iopm02_pa || !n->cache || !n->snapshot_other ||
	    asid_get(&svm_asids, &n->l2_asid, &flush))
		return -1;
	n->vmcb02 = (struct vmcb *)(uintptr_t)n->vmcb02_pa;
	n->msrpm02 = (uint8_t *)(uintptr_t)n->msrpm02_pa;
	n->iopm02 = (uint8_t *)(uintptr_t)n->iopm02_pa;
	nsvm_cache_init(n->cache, NSVM_CACHE_HONOUR_ALL);
	nsvm_state_init(&n->state);
	caps_of_l1(&n->caps);
	n->l2_flush = true;
	n->enabled = true;
	return 0;
}

void nested_teardown(struct svm_vcpu *c)
{
	struct svm_nested *n = &c->nested;
	if (!n->vmcb01)
		return;
	nested_leave_l2(c);
	nested_shadow_drop(&n->shadow);
	if (n->l2_asid)
		asid_put(&svm_asids, n->l2_asid);
	if (n->vmcb02_pa)
		pmm_free(&kernel_pmm, n->vmcb02_pa);
	if (n->msrpm02_pa)
		pmm_free_contig(&kernel_pmm, n->msrpm02_pa, SVM_MSRPM_PAGES);
	if (n->iopm02_pa)
		pmm_free_contig(&kernel_pmm, n->iopm02_pa, SVM_IOPM_PAGES);
	free(n->cache);
	free(n->snapshot_other);
	memset(n, 0, sizeof(*n));
}

static int done(struct vcpu *v, struct vm_exit *e)
{
	int r = svm_skip_instruction(v, e);
	e->kind = ANVIL_EXIT_ARCH;
	return r;
}

static void fault(struct vcpu *v, struct vm_exit *e, uint8_t vector)
{
	v->vm->be->inject(v, vector, 0, vector == X86_VEC_GP ? ANVIL_INJECT_ERROR_CODE : 0);
	e->kind = ANVIL_EXIT_ARCH;
}

static bool cpuid_exit(struct vcpu *v, struct vm_exit *e)
{
	uint32_t leaf = e->u.cpuid.leaf;
	if (leaf != CPUID_EXT_FEATURES && leaf != CPUID_SVM_FEATURES)
		return false;
	uint32_t r[4];
	l1_cpuid(leaf, e->u.cpuid.subleaf, r);
	x86_reg_set(v, X86_RAX, r[0]);
	x86_reg_set(v, X86_RBX, r[1]);
	x86_reg_set(v, X86_RCX, r[2]);
	x86_reg_set(v, X86_RDX, r[3]);
	done(v, e);
	return true;
}

static void msr_result(struct vcpu *v, uint64_t val)
{
	x86_reg_set(v, X86_RAX, (uint32_t)val);
	x86_reg_set(v, X86_RDX, val >> 32);
}

/*
 * IA32_PAT of the level that runs: the g_pat of its VMCB (vmcb01 for L1;
 * vmcb02 for L2, whose PAT is L1's without nested paging of L1's and
 * vmcb12's gPAT with it: nsvm_merge, nsvm_reflect write it back). A write
 * with an undefined memory type in any entry is #GP (APM Vol 2 7.8.1).
 * Only payloads with nested SVM get it: the 2025 KVM shape "L1 writes PAT
 * between two VMRUNs" needs an L1 that can write PAT.
 */
bool nested_pat_msr(struct vcpu *v, struct vmcb *vmcb, struct vm_exit *e)
{
	if (e->u.msr.msr != MSR_PAT)
		return false;
	if (e->kind == ANVIL_EXIT_MSR_READ) {
		msr_result(v, vmcb->save.g_pat);
	} else {
		for (unsigned i = 0; i < NSVM_PAT_ENTRIES; i++) {
			unsigned t = (unsigned)(e->u.msr.value >> (8 * i)) & 0xff;
			if (t > 7 || !((NSVM_PAT_VALID_TYPES >> t) & 1)) {
				fault(v, e, X86_VEC_GP);
				return true;
			}
		}
		vmcb_set_g_pat(vmcb, e->u.msr.value);
	}
	done(v, e);
	return true;
}

/*
 * EFER: L1 reads the hardware's value with its own SVME; a write may change
 * SVME only (anything else is #GP, as every other intercepted MSR write).
 * VM_HSAVE_PA: page aligned and inside L1's memory, else #GP.
 * VM_CR: reads 0 (SVM not disabled, not locked); writes of 0 are accepted.
 */
static bool msr_exit(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	bool rd = e->kind == ANVIL_EXIT_MSR_READ;
	uint64_t val = e->u.msr.value, efer = c->vmcb->save.efer;
	if (nested_pat_msr(v, c->vmcb, e))
		return true;
	switch (e->u.msr.msr) {
	case MSR_EFER:
		if (rd) {
			msr_result(v, (efer & ~EFER_SVME) | (n->svme ? EFER_SVME : 0));
			break;
		}
		if ((val & ~EFER_SVME) != (efer & ~EFER_SVME)) {
			fault(v, e, X86_VEC_GP);
			return true;
		}
		n->svme = val & EFER_SVME;
		break;
	case MSR_VM_HSAVE_PA:
		if (rd) {
			msr_result(v, n->hsave_pa);
			break;
		}
		if ((val & PAGE_MASK) || !vm_gpa_ptr(v->vm, val, PAGE_4K)) {
			fault(v, e, X86_VEC_GP);
			return true;
		}
		n->hsave_pa = val;
		break;
	case MSR_VM_CR:
		if (rd) {
			msr_result(v, 0);
			break;
		}
		if (val) {
			fault(v, e, X86_VEC_GP);
			return true;
		}
		break;
	default:
		return false;
	}
	done(v, e);
	return true;
}

/* The VMCB at L1's RAX, for VMRUN/VMLOAD/VMSAVE: page aligned and in L1's memory (else #GP). */
struct vmcb *nested_l1_vmcb(struct vcpu *v, uint64_t *gpa)
{
	uint64_t pa = x86_reg_get(v, X86_RAX);
	if (!(svm_vcpu_of(v)->vmcb->save.efer & EFER_LMA))
		pa &= 0xffffffffull; /* EAX outside long mode */
	*gpa = pa;
	if (pa & PAGE_MASK)
		return NULL;
	return vm_gpa_ptr(v->vm, pa, sizeof(struct vmcb));
}

/* VMSAVE writes L1's memory the way the CPU does: the fields only, `clean` untouched. */
static void vmsave_to(struct vmcb *m, const struct vmcb *src)
{
	m->save.fs = src->save.fs;
	m->save.gs = src->save.gs;
	m->save.tr = src->save.tr;
	m->save.ldtr = src->save.ldtr;
	m->save.kernel_gs_base = src->save.kernel_gs_base;
	m->save.star = src->save.star;
	m->save.lstar = src->save.lstar;
	m->save.cstar = src->save.cstar;
	m->save.sfmask = src->save.sfmask;
	m->save.sysenter_cs = src->save.sysenter_cs;
	m->save.sysenter_esp = src->save.sysenter_esp;
	m->save.sysenter_eip = src->save.sysenter_eip;
}

static bool insn_exit(struct vcpu *v, struct svm_vcpu *c, struct vm_exit *e)
{
	struct svm_nested *n = &c->nested;
	uint64_t code = e->raw_code, gpa;
	if (code != VMEXIT_VMRUN && code != VMEXIT_VMLOAD && code != VMEXIT_VMSAVE && code != VMEXIT_STGI &&
	    code != VMEXIT_CLGI && code != VMEXIT_INVLPGA)
		return false; /* SKINIT: not offered, an undefined instruction */
	if (!n->svme)
		return false; /* EFER.SVME clear: #UD (the core's answer to these exits) */
	if (c->vmcb->save.cpl) {
		fault(v, e, X86_VEC_GP);
		return true;
	}
	switch (code) {
	case VMEXIT_VMRUN:
		nested_vmrun(v, c, e);
		return true;
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE: {
		struct vmcb *m = nested_l1_vmcb(v, &gpa);
		if (!m) {
			fault(v, e, X86_VEC_GP);
			return true;
		}
		if (code == VMEXIT_VMLOAD)
			nsvm_copy_vmload_state(c->vmcb, m);
		else
			vmsave_to(m, c->vmcb);
		break;
	}
	case VMEXIT_STGI: nsvm_state_step(&n->state, NSVM_EV_STGI); break;
	case VMEXIT_CLGI: nsvm_state_step(&n->state, NSVM_EV_CLGI); break;
	case VMEXIT_INVLPGA: n->l2_flush = true; break; /* the whole L2 ASID: more than asked, never less */
	}
	done(v, e);
	return true;
}

bool nested_l1_exit(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *c = svm_vcpu_of(v);
	switch (e->kind) {
	case ANVIL_EXIT_CPUID: return cpuid_exit(v, e);
	case ANVIL_EXIT_MSR_READ:
	case ANVIL_EXIT_MSR_WRITE: return msr_exit(v, c, e);
	case ANVIL_EXIT_VIRT_INSN: return insn_exit(v, c, e);
	default: return false;
	}
}
