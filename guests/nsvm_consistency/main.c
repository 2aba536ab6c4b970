/* SPDX-License-Identifier: MIT */
/*
 * nsvm_consistency: every VMRUN consistency check of APM Vol 2 15.5.1
 * ("Canonicalization and Consistency Checks") and 15.20 (EVENTINJ) that
 * nested SVM makes: each case breaks one rule in an otherwise good vmcb12,
 * and VMRUN must come back at once with VMEXIT_INVALID, L1 still running
 * after it, and the refusal must be L0's own (ANVIL_NESTED_STAT_INVALID),
 * not the host CPU's VMRUN of vmcb02 failing; the good vmcb12 then runs
 * (its VMMCALL exit), so a check that fires on a legal state fails too. Many CPUs and emulators get some of
 * these wrong; Anvil's emulation must get them right on every platform.
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "nsvm_consistency", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 20000);

#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define SEG_L (1u << 9)
#define SEG_DB (1u << 10)
#define EV_V (1ull << 31)
#define EV_TYPE(t) ((uint64_t)(t) << 8)

void l2_vmmcall_loop(void);
__asm__(".text\n.globl l2_vmmcall_loop\nl2_vmmcall_loop:\n1: vmmcall\n jmp 1b\n");

static struct nsvm_vmcb vmcb;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t l2_stack[8192] __attribute__((aligned(16)));

typedef void (*breaker)(struct nsvm_vmcb *v);

static void svme_clear(struct nsvm_vmcb *v) { v->efer &= ~NSVM_EFER_SVME; }
static void cd0_nw1(struct nsvm_vmcb *v) { v->cr0 = (v->cr0 & ~CR0_CD) | CR0_NW; }
static void cr0_high(struct nsvm_vmcb *v) { v->cr0 |= 1ull << 32; }
static void cr3_mbz(struct nsvm_vmcb *v) { v->cr3 |= 1ull << 62; }
static void cr4_reserved(struct nsvm_vmcb *v) { v->cr4 |= 1ull << 63; }
static void dr6_high(struct nsvm_vmcb *v) { v->dr6 |= 1ull << 32; }
static void dr7_high(struct nsvm_vmcb *v) { v->dr7 |= 1ull << 32; }
static void efer_reserved(struct nsvm_vmcb *v) { v->efer |= 1ull << 63; }
static void lme_pg_no_pae(struct nsvm_vmcb *v) { v->cr4 &= ~CR4_PAE; }
static void lme_pg_no_pe(struct nsvm_vmcb *v) { v->cr0 &= ~CR0_PE; }
static void cs_l_and_d(struct nsvm_vmcb *v) { v->cs.attrib |= SEG_L | SEG_DB; }
static void no_vmrun_intercept(struct nsvm_vmcb *v) { v->intercept_misc2 &= ~NSVM_MISC2_VMRUN; }
static void asid0(struct nsvm_vmcb *v) { v->asid = 0; }
static void msrpm_beyond(struct nsvm_vmcb *v)
{
	v->intercept_misc1 |= NSVM_MISC1_MSR_PROT;
	v->msrpm_base = 1ull << 52;
}
static void iopm_beyond(struct nsvm_vmcb *v)
{
	v->intercept_misc1 |= NSVM_MISC1_IOIO_PROT;
	v->iopm_base = (1ull << 52) - 0x1000;
}
static void eventinj_type1(struct nsvm_vmcb *v) { v->event_inj = 0x20 | EV_TYPE(1) | EV_V; }
static void eventinj_exc_nmi(struct nsvm_vmcb *v) { v->event_inj = 2 | EV_TYPE(3) | EV_V; }
static void eventinj_exc_vector(struct nsvm_vmcb *v) { v->event_inj = 40 | EV_TYPE(3) | EV_V; }

static const struct {
	const char *name;
	breaker fn;
} cases[] = {
	{ "efer_svme_clear", svme_clear },         { "cr0_cd_clear_nw_set", cd0_nw1 },
	{ "cr0_high_bits", cr0_high },             { "cr3_mbz_bits", cr3_mbz },
	{ "cr4_reserved_bits", cr4_reserved },     { "dr6_high_bits", dr6_high },
	{ "dr7_high_bits", dr7_high },             { "efer_reserved_bits", efer_reserved },
	{ "lme_pg_without_pae", lme_pg_no_pae },   { "lme_pg_without_pe", lme_pg_no_pe },
	{ "long_mode_cs_l_and_d", cs_l_and_d },    { "vmrun_not_intercepted", no_vmrun_intercept },
	{ "asid_zero", asid0 },                    { "msrpm_beyond_phys", msrpm_beyond },
	{ "iopm_beyond_phys", iopm_beyond },       { "eventinj_reserved_type", eventinj_type1 },
	{ "eventinj_exception_nmi", eventinj_exc_nmi }, { "eventinj_exception_vector_40", eventinj_exc_vector },
};

static void good(void)
{
	nsvm_vmcb_init(&vmcb, l2_vmmcall_loop, l2_stack + sizeof(l2_stack));
}

int guest_main(const struct anvil_guest_info *info)
{
	const unsigned n = sizeof(cases) / sizeof(cases[0]);
	struct nsvm_gprs g;
	(void)info;
	static const char *const first[] = { "good_vmcb12_runs" };
	if (!nsvm_start_or_skip(hsave, false, first, 1)) {
		for (unsigned i = 0; i < n; i++)
			report_skip(cases[i].name, "no SVM for L1");
		return 0;
	}
	memset(&g, 0, sizeof(g));
	good();
	uint64_t code = nsvm_run(&vmcb, &g);
	reportf(code == NSVM_EXIT_VMMCALL, "good_vmcb12_runs", "the unbroken vmcb12 exited with %#llx, want VMMCALL",
		(unsigned long long)code);
	for (unsigned i = 0; i < n; i++) {
		struct checks c = { 0 };
		good();
		cases[i].fn(&vmcb);
		uint64_t refused = arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_INVALID, 0, 0);
		code = nsvm_run(&vmcb, &g);
		check(&c, code == NSVM_EXIT_INVALID, "exit %#llx, want VMEXIT_INVALID", (unsigned long long)code);
		/* Anvil's own check, not the CPU's (which may be missing or wrong) refused it. */
		check(&c, arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_INVALID, 0, 0) == refused + 1,
		      "VMEXIT_INVALID came from the CPU's VMRUN of vmcb02, not from L0's checks");
		good();
		code = nsvm_run(&vmcb, &g);
		check(&c, code == NSVM_EXIT_VMMCALL, "the good vmcb12 after it exited with %#llx", (unsigned long long)code);
		checks_report(&c, cases[i].name);
	}
	return 0;
}
