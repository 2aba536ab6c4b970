// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/nsvm_merge.c: which vmcb02 field comes
 * from where, the permission-map merge, the TLB mapping, vmcb_update_*(),
 * the clean bits of vmcb02 over long random sequences of L1 changes
 * (against a model of a CPU that trusts every set bit, and the auditor),
 * and the two 2025 KVM regressions: a merge that writes vmcb02's MSRPM base
 * and gPAT without clearing PERM_MAP / NPT is flagged by the auditor in
 * vmcb.c, Anvil's merge is not.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nsvm_merge.h>
#include <nsvm_reflect.h>
#include <nsvm_regs.h>
#include <svm_perm.h>
#include <vmcb.h>

#define AUDIT_MAX 16u
#define MSRPM01_PA 0x100000ull
#define IOPM01_PA 0x110000ull
#define MSRPM02_PA 0x200000ull
#define IOPM02_PA 0x210000ull
#define NCR3_L0 0x300000ull
#define L2_ASID 9u
#define PAT_L1_WC 0x0007040600070401ull
#define PAT_L2_UC 0x0000000000000000ull
#define SEQ_STEPS 4000u
#define SEQ_SEED 0x2545f4914f6cdd1dull

#define BIT(g) VMCB_CLEAN_BIT(VMCB_CLEAN_##g)

static struct vmcb *vmcb_new(void)
{
	struct vmcb *v = aligned_alloc(VMCB_SIZE, sizeof(*v));

	assert_non_null(v);
	memset(v, 0, sizeof(*v));
	return v;
}

/* L0's VMCB for L1, the way Anvil sets one up. */
static void setup_vmcb01(struct vmcb *v)
{
	vmcb_set_intercept_misc1(v, VMCB_MISC1_INTR | VMCB_MISC1_NMI | VMCB_MISC1_VINTR | VMCB_MISC1_CPUID |
				       VMCB_MISC1_MSR_PROT | VMCB_MISC1_IOIO_PROT | VMCB_MISC1_SHUTDOWN);
	vmcb_set_intercept_misc2(v, VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL | VMCB_MISC2_VMLOAD |
				       VMCB_MISC2_VMSAVE | VMCB_MISC2_STGI | VMCB_MISC2_CLGI);
	vmcb_set_intercept_exc(v, VMCB_EXC(6));
	vmcb_set_msrpm_base_pa(v, MSRPM01_PA);
	vmcb_set_iopm_base_pa(v, IOPM01_PA);
	vmcb_set_tsc_offset(v, 1000);
	vmcb_set_nested_ctl(v, VMCB_NESTED_CTL_NP_ENABLE);
	vmcb_set_n_cr3(v, NCR3_L0);
	vmcb_set_asid(v, 1);
	vmcb_set_g_pat(v, NSVM_PAT_DEFAULT);
	vmcb_set_fs(v, (struct vmcb_seg){ 0x10, 0x93, 0xffff, 0x7000 });
	vmcb_set_kernel_gs_base(v, 0xffff800000001000ull);
	vmcb_set_lstar(v, 0xffffffff81000000ull);
}

/* L1's VMCB for a 64-bit L2. */
static void setup_vmcb12(struct vmcb *v)
{
	memset(v, 0, sizeof(*v));
	v->control.intercept_misc1 = VMCB_MISC1_HLT | VMCB_MISC1_CPUID;
	v->control.intercept_misc2 = VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL;
	v->control.intercept_exc = VMCB_EXC(14);
	v->control.intercept_cr = VMCB_CR_WRITE(3);
	v->control.intercept_dr = VMCB_DR_READ(7);
	v->control.intercept_misc3 = VMCB_MISC3_INVPCID;
	v->control.tsc_offset = (uint64_t)-200;
	v->control.asid = 5;
	v->control.msrpm_base_pa = 0x50000;
	v->control.iopm_base_pa = 0x60000;
	v->save.efer = NSVM_EFER_SVME | NSVM_EFER_LME | NSVM_EFER_LMA;
	v->save.cr0 = NSVM_CR0_PE | NSVM_CR0_PG;
	v->save.cr3 = 0x9000;
	v->save.cr4 = NSVM_CR4_PAE;
	v->save.cs = (struct vmcb_seg){ 0x8, 0x29b, 0xffffffff, 0 };
	v->save.ss = (struct vmcb_seg){ 0x10, 0x493, 0xffffffff, 0 };
	v->save.gdtr = (struct vmcb_seg){ 0, 0, 0x27, 0x4000 };
	v->save.idtr = (struct vmcb_seg){ 0, 0, 0xfff, 0x5000 };
	v->save.dr7 = NSVM_DR7_RESET;
	v->save.dr6 = 0xffff0ff0ull;
	v->save.rip = 0x401000;
	v->save.rsp = 0x8000;
	v->save.rax = 0x1234;
	v->save.rflags = 0x2;
	v->save.cr2 = 0xdead000;
	v->save.g_pat = PAT_L2_UC;
}

