// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/nsvm_check.c: every VMRUN consistency
 * check fires alone for a minimal change to a good vmcb12 (and nothing
 * fires for the good one), the order in which the first failure is
 * chosen, the boundaries (physical address width, CR3 in long and legacy
 * mode, the maps' last byte), legal EVENTINJ forms, the name tables.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nsvm_check.h>
#include <nsvm_regs.h>
#include <svm_perm.h>

#define PHYS_WIDTH 48u
#define CR0_ET (1ull << 4)
#define CR4_SUPPORTED 0x003727ffull  /* a plausible virtual CPU's CR4 */
#define EFER_FFXSR (1ull << 14)
#define EFER_RESERVED_BIT9 (1ull << 9)
#define SEG_CODE64 0x029bu           /* present, DPL 0, execute/read, accessed; L */
#define SEG_CODE32 0x0c9bu           /* the same with D and G, no L */
#define MSRPM_PA 0x100000ull
#define IOPM_PA 0x200000ull
#define TOP (1ull << PHYS_WIDTH)

static struct nsvm_caps caps_default(void)
{
	return (struct nsvm_caps){
		.cr4_supported = CR4_SUPPORTED,
		.efer_supported = NSVM_EFER_SCE | NSVM_EFER_LME | NSVM_EFER_LMA | NSVM_EFER_NXE |
				  NSVM_EFER_SVME | EFER_FFXSR,
		.exc_vectors = NSVM_EXC_VECTORS_AMD64,
		.phys_width = PHYS_WIDTH,
		.long_mode = true,
		.npt = true,
		.eventinj_reserved_mbz = true,
	};
}

/* A 64-bit L2 with nested paging of L1's, everything legal. */
static void good_long(struct vmcb *v)
{
	memset(v, 0, sizeof(*v));
	v->save.efer = NSVM_EFER_SVME | NSVM_EFER_LME | NSVM_EFER_LMA | NSVM_EFER_NXE | NSVM_EFER_SCE;
	v->save.cr0 = NSVM_CR0_PE | CR0_ET | NSVM_CR0_PG;
	v->save.cr3 = 0x7fff00001000ull; /* bit 46: inside 48 bits */
	v->save.cr4 = NSVM_CR4_PAE;
	v->save.cs.attrib = SEG_CODE64;
	v->save.dr6 = 0xffff0ff0ull;
	v->save.dr7 = NSVM_DR7_RESET;
	v->save.g_pat = NSVM_PAT_DEFAULT;
	v->control.intercept_misc2 = VMCB_MISC2_VMRUN;
	v->control.asid = 1;
	v->control.msrpm_base_pa = MSRPM_PA;
	v->control.iopm_base_pa = IOPM_PA;
	v->control.nested_ctl = VMCB_NESTED_CTL_NP_ENABLE;
}

/* A 32-bit protected-mode L2 (paging, no PAE), no nested paging. */
static void good_legacy(struct vmcb *v)
{
	memset(v, 0, sizeof(*v));
	v->save.efer = NSVM_EFER_SVME;
	v->save.cr0 = NSVM_CR0_PE | CR0_ET | NSVM_CR0_PG;
	v->save.cr3 = 0xfffff000ull;
	v->save.cs.attrib = SEG_CODE32;
	v->save.dr7 = NSVM_DR7_RESET;
	v->control.intercept_misc2 = VMCB_MISC2_VMRUN;
	v->control.asid = 7;
	v->control.msrpm_base_pa = MSRPM_PA;
	v->control.iopm_base_pa = IOPM_PA;
}

/* ---- the good ones pass ---- */

static void test_good_vmcb12_passes(void **state)
{
	struct vmcb v;
	struct nsvm_caps caps = caps_default();

	(void)state;
	good_long(&v);
	assert_int_equal(nsvm_check_vmcb12(&v, &caps), NSVM_CHECK_OK);
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
	good_legacy(&v);
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
	caps.long_mode = false;
	caps.efer_supported &= ~(NSVM_EFER_LME | NSVM_EFER_LMA);
	caps.npt = false;
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
}

/* ---- each check alone ---- */

struct bad_case {
	enum nsvm_check check;
	const char *what;
	void (*make)(struct vmcb *v, struct nsvm_caps *caps);
};

static void bad_svme(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.efer &= ~NSVM_EFER_SVME; }
static void bad_cd_nw(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr0 |= NSVM_CR0_NW; }
static void bad_cr0_high(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr0 |= 1ull << 32; }
static void bad_cr3_long(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr3 |= 1ull << PHYS_WIDTH; }
static void bad_cr3_bit63(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr3 |= 1ull << 63; }
static void bad_cr4(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr4 |= 1ull << 24; }
static void bad_cr4_high(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr4 |= 1ull << 40; }
static void bad_dr6(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.dr6 |= 1ull << 32; }
static void bad_dr7(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.dr7 |= 1ull << 63; }
static void bad_efer(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.efer |= EFER_RESERVED_BIT9; }
static void bad_efer_ffxsr(struct vmcb *v, struct nsvm_caps *c)
{
	c->efer_supported &= ~EFER_FFXSR; /* a bit that exists elsewhere, not on this virtual CPU */
	v->save.efer |= EFER_FFXSR;
}
static void bad_no_lm(struct vmcb *v, struct nsvm_caps *c)
{
	good_legacy(v);
	c->long_mode = false;
	c->efer_supported &= ~(NSVM_EFER_LME | NSVM_EFER_LMA);
	v->save.efer |= NSVM_EFER_LMA;
}
static void bad_lm_pae(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr4 &= ~NSVM_CR4_PAE; }
static void bad_lm_pe(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cr0 &= ~NSVM_CR0_PE; }
static void bad_cs_l_d(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.cs.attrib |= VMCB_SEG_ATTR_DB; }
static void bad_vmrun(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->control.intercept_misc2 &= ~VMCB_MISC2_VMRUN; }
static void bad_asid(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->control.asid = 0; }
static void bad_msrpm(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.msrpm_base_pa = TOP - SVM_MSRPM_BYTES + 0x1000; /* the second page is past the top */
}
static void bad_msrpm_far(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->control.msrpm_base_pa = 1ull << 63; }
static void bad_iopm(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.iopm_base_pa = TOP - SVM_IOPM_BYTES + 0x1000; /* the third page is past the top */
}
static void bad_ev_type1(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.event_inj = VMCB_EVENTINJ_V | (1ull << VMCB_EVENTINJ_TYPE_SHIFT) | 0x20;
}
static void bad_ev_type7(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_MASK | 0x20;
}
static void bad_ev_nmi_as_exc(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | NSVM_VEC_NMI;
}
static void bad_ev_exc32(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | 32;
}
static void bad_ev_exc15(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | 15; /* reserved vector */
}
static void bad_ev_reserved(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	v->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_INTR | 0x20 | (1ull << 12);
}
static void bad_npt(struct vmcb *v, struct nsvm_caps *c) { (void)v; c->npt = false; }
static void bad_gpat_type2(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.g_pat = 0x0007040600070402ull; }
static void bad_gpat_high(struct vmcb *v, struct nsvm_caps *c) { (void)c; v->save.g_pat = 0x0807040600070406ull; }

static void bad_cr3_legacy(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	good_legacy(v);
	v->save.cr3 |= 1ull << 32;
}

static void bad_cr3_pae(struct vmcb *v, struct nsvm_caps *c)
{
	(void)c;
	good_legacy(v);
	v->save.cr4 |= NSVM_CR4_PAE;
	v->save.cr3 = 0xffffffe0ull | (1ull << 40);
}

static const struct bad_case bad_cases[] = {
	{ NSVM_CHECK_EFER_SVME, "EFER.SVME clear", bad_svme },
	{ NSVM_CHECK_CR0_CD_NW, "NW without CD", bad_cd_nw },
	{ NSVM_CHECK_CR0_HIGH, "CR0 bit 32", bad_cr0_high },
	{ NSVM_CHECK_CR3_MBZ, "long-mode CR3 at the width", bad_cr3_long },
	{ NSVM_CHECK_CR3_MBZ, "long-mode CR3 bit 63", bad_cr3_bit63 },
	{ NSVM_CHECK_CR3_MBZ, "legacy CR3 bit 32", bad_cr3_legacy },
	{ NSVM_CHECK_CR3_MBZ, "PAE CR3 bit 40", bad_cr3_pae },
	{ NSVM_CHECK_CR4_MBZ, "CR4 bit 24 not supported", bad_cr4 },
	{ NSVM_CHECK_CR4_MBZ, "CR4 bit 40", bad_cr4_high },
	{ NSVM_CHECK_DR6_HIGH, "DR6 bit 32", bad_dr6 },
	{ NSVM_CHECK_DR7_HIGH, "DR7 bit 63", bad_dr7 },
	{ NSVM_CHECK_EFER_MBZ, "EFER bit 9", bad_efer },
	{ NSVM_CHECK_EFER_MBZ, "EFER.FFXSR not offered", bad_efer_ffxsr },
	{ NSVM_CHECK_EFER_NO_LONG_MODE, "EFER.LMA without long mode", bad_no_lm },
	{ NSVM_CHECK_LM_NO_PAE, "long mode without PAE", bad_lm_pae },
	{ NSVM_CHECK_LM_NO_PE, "long mode without PE", bad_lm_pe },
	{ NSVM_CHECK_LM_CS_L_D, "CS.L and CS.D", bad_cs_l_d },
	{ NSVM_CHECK_NO_VMRUN_INTERCEPT, "no VMRUN intercept", bad_vmrun },
	{ NSVM_CHECK_ASID_ZERO, "ASID 0", bad_asid },
	{ NSVM_CHECK_MSRPM_ADDR, "MSRPM's last page at the top", bad_msrpm },
	{ NSVM_CHECK_MSRPM_ADDR, "MSRPM at bit 63", bad_msrpm_far },
	{ NSVM_CHECK_IOPM_ADDR, "IOPM's last page at the top", bad_iopm },
	{ NSVM_CHECK_EVENTINJ_TYPE, "EVENTINJ type 1", bad_ev_type1 },
	{ NSVM_CHECK_EVENTINJ_TYPE, "EVENTINJ type 7", bad_ev_type7 },
	{ NSVM_CHECK_EVENTINJ_VECTOR, "exception vector 2 (NMI)", bad_ev_nmi_as_exc },
	{ NSVM_CHECK_EVENTINJ_VECTOR, "exception vector 32", bad_ev_exc32 },
	{ NSVM_CHECK_EVENTINJ_VECTOR, "exception vector 15 (reserved)", bad_ev_exc15 },
	{ NSVM_CHECK_EVENTINJ_RESERVED, "EVENTINJ bit 12", bad_ev_reserved },
	{ NSVM_CHECK_NPT_UNSUPPORTED, "NP_ENABLE not offered", bad_npt },
	{ NSVM_CHECK_GPAT, "gPAT type 2", bad_gpat_type2 },
	{ NSVM_CHECK_GPAT, "gPAT entry 0x08", bad_gpat_high },
};

static void test_each_check_fires_alone(void **state)
{
	bool covered[NSVM_CHECK_COUNT] = { false };

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct nsvm_caps caps = caps_default();
		struct vmcb v;
		uint32_t all;

		good_long(&v);
		b->make(&v, &caps);
		all = nsvm_check_all(&v, &caps);
		if (all != NSVM_CHECK_BIT(b->check))
			fail_msg("%s: expected only %s, got mask 0x%x (first %s)", b->what,
				 nsvm_check_name(b->check), all, nsvm_check_name(nsvm_check_vmcb12(&v, &caps)));
		assert_int_equal(nsvm_check_vmcb12(&v, &caps), b->check);
		covered[b->check] = true;
	}
	for (int c = NSVM_CHECK_OK + 1; c < NSVM_CHECK_COUNT; c++)
		if (!covered[c])
			fail_msg("no bad case for %s", nsvm_check_name((enum nsvm_check)c));
}

