/* SPDX-License-Identifier: MIT */
/*
 * The nested-SVM core (arch/x86_64/lib/nsvm_*.c) on vmcb12s an L1 wrote:
 * vmcb12 is guest memory, every byte of it the guest's choice.
 *
 * Input: a flags byte (bit 0: L1 is offered nested paging, bit 1: the
 * second VMRUN uses another vmcb12 address, bit 2: another ASID), then two
 * vmcb12s A and B, each as one value per VMCB_FIELDS() field (the field's
 * size, little-endian) XORed into a legal 64-bit vmcb12 (so zero bytes
 * keep it legal and single bits break one rule at a time), then B's
 * clean field (u32). The two are run as two nested VMRUNs of L0, as
 * arch/x86_64/svm/nested_run.c does: the cache, the checks, the merge.
 *
 * Invariants:
 *   - nsvm_check_vmcb12() names the lowest failing check of
 *     nsvm_check_all(), OK exactly when none fails, with a name and text;
 *   - whatever L1 wrote, a vmcb02 that passed the checks keeps L0's hold
 *     on the machine: every intercept of vmcb01 (but the VINTR window) is
 *     set, VMRUN is intercepted, the ASID is L0's, the maps are L0's own or
 *     the merged ones L0 built, nested paging is on with L0's nCR3,
 *     V_INTR_MASKING is set, the TSC offset adds L1's to L0's, EVENTINJ is
 *     vmcb12's (checked legal);
 *   - the cache: with the same address and ASID, each group B marks clean
 *     comes from A's copy, every other grouped field from B; with another
 *     address or ASID, everything from B;
 *   - clean bits: after A's VMRUN and #VMEXIT (clean as a CPU leaves it),
 *     the auditor finds no field of vmcb02 that B's merge changed while its
 *     group stayed marked clean.
 */
#include "fuzz.h"
#include "nsvm_cache.h"
#include "nsvm_check.h"
#include "nsvm_merge.h"
#include "nsvm_regs.h"

#define L0_MSRPM 0x100000ull
#define L0_IOPM 0x104000ull
#define MSRPM02 0x200000ull
#define IOPM02 0x204000ull
#define L0_NCR3 0x300000ull
#define SHADOW 0x400000ull
#define L2_ASID 7u
#define GPA_A 0x10000ull
#define GPA_B 0x20000ull
#define SEG_CODE64 0xa9bu
#define SEG_DATA 0xc93u

static struct vmcb vmcb01, vmcb02, snap, l1_a, l1_b, copy_a;

static void make_vmcb01(void)
{
	memset(&vmcb01, 0, sizeof(vmcb01));
	vmcb01.control.intercept_misc1 = VMCB_MISC1_INTR | VMCB_MISC1_NMI | VMCB_MISC1_SHUTDOWN | VMCB_MISC1_CPUID |
					 VMCB_MISC1_HLT | VMCB_MISC1_INVLPGA | VMCB_MISC1_IOIO_PROT |
					 VMCB_MISC1_MSR_PROT | VMCB_MISC1_INVD | VMCB_MISC1_VINTR;
	vmcb01.control.intercept_misc2 = VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL | VMCB_MISC2_VMLOAD |
					 VMCB_MISC2_VMSAVE | VMCB_MISC2_STGI | VMCB_MISC2_CLGI;
	vmcb01.control.intercept_exc = 1u << 6;
	vmcb01.control.msrpm_base_pa = L0_MSRPM;
	vmcb01.control.iopm_base_pa = L0_IOPM;
	vmcb01.control.asid = 3;
	vmcb01.control.int_ctl = VMCB_INT_CTL_V_INTR_MASKING;
	vmcb01.control.nested_ctl = VMCB_NESTED_CTL_NP_ENABLE;
	vmcb01.control.n_cr3 = L0_NCR3;
	vmcb01.control.tsc_offset = 0x1000;
	vmcb01.save.g_pat = NSVM_PAT_DEFAULT;
}

