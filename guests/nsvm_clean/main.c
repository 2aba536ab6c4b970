/* SPDX-License-Identifier: MIT */
/*
 * nsvm_clean: vmcb12's clean bits as a CPU with VmcbClean would treat them
 * (docs/nested-svm.md, "vmcb12 clean bits"), and vmcb02's as the auditor
 * sees them. L2 (l2_observe) reads what each group governs, as far as L2
 * can see it: CPUID and TSC_AUX (do they exit?), CR8 (V_TPR), the window
 * page through L1's nested tables, CR0/CR4, DR6, GDTR, DS, CR2, and PAT.
 *
 * For every group L1 can change (a case each): a first VMRUN with clean
 * 0, a rerun with every bit set and nothing changed (L2 sees the same),
 * then one field changed with its group's bit cleared (L2 sees the new
 * value). LBR, AVIC and CET are not offered to L1: SKIP.
 *
 *   kvm2025_msr_toggle  L1 turns MSR interception on between two VMRUNs
 *                       without touching MSRPM_BASE_PA (so its PERM_MAP bit
 *                       stays set): vmcb02's map address changes, and L2's
 *                       TSC_AUX read must exit (KVM: "Mark VMCB_PERM_MAP as
 *                       dirty on nested VMRUN", 2025)
 *   kvm2025_pat_write   L1 writes IA32_PAT between two VMRUNs of an L2
 *                       without nested paging, vmcb12 untouched and all its
 *                       bits set: vmcb02's gPAT changes, L2 reads the new PAT
 *                       (KVM: "Mark VMCB_NPT as dirty on nested VMRUN")
 *   audited             the auditor checked the vmcb02 VMRUNs (the
 *                       vmcb_clean_audit case says whether any was stale)
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "nsvm_clean", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 30000);

#define WINDOW 0x10000000ull
#define E_P (1ull << 0)
#define E_RW (1ull << 1)
#define E_US (1ull << 2)
#define E_PS (1ull << 7)
#define TABLE (E_P | E_RW | E_US)
#define DONE 0xd0e
#define MSR_PAT 0x277u
#define CR4_TSD (1ull << 2)
#define CLEAN_ALL 0x1fffu
enum { G_INTERCEPTS, G_PERM_MAP, G_ASID, G_INTR, G_NPT, G_CR, G_DR, G_DT, G_SEG, G_CR2, G_LBR, G_AVIC, G_CET };
#define BIT(g) (1u << (g))
#define MAGIC(x) (0x636c65616e000000ull | (x))

typedef uint64_t table_t[512] __attribute__((aligned(4096)));
static table_t pml4, pdpt, pd, pt, pml4_2, pdpt_2, pd_2, pt_2;
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_d[512] __attribute__((aligned(4096)));
static uint64_t page_e[512] __attribute__((aligned(4096)));
static uint8_t msrpm_none[8192] __attribute__((aligned(4096)));
static uint8_t msrpm_aux[8192] __attribute__((aligned(4096)));
static struct nsvm_vmcb vmcb;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t l2_stack[16384] __attribute__((aligned(16)));

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static volatile struct obs {
	uint64_t cr0, cr2, cr4, dr6, cr8, pat, window;
	uint16_t gdt_limit, ds;
	bool use_window;
} obs;

static void __attribute__((noreturn)) l2_observe(void)
{
	struct dtr g;
	uint64_t v;
	uint16_t ds;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	obs.cr0 = v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	obs.cr2 = v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	obs.cr4 = v;
	__asm__ volatile("mov %%dr6, %0" : "=r"(v));
	obs.dr6 = v;
	__asm__ volatile("mov %%cr8, %0" : "=r"(v));
	obs.cr8 = v;
	__asm__ volatile("sgdt %0" : "=m"(g));
	obs.gdt_limit = g.limit;
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	obs.ds = ds;
	obs.pat = rdmsr(MSR_PAT);
	if (obs.use_window)
		obs.window = *(volatile uint64_t *)(uintptr_t)WINDOW;
	(void)cpuid(0, 0);
	(void)rdmsr(X86_MSR_TSC_AUX);
	for (;;)
		nsvm_l2_vmmcall(DONE);
}

struct run {
	unsigned cpuid_exits, msr_exits;
	uint64_t last_code;
};

/* One VMRUN of l2_observe from its start, L1 answering its CPUID/MSR exits; clean as given. */
static struct run run(uint32_t clean)
{
	struct nsvm_gprs g;
	struct run r = { 0 };

