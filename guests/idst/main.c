/* SPDX-License-Identifier: MIT */
/*
 * idst: FEAT_IDST (Arm ARM D24.2 ID_AA64MMFR2_EL1.IDS; spec sheet E). Reads
 * of Feature ID space registers (op0 3, op1 0/1/3, CRn 0, CRm 0-7) that the
 * guest does not have must be reported as the trapped-MRS syndrome (EC
 * 0x18, ISS naming the register, Rt and the read) when the guest's
 * ID_AA64MMFR2_EL1.IDS is 1, and as an undefined instruction (EC 0)
 * when it is 0; ELR is the MRS either way. The registers: CCSIDR2_EL1
 * (FEAT_CCIDX), GMID_EL1 (FEAT_MTE2) and SMIDR_EL1 (FEAT_SME). Whether the
 * guest "has" one follows its sanitised ID registers: Anvil hides MTE and
 * SME (guest_abi.h ANVIL_ARM64_HIDE_PFR1), so where the CPU implements
 * them the hypervisor traps the read (HCR_EL2.TID5, TID1) and must reflect
 * it; where the CPU lacks them the CPU itself answers as its IDS says,
 * which is why the hypervisor shows IDS unchanged (docs/vgic.md "FEAT_IDST").
 * REVIDR_EL1 and AIDR_EL1, trapped by the same TID1, must still read.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "idst", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024, .timeout_ms = 10000);

uint64_t idst_read_ccsidr2(void);
uint64_t idst_read_gmid(void);
uint64_t idst_read_smidr(void);
uint64_t idst_read_revidr(void);
uint64_t idst_read_aidr(void);

#define EC_SYS64 0x18u
#define ESR_IL (1ull << 25)
#define ESR_ISS_MASK 0x1ffffffull
#define ISS_RT_SHIFT 5
#define ISS_READ 1u
#define MMFR2_IDS(v) ((unsigned)((v) >> 36) & 0xfu)
#define MMFR2_CCIDX(v) ((unsigned)((v) >> 20) & 0xfu)
#define PFR1_MTE(v) ((unsigned)((v) >> 8) & 0xfu)
#define PFR1_SME(v) ((unsigned)((v) >> 24) & 0xfu)

static unsigned guest_ids;

struct idst_case {
	const char *name;
	uint64_t (*read)(void);
	uint32_t encoding;  /* ANVIL_ARM64_ID_REG form */
	unsigned rt;
	bool (*implemented)(void);
};

static uint64_t guest_mmfr2(void) { return guest_read_sysreg(id_aa64mmfr2_el1); }
static uint64_t guest_pfr1(void) { return guest_read_sysreg(id_aa64pfr1_el1); }
static bool has_ccidx(void) { return MMFR2_CCIDX(guest_mmfr2()) != 0; }
static bool has_mte2(void) { return PFR1_MTE(guest_pfr1()) >= 2; }
static bool has_sme(void) { return PFR1_SME(guest_pfr1()) != 0; }

