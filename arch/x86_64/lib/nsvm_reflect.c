// SPDX-License-Identifier: MIT
/*
 * Exit reflection: the owner of an exit of L2, the #VMEXIT's writes into
 * vmcb12 and L1's state after it (rules in nsvm_reflect.h and
 * docs/nested-svm.md). APM Vol 2 15.6 (#VMEXIT), 15.7 (exit information),
 * 15.10.2 (IOIO), 15.11 (MSR), Appendix C (exit codes).
 */
#include "nsvm_reflect.h"

#include "nsvm_merge.h"
#include "nsvm_regs.h"
#include "svm_perm.h"

#define CR_DR_COUNT 16u
/* vmcb_control.int_ctl bits #VMEXIT writes back (APM 15.21.1). */
#define INT_CTL_WRITTEN_BACK (VMCB_INT_CTL_V_TPR_MASK | VMCB_INT_CTL_V_IRQ)
#define INT_STATE_WRITTEN_BACK (VMCB_INT_STATE_SHADOW | VMCB_INT_STATE_GUEST_IF)
#define VMEXIT_MISC2_LAST (VMEXIT_CR0_WRITE_TRAP + CR_DR_COUNT - 1u)

/* ---- who intercepts ---- */

static bool bit_of(uint32_t word, uint64_t n)
{
	return n < 32u && ((word >> n) & 1u);
}

static const struct nsvm_l1_maps no_maps;

static bool l1_msr(const struct vmcb_control *k, const struct nsvm_l2_exit *x,
		   const struct nsvm_l1_maps *maps)
{
	if (!(k->intercept_misc1 & VMCB_MISC1_MSR_PROT))
		return false;
	return !maps->msrpm || svm_msrpm_intercepts(maps->msrpm, x->msr, (x->info1 & 1u) != 0);
}

static unsigned ioio_size(uint64_t info1)
{
	if (info1 & VMCB_IOIO_SZ32)
		return 4;
	if (info1 & VMCB_IOIO_SZ16)
		return 2;
	return 1;
}

static bool l1_ioio(const struct vmcb_control *k, const struct nsvm_l2_exit *x,
		    const struct nsvm_l1_maps *maps)
{
	uint16_t port = (uint16_t)((x->info1 & VMCB_IOIO_PORT_MASK) >> VMCB_IOIO_PORT_SHIFT);

	if (!(k->intercept_misc1 & VMCB_MISC1_IOIO_PROT))
		return false;
	return !maps->iopm || svm_iopm_intercepts_access(maps->iopm, port, ioio_size(x->info1));
}

/* The intercept bit an exit code stands for (APM Appendix C, Table B-1). */
bool nsvm_l1_intercepts(const struct vmcb *vmcb12, const struct nsvm_l2_exit *x,
			const struct nsvm_l1_maps *maps)
{
	const struct vmcb_control *k = &vmcb12->control;
	uint64_t c = x->code;

	if (!maps)
		maps = &no_maps;
	if (c == VMEXIT_MSR)
		return l1_msr(k, x, maps);
	if (c == VMEXIT_IOIO)
		return l1_ioio(k, x, maps);
	if (c < VMEXIT_DR0_READ) /* CR reads 0x00-0x0f, CR writes 0x10-0x1f */
		return bit_of(k->intercept_cr, c - VMEXIT_CR0_READ);
	if (c < VMEXIT_EXCP_BASE)
		return bit_of(k->intercept_dr, c - VMEXIT_DR0_READ);
	if (c <= VMEXIT_EXCP_LAST)
		return bit_of(k->intercept_exc, c - VMEXIT_EXCP_BASE);
	if (c <= VMEXIT_SHUTDOWN)
		return bit_of(k->intercept_misc1, c - VMEXIT_INTR);
	if (c <= VMEXIT_MISC2_LAST) /* VMRUN 0x80 .. CR15 write trap 0x9f */
		return bit_of(k->intercept_misc2, c - VMEXIT_VMRUN);
	if (c >= VMEXIT_INVLPGB && c <= VMEXIT_TLBSYNC)
		return bit_of(k->intercept_misc3, c - VMEXIT_INVLPGB);
	return false; /* NPF, AVIC, VMGEXIT and unknown codes have no intercept bit */
}

