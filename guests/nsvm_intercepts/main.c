/* SPDX-License-Identifier: MIT */
/*
 * nsvm_intercepts: L1 intercepts CPUID, one MSR read and one MSR write
 * (through its own MSR permission map) and one I/O port (through its own
 * I/O permission map) for L2, and sees exactly those exits, in order, with
 * the EXITINFO the APM defines; what L1 does not intercept never reaches
 * it (docs/nested-svm.md, "Exits from L2").
 *
 * L2 (l2_main, C code of the payload running in L1's address space): CPUID,
 * RDMSR TSC_AUX, WRMSR of the Anvil test MSR, IN from port 0x70, OUT to
 * port 0x71, then VMMCALL DONE for ever.
 *
 *   intercepted      L1's maps intercept the TSC_AUX read, the test MSR's
 *                    write and port 0x70 (not 0x71): exits CPUID, MSR
 *                    (EXITINFO1 0, RCX TSC_AUX), MSR (EXITINFO1 1, RCX, the
 *                    value in EDX:EAX), IOIO (port 0x70, IN, 8-bit,
 *                    EXITINFO2 = the next RIP), then VMMCALL; L2 sees the
 *                    values L1 emulated
 *   not_intercepted  the same L2 with only VMRUN and VMMCALL intercepted:
 *                    the one exit is the final VMMCALL; L2's CPUID is L0's
 *                    answer (not L1's), its IN from 0x70 finds no device
 *   maps_switch      L1 moves the MSR intercept to another MSR between two
 *                    VMRUNs (its map edited in place, same address): the
 *                    exit follows the map of the second VMRUN
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "nsvm_intercepts", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 20000);

#define L2_STACK 16384u
#define DONE 0xd0e
#define LEAF 0x40000000u
#define MSR_READ X86_MSR_TSC_AUX
#define MSR_WRITE ANVIL_TEST_MSR
#define MSR_OTHER 0xc0000102u /* KERNEL_GS_BASE: L0 intercepts it too */
#define PORT_IN 0x70u
#define PORT_OUT 0x71u
#define EMU_EAX 0xc1c1c1c1u
#define EMU_MSR 0xa1a1u
#define EMU_IN 0x42u
#define WRITE_VALUE 0x123456789abcull
#define IOIO_TYPE_IN (1u << 0)
#define IOIO_SZ8 (1u << 4)
#define MAX_EXITS 16u

static struct nsvm_vmcb vmcb;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t msrpm[8192] __attribute__((aligned(4096)));
static uint8_t iopm[12288] __attribute__((aligned(4096)));
static uint8_t l2_stack[L2_STACK] __attribute__((aligned(16)));

static volatile struct {
	uint32_t cpuid_eax;
	uint64_t msr;
	uint8_t in;
} l2_saw;

static volatile unsigned l2_msr_to_read = MSR_READ;

static void __attribute__((noreturn)) l2_main(void)
{
	l2_saw.cpuid_eax = cpuid(LEAF, 0).eax;
	l2_saw.msr = rdmsr(l2_msr_to_read);
	wrmsr(MSR_WRITE, WRITE_VALUE);
	l2_saw.in = inb(PORT_IN);
	outb(PORT_OUT, 0x5a);
	for (;;)
		nsvm_l2_vmmcall(DONE);
}

struct exit_rec {
	uint64_t code, info1, info2, rcx, value;
};

