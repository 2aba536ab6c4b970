/* SPDX-License-Identifier: MIT */
/*
 * arm64_basic: the EL1 guest's contract with the EL2 hypervisor. The HVC
 * round trip, every register and both stack pointers preserved across an
 * exit, the entry state, the minimal exit path, the firmware calls a guest
 * makes through SMC and HVC (PSCI 1.1 and SMCCC 1.1, the values
 * docs/guest-abi.md promises), and PSCI SYSTEM_OFF ending the payload.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "arm64_basic", .features = ANVIL_FEAT_GENERIC, .mem_kib = 1024,
	       .timeout_ms = 10000);

#define PSCI_VERSION 0x84000000u
#define PSCI_FEATURES 0x8400000au
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_UNKNOWN_FN 0x840000ffu
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define PSCI_1_1 0x00010001u
#define SMCCC_1_1 0x00010001u
#define NOT_SUPPORTED ((uint64_t)-1)
#define MINIMAL_CALLS 100u
#define CURRENT_EL1 (1u << 2)

void arm64_regs_hvc(uint64_t *in, uint64_t *out);

static uint64_t smc(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;

	__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
	return x0;
}

static uint64_t hvc_fw(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
	return x0;
}

static void check_entry_state(const struct anvil_guest_info *info)
{
	struct checks c = { 0 };

	check(&c, info->magic == ANVIL_GUEST_INFO_MAGIC, "x0 at entry points at %p, magic %#llx", (const void *)info,
	      (unsigned long long)info->magic);
	check(&c, guest_read_sysreg(CurrentEL) == CURRENT_EL1, "CurrentEL %#llx, want EL1",
	      (unsigned long long)guest_read_sysreg(CurrentEL));
	check(&c, guest_initial_rsp == (uint64_t)guest_manifest.mem_kib * 1024, "initial SP %#llx, want the top of memory %#llx",
	      (unsigned long long)guest_initial_rsp, (unsigned long long)guest_manifest.mem_kib * 1024);
	check(&c, guest_read_sysreg(tpidr_el0) == 0 && guest_read_sysreg(tpidr_el1) == 0,
	      "TPIDR_EL0/EL1 not reset: %#llx %#llx", (unsigned long long)guest_read_sysreg(tpidr_el0),
	      (unsigned long long)guest_read_sysreg(tpidr_el1));
	checks_report(&c, "entry_state");
}

static void check_roundtrip(void)
{
	uint64_t a = exit_count(ANVIL_EXIT_HYPERCALL), b = exit_count(ANVIL_EXIT_HYPERCALL);

	reportf(b == a + 1, "hvc_roundtrip", "two calls counted %llu then %llu", (unsigned long long)a,
		(unsigned long long)b);
}

static void check_registers(void)
{
	static uint64_t in[32], out[32];
	struct checks c = { 0 };

	for (unsigned i = 0; i < 31; i++)
		in[i] = 0x5a00000000000000ull | (uint64_t)i << 40 | (0x1111111ull * (i + 1));
	in[1] = ANVIL_EXIT_HYPERCALL; /* the call's argument */
	guest_write_sysreg(tpidr_el0, 0x7e57ull);
	uint64_t before = exit_count(ANVIL_EXIT_HYPERCALL);
	arm64_regs_hvc(in, out);
	check(&c, out[0] == before + 1, "x0 = %#llx, want the count %#llx", (unsigned long long)out[0],
	      (unsigned long long)before + 1);
	for (unsigned i = 1; i < 31; i++)
		check(&c, out[i] == in[i], "x%u %#llx after the HVC, was %#llx", i, (unsigned long long)out[i],
		      (unsigned long long)in[i]);
	check(&c, out[31] == in[31], "sp %#llx after the HVC, was %#llx", (unsigned long long)out[31],
	      (unsigned long long)in[31]);
	check(&c, guest_read_sysreg(tpidr_el0) == 0x7e57ull, "TPIDR_EL0 changed across exits");
	checks_report(&c, "registers_preserved");
	/* Left behind on purpose: arm64_sysreg, which runs next, must start without them. */
	guest_write_sysreg(tpidr_el1, 0x7e58ull);
	guest_write_sysreg(contextidr_el1, 0x7e59ull);
	guest_write_sysreg(S3_3_C4_C4_0, ARM64_FPCR_FZ); /* FPCR, by encoding: the guests are built without FP */
}

