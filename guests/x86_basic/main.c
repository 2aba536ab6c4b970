/* SPDX-License-Identifier: MIT */
/*
 * x86_basic: the guest runs, hypercalls round-trip and count, registers
 * survive exits, CPUID shows the Anvil policy, the info page is right, and
 * the virtualization instructions of either vendor raise #UD. The same
 * source runs under SVM and VMX.
 */
#include <string.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "x86_basic", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 4096, .timeout_ms = 10000);

#define ROUNDTRIP_CALLS 8
#define CPUID_CALLS 5

#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID_EXT_ECX_SVM (1u << 2)
#define CPUID_SVM_FEATURES 0x8000000au

#define regs guest_regs
#define regs_hypercall guest_regs_hypercall
#define regs_cpuid guest_regs_cpuid

static const char *const reg_names[15] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* Distinct, all bits exercised: 0x1111.. * k with a rotating low byte. */
static void regs_fill(struct regs *r)
{
	uint64_t *v = (uint64_t *)r;

	for (unsigned i = 0; i < 15; i++)
		v[i] = 0x1111111111111111ull * (i + 1) ^ (0xa5ull << (i % 8 * 8));
}

/* Index of the first register in [from, 15) that differs, or -1. */
static int regs_first_diff(const struct regs *a, const struct regs *b, unsigned from)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;

	for (unsigned i = from; i < 15; i++) {
		if (x[i] != y[i])
			return (int)i;
	}
	return -1;
}

static void check_hypercall_roundtrip(void)
{
	uint64_t prev = exit_count(ANVIL_EXIT_HYPERCALL), now, first = prev;
	unsigned bad = 0;

	for (unsigned i = 0; i < ROUNDTRIP_CALLS; i++) {
		now = exit_count(ANVIL_EXIT_HYPERCALL);
		bad += now - prev != 1;
		prev = now;
	}
	/* A call of another number counts as one hypercall too. */
	exit_count(ANVIL_EXIT_CPUID);
	now = exit_count(ANVIL_EXIT_HYPERCALL);
	bad += now - prev != 2;
	reportf(bad == 0 && first > 0, "hypercall_roundtrip",
		"%u of %u steps off; count went %llu -> %llu", bad, ROUNDTRIP_CALLS + 1,
		(unsigned long long)first, (unsigned long long)now);
}

static void check_registers_hypercall(void)
{
	struct regs in, out;
	int diff;

	regs_fill(&in);
	in.rax = ANVIL_HC_EXIT_COUNT;
	in.rdi = ANVIL_EXIT_IO; /* a0 must name an exit kind */
	regs_hypercall(&in, &out);
	diff = regs_first_diff(&in, &out, 1);
	if (diff >= 0) {
		reportf(false, "registers_preserved", "%s was %#llx, now %#llx", reg_names[diff],
			(unsigned long long)((uint64_t *)&in)[diff],
			(unsigned long long)((uint64_t *)&out)[diff]);
		return;
	}
	/* rax is the result: no IO exits happened in between. */
	uint64_t io = exit_count(ANVIL_EXIT_IO);

	reportf(out.rax == io, "registers_preserved", "rax %llu, IO exit count %llu",
		(unsigned long long)out.rax, (unsigned long long)io);
}

/*
 * The CPUID answer is compared with values the guest knows without asking
 * the hypervisor: leaf 0x40000000's are constants of the guest ABI. Each
 * output is a zero-extended 32-bit value (the registers held other bits).
 */
static void check_registers_cpuid(void)
{
	struct regs in, out;
	int diff;

	regs_fill(&in);
	in.rax = ANVIL_CPUID_BASE | 0xffffffff00000000ull; /* CPUID reads only EAX */
	in.rcx = 0xffffffff00000000ull;
	regs_cpuid(&in, &out);
	diff = regs_first_diff(&in, &out, 4); /* rsi onwards: CPUID writes only rax..rdx */
	if (diff >= 0) {
		reportf(false, "registers_preserved_cpuid", "%s was %#llx, now %#llx",
			reg_names[diff], (unsigned long long)((uint64_t *)&in)[diff],
			(unsigned long long)((uint64_t *)&out)[diff]);
		return;
	}
	reportf(out.rax == ANVIL_CPUID_INFO && out.rbx == ANVIL_CPUID_SIG_EBX && out.rcx == ANVIL_CPUID_SIG_ECX &&
			out.rdx == ANVIL_CPUID_SIG_EDX,
		"registers_preserved_cpuid", "leaf 0x40000000 gave %#llx %#llx %#llx %#llx, want %#x %#x %#x %#x",
		(unsigned long long)out.rax, (unsigned long long)out.rbx, (unsigned long long)out.rcx,
		(unsigned long long)out.rdx, ANVIL_CPUID_INFO, ANVIL_CPUID_SIG_EBX, ANVIL_CPUID_SIG_ECX,
		ANVIL_CPUID_SIG_EDX);
}