/* ---- order, boundaries, legal forms ---- */

static void test_first_failure_in_apm_order(void **state)
{
	struct nsvm_caps caps = caps_default();
	struct vmcb v;

	(void)state;
	good_long(&v);
	v.control.asid = 0;
	v.save.efer &= ~NSVM_EFER_SVME;
	assert_int_equal(nsvm_check_vmcb12(&v, &caps), NSVM_CHECK_EFER_SVME);
	assert_int_equal(nsvm_check_all(&v, &caps),
			 NSVM_CHECK_BIT(NSVM_CHECK_EFER_SVME) | NSVM_CHECK_BIT(NSVM_CHECK_ASID_ZERO));
	v.save.efer |= NSVM_EFER_SVME;
	assert_int_equal(nsvm_check_vmcb12(&v, &caps), NSVM_CHECK_ASID_ZERO);
}

static void test_map_extent(void **state)
{
	(void)state;
	/* The last whole map below 2^48 fits; one page higher does not; bits 11:0 are ignored. */
	assert_true(nsvm_map_fits(TOP - SVM_MSRPM_BYTES, SVM_MSRPM_BYTES, PHYS_WIDTH));
	assert_true(nsvm_map_fits(TOP - SVM_MSRPM_BYTES + 0xfff, SVM_MSRPM_BYTES, PHYS_WIDTH));
	assert_false(nsvm_map_fits(TOP - SVM_MSRPM_BYTES + 0x1000, SVM_MSRPM_BYTES, PHYS_WIDTH));
	assert_true(nsvm_map_fits(TOP - SVM_IOPM_BYTES, SVM_IOPM_BYTES, PHYS_WIDTH));
	assert_false(nsvm_map_fits(TOP - SVM_IOPM_BYTES + 0x1000, SVM_IOPM_BYTES, PHYS_WIDTH));
	assert_false(nsvm_map_fits(~0ull, SVM_IOPM_BYTES, 64)); /* wraps */
	assert_true(nsvm_map_fits(0, SVM_IOPM_BYTES, PHYS_WIDTH));
}