	memset(&g, 0, sizeof(g));
	vmcb.rip = (uint64_t)(uintptr_t)l2_observe;
	vmcb.rsp = (uint64_t)(uintptr_t)(l2_stack + sizeof(l2_stack));
	for (unsigned i = 0; i < 8; i++) {
		vmcb.clean = clean;
		uint64_t code = nsvm_run(&vmcb, &g);
		r.last_code = code;
		if (code == NSVM_EXIT_CPUID)
			r.cpuid_exits++;
		else if (code == NSVM_EXIT_MSR)
			r.msr_exits++;
		else
			break;
		vmcb.rip = vmcb.next_rip; /* nothing emulated: L2 ignores what it read there */
		clean = CLEAN_ALL;        /* nothing changed since */
	}
	return r;
}

static void build(uint64_t *l4, uint64_t *l3, uint64_t *l2, uint64_t *l1, const void *page)
{
	memset(l4, 0, 4096);
	memset(l3, 0, 4096);
	memset(l2, 0, 4096);
	memset(l1, 0, 4096);
	l4[0] = (uint64_t)(uintptr_t)l3 | TABLE;
	l3[0] = (uint64_t)(uintptr_t)l2 | TABLE;
	l2[0] = 0x000000 | E_P | E_RW | E_US | E_PS;
	l2[1] = 0x200000 | E_P | E_RW | E_US | E_PS;
	l2[WINDOW >> 21] = (uint64_t)(uintptr_t)l1 | TABLE;
	l1[0] = (uint64_t)(uintptr_t)page | E_P | E_RW | E_US;
}

static void fresh(bool npt)
{
	nsvm_vmcb_init(&vmcb, l2_observe, l2_stack + sizeof(l2_stack));
	vmcb.intercept_misc1 |= NSVM_MISC1_MSR_PROT;
	vmcb.msrpm_base = (uint64_t)(uintptr_t)msrpm_none;
	build(pml4, pdpt, pd, pt, page_a);
	obs.use_window = npt;
	if (npt) {
		vmcb.nested_ctl = 1;
		vmcb.n_cr3 = (uint64_t)(uintptr_t)pml4;
	}
}

typedef bool (*observed_fn)(const struct run *r);
typedef void (*change_fn)(void);

static bool ok_vmmcall(const struct run *r) { return r->last_code == NSVM_EXIT_VMMCALL; }

/*
 * The three VMRUNs of a group's case: clean 0, all clean unchanged, the
 * change with the group's bit clear. (Each check of the cr2 case reads L2's
 * CR2, which Bochs's VMRUN never loads: bochs-svm-vmrun-no-cr2-load explains
 * all three there.)
 */
static void group_case(const char *name, unsigned group, bool npt, change_fn change, observed_fn before,
		       observed_fn after)
{
	struct checks c = { 0 };
	fresh(npt);
	struct run r = run(0);
	check(&c, ok_vmmcall(&r) && before(&r), "first VMRUN (clean 0): not the starting value");
	r = run(CLEAN_ALL);
	check(&c, ok_vmmcall(&r) && before(&r), "unchanged rerun with every bit set: the value changed");
	change();
	r = run(CLEAN_ALL & ~BIT(group));
	check(&c, ok_vmmcall(&r) && after(&r), "after the change with the %s bit clear: L2 saw the old value", name);
	checks_report(&c, name);
}