enum nsvm_owner nsvm_exit_owner(const struct vmcb *vmcb12, const struct nsvm_l2_exit *x,
				const struct nsvm_l1_maps *maps)
{
	switch (x->code) {
	case VMEXIT_INTR:
	case VMEXIT_NMI:
	case VMEXIT_SMI:
	case VMEXIT_INIT:
		return NSVM_OWNER_L0; /* the host's events; L1's own are L0's to deliver */
	case VMEXIT_NPF:
		return (vmcb12->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE) && x->npf_l1
			       ? NSVM_OWNER_L1
			       : NSVM_OWNER_L0;
	case VMEXIT_INVALID:
		return NSVM_OWNER_L1;
	default:
		return nsvm_l1_intercepts(vmcb12, x, maps) ? NSVM_OWNER_L1 : NSVM_OWNER_L0;
	}
}

/* ---- NRIP ---- */

/* Exit codes of intercepted instructions in the misc vectors (APM 15.9, Table 15-7). */
static bool instruction_exit(uint64_t c)
{
	if (c >= VMEXIT_IDTR_READ && c <= VMEXIT_TR_WRITE)
		return true; /* SIDT .. LTR */
	if (c >= VMEXIT_RDTSC && c <= VMEXIT_INVLPGA)
		return true; /* RDTSC .. INVLPGA */
	if (c >= VMEXIT_VMRUN && c <= VMEXIT_RDPRU)
		return true; /* VMRUN .. RDPRU */
	return c == VMEXIT_INVLPGB || c == VMEXIT_INVLPGB_ILLEGAL || c == VMEXIT_INVPCID ||
	       c == VMEXIT_MCOMMIT || c == VMEXIT_TLBSYNC;
}

bool nsvm_exit_has_nrip(uint64_t code)
{
	if (code < VMEXIT_EXCP_BASE)
		return true; /* MOV to/from CRn, DRn */
	if (code == VMEXIT_EXCP_BASE + NSVM_VEC_BP || code == VMEXIT_EXCP_BASE + NSVM_VEC_OF ||
	    code == VMEXIT_EXCP_BASE + NSVM_VEC_BR)
		return true; /* INT3, INTO, BOUND */
	if (code == VMEXIT_CR0_SEL_WRITE || code == VMEXIT_MSR || code == VMEXIT_IOIO)
		return true;
	return instruction_exit(code);
}

/* ---- what #VMEXIT writes into vmcb12 ---- */

static void write_exit_info(struct vmcb_control *k, const struct vmcb_control *d,
			    const struct nsvm_l2_exit *x, bool nrips)
{
	k->exit_code = x->code;
	k->exit_info1 = x->info1;
	k->exit_info2 = x->info2;
	k->exit_int_info = x->int_info;
	if (nrips)
		k->next_rip = nsvm_exit_has_nrip(x->code) ? x->nrip : 0;
	k->int_ctl = (k->int_ctl & ~INT_CTL_WRITTEN_BACK) | (d->int_ctl & INT_CTL_WRITTEN_BACK);
	k->int_state = d->int_state & INT_STATE_WRITTEN_BACK;
	k->event_inj = 0; /* APM Vol 3 VMRUN: the injected event is consumed or in EXITINTINFO */
}