/* A legal vmcb12 for a 64-bit L2 (the template the input's bits are XORed into). */
static void legal(struct vmcb *v)
{
	memset(v, 0, sizeof(*v));
	v->control.intercept_misc2 = VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL;
	v->control.asid = 1;
	v->control.msrpm_base_pa = 0x50000;
	v->control.iopm_base_pa = 0x60000;
	v->control.n_cr3 = 0x70000;
	v->save.cs = (struct vmcb_seg){ 0x08, SEG_CODE64, 0xffffffffu, 0 };
	v->save.ds = v->save.es = v->save.ss = (struct vmcb_seg){ 0x10, SEG_DATA, 0xffffffffu, 0 };
	v->save.efer = NSVM_EFER_SVME | NSVM_EFER_LME | NSVM_EFER_LMA | NSVM_EFER_NXE;
	v->save.cr0 = NSVM_CR0_PE | NSVM_CR0_PG | (1ull << 16) /* WP */;
	v->save.cr3 = 0x1000;
	v->save.cr4 = NSVM_CR4_PAE;
	v->save.dr6 = 0xffff0ff0u;
	v->save.dr7 = NSVM_DR7_RESET;
	v->save.rflags = 2;
	v->save.g_pat = NSVM_PAT_DEFAULT;
}

static void xor_fields(struct fz *f, struct vmcb *v)
{
	uint8_t *b = (uint8_t *)v;
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *fl = &vmcb_field_table[i];
		for (unsigned k = 0; k < fl->size; k++)
			b[fl->offset + k] ^= fz_u8(f);
	}
}

static struct nsvm_caps caps_of(uint8_t flags)
{
	return (struct nsvm_caps){
		.cr4_supported = 0x3f07ffull & ~(1ull << 12), /* VME..OSXMMEXCPT, UMIP, FSGSBASE.., no LA57 */
		.efer_supported = NSVM_EFER_SCE | NSVM_EFER_LME | NSVM_EFER_LMA | NSVM_EFER_NXE | NSVM_EFER_SVME,
		.exc_vectors = NSVM_EXC_VECTORS_AMD64,
		.phys_width = 48,
		.long_mode = true,
		.npt = flags & 1,
		.eventinj_reserved_mbz = true,
	};
}

static enum nsvm_check checked(const struct vmcb *v, const struct nsvm_caps *caps)
{
	enum nsvm_check c = nsvm_check_vmcb12(v, caps);
	uint32_t all = nsvm_check_all(v, caps);

	FUZZ_CHECK(c < NSVM_CHECK_COUNT, "reason %d out of range", c);
	FUZZ_CHECK((c == NSVM_CHECK_OK) == (all == 0), "first %d, all %#x", c, all);
	if (all)
		FUZZ_CHECK(NSVM_CHECK_BIT(c) == (all & -all), "first %d is not the lowest of %#x", c, all);
	FUZZ_CHECK(nsvm_check_name(c) && nsvm_check_text(c), "reason %d has no name", c);
	return c;
}

static void merge(const struct vmcb *v12, uint32_t prev_asid, bool npt_offered)
{
	bool l1_npt = v12->control.nested_ctl & VMCB_NESTED_CTL_NP_ENABLE;
	struct nsvm_merge_in in = {
		.vmcb01 = &vmcb01, .vmcb12 = v12, .msrpm_merged_pa = MSRPM02, .iopm_merged_pa = IOPM02,
		.n_cr3 = l1_npt ? SHADOW : L0_NCR3, .l1_pat = vmcb01.save.g_pat, .l2_asid = L2_ASID,
		.prev_l1_asid = prev_asid, .flush_by_asid = true,
	};
	const struct vmcb_control *k = &vmcb02.control, *l0 = &vmcb01.control;

	FUZZ_CHECK(!l1_npt || npt_offered, "nested paging passed the checks without being offered");
	nsvm_merge(&vmcb02, &in, NULL);
	FUZZ_CHECK((k->intercept_misc1 | VMCB_MISC1_VINTR) ==
			   (k->intercept_misc1 | (l0->intercept_misc1 & ~NSVM_L0_MISC1_FOR_L1_ONLY) | VMCB_MISC1_VINTR),
		   "an intercept of L0's missing in vmcb02 misc1 %#x", k->intercept_misc1);
	FUZZ_CHECK((k->intercept_misc2 & l0->intercept_misc2) == l0->intercept_misc2 &&
			   (k->intercept_misc2 & VMCB_MISC2_VMRUN),
		   "an intercept of L0's missing in vmcb02 misc2 %#x", k->intercept_misc2);
	FUZZ_CHECK((k->intercept_exc & l0->intercept_exc) == l0->intercept_exc, "exception intercepts %#x",
		   k->intercept_exc);
	FUZZ_CHECK(k->asid == L2_ASID, "vmcb02 ASID %u, L0 chose %u", k->asid, L2_ASID);
	FUZZ_CHECK(k->msrpm_base_pa == L0_MSRPM || k->msrpm_base_pa == MSRPM02, "MSRPM %#llx is L1's",
		   (unsigned long long)k->msrpm_base_pa);
	FUZZ_CHECK(k->iopm_base_pa == L0_IOPM || k->iopm_base_pa == IOPM02, "IOPM %#llx is L1's",
		   (unsigned long long)k->iopm_base_pa);
	FUZZ_CHECK(!(v12->control.intercept_misc1 & VMCB_MISC1_MSR_PROT) || k->msrpm_base_pa == MSRPM02,
		   "L1 consults its MSRPM but vmcb02 has L0's alone");
	FUZZ_CHECK((k->nested_ctl & VMCB_NESTED_CTL_NP_ENABLE) && k->n_cr3 == in.n_cr3,
		   "nested paging %#llx nCR3 %#llx, want on with %#llx", (unsigned long long)k->nested_ctl,
		   (unsigned long long)k->n_cr3, (unsigned long long)in.n_cr3);
	FUZZ_CHECK(k->int_ctl & VMCB_INT_CTL_V_INTR_MASKING, "V_INTR_MASKING clear: L2 would mask host interrupts");
	FUZZ_CHECK(k->tsc_offset == l0->tsc_offset + v12->control.tsc_offset, "TSC offset %#llx",
		   (unsigned long long)k->tsc_offset);
	FUZZ_CHECK(k->event_inj == v12->control.event_inj, "EVENTINJ %#llx, vmcb12 %#llx",
		   (unsigned long long)k->event_inj, (unsigned long long)v12->control.event_inj);
}