static void check_cpuid_policy(void)
{
	struct cpuid_result l1 = cpuid(1, 0);
	struct cpuid_result base = cpuid(ANVIL_CPUID_BASE, 0);
	struct cpuid_result info = cpuid(ANVIL_CPUID_INFO, 0);
	struct cpuid_result ext = cpuid(0x80000000u, 0);
	struct cpuid_result ext1 = cpuid(0x80000001u, 0);
	struct cpuid_result svm = cpuid(CPUID_SVM_FEATURES, 0);
	bool has_ext1 = ext.eax >= 0x80000001u;
	bool has_svm_leaf = ext.eax >= CPUID_SVM_FEATURES;

	reportf(l1.ecx & CPUID1_ECX_HYPERVISOR, "cpuid_hypervisor_bit", "leaf 1 ecx %#x", l1.ecx);
	reportf(base.ebx == ANVIL_CPUID_SIG_EBX && base.ecx == ANVIL_CPUID_SIG_ECX &&
			base.edx == ANVIL_CPUID_SIG_EDX && base.eax >= ANVIL_CPUID_INFO &&
			info.eax == ANVIL_ABI_VERSION,
		"cpuid_vendor_leaf", "0x40000000: %#x %#x %#x %#x; 0x40000001 eax %u", base.eax,
		base.ebx, base.ecx, base.edx, info.eax);
	reportf(!(l1.ecx & CPUID1_ECX_VMX) && (!has_ext1 || !(ext1.ecx & CPUID_EXT_ECX_SVM)) &&
			(!has_svm_leaf || (svm.eax | svm.ebx | svm.ecx | svm.edx) == 0),
		"cpuid_hides_svm",
		"leaf 1 ecx %#x, max ext leaf %#x, 0x80000001 ecx %#x, 0x8000000a %#x %#x %#x %#x",
		l1.ecx, ext.eax, ext1.ecx, svm.eax, svm.ebx, svm.ecx, svm.edx);
}

static void check_cpuid_exit_counted(void)
{
	uint64_t c0 = exit_count(ANVIL_EXIT_CPUID);
	uint64_t h0 = exit_count(ANVIL_EXIT_HYPERCALL);

	for (unsigned i = 0; i < CPUID_CALLS; i++)
		cpuid(0, 0);
	uint64_t h1 = exit_count(ANVIL_EXIT_HYPERCALL);
	uint64_t c1 = exit_count(ANVIL_EXIT_CPUID);

	/* Between h0 and h1 only CPUIDs ran; between c0 and c1, also 2 hypercalls. */
	reportf(c1 - c0 == CPUID_CALLS && h1 - h0 == 1, "cpuid_exit_counted",
		"%u CPUIDs: CPUID exits +%llu, hypercall exits +%llu", CPUID_CALLS,
		(unsigned long long)(c1 - c0), (unsigned long long)(h1 - h0));
}

static bool backend_is(const struct anvil_guest_info *info, const char *name)
{
	return strncmp(info->backend, name, sizeof(info->backend)) == 0;
}

static void check_info_page(const struct anvil_guest_info *info)
{
	bool svm = backend_is(info, "svm"), vmx = backend_is(info, "vmx");
	uint64_t want = ANVIL_FEAT_GENERIC | (svm ? ANVIL_FEAT_SVM | ANVIL_FEAT_NPT : ANVIL_FEAT_VMX | ANVIL_FEAT_EPT);

	reportf((uint64_t)(uintptr_t)info == ANVIL_GUEST_INFO &&
			info->magic == ANVIL_GUEST_INFO_MAGIC &&
			info->abi_version == ANVIL_ABI_VERSION &&
			info->mem_kib == guest_manifest.mem_kib && (svm || vmx) &&
			(info->features & want) == want,
		"info_page",
		"at %p: magic %#llx abi %u mem_kib %u (manifest %u) backend \"%.16s\" features %#llx",
		(const void *)info, (unsigned long long)info->magic, info->abi_version,
		info->mem_kib, guest_manifest.mem_kib, info->backend,
		(unsigned long long)info->features);
	reportf(guest_initial_rsp == (uint64_t)guest_manifest.mem_kib * 1024, "initial_stack",
		"rsp at entry %#llx, top of guest memory %#llx",
		(unsigned long long)guest_initial_rsp,
		(unsigned long long)guest_manifest.mem_kib * 1024);
}