static struct nsvm_merge_in merge_in(const struct vmcb *v01, const struct vmcb *v12)
{
	return (struct nsvm_merge_in){
		.vmcb01 = v01,
		.vmcb12 = v12,
		.msrpm_merged_pa = MSRPM02_PA,
		.iopm_merged_pa = IOPM02_PA,
		.n_cr3 = NCR3_L0,
		.l1_pat = v01->save.g_pat,
		.l2_asid = L2_ASID,
		.prev_l1_asid = v12->control.asid,
		.flush_by_asid = true,
	};
}

/* ---- where each field comes from ---- */

static void test_merge_fields(void **state)
{
	struct vmcb *v01 = vmcb_new(), *v12 = vmcb_new(), *v02 = vmcb_new();
	struct nsvm_merge_out out;
	struct nsvm_merge_in in;

	(void)state;
	setup_vmcb01(v01);
	setup_vmcb12(v12);
	v12->control.int_ctl = 5 | VMCB_INT_CTL_V_IRQ | (3u << VMCB_INT_CTL_V_INTR_PRIO_SHIFT) |
			       VMCB_INT_CTL_V_IGN_TPR | VMCB_INT_CTL_V_INTR_MASKING | VMCB_INT_CTL_VGIF |
			       VMCB_INT_CTL_VGIF_ENABLE | VMCB_INT_CTL_AVIC_ENABLE;
	v12->control.int_vector = 0x41;
	v12->control.int_state = VMCB_INT_STATE_SHADOW | VMCB_INT_STATE_GUEST_IF;
	v12->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | 13 | VMCB_EVENTINJ_EV;
	v12->control.next_rip = 0x401003;
	in = merge_in(v01, v12);
	nsvm_merge(v02, &in, &out);

	/* Intercepts: ORed, without L0's VINTR. */
	assert_int_equal(v02->control.intercept_misc1,
			 (v01->control.intercept_misc1 & ~VMCB_MISC1_VINTR) | VMCB_MISC1_HLT);
	assert_int_equal(v02->control.intercept_misc2, v01->control.intercept_misc2);
	assert_int_equal(v02->control.intercept_exc, VMCB_EXC(6) | VMCB_EXC(14));
	assert_int_equal(v02->control.intercept_cr, VMCB_CR_WRITE(3));
	assert_int_equal(v02->control.intercept_dr, VMCB_DR_READ(7));
	assert_int_equal(v02->control.intercept_misc3, VMCB_MISC3_INVPCID);
	assert_int_equal(v02->control.tsc_offset, 800);
	/* L1 consults no map of its own: vmcb01's maps. */
	assert_false(out.msrpm_merged);
	assert_false(out.iopm_merged);
	assert_int_equal(v02->control.msrpm_base_pa, MSRPM01_PA);
	assert_int_equal(v02->control.iopm_base_pa, IOPM01_PA);
	/* ASID is L0's; the same L1 ASID, nothing asked: no flush. */
	assert_int_equal(v02->control.asid, L2_ASID);
	assert_int_equal(out.tlb, NSVM_TLB_NONE);
	assert_int_equal(v02->control.tlb_control, VMCB_TLB_NOTHING);
	/* Virtual interrupts: L1's bits, V_INTR_MASKING forced, VGIF/AVIC dropped. */
	assert_int_equal(v02->control.int_ctl, 5 | VMCB_INT_CTL_V_IRQ | (3u << VMCB_INT_CTL_V_INTR_PRIO_SHIFT) |
						       VMCB_INT_CTL_V_IGN_TPR | VMCB_INT_CTL_V_INTR_MASKING);
	assert_true(out.l1_intr_masking);
	assert_int_equal(v02->control.int_vector, 0x41);
	assert_int_equal(v02->control.int_state, VMCB_INT_STATE_SHADOW);
	assert_int_equal(v02->control.event_inj, v12->control.event_inj);
	assert_int_equal(v02->control.next_rip, 0x401003);
	/* Nested paging: L0's, gPAT = L1's PAT (no NPT in vmcb12). */
	assert_false(out.l1_npt);
	assert_int_equal(v02->control.nested_ctl, VMCB_NESTED_CTL_NP_ENABLE);
	assert_int_equal(v02->control.n_cr3, NCR3_L0);
	assert_int_equal(v02->save.g_pat, NSVM_PAT_DEFAULT);
	/* Guest state from vmcb12, VMLOAD state from vmcb01. */
	assert_memory_equal(&v02->save.cs, &v12->save.cs, sizeof(struct vmcb_seg));
	assert_memory_equal(&v02->save.ss, &v12->save.ss, sizeof(struct vmcb_seg));
	assert_memory_equal(&v02->save.gdtr, &v12->save.gdtr, sizeof(struct vmcb_seg));
	assert_memory_equal(&v02->save.idtr, &v12->save.idtr, sizeof(struct vmcb_seg));
	assert_int_equal(v02->save.efer, v12->save.efer);
	assert_int_equal(v02->save.cr0, v12->save.cr0);
	assert_int_equal(v02->save.cr3, v12->save.cr3);
	assert_int_equal(v02->save.cr4, v12->save.cr4);
	assert_int_equal(v02->save.cr2, v12->save.cr2);
	assert_int_equal(v02->save.dr6, v12->save.dr6);
	assert_int_equal(v02->save.dr7, v12->save.dr7);
	assert_int_equal(v02->save.rip, 0x401000);
	assert_int_equal(v02->save.rsp, 0x8000);
	assert_int_equal(v02->save.rax, 0x1234);
	assert_int_equal(v02->save.rflags, 0x2);
	assert_memory_equal(&v02->save.fs, &v01->save.fs, sizeof(struct vmcb_seg));
	assert_int_equal(v02->save.kernel_gs_base, v01->save.kernel_gs_base);
	assert_int_equal(v02->save.lstar, v01->save.lstar);
	free(v01);
	free(v12);
	free(v02);
}