/* With the same key, group g clean in B: A's copy; otherwise B's bytes (grouped fields only). */
static void check_cache(const struct vmcb *got, uint32_t clean_b, bool same_key)
{
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *fl = &vmcb_field_table[i];
		if (fl->group < 0)
			continue;
		bool kept = same_key && ((clean_b >> fl->group) & 1);
		const struct vmcb *want = kept ? &copy_a : &l1_b;
		FUZZ_CHECK(!memcmp((const uint8_t *)got + fl->offset, (const uint8_t *)want + fl->offset, fl->size),
			   "field %s (group %d) from %s, want %s", fl->name, fl->group, kept ? "L1's memory" : "the copy",
			   kept ? "the copy" : "L1's memory");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nsvm_cache cache;
	struct fz f = fz_init(data, size);
	uint8_t flags = fz_u8(&f);
	struct nsvm_caps caps = caps_of(flags);
	struct vmcb_audit_finding found[4];

	make_vmcb01();
	memset(&vmcb02, 0, sizeof(vmcb02));
	legal(&l1_a);
	legal(&l1_b);
	xor_fields(&f, &l1_a);
	xor_fields(&f, &l1_b);
	l1_b.control.clean = fz_u32(&f);
	if (flags & 4)
		l1_b.control.asid ^= 0x100;
	nsvm_cache_init(&cache, NSVM_CACHE_HONOUR_ALL);

	/* VMRUN A: the first of this VMCB (clean 0), then the CPU's view after its #VMEXIT. */
	const struct vmcb *a = nsvm_cache_load(&cache, GPA_A, &l1_a, NULL);
	bool a_ran = checked(a, &caps) == NSVM_CHECK_OK;
	if (a_ran) {
		merge(a, 0, caps.npt);
		vmcb_mark_clean_after_exit(&vmcb02);
		vmcb_audit_snapshot(&snap, &vmcb02);
		memcpy(&copy_a, a, sizeof(copy_a));
	} else {
		nsvm_cache_invalidate(&cache); /* a refused VMRUN leaves nothing cached */
	}

	/* VMRUN B. */
	uint64_t gpa_b = (flags & 2) ? GPA_B : GPA_A;
	const struct vmcb *b = nsvm_cache_load(&cache, gpa_b, &l1_b, NULL);
	check_cache(b, l1_b.control.clean, a_ran && gpa_b == GPA_A && l1_b.control.asid == l1_a.control.asid);
	if (checked(b, &caps) != NSVM_CHECK_OK)
		return 0;
	merge(b, a_ran ? a->control.asid : 0, caps.npt);
	if (a_ran) {
		unsigned n = vmcb_audit_check(&snap, &vmcb02, found, 4);
		FUZZ_CHECK(n == 0, "%u stale clean bits in vmcb02, first %s (%s) 0x%llx -> 0x%llx", n, found[0].field,
			   found[0].group, (unsigned long long)found[0].before, (unsigned long long)found[0].after);
	}
	return 0;
}