/*
 * No nested virtualization yet: the virtualization instructions of the
 * running backend's vendor exit (ANVIL_EXIT_VIRT_INSN) and are answered with
 * #UD (CPUID hides both SVM and VMX); the other vendor's do not exist on this
 * CPU and raise #UD without an exit. The backend's own hypercall instruction
 * (VMMCALL, VMCALL) is left out. rAX holds a page-aligned guest address so no
 * operand check fires first.
 */
static uint64_t vmcs_pointer;
static void run_vmrun(void *a) { (void)a; __asm__ volatile("vmrun" ::"a"(0x1000ull) : "memory"); }
static void run_vmload(void *a) { (void)a; __asm__ volatile("vmload" ::"a"(0x1000ull) : "memory"); }
static void run_vmsave(void *a) { (void)a; __asm__ volatile("vmsave" ::"a"(0x1000ull) : "memory"); }
static void run_stgi(void *a) { (void)a; __asm__ volatile("stgi" ::: "memory"); }
static void run_clgi(void *a) { (void)a; __asm__ volatile("clgi" ::: "memory"); }
static void run_invlpga(void *a) { (void)a; __asm__ volatile("invlpga" ::"a"(0ull), "c"(0u) : "memory"); }
static void run_vmlaunch(void *a) { (void)a; __asm__ volatile("vmlaunch" ::: "memory", "cc"); }
static void run_vmresume(void *a) { (void)a; __asm__ volatile("vmresume" ::: "memory", "cc"); }
static void run_vmxoff(void *a) { (void)a; __asm__ volatile("vmxoff" ::: "memory", "cc"); }
static void run_vmptrst(void *a) { (void)a; __asm__ volatile("vmptrst %0" : "=m"(vmcs_pointer) : : "memory", "cc"); }
static void run_vmclear(void *a) { (void)a; __asm__ volatile("vmclear %0" : : "m"(vmcs_pointer) : "memory", "cc"); }

static void check_virt_insns(const struct anvil_guest_info *info)
{
	static const struct {
		const char *name, *vendor;
		void (*fn)(void *);
	} insns[] = {
		{ "vmrun", "svm", run_vmrun }, { "vmload", "svm", run_vmload }, { "vmsave", "svm", run_vmsave },
		{ "stgi", "svm", run_stgi },   { "clgi", "svm", run_clgi },     { "invlpga", "svm", run_invlpga },
		{ "vmlaunch", "vmx", run_vmlaunch }, { "vmresume", "vmx", run_vmresume }, { "vmxoff", "vmx", run_vmxoff },
		{ "vmptrst", "vmx", run_vmptrst }, { "vmclear", "vmx", run_vmclear },
	};
	struct checks c = { 0 };
	for (unsigned i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		struct guest_trap trap = { 0 };
		uint64_t want = backend_is(info, insns[i].vendor) ? 1 : 0;
		uint64_t n0 = exit_count(ANVIL_EXIT_VIRT_INSN);
		bool caught = guest_try(insns[i].fn, NULL, &trap);
		uint64_t n1 = exit_count(ANVIL_EXIT_VIRT_INSN);
		check(&c, caught && trap.vector == X86_VEC_UD && n1 - n0 == want,
		      "%s: %s vector %llu, virtualization-instruction exits +%llu (want #UD, +%llu)",
		      insns[i].name, caught ? "raised" : "raised nothing,", (unsigned long long)trap.vector,
		      (unsigned long long)(n1 - n0), (unsigned long long)want);
	}
	checks_report(&c, "virt_insns_ud");
}

int guest_main(const struct anvil_guest_info *info)
{
	check_info_page(info);
	check_hypercall_roundtrip();
	check_registers_hypercall();
	check_registers_cpuid();
	check_cpuid_policy();
	check_cpuid_exit_counted();
	check_virt_insns(info);
	return 0;
}