/* APM Vol 2 15.11: MSRs 0-1FFF at bit 2n (read) / 2n+1 (write) of bytes 0-7FF, C000_0000-C000_1FFF from 800. */
static void msrpm_set(uint32_t msr, bool write)
{
	uint32_t base = msr >= 0xc0000000u ? 0x800u * 8 : 0;
	uint32_t bit = base + (msr & 0x1fffu) * 2 + (write ? 1 : 0);

	msrpm[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Runs L2 until its DONE VMMCALL, emulating what L1 intercepts; the exits in rec. */
static unsigned run_l2(struct exit_rec *rec)
{
	struct nsvm_gprs g;
	unsigned n = 0;

	memset(&g, 0, sizeof(g));
	memset((void *)&l2_saw, 0, sizeof(l2_saw));
	vmcb.rip = (uint64_t)(uintptr_t)l2_main;
	vmcb.rsp = (uint64_t)(uintptr_t)(l2_stack + sizeof(l2_stack));
	while (n < MAX_EXITS) {
		uint64_t code = nsvm_run(&vmcb, &g);
		struct exit_rec *r = &rec[n++];
		*r = (struct exit_rec){ code, vmcb.exit_info1, vmcb.exit_info2, g.rcx, 0 };
		switch (code) {
		case NSVM_EXIT_CPUID:
			vmcb.rax = EMU_EAX;
			g.rbx = g.rcx = g.rdx = 0;
			break;
		case NSVM_EXIT_MSR:
			r->value = (g.rdx << 32) | (uint32_t)vmcb.rax;
			if (!vmcb.exit_info1) {
				vmcb.rax = EMU_MSR;
				g.rdx = 0;
			}
			break;
		case NSVM_EXIT_IOIO:
			vmcb.rax = (vmcb.rax & ~0xffull) | EMU_IN;
			vmcb.rip = vmcb.exit_info2; /* APM 15.10.2: EXITINFO2 is the next RIP */
			continue;
		case NSVM_EXIT_VMMCALL:
			if (vmcb.rax == DONE)
				return n;
			break;
		default:
			return n;
		}
		vmcb.rip = vmcb.next_rip;
	}
	return n;
}

static void prepare(bool with_maps)
{
	nsvm_vmcb_init(&vmcb, l2_main, l2_stack + sizeof(l2_stack));
	memset(msrpm, 0, sizeof(msrpm));
	memset(iopm, 0, sizeof(iopm));
	vmcb.msrpm_base = (uint64_t)(uintptr_t)msrpm;
	vmcb.iopm_base = (uint64_t)(uintptr_t)iopm;
	if (with_maps) {
		vmcb.intercept_misc1 |= NSVM_MISC1_CPUID | NSVM_MISC1_MSR_PROT | NSVM_MISC1_IOIO_PROT;
		msrpm_set(MSR_READ, false);
		msrpm_set(MSR_WRITE, true);
		iopm[PORT_IN / 8] |= (uint8_t)(1u << (PORT_IN % 8));
	}
}

static void case_intercepted(void)
{
	struct checks c = { 0 };
	struct exit_rec rec[MAX_EXITS];

	prepare(true);
	unsigned n = run_l2(rec);
	static const uint64_t want[] = { NSVM_EXIT_CPUID, NSVM_EXIT_MSR, NSVM_EXIT_MSR, NSVM_EXIT_IOIO, NSVM_EXIT_VMMCALL };
	bool seq = check(&c, n == 5, "%u exits reached L1, want 5 (CPUID, MSR read, MSR write, IOIO, VMMCALL)", n);
	for (unsigned i = 0; seq && i < 5; i++)
		seq = check(&c, rec[i].code == want[i], "exit %u: code %#llx, want %#llx", i, (unsigned long long)rec[i].code,
			    (unsigned long long)want[i]);
	if (seq) {
		check(&c, rec[1].info1 == 0 && (uint32_t)rec[1].rcx == MSR_READ, "MSR read: EXITINFO1 %llu RCX %#llx",
		      (unsigned long long)rec[1].info1, (unsigned long long)rec[1].rcx);
		check(&c, rec[2].info1 == 1 && (uint32_t)rec[2].rcx == MSR_WRITE && rec[2].value == WRITE_VALUE,
		      "MSR write: EXITINFO1 %llu RCX %#llx value %#llx", (unsigned long long)rec[2].info1,
		      (unsigned long long)rec[2].rcx, (unsigned long long)rec[2].value);
		uint64_t io = rec[3].info1;
		check(&c, (io >> 16) == PORT_IN && (io & IOIO_TYPE_IN) && (io & IOIO_SZ8) && rec[3].info2 != 0,
		      "IOIO: EXITINFO1 %#llx (port %llu), EXITINFO2 %#llx", (unsigned long long)io,
		      (unsigned long long)(io >> 16), (unsigned long long)rec[3].info2);
	}
	check(&c, l2_saw.cpuid_eax == EMU_EAX && l2_saw.msr == EMU_MSR && l2_saw.in == EMU_IN,
	      "L2 saw CPUID EAX %#x, MSR %#llx, IN %#x: not what L1 emulated", l2_saw.cpuid_eax,
	      (unsigned long long)l2_saw.msr, l2_saw.in);
	checks_report(&c, "intercepted");
}

static void case_not_intercepted(void)
{
	struct checks c = { 0 };
	struct exit_rec rec[MAX_EXITS];

	prepare(false);
	unsigned n = run_l2(rec);
	check(&c, n == 1 && rec[0].code == NSVM_EXIT_VMMCALL, "%u exits reached L1 (first %#llx), want only the final VMMCALL",
	      n, (unsigned long long)rec[0].code);
	check(&c, l2_saw.cpuid_eax != EMU_EAX && l2_saw.cpuid_eax >= LEAF, "L2's CPUID %#x: want L0's answer (a max leaf)",
	      l2_saw.cpuid_eax);
	check(&c, l2_saw.in == 0xff, "L2's IN from port 0x%x read %#x, want 0xff (no device)", PORT_IN, l2_saw.in);
	checks_report(&c, "not_intercepted");
}

static void case_maps_switch(void)
{
	struct checks c = { 0 };
	struct exit_rec rec[MAX_EXITS];

	prepare(true);
	unsigned n1 = run_l2(rec);
	check(&c, n1 == 5 && rec[1].code == NSVM_EXIT_MSR && (uint32_t)rec[1].rcx == MSR_READ,
	      "first VMRUN: %u exits, second %#llx RCX %#llx", n1, (unsigned long long)rec[1].code,
	      (unsigned long long)rec[1].rcx);
	/* The same map page, now intercepting another MSR's read instead. */
	memset(msrpm, 0, sizeof(msrpm));
	msrpm_set(MSR_OTHER, false);
	msrpm_set(MSR_WRITE, true);
	l2_msr_to_read = MSR_OTHER;
	n1 = run_l2(rec);
	check(&c, n1 == 5 && rec[1].code == NSVM_EXIT_MSR && (uint32_t)rec[1].rcx == MSR_OTHER,
	      "after the map moved to MSR %#x: %u exits, second %#llx RCX %#llx", MSR_OTHER, n1,
	      (unsigned long long)rec[1].code, (unsigned long long)rec[1].rcx);
	l2_msr_to_read = MSR_READ;
	checks_report(&c, "maps_switch");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "intercepted", "not_intercepted", "maps_switch" };
	(void)info;
	if (!nsvm_start_or_skip(hsave, false, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	case_intercepted();
	case_not_intercepted();
	case_maps_switch();
	return 0;
}