static void check_minimal(void)
{
	struct checks c = { 0 };
	uint64_t calls0 = exit_count(ANVIL_EXIT_HYPERCALL);
	uint64_t min0 = arch_test(ANVIL_ARM64_TEST_MINIMAL_COUNT, 0, 0, 0);

	minimal_exits(true);
	for (unsigned i = 0; i < MINIMAL_CALLS; i++)
		hypercall_minimal();
	minimal_exits(false);
	uint64_t min1 = arch_test(ANVIL_ARM64_TEST_MINIMAL_COUNT, 0, 0, 0);
	uint64_t calls1 = exit_count(ANVIL_EXIT_HYPERCALL);
	/* Counted: min0's arch_test, the two mode switches, min1's arch_test, then this call. */
	check(&c, min1 - min0 == MINIMAL_CALLS, "%u minimal calls, the minimal path took %llu", MINIMAL_CALLS,
	      (unsigned long long)(min1 - min0));
	check(&c, calls1 - calls0 == 5, "full-path hypercalls +%llu, want 5", (unsigned long long)(calls1 - calls0));
	checks_report(&c, "minimal_path");
}

static void check_firmware(void)
{
	struct checks c = { 0 };
	uint64_t smcs0 = exit_count(ANVIL_EXIT_SMC);
	uint64_t psci = smc(PSCI_VERSION, 0), psci_hvc = hvc_fw(PSCI_VERSION, 0);
	uint64_t f_psci = smc(PSCI_FEATURES, PSCI_VERSION), f_smccc = smc(PSCI_FEATURES, SMCCC_VERSION);
	uint64_t f_unknown = smc(PSCI_FEATURES, PSCI_UNKNOWN_FN), smccc = smc(SMCCC_VERSION, 0);
	uint64_t wa1 = smc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1), unknown = smc(PSCI_UNKNOWN_FN, 0);
	uint64_t smcs = exit_count(ANVIL_EXIT_SMC) - smcs0;

	check(&c, psci == PSCI_1_1, "PSCI_VERSION (SMC) %#llx, want 1.1", (unsigned long long)psci);
	check(&c, psci_hvc == PSCI_1_1, "PSCI_VERSION (HVC) %#llx, want 1.1", (unsigned long long)psci_hvc);
	check(&c, f_psci == 0, "PSCI_FEATURES(PSCI_VERSION) %#llx", (unsigned long long)f_psci);
	check(&c, f_smccc == 0, "PSCI_FEATURES(SMCCC_VERSION) %#llx", (unsigned long long)f_smccc);
	check(&c, f_unknown == NOT_SUPPORTED, "PSCI_FEATURES(unknown) %#llx", (unsigned long long)f_unknown);
	check(&c, smccc == SMCCC_1_1, "SMCCC_VERSION %#llx, want 1.1", (unsigned long long)smccc);
	check(&c, wa1 == NOT_SUPPORTED, "SMCCC_ARCH_FEATURES(WORKAROUND_1) %#llx", (unsigned long long)wa1);
	check(&c, unknown == NOT_SUPPORTED, "unknown PSCI function %#llx", (unsigned long long)unknown);
	/* 8 calls: 7 SMC and 1 HVC outside Anvil's range, each a firmware-call exit. */
	check(&c, smcs == 8, "firmware-call exits +%llu, want 8", (unsigned long long)smcs);
	checks_report(&c, "psci_smccc");
}

int guest_main(const struct anvil_guest_info *info)
{
	check_entry_state(info);
	check_roundtrip();
	check_registers();
	check_minimal();
	check_firmware();
	smc(PSCI_SYSTEM_OFF, 0);
	/* Still here: SYSTEM_OFF returned. */
	report(false, "system_off");
	return 0;
}