static void test_merge_maps_npt_and_vintr(void **state)
{
	struct vmcb *v01 = vmcb_new(), *v12 = vmcb_new(), *v02 = vmcb_new();
	struct nsvm_merge_out out;
	struct nsvm_merge_in in;

	(void)state;
	setup_vmcb01(v01);
	setup_vmcb12(v12);
	v12->control.intercept_misc1 |= VMCB_MISC1_MSR_PROT | VMCB_MISC1_IOIO_PROT | VMCB_MISC1_VINTR;
	v12->control.nested_ctl = VMCB_NESTED_CTL_NP_ENABLE;
	v12->control.n_cr3 = 0x77000;
	v12->control.pause_filter_count = 3000;
	v12->control.intercept_misc1 |= VMCB_MISC1_PAUSE;
	in = merge_in(v01, v12);
	in.n_cr3 = 0x400000; /* the shadow of L1's tables */
	nsvm_merge(v02, &in, &out);
	assert_true(out.msrpm_merged);
	assert_true(out.iopm_merged);
	assert_int_equal(v02->control.msrpm_base_pa, MSRPM02_PA);
	assert_int_equal(v02->control.iopm_base_pa, IOPM02_PA);
	assert_true(v02->control.intercept_misc1 & VMCB_MISC1_VINTR); /* L1's own */
	assert_true(out.l1_npt);
	assert_int_equal(v02->control.n_cr3, 0x400000);
	assert_int_equal(v02->save.g_pat, PAT_L2_UC);
	assert_int_equal(v02->control.pause_filter_count, 3000);
	assert_false(out.l1_intr_masking);
	free(v01);
	free(v12);
	free(v02);
}