static uint64_t base_cr4;
static uint16_t base_gdt_limit;

static bool no_cpuid_exit(const struct run *r) { return r->cpuid_exits == 0; }
static bool cpuid_exit(const struct run *r) { return r->cpuid_exits == 1; }
static void add_cpuid_intercept(void) { vmcb.intercept_misc1 |= NSVM_MISC1_CPUID; }

static bool no_msr_exit(const struct run *r) { return r->msr_exits == 0; }
static bool msr_exit(const struct run *r) { return r->msr_exits == 1; }
static void map_with_aux(void) { vmcb.msrpm_base = (uint64_t)(uintptr_t)msrpm_aux; }

static bool window_a(const struct run *r) { (void)r; return obs.window == MAGIC(0xa); }
static bool window_d(const struct run *r) { (void)r; return obs.window == MAGIC(0xd); }
static bool window_e(const struct run *r) { (void)r; return obs.window == MAGIC(0xe); }
static void remap_and_new_asid(void)
{
	pt[0] = (uint64_t)(uintptr_t)page_d | E_P | E_RW | E_US; /* no flush asked: only the new ASID shows it */
	vmcb.asid = 2;
}
static void other_tables(void) { vmcb.n_cr3 = (uint64_t)(uintptr_t)pml4_2; }

static bool tpr_0(const struct run *r) { (void)r; return obs.cr8 == 0; }
static bool tpr_5(const struct run *r) { (void)r; return obs.cr8 == 5; }
static void set_tpr(void) { vmcb.int_ctl = (vmcb.int_ctl & ~0xffu) | 5u; }

static bool cr4_base(const struct run *r) { (void)r; return obs.cr4 == base_cr4; }
static bool cr4_tsd(const struct run *r) { (void)r; return obs.cr4 == (base_cr4 ^ CR4_TSD); }
static void toggle_tsd(void) { vmcb.cr4 ^= CR4_TSD; }

static bool dr6_b0_clear(const struct run *r) { (void)r; return !(obs.dr6 & 1); }
static bool dr6_b0_set(const struct run *r) { (void)r; return obs.dr6 & 1; }
static void set_dr6_b0(void) { vmcb.dr6 |= 1; }

static bool gdt_base(const struct run *r) { (void)r; return obs.gdt_limit == base_gdt_limit; }
static bool gdt_more(const struct run *r) { (void)r; return obs.gdt_limit == base_gdt_limit + 8; }
static void grow_gdt(void) { vmcb.gdtr.limit += 8; }

static bool ds_data(const struct run *r) { (void)r; return obs.ds == ANVIL_GUEST_DS; }
static bool ds_null(const struct run *r) { (void)r; return obs.ds == 0; }
static void null_ds(void) { vmcb.ds.sel = 0; vmcb.ds.attrib = 0; }

static bool cr2_0(const struct run *r) { (void)r; return obs.cr2 == 0; }
static bool cr2_set(const struct run *r) { (void)r; return obs.cr2 == 0xc2c2c000ull; }
static void set_cr2(void) { vmcb.cr2 = 0xc2c2c000ull; }

static void case_msr_toggle(void)
{
	struct checks c = { 0 };
	fresh(false);
	vmcb.intercept_misc1 &= ~NSVM_MISC1_MSR_PROT;
	vmcb.msrpm_base = (uint64_t)(uintptr_t)msrpm_aux; /* already there, but not consulted yet */
	struct run r = run(0);
	check(&c, ok_vmmcall(&r) && r.msr_exits == 0, "MSR interception off: %u MSR exits", r.msr_exits);
	vmcb.intercept_misc1 |= NSVM_MISC1_MSR_PROT; /* INTERCEPTS changed; MSRPM_BASE_PA did not */
	r = run(CLEAN_ALL & ~BIT(G_INTERCEPTS));
	check(&c, ok_vmmcall(&r) && r.msr_exits == 1, "MSR interception on: %u MSR exits, want the TSC_AUX read",
	      r.msr_exits);
	checks_report(&c, "kvm2025_msr_toggle");
}

