/* SPDX-License-Identifier: MIT */
/*
 * arm64_sysreg: what the guest sees of trapped system registers. ID
 * registers come back sanitised (the fields guest_abi.h ANVIL_ARM64_HIDE_*
 * names cleared, everything else as the CPU has it, which the hypervisor
 * reads for us unsanitised through ANVIL_ARM64_TEST_ID_RAW); AArch32 ID
 * registers read as zero; a trapped register the guest does not have (the
 * EL1 physical timer) is an undefined instruction at the MRS itself; WFI
 * exits and is counted.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "arm64_sysreg", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024,
	       .timeout_ms = 10000);

#define PFR0_SVE_MASK 0x0000000f00000000ull

void arm64_read_cntp_ctl(void);

struct id_case {
	const char *name;
	uint32_t encoding;
	uint64_t hide;
	uint64_t (*read)(void);
};

static uint64_t rd_pfr0(void) { return guest_read_sysreg(id_aa64pfr0_el1); }
static uint64_t rd_pfr1(void) { return guest_read_sysreg(id_aa64pfr1_el1); }
static uint64_t rd_dfr0(void) { return guest_read_sysreg(id_aa64dfr0_el1); }
static uint64_t rd_isar0(void) { return guest_read_sysreg(id_aa64isar0_el1); }
static uint64_t rd_mmfr0(void) { return guest_read_sysreg(id_aa64mmfr0_el1); }

static const struct id_case id_cases[] = {
	{ "ID_AA64PFR0_EL1", ANVIL_ARM64_ID_REG(3, 0, 0, 4, 0), ANVIL_ARM64_HIDE_PFR0, rd_pfr0 },
	{ "ID_AA64PFR1_EL1", ANVIL_ARM64_ID_REG(3, 0, 0, 4, 1), ANVIL_ARM64_HIDE_PFR1, rd_pfr1 },
	{ "ID_AA64DFR0_EL1", ANVIL_ARM64_ID_REG(3, 0, 0, 5, 0), ANVIL_ARM64_HIDE_DFR0, rd_dfr0 },
	{ "ID_AA64ISAR0_EL1", ANVIL_ARM64_ID_REG(3, 0, 0, 6, 0), 0, rd_isar0 },
	{ "ID_AA64MMFR0_EL1", ANVIL_ARM64_ID_REG(3, 0, 0, 7, 0), 0, rd_mmfr0 },
};
#define ID_CASES (sizeof(id_cases) / sizeof(id_cases[0]))

static void check_id_registers(void)
{
	struct checks c = { 0 };
	uint64_t traps0 = exit_count(ANVIL_EXIT_SYSREG);
	uint64_t seen[ID_CASES];

	for (unsigned i = 0; i < ID_CASES; i++)
		seen[i] = id_cases[i].read();
	uint64_t traps = exit_count(ANVIL_EXIT_SYSREG) - traps0;
	check(&c, traps == ID_CASES, "%u ID register reads, %llu system-register exits", (unsigned)ID_CASES,
	      (unsigned long long)traps);
	for (unsigned i = 0; i < ID_CASES; i++) {
		uint64_t raw = arch_test(ANVIL_ARM64_TEST_ID_RAW, id_cases[i].encoding, 0, 0);
		check(&c, seen[i] == (raw & ~id_cases[i].hide), "%s reads %#llx; the CPU has %#llx, want %#llx",
		      id_cases[i].name, (unsigned long long)seen[i], (unsigned long long)raw,
		      (unsigned long long)(raw & ~id_cases[i].hide));
	}
	checks_report(&c, "id_registers_sanitised");
}

static void check_sve_hidden(void)
{
	uint64_t raw = arch_test(ANVIL_ARM64_TEST_ID_RAW, ANVIL_ARM64_ID_REG(3, 0, 0, 4, 0), 0, 0);
	uint64_t seen = guest_read_sysreg(id_aa64pfr0_el1);

	if (!(raw & PFR0_SVE_MASK)) {
		report_skip("sve_hidden", "this CPU has no SVE (ID_AA64PFR0_EL1 %#llx): nothing to hide",
			    (unsigned long long)raw);
		return;
	}
	reportf(!(seen & PFR0_SVE_MASK), "sve_hidden", "the CPU has SVE %llu, the guest sees %llu",
		(unsigned long long)((raw & PFR0_SVE_MASK) >> 32), (unsigned long long)((seen & PFR0_SVE_MASK) >> 32));
}

static void check_aarch32_id_zero(void)
{
	uint64_t pfr0 = guest_read_sysreg(S3_0_C0_C1_0); /* ID_PFR0_EL1 */
	uint64_t isar0 = guest_read_sysreg(S3_0_C0_C2_0); /* ID_ISAR0_EL1 */

	reportf(pfr0 == 0 && isar0 == 0, "aarch32_id_zero", "ID_PFR0_EL1 %#llx, ID_ISAR0_EL1 %#llx, want 0 (no AArch32)",
		(unsigned long long)pfr0, (unsigned long long)isar0);
}

static void read_cntp(void *arg)
{
	(void)arg;
	((void (*)(void))arm64_read_cntp_ctl)();
}

static void check_undefined_sysreg(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	uint64_t traps0 = exit_count(ANVIL_EXIT_SYSREG);
	bool caught = guest_try(read_cntp, NULL, &t);
	uint64_t traps = exit_count(ANVIL_EXIT_SYSREG) - traps0;

	if (check(&c, caught, "reading CNTP_CTL_EL0 raised nothing"))
		check(&c, ARM64_ESR_EC(t.esr) == ARM64_EC_UNKNOWN && t.elr == (uint64_t)(uintptr_t)arm64_read_cntp_ctl &&
			      t.source == GUEST_FROM_EL1H,
		      "ESR %#llx (EC %#x) at %#llx through vector quarter %llu, want EC 0 at the MRS %p through "
		      "EL1h's", (unsigned long long)t.esr, ARM64_ESR_EC(t.esr), (unsigned long long)t.elr,
		      (unsigned long long)t.source, (void *)arm64_read_cntp_ctl);
	check(&c, traps == 1, "system-register exits +%llu, want 1", (unsigned long long)traps);
	checks_report(&c, "undefined_sysreg");
}

static void check_wfi(void)
{
	uint64_t n0 = exit_count(ANVIL_EXIT_HLT);

	__asm__ volatile("wfi" ::: "memory");
	uint64_t n = exit_count(ANVIL_EXIT_HLT) - n0;
	reportf(n == 1, "wfi_trapped", "one WFI, %llu halt exits", (unsigned long long)n);
}

/* arm64_basic, the payload before this one, left these set: each payload starts from the reset values. */
static void check_reset_after_previous(void)
{
	struct checks c = { 0 };
	uint64_t t0 = guest_read_sysreg(tpidr_el0), t1 = guest_read_sysreg(tpidr_el1);
	uint64_t cid = guest_read_sysreg(contextidr_el1), fpcr = guest_read_sysreg(S3_3_C4_C4_0); /* FPCR */

	check(&c, t0 == 0 && t1 == 0 && cid == 0 && fpcr == 0,
	      "TPIDR_EL0 %#llx TPIDR_EL1 %#llx CONTEXTIDR_EL1 %#llx FPCR %#llx, want all 0", (unsigned long long)t0,
	      (unsigned long long)t1, (unsigned long long)cid, (unsigned long long)fpcr);
	checks_report(&c, "el1_state_reset");
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	check_reset_after_previous();
	check_id_registers();
	check_sve_hidden();
	check_aarch32_id_zero();
	check_undefined_sysreg();
	check_wfi();
	return 0;
}