/* ---- TLB ---- */

static void test_tlb_mapping(void **state)
{
	struct vmcb *v01 = vmcb_new(), *v12 = vmcb_new(), *v02 = vmcb_new();
	struct nsvm_merge_out out;
	struct nsvm_merge_in in;

	(void)state;
	assert_int_equal(nsvm_tlb_from_l1(VMCB_TLB_NOTHING), NSVM_TLB_NONE);
	assert_int_equal(nsvm_tlb_from_l1(VMCB_TLB_FLUSH_ALL), NSVM_TLB_FLUSH_ALL);
	assert_int_equal(nsvm_tlb_from_l1(VMCB_TLB_FLUSH_ASID), NSVM_TLB_FLUSH_ASID);
	assert_int_equal(nsvm_tlb_from_l1(VMCB_TLB_FLUSH_ASID_NONGLOBAL), NSVM_TLB_FLUSH_NONGLOBAL);
	assert_int_equal(nsvm_tlb_from_l1(2), NSVM_TLB_FLUSH_ALL); /* reserved */
	assert_int_equal(nsvm_tlb_from_l1(0xff), NSVM_TLB_FLUSH_ALL);
	assert_int_equal(nsvm_tlb_control(NSVM_TLB_FLUSH_ASID, true), VMCB_TLB_FLUSH_ASID);
	assert_int_equal(nsvm_tlb_control(NSVM_TLB_FLUSH_ASID, false), VMCB_TLB_FLUSH_ALL);
	assert_int_equal(nsvm_tlb_control(NSVM_TLB_FLUSH_NONGLOBAL, true), VMCB_TLB_FLUSH_ASID_NONGLOBAL);
	assert_int_equal(nsvm_tlb_control(NSVM_TLB_FLUSH_NONGLOBAL, false), VMCB_TLB_FLUSH_ALL);
	assert_int_equal(nsvm_tlb_control(NSVM_TLB_FLUSH_ALL, true), VMCB_TLB_FLUSH_ALL);
	assert_int_equal(nsvm_tlb_control(NSVM_TLB_NONE, false), VMCB_TLB_NOTHING);

	setup_vmcb01(v01);
	setup_vmcb12(v12);
	in = merge_in(v01, v12);
	/* L1 asks for its non-global entries: that, and L1's flush reported. */
	v12->control.tlb_control = VMCB_TLB_FLUSH_ASID_NONGLOBAL;
	nsvm_merge(v02, &in, &out);
	assert_int_equal(out.tlb, NSVM_TLB_FLUSH_NONGLOBAL);
	assert_true(out.l1_flush);
	assert_int_equal(v02->control.tlb_control, VMCB_TLB_FLUSH_ASID_NONGLOBAL);
	/* A new ASID of L1's raises it to the whole of L2's ASID. */
	in.prev_l1_asid = 4;
	nsvm_merge(v02, &in, &out);
	assert_true(out.l1_asid_changed);
	assert_int_equal(out.tlb, NSVM_TLB_FLUSH_ASID);
	/* L0's own reason, without FlushByAsid: the whole TLB. */
	in.prev_l1_asid = v12->control.asid;
	v12->control.tlb_control = VMCB_TLB_NOTHING;
	in.l0_flush = true;
	in.flush_by_asid = false;
	nsvm_merge(v02, &in, &out);
	assert_false(out.l1_flush);
	assert_int_equal(out.tlb, NSVM_TLB_FLUSH_ASID);
	assert_int_equal(v02->control.tlb_control, VMCB_TLB_FLUSH_ALL);
	/* L1's "everything" stays everything. */
	in.l0_flush = false;
	in.flush_by_asid = true;
	v12->control.tlb_control = VMCB_TLB_FLUSH_ALL;
	nsvm_merge(v02, &in, &out);
	assert_int_equal(out.tlb, NSVM_TLB_FLUSH_ALL);
	assert_int_equal(v02->control.tlb_control, VMCB_TLB_FLUSH_ALL);
	free(v01);
	free(v12);
	free(v02);
}