static void case_pat_write(void)
{
	struct checks c = { 0 };
	const uint64_t pat = 0x0007010600070106ull; /* entries 1 and 5 WC instead of WT */
	uint64_t old = rdmsr(MSR_PAT);
	fresh(false);
	struct run r = run(0);
	check(&c, ok_vmmcall(&r) && obs.pat == old, "L2's PAT %#llx, want L1's %#llx", (unsigned long long)obs.pat,
	      (unsigned long long)old);
	wrmsr(MSR_PAT, pat);
	check(&c, rdmsr(MSR_PAT) == pat, "L1's PAT did not take the write");
	r = run(CLEAN_ALL); /* vmcb12 untouched */
	check(&c, ok_vmmcall(&r) && obs.pat == pat, "after L1's WRMSR PAT: L2 read %#llx, want %#llx",
	      (unsigned long long)obs.pat, (unsigned long long)pat);
	wrmsr(MSR_PAT, old);
	checks_report(&c, "kvm2025_pat_write");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "intercepts", "perm_map", "asid", "intr", "npt", "cr", "dr", "dt", "seg",
					     "cr2", "lbr", "avic", "cet", "kvm2025_msr_toggle", "kvm2025_pat_write",
					     "audited" };
	(void)info;
	if (!nsvm_start_or_skip(hsave, true, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	page_a[0] = MAGIC(0xa);
	page_d[0] = MAGIC(0xd);
	page_e[0] = MAGIC(0xe);
	/* APM Vol 2 15.11: C000_0000-C000_1FFF from byte 0x800, 2 bits each, read first. */
	unsigned bit = 0x800u * 8 + (X86_MSR_TSC_AUX & 0x1fffu) * 2;
	msrpm_aux[bit / 8] |= (uint8_t)(1u << (bit % 8));
	build(pml4_2, pdpt_2, pd_2, pt_2, page_e);
	fresh(false);
	base_cr4 = vmcb.cr4;
	base_gdt_limit = (uint16_t)vmcb.gdtr.limit;
	group_case("intercepts", G_INTERCEPTS, false, add_cpuid_intercept, no_cpuid_exit, cpuid_exit);
	group_case("perm_map", G_PERM_MAP, false, map_with_aux, no_msr_exit, msr_exit);
	group_case("asid", G_ASID, true, remap_and_new_asid, window_a, window_d);
	group_case("intr", G_INTR, false, set_tpr, tpr_0, tpr_5);
	group_case("npt", G_NPT, true, other_tables, window_a, window_e);
	group_case("cr", G_CR, false, toggle_tsd, cr4_base, cr4_tsd);
	group_case("dr", G_DR, false, set_dr6_b0, dr6_b0_clear, dr6_b0_set);
	group_case("dt", G_DT, false, grow_gdt, gdt_base, gdt_more);
	group_case("seg", G_SEG, false, null_ds, ds_data, ds_null);
	group_case("cr2", G_CR2, false, set_cr2, cr2_0, cr2_set);
	report_skip("lbr", "L1 is offered no LBR virtualization");
	report_skip("avic", "L1 is offered no AVIC");
	report_skip("cet", "L1 is offered no CET");
	case_msr_toggle();
	case_pat_write();
	uint64_t audited = arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_AUDITED, 0, 0);
	uint64_t vmruns = arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_VMRUNS, 0, 0);
	if (arch_test(ANVIL_SVM_TEST_AUDIT_COUNT, 0, 0, 0) == ANVIL_TEST_UNSUPPORTED)
		report_skip("audited", "auditor off (audit=0)");
	else
		reportf(audited >= vmruns / 2 && audited > 0, "audited", "%llu vmcb02 VMRUNs audited for %llu VMRUNs of L1",
			(unsigned long long)audited, (unsigned long long)vmruns);
	return 0;
}