static void test_boundaries_that_pass(void **state)
{
	struct nsvm_caps caps = caps_default();
	struct vmcb v;

	(void)state;
	good_long(&v);
	v.save.cr3 = (TOP - 1u) & ~0xfffull; /* bit 47 */
	v.save.cr0 |= NSVM_CR0_CD | NSVM_CR0_NW; /* NW with CD is legal */
	v.save.cs.attrib = SEG_CODE32; /* compatibility mode: D without L */
	v.control.msrpm_base_pa = TOP - SVM_MSRPM_BYTES;
	v.control.iopm_base_pa = TOP - SVM_IOPM_BYTES;
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
	/* Without paging the long-mode checks do not apply: LME alone, no PAE, CS L and D. */
	v.save.cr0 &= ~NSVM_CR0_PG;
	v.save.cr4 = 0;
	v.save.cs.attrib = SEG_CODE64 | VMCB_SEG_ATTR_DB;
	v.save.efer &= ~NSVM_EFER_LMA;
	v.save.cr3 = 0x1000;
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
	/* Nested paging off: gPAT is not looked at. */
	good_long(&v);
	v.control.nested_ctl = 0;
	v.save.g_pat = ~0ull;
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
}

static void test_legal_eventinj(void **state)
{
	static const uint64_t legal[] = {
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_INTR | 0x20,
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_INTR | 2, /* an interrupt may use vector 2 */
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_NMI | 2,
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_NMI | 0x55, /* the vector of an NMI is ignored */
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | 14 | VMCB_EVENTINJ_EV | (0x6ull << 32),
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | 0,
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_EXCP | 30, /* #SX */
		VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_SOFT | 0x80,
		VMCB_EVENTINJ_TYPE_MASK | 0xff | (1ull << 20), /* not valid: nothing is looked at */
	};
	struct nsvm_caps caps = caps_default();
	struct vmcb v;

	(void)state;
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++) {
		good_long(&v);
		v.control.event_inj = legal[i];
		if (nsvm_check_all(&v, &caps) != 0)
			fail_msg("EVENTINJ 0x%llx refused: %s", (unsigned long long)legal[i],
				 nsvm_check_name(nsvm_check_vmcb12(&v, &caps)));
	}
	/* Reserved bits are Anvil's policy: off, they pass. */
	good_long(&v);
	bad_ev_reserved(&v, &caps);
	caps.eventinj_reserved_mbz = false;
	assert_int_equal(nsvm_check_all(&v, &caps), 0);
}

