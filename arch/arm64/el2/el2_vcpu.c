/* SPDX-License-Identifier: MIT */
/*
 * The guest vCPU at EL1 (docs/arm64.md, "The guest"). Its EL1 system
 * registers live in the CPU (the host at EL2 never uses the EL1&0 regime)
 * and get their reset values here for every payload, together with the
 * FP/SIMD registers, so nothing of one payload reaches the next.
 *
 * HCR_EL2 while a guest runs (Arm ARM D24.2 "HCR_EL2"):
 *   VM     stage 2 on                 SWIO  set/way invalidation as clean+invalidate
 *   IMO/FMO/AMO  physical IRQ, FIQ and SError go to EL2 (the host's tick ends a run)
 *   DC     the guest's stage 1 is off and its accesses Normal write-back:
 *          guest-virtual = guest-physical, and unaligned accesses work
 *   TWI    WFI exits (ANVIL_EXIT_HLT)  TID3  ID registers exit (sanitised values)
 *   TSC    SMC exits (PSCI, SMCCC)     RW    EL1 is AArch64
 *   TID1   REVIDR/AIDR/SMIDR_EL1 exit (SMIDR: SME is hidden, FEAT_IDST)
 *   TID5   GMID_EL1 exits, where the CPU has FEAT_MTE2 (MTE is hidden)
 *   BSU_IS, FB  barriers and TLB maintenance broadcast inner shareable
 */
#include <string.h>

#include <anvil/console.h>
#include <arch/cpu.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"

#define GUEST_HCR (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_BSU_IS | HCR_FB | HCR_DC | \
		   HCR_TWI | HCR_TID1 | HCR_TID3 | HCR_TSC | HCR_RW)
#define HOST_HCR (HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO)
#define PFR1_MTE_SHIFT 8 /* ID_AA64PFR1_EL1.MTE */
#define PFR1_MTE_MASK 0xfull
#define PFR1_MTE2 2

/* SCTLR_EL1 reset: the RES1 bits (29, 28, 23, 22, 20, 11), MMU and caches off, SP alignment checked. */
#define SCTLR_EL1_RES1 ((1ull << 29) | (1ull << 28) | (1ull << 23) | (1ull << 22) | (1ull << 20) | (1ull << 11))
#define SCTLR_EL1_SA (1ull << 3)
#define CPACR_EL1_FPEN_ALL (3ull << 20) /* FP/SIMD at EL1 and EL0 without traps */
#define VMPIDR_U_MT_RES1 (1ull << 31)    /* MPIDR bit 31 is RES1; uniprocessor, affinity 0 */
/* MDCR_EL2 (D24.2): guest accesses to debug (TDA, TDOSA, TDRA) and PMU (TPM, TPMCR) registers exit. */
#define MDCR_TPMCR (1ull << 5)
#define MDCR_TPM (1ull << 6)
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDA (1ull << 9)
#define MDCR_TDRA (1ull << 11)
#define GUEST_MDCR (MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)
#define CTR_IDC (1ull << 28)
#define CTR_DIC (1ull << 29)
#define CTR_DMINLINE_SHIFT 16

static void el1_reset(uint64_t sp)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RES1 | SCTLR_EL1_SA);
	write_sysreg(tcr_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(sp_el1, sp);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(cpacr_el1, CPACR_EL1_FPEN_ALL);
	write_sysreg(csselr_el1, 0);
	write_sysreg(mdscr_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, VMPIDR_U_MT_RES1);
	isb();
	el2_fp_zero();
}

/*
 * The payload's bytes were written through the hypervisor's data side:
 * clean them to the point of unification and drop stale instructions
 * (unless CTR_EL0 says the CPU needs neither, IDC / DIC).
 */
static void sync_icache(uint64_t base, uint64_t size)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	if (!(ctr & CTR_IDC)) {
		uint64_t line = 4ull << ((ctr >> CTR_DMINLINE_SHIFT) & 0xf);
		for (uint64_t a = base; a < base + size; a += line)
			__asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
		dsb(ish);
	}
	if (!(ctr & CTR_DIC))
		__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}

/*
 * HCR_EL2, MDCR_EL2 and VTTBR_EL2 hold the guest's values from its set-up
 * until its VM is destroyed, not only while it runs: without VHE every bit
 * they set acts on EL1 and EL0 alone (IMO/FMO/AMO route to EL2 in both
 * settings), so the host never notices, and the exit path needs no writes
 * and no ISB for them.
 */
static void guest_controls_load(struct vcpu *v, const struct el2_vcpu *c)
{
	write_sysreg(hcr_el2, c->hcr);
	write_sysreg(mdcr_el2, GUEST_MDCR);
	el2_vm_activate(el2_vm_of(v->vm));
}

void el2_host_controls_restore(void)
{
	write_sysreg(hcr_el2, HOST_HCR);
	write_sysreg(mdcr_el2, 0);
	write_sysreg(vttbr_el2, 0);
	isb();
}

int el2_vcpu_setup(struct vcpu *v, const struct vcpu_entry *e)
{
	struct el2_vcpu *c = el2_vcpu_of(v);
	memset(&c->ctx, 0, sizeof(c->ctx));
	c->ctx.x[0] = e->arg0;
	c->ctx.pc = e->ip;
	c->ctx.pstate = SPSR_M_EL1H | SPSR_D | SPSR_A | SPSR_I | SPSR_F;
	c->hcr = GUEST_HCR;
	if (((read_sysreg(id_aa64pfr1_el1) >> PFR1_MTE_SHIFT) & PFR1_MTE_MASK) >= PFR1_MTE2)
		c->hcr |= HCR_TID5; /* TID5 is RES0 without FEAT_MTE2 */
	c->entries = c->minimal_exits = 0;
	el1_reset(e->sp);
	guest_controls_load(v, c);
	sync_icache(v->vm->mem_hpa, v->vm->mem_size);
	return el2_vgic_reset(v->vm);
}

/* Guest-virtual is guest-physical: HCR_EL2.DC keeps the guest's stage 1 off. */
bool el2_gva_to_gpa(struct vcpu *v, uint64_t gva, uint32_t access, uint64_t *gpa, uint32_t *pf_error)
{
	(void)access;
	*pf_error = 0;
	if (gva >> el2_caps.vtcr.ipa_bits)
		return false;
	(void)v;
	*gpa = gva;
	return true;
}

int el2_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct el2_vm *s = el2_vm_of(v->vm);
	struct el2_vcpu *c = &s->vcpu;
	for (;;) {
		/* The vGIC first: on GICv2 its flush may change stage 2, which el2_vm_flush_if_changed then flushes. */
		if (!el2_vgic_entry(v->vm)) {
			vm_end(v->vm, VM_OUTCOME_HV_ERROR, "vGIC: the list registers could not be filled");
			return -1;
		}
		el2_vm_flush_if_changed(s);
		c->entries++;
		uint64_t kind = el2_enter(&c->ctx);
		if (!el2_vgic_exit(v->vm)) {
			vm_end(v->vm, VM_OUTCOME_HV_ERROR, "vGIC: the list registers read back did not fold");
			e->kind = ANVIL_EXIT_INTR;
			e->raw_name = "vGIC fold failure";
			return 0;
		}
		if (!el2_decode_exit(v, kind, e))
			return 0;
		c->minimal_exits++;
	}
}