static void write_guest_state(struct vmcb *vmcb12, const struct vmcb *vmcb02, bool l1_npt)
{
	struct vmcb_save *s = &vmcb12->save;
	const struct vmcb_save *g = &vmcb02->save;

	s->es = g->es;
	s->cs = g->cs;
	s->ss = g->ss;
	s->ds = g->ds;
	s->gdtr = g->gdtr;
	s->idtr = g->idtr;
	s->cpl = g->cpl;
	s->efer = g->efer;
	s->cr0 = g->cr0;
	s->cr2 = g->cr2;
	s->cr3 = g->cr3;
	s->cr4 = g->cr4;
	s->dr6 = g->dr6;
	s->dr7 = g->dr7;
	s->rflags = g->rflags;
	s->rip = g->rip;
	s->rsp = g->rsp;
	s->rax = g->rax;
	if (l1_npt)
		s->g_pat = g->g_pat; /* L2's own PAT; without L1's nested paging it is L1's (restore_l1) */
}

void nsvm_vmexit_write(struct vmcb *vmcb12, const struct vmcb *vmcb02, const struct nsvm_l2_exit *x,
		       bool nrips, bool l1_npt)
{
	write_exit_info(&vmcb12->control, &vmcb02->control, x, nrips);
	write_guest_state(vmcb12, vmcb02, l1_npt);
}

void nsvm_vmexit_invalid_write(struct vmcb *vmcb12)
{
	struct vmcb_control *k = &vmcb12->control;

	k->exit_code = VMEXIT_INVALID;
	k->exit_info1 = 0;
	k->exit_info2 = 0;
	k->exit_int_info = 0;
	/* Cleared on this path too (KVM missed it until 2026: "Clear EVENTINJ fields in vmcb12 on nested #VMEXIT"). */
	k->event_inj = 0;
}

/* ---- L1 after #VMEXIT ---- */

void nsvm_vmexit_restore_l1(struct vmcb *vmcb01, const struct vmcb *vmcb02, bool l1_npt)
{
	const struct vmcb_save *g = &vmcb02->save;

	/* Reloaded from the host save area: vmcb01 still holds it; the CPU forces these. */
	vmcb_update_cr0(vmcb01, vmcb01->save.cr0 | NSVM_CR0_PE);
	vmcb_update_rflags(vmcb01, vmcb01->save.rflags & ~NSVM_RFLAGS_VM);
	vmcb_update_cpl(vmcb01, 0);
	vmcb_update_dr7(vmcb01, NSVM_DR7_RESET);
	/* Not in the host save area: L1 finds what L2 left. */
	vmcb_update_cr2(vmcb01, g->cr2);
	vmcb_update_dr6(vmcb01, g->dr6);
	nsvm_copy_vmload_state(vmcb01, vmcb02);
	if (!l1_npt)
		vmcb_update_g_pat(vmcb01, g->g_pat); /* one PAT for L1 and L2: L2 may have written it */
}

int nsvm_reflect(struct vmcb *l1_vmcb12, struct nsvm_cache *cache, struct vmcb *vmcb01,
		 const struct vmcb *vmcb02, const struct nsvm_l2_exit *x, bool nrips,
		 struct nsvm_state *state)
{
	struct vmcb *copy = cache ? nsvm_cache_current(cache) : NULL;
	bool l1_npt;

	if (state->level != NSVM_IN_L2)
		return -1;
	/* The copy L0 ran with says whether L2 had L1's nested paging (L1's memory may say otherwise). */
	l1_npt = ((copy ? copy : l1_vmcb12)->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE) != 0;
	nsvm_vmexit_write(l1_vmcb12, vmcb02, x, nrips, l1_npt);
	if (copy)
		nsvm_vmexit_write(copy, vmcb02, x, nrips, l1_npt);
	nsvm_vmexit_restore_l1(vmcb01, vmcb02, l1_npt);
	return nsvm_state_step(state, NSVM_EV_VMEXIT);
}

int nsvm_reflect_invalid(struct vmcb *l1_vmcb12, struct nsvm_cache *cache, struct nsvm_state *state)
{
	if (state->level != NSVM_IN_L1)
		return -1;
	nsvm_vmexit_invalid_write(l1_vmcb12);
	if (cache)
		nsvm_cache_invalidate(cache);
	return nsvm_state_step(state, NSVM_EV_VMRUN_INVALID);
}