static const struct idst_case cases[] = {
	{ "ccsidr2_el1", idst_read_ccsidr2, ANVIL_ARM64_ID_REG(3, 1, 0, 0, 2), 0, has_ccidx },
	{ "gmid_el1", idst_read_gmid, ANVIL_ARM64_ID_REG(3, 1, 0, 0, 4), 3, has_mte2 },
	{ "smidr_el1", idst_read_smidr, ANVIL_ARM64_ID_REG(3, 1, 0, 0, 6), 17, has_sme },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void call_read(void *arg)
{
	const struct idst_case *k = arg;

	(void)k->read();
}

static void check_ids_shown(void)
{
	struct checks c = { 0 };
	uint64_t seen = guest_mmfr2();
	uint64_t raw = arch_test(ANVIL_ARM64_TEST_ID_RAW, ANVIL_ARM64_ID_REG(3, 0, 0, 7, 2), 0, 0);

	guest_ids = MMFR2_IDS(seen);
	check(&c, MMFR2_IDS(seen) == MMFR2_IDS(raw), "ID_AA64MMFR2_EL1.IDS %u, the CPU's %u: must be shown as is",
	      MMFR2_IDS(seen), MMFR2_IDS(raw));
	check_note(&c, "IDS %u (FEAT_IDST %s)", guest_ids, guest_ids ? "implemented" : "not implemented");
	checks_report(&c, "ids_shown");
}

static void check_one(const struct idst_case *k)
{
	struct checks c = { 0 };
	struct guest_trap t;
	uint64_t exits0 = exit_count(ANVIL_EXIT_SYSREG);

	if (k->implemented()) {
		bool caught = guest_try(call_read, (void *)k, &t);
		check(&c, !caught, "%s is implemented for the guest but its read raised ESR %#llx", k->name,
		      (unsigned long long)t.esr);
		check_note(&c, "implemented for the guest: reads");
		checks_report(&c, k->name);
		return;
	}
	bool caught = guest_try(call_read, (void *)k, &t);
	uint64_t exits = exit_count(ANVIL_EXIT_SYSREG) - exits0;

	if (!check(&c, caught, "reading %s (not implemented for the guest) raised nothing", k->name)) {
		checks_report(&c, k->name);
		return;
	}
	uint64_t iss = t.esr & ESR_ISS_MASK;
	uint64_t want_iss = guest_ids ? (k->encoding | (uint64_t)k->rt << ISS_RT_SHIFT | ISS_READ) : 0;
	unsigned want_ec = guest_ids ? EC_SYS64 : ARM64_EC_UNKNOWN;

	check(&c, ARM64_ESR_EC(t.esr) == want_ec, "%s: EC %#x (ESR %#llx), want %#x with IDS %u", k->name,
	      ARM64_ESR_EC(t.esr), (unsigned long long)t.esr, want_ec, guest_ids);
	check(&c, iss == want_iss, "%s: ISS %#llx, want %#llx (op0 3 op1 1 CRn 0 CRm 0, Rt %u, read)", k->name,
	      (unsigned long long)iss, (unsigned long long)want_iss, k->rt);
	check(&c, (t.esr & ESR_IL) != 0, "%s: ESR %#llx without IL", k->name, (unsigned long long)t.esr);
	check(&c, t.elr == (uint64_t)(uintptr_t)k->read && t.source == GUEST_FROM_EL1H,
	      "%s: ELR %#llx through quarter %llu, want the MRS at %p through EL1h's", k->name,
	      (unsigned long long)t.elr, (unsigned long long)t.source, (void *)k->read);
	check_note(&c, "EC %#x, %s", ARM64_ESR_EC(t.esr),
		   exits ? "trapped to EL2 and reflected" : "answered by the CPU (no exit)");
	checks_report(&c, k->name);
}

static void check_tid1_neighbours(void)
{
	struct checks c = { 0 };
	uint64_t revidr = idst_read_revidr(), aidr = idst_read_aidr();
	uint64_t raw_revidr = arch_test(ANVIL_ARM64_TEST_ID_RAW, ANVIL_ARM64_ID_REG(3, 0, 0, 0, 6), 0, 0);
	uint64_t raw_aidr = arch_test(ANVIL_ARM64_TEST_ID_RAW, ANVIL_ARM64_ID_REG(3, 1, 0, 0, 7), 0, 0);

	check(&c, revidr == raw_revidr && aidr == raw_aidr,
	      "REVIDR_EL1 %#llx AIDR_EL1 %#llx, the CPU's %#llx %#llx", (unsigned long long)revidr,
	      (unsigned long long)aidr, (unsigned long long)raw_revidr, (unsigned long long)raw_aidr);
	checks_report(&c, "revidr_aidr_read");
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	check_ids_shown();
	for (unsigned i = 0; i < NCASES; i++)
		check_one(&cases[i]);
	check_tid1_neighbours();
	return 0;
}