/* The exception mask, written down from the APM's vector table. */
static void test_exception_vectors(void **state)
{
	static const unsigned defined[] = { 0, 1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 16, 17, 18, 19, 21, 28, 29, 30 };
	uint32_t mask = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(defined) / sizeof(defined[0]); i++)
		mask |= 1u << defined[i];
	assert_int_equal(mask, NSVM_EXC_VECTORS_AMD64);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(nsvm_check_name(NSVM_CHECK_OK), "OK");
	assert_string_equal(nsvm_check_name(NSVM_CHECK_EFER_SVME), "EFER_SVME");
	assert_string_equal(nsvm_check_name(NSVM_CHECK_GPAT), "GPAT");
	assert_string_equal(nsvm_check_text(NSVM_CHECK_ASID_ZERO), "ASID 0");
	assert_null(nsvm_check_name(NSVM_CHECK_COUNT));
	assert_null(nsvm_check_text((enum nsvm_check)-1));
	for (int a = 0; a < NSVM_CHECK_COUNT; a++) {
		assert_non_null(nsvm_check_name((enum nsvm_check)a));
		assert_non_null(nsvm_check_text((enum nsvm_check)a));
		for (int b = a + 1; b < NSVM_CHECK_COUNT; b++)
			assert_string_not_equal(nsvm_check_name((enum nsvm_check)a),
						nsvm_check_name((enum nsvm_check)b));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_vmcb12_passes),
		cmocka_unit_test(test_each_check_fires_alone),
		cmocka_unit_test(test_first_failure_in_apm_order),
		cmocka_unit_test(test_map_extent),
		cmocka_unit_test(test_boundaries_that_pass),
		cmocka_unit_test(test_legal_eventinj),
		cmocka_unit_test(test_exception_vectors),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