/* ---- permission maps ---- */

static void test_merge_map(void **state)
{
	static uint8_t l0[SVM_MSRPM_BYTES], l1[SVM_MSRPM_BYTES], out[SVM_MSRPM_BYTES];
	uint8_t a[11], b[11], c[11];

	(void)state;
	memset(l0, 0, sizeof(l0));
	memset(l1, 0, sizeof(l1));
	svm_msrpm_set(l0, 0xc0000080u, true, true);  /* L0: EFER */
	svm_msrpm_set(l1, 0x10u, false, true);        /* L1: TSC writes */
	nsvm_merge_map(out, l0, l1, sizeof(out));
	assert_true(svm_msrpm_intercepts(out, 0xc0000080u, false));
	assert_true(svm_msrpm_intercepts(out, 0xc0000080u, true));
	assert_true(svm_msrpm_intercepts(out, 0x10u, true));
	assert_false(svm_msrpm_intercepts(out, 0x10u, false));
	assert_false(svm_msrpm_intercepts(out, 0xc0000103u, false));
	/* L1's map not in L1's memory: everything intercepted. */
	nsvm_merge_map(out, l0, NULL, sizeof(out));
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xff);
	/* A size that is no multiple of 8: the tail too. */
	for (unsigned i = 0; i < sizeof(a); i++) {
		a[i] = (uint8_t)(1u << (i % 8));
		b[i] = (uint8_t)(0x80u >> (i % 8));
	}
	nsvm_merge_map(c, a, b, sizeof(c));
	for (unsigned i = 0; i < sizeof(c); i++)
		assert_int_equal(c[i], a[i] | b[i]);
}

/* ---- vmcb_update_*() ---- */

static void test_update_keeps_bits_of_unchanged_values(void **state)
{
	struct vmcb *v = vmcb_new();

	(void)state;
	vmcb_set_cr3(v, 0x1000);
	vmcb_set_cs(v, (struct vmcb_seg){ 8, 0x29b, 0xffffffff, 0 });
	vmcb_mark_clean_after_exit(v);
	assert_false(vmcb_update_cr3(v, 0x1000));
	assert_false(vmcb_update_cs(v, (struct vmcb_seg){ 8, 0x29b, 0xffffffff, 0 }));
	assert_int_equal(v->control.clean, VMCB_CLEAN_AFTER_EXIT);
	assert_true(vmcb_update_cs(v, (struct vmcb_seg){ 8, 0x29b, 0xffffffff, 0x1000 })); /* base only */
	assert_int_equal(v->control.clean, VMCB_CLEAN_AFTER_EXIT & ~BIT(SEG));
	assert_true(vmcb_update_cr3(v, 0x2000));
	assert_int_equal(v->save.cr3, 0x2000);
	assert_int_equal(v->control.clean, VMCB_CLEAN_AFTER_EXIT & ~(BIT(SEG) | BIT(CR)));
	free(v);
}

/* ---- clean bits over sequences ---- */

/*
 * A CPU that trusts every set bit: at VMRUN it takes a clean group from
 * what it held since the last #VMEXIT, the rest from memory. What it runs
 * must be what vmcb02 says, field by field.
 */
struct cpu_model {
	struct vmcb held;
	bool valid;
};

static void cpu_vmrun(struct cpu_model *cpu, const struct vmcb *mem, struct vmcb *runs)
{
	memcpy(runs, mem, sizeof(*runs));
	for (unsigned i = 0; cpu->valid && i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		if (f->group >= 0 && (mem->control.clean & VMCB_CLEAN_BIT(f->group)))
			memcpy((uint8_t *)runs + f->offset, (const uint8_t *)&cpu->held + f->offset, f->size);
	}
}

static void cpu_vmexit(struct cpu_model *cpu, const struct vmcb *mem)
{
	memcpy(&cpu->held, mem, sizeof(cpu->held));
	cpu->valid = true;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One random thing L1 (or L2, through a reflected exit) changes between two nested VMRUNs. */
static void l1_changes(uint64_t *rng, struct vmcb *v12, struct nsvm_merge_in *in)
{
	uint64_t r = rng_next(rng);

	switch (r % 16u) {
	case 0: v12->control.intercept_misc1 ^= VMCB_MISC1_MSR_PROT; break;  /* KVM 2025 shape 1 */
	case 1: in->l1_pat ^= 0x1ull << (8u * ((r >> 8) % 8u)); break;        /* KVM 2025 shape 2 */
	case 2: v12->control.intercept_misc1 ^= VMCB_MISC1_IOIO_PROT; break;
	case 3: v12->control.nested_ctl ^= VMCB_NESTED_CTL_NP_ENABLE; break;
	case 4: v12->save.g_pat ^= 0x6ull << (8u * ((r >> 8) % 8u)); break;
	case 5: v12->control.intercept_exc ^= 1u << ((r >> 8) % 32u); break;
	case 6: v12->save.cr3 += 0x1000; break;
	case 7: v12->save.cs.base += 0x10; break;
	case 8: v12->save.idtr.limit ^= 0xff; break;
	case 9: v12->save.dr7 ^= 0x1; break;
	case 10: v12->control.int_ctl ^= VMCB_INT_CTL_V_IRQ; break;
	case 11: v12->control.asid = 1u + (uint32_t)((r >> 8) % 4u); break;
	case 12: in->n_cr3 ^= 0x1000; break;
	case 13: v12->control.tsc_offset += r >> 40; break;
	case 14: v12->save.rip += 3; break;
	default: break; /* nothing: the rerun must dirty nothing */
	}
}

/* What L2's run does to vmcb02 before the #VMEXIT, as the CPU writes it back. */
static void l2_runs(uint64_t *rng, struct vmcb *v02)
{
	uint64_t r = rng_next(rng);

	/* Raw stores: this is the CPU writing guest state, not the hypervisor. */
	v02->save.rip += 2;
	if (r & 1)
		v02->save.cr3 ^= 0x2000;
	if (r & 2)
		v02->save.cs.selector ^= 0x8;
	if (r & 4)
		v02->save.cr2 = r;
	if (r & 8)
		v02->control.int_ctl ^= 1u; /* V_TPR via CR8 */
}

static void run_sequence(void)
{
	struct vmcb *v01 = vmcb_new(), *v12 = vmcb_new(), *v02 = vmcb_new(), *snap = vmcb_new();
	struct vmcb *runs = vmcb_new();
	struct cpu_model *cpu = calloc(1, sizeof(*cpu));
	struct vmcb_audit_finding f[AUDIT_MAX];
	struct nsvm_merge_in in;
	struct nsvm_merge_out out;
	uint64_t rng = SEQ_SEED;
	unsigned clean_kept = 0, quiet_reruns = 0;

	assert_non_null(cpu);
	setup_vmcb01(v01);
	setup_vmcb12(v12);
	in = merge_in(v01, v12);
	for (unsigned step = 0; step < SEQ_STEPS; step++) {
		struct nsvm_l2_exit x = { .code = VMEXIT_HLT, .nrip = 0 };
		uint64_t r = rng_next(&rng);
		bool quiet = (r % 16u) == 15u;

		if (!quiet)
			l1_changes(&rng, v12, &in);
		nsvm_merge(v02, &in, &out);
		in.prev_l1_asid = v12->control.asid;
		if (step == 0)
			vmcb_mark_all_dirty(v02); /* a new vmcb02 */
		if (step > 0) {
			unsigned n = vmcb_audit_check(snap, v02, f, AUDIT_MAX);

			if (n != 0)
				fail_msg("step %u: %u stale field(s), first %s (%s)", step, n, f[0].field, f[0].group);
			if (quiet && out.dirtied == 0)
				quiet_reruns++;
			if (quiet && out.dirtied != 0)
				fail_msg("step %u: a rerun without changes dirtied 0x%x", step, out.dirtied);
		}
		cpu_vmrun(cpu, v02, runs);
		for (unsigned i = 0; i < vmcb_field_count; i++) {
			const struct vmcb_field *fl = &vmcb_field_table[i];

			if (memcmp((uint8_t *)runs + fl->offset, (uint8_t *)v02 + fl->offset, fl->size) != 0)
				fail_msg("step %u: the CPU runs a stale %s", step, fl->name);
		}
		clean_kept += (unsigned)__builtin_popcount(v02->control.clean & VMCB_CLEAN_ALL);
		/* L2 runs, exits; the exit is reflected (vmcb12 gets L2's state), L1 resumes. */
		l2_runs(&rng, v02);
		cpu_vmexit(cpu, v02);
		vmcb_mark_clean_after_exit(v02);
		vmcb_audit_snapshot(snap, v02);
		nsvm_vmexit_write(v12, v02, &x, true, out.l1_npt);
		v12->control.tlb_control = VMCB_TLB_NOTHING;
		if (!out.l1_npt)
			in.l1_pat = v02->save.g_pat;
	}
	/* Correct is not enough: unchanged groups must stay cached. */
	assert_true(quiet_reruns > SEQ_STEPS / 32u);
	assert_true(clean_kept > SEQ_STEPS * 5u);
	free(v01);
	free(v12);
	free(v02);
	free(snap);
	free(runs);
	free(cpu);
}

static void test_clean_bits_over_sequences(void **state)
{
	(void)state;
	run_sequence();
}

/* ---- the two 2025 KVM regressions ---- */

/*
 * KVM before the 2025 fixes, reproduced on top of Anvil's merge: after the
 * nested #VMEXIT had marked vmcb02 all clean, nested VMRUN wrote the MSRPM
 * base and gPAT without clearing PERM_MAP or NPT. Test-only.
 */
static void merge_kvm_regression(struct vmcb *v02, const struct nsvm_merge_in *in)
{
	uint32_t keep = v02->control.clean & (BIT(PERM_MAP) | BIT(NPT));

	nsvm_merge(v02, in, NULL);
	v02->control.clean |= keep;
}

typedef void (*merge_fn)(struct vmcb *v02, const struct nsvm_merge_in *in);

static void merge_anvil(struct vmcb *v02, const struct nsvm_merge_in *in)
{
	nsvm_merge(v02, in, NULL);
}

enum l1_step { L1_TOGGLES_MSR_INTERCEPTION = 1, L1_WRITES_PAT = 2 };

/*
 * Two nested VMRUNs with a reflected #VMEXIT between them, during which L1
 * does `what`. Returns the auditor's findings before the second VMRUN;
 * *clean is vmcb02's clean field then.
 */
static unsigned two_vmruns(merge_fn merge, unsigned what, bool l1_npt, struct vmcb_audit_finding *f,
			   uint32_t *clean)
{
	struct vmcb *v01 = vmcb_new(), *v12 = vmcb_new(), *v02 = vmcb_new(), *snap = vmcb_new();
	struct nsvm_merge_in in;
	unsigned n;

	setup_vmcb01(v01);
	setup_vmcb12(v12);
	if (l1_npt)
		v12->control.nested_ctl = VMCB_NESTED_CTL_NP_ENABLE;
	in = merge_in(v01, v12);
	merge(v02, &in);
	vmcb_mark_all_dirty(v02);
	vmcb_mark_clean_after_exit(v02); /* the nested #VMEXIT */
	vmcb_audit_snapshot(snap, v02);
	if (what & L1_TOGGLES_MSR_INTERCEPTION)
		v12->control.intercept_misc1 |= VMCB_MISC1_MSR_PROT;
	if (what & L1_WRITES_PAT)
		in.l1_pat = PAT_L1_WC; /* WRMSR(IA32_PAT) by L1, e.g. Linux's PAT setup */
	v12->save.rip += 2;
	merge(v02, &in);
	n = vmcb_audit_check(snap, v02, f, AUDIT_MAX);
	*clean = v02->control.clean;
	free(v01);
	free(v12);
	free(v02);
	free(snap);
	return n;
}

static void test_kvm_2025_perm_map_regression_is_flagged(void **state)
{
	struct vmcb_audit_finding f[AUDIT_MAX];
	uint32_t clean;

	(void)state;
	assert_int_equal(two_vmruns(merge_kvm_regression, L1_TOGGLES_MSR_INTERCEPTION, false, f, &clean), 1);
	assert_string_equal(f[0].field, "msrpm_base_pa");
	assert_string_equal(f[0].group, "PERM_MAP");
	assert_int_equal(f[0].before, MSRPM01_PA);
	assert_int_equal(f[0].after, MSRPM02_PA);
	assert_true(clean & BIT(PERM_MAP));
	/* Anvil's merge: nothing stale, PERM_MAP dirty. */
	assert_int_equal(two_vmruns(merge_anvil, L1_TOGGLES_MSR_INTERCEPTION, false, f, &clean), 0);
	assert_false(clean & BIT(PERM_MAP));
	assert_true(clean & BIT(NPT)); /* and nothing else needlessly */
}

static void test_kvm_2025_npt_regression_is_flagged(void **state)
{
	struct vmcb_audit_finding f[AUDIT_MAX];
	uint32_t clean;

	(void)state;
	assert_int_equal(two_vmruns(merge_kvm_regression, L1_WRITES_PAT, false, f, &clean), 1);
	assert_string_equal(f[0].field, "g_pat");
	assert_string_equal(f[0].group, "NPT");
	assert_int_equal(f[0].before, NSVM_PAT_DEFAULT);
	assert_int_equal(f[0].after, PAT_L1_WC);
	assert_true(clean & BIT(NPT));
	assert_int_equal(two_vmruns(merge_anvil, L1_WRITES_PAT, false, f, &clean), 0);
	assert_false(clean & BIT(NPT));
	assert_true(clean & BIT(PERM_MAP));
}

static void test_kvm_2025_both_at_once(void **state)
{
	struct vmcb_audit_finding f[AUDIT_MAX];
	uint32_t clean;

	(void)state;
	assert_int_equal(two_vmruns(merge_kvm_regression, L1_TOGGLES_MSR_INTERCEPTION | L1_WRITES_PAT, false, f,
				    &clean), 2);
	assert_string_equal(f[0].field, "msrpm_base_pa"); /* VMCB_FIELDS() order */
	assert_string_equal(f[1].field, "g_pat");
	assert_int_equal(two_vmruns(merge_anvil, L1_TOGGLES_MSR_INTERCEPTION | L1_WRITES_PAT, false, f, &clean), 0);
	assert_int_equal(clean & (BIT(PERM_MAP) | BIT(NPT)), 0);
}

/* With L1's nested paging L2 has a gPAT of its own: L1's PAT write changes nothing in vmcb02. */
static void test_l1_pat_write_under_l1_npt_changes_nothing(void **state)
{
	struct vmcb_audit_finding f[AUDIT_MAX];
	uint32_t clean;

	(void)state;
	assert_int_equal(two_vmruns(merge_kvm_regression, L1_WRITES_PAT, true, f, &clean), 0);
	assert_int_equal(two_vmruns(merge_anvil, L1_WRITES_PAT, true, f, &clean), 0);
	assert_true(clean & BIT(NPT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_fields),
		cmocka_unit_test(test_merge_maps_npt_and_vintr),
		cmocka_unit_test(test_tlb_mapping),
		cmocka_unit_test(test_merge_map),
		cmocka_unit_test(test_update_keeps_bits_of_unchanged_values),
		cmocka_unit_test(test_clean_bits_over_sequences),
		cmocka_unit_test(test_kvm_2025_perm_map_regression_is_flagged),
		cmocka_unit_test(test_kvm_2025_npt_regression_is_flagged),
		cmocka_unit_test(test_kvm_2025_both_at_once),
		cmocka_unit_test(test_l1_pat_write_under_l1_npt_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
