/* SPDX-License-Identifier: MIT */
/*
 * nsvm_basic: the payload is a hypervisor (L1) on the SVM Anvil emulates
 * for it (docs/nested-svm.md) and runs its own guest (L2) from a function
 * of the payload, in its own address space.
 *
 *   cpuid_svm         Fn8000_0001 ECX.SVM and Fn8000_000A (NRIPS, NASID)
 *   svme_gates_vmrun  VMRUN before EFER.SVME is #UD; SVME and VM_HSAVE_PA
 *                     take and read back
 *   vmrun_1000        1000 VMRUNs of an L2 that adds 1 to RAX and every
 *                     GPR but RSP, then VMMCALLs: each exit is VMMCALL with
 *                     NRIP = RIP + 3, every register came back from L2 one
 *                     higher than L1 put it, RSP untouched; L1 resumes L2 at
 *                     NRIP with fresh values each time (CLGI/STGI around
 *                     every other VMRUN)
 *   vmload_vmsave     VMLOAD of a VMCB with FS base, KernelGSbase, STAR,
 *                     LSTAR, CSTAR, SFMASK, SYSENTER_*: a VMSAVE to another
 *                     page gives them back, and %fs:0 reads through the
 *                     loaded FS base
 *   asid0_invalid     vmcb12 with ASID 0 (and an event to inject):
 *                     VMEXIT_INVALID with EVENTINJ cleared, L1 runs on, and
 *                     the same VMCB with ASID 1 then runs
 *   gif_holds_interrupts  an external interrupt for L1 waits while GIF is
 *                     clear (CLGI), RFLAGS.IF set, and comes after STGI
 *   unintercepted     L2's CPUID, not intercepted by L1, is answered
 *                     without reaching L1 (SVM hidden from L2); a VMMCALL
 *                     L1 does not intercept is #UD in L2, seen by L1
 *                     through its #UD intercept (exit 0x46)
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/trap.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "nsvm_basic", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 20000);

#define RUNS 1000u
#define L2_STACK 8192u
#define VMMCALL_LEN 3u
#define EXIT_UD 0x46u
#define INTERCEPT_UD (1u << 6)
#define CPUID_ECX_SVM (1u << 2)
#define SVM_NRIPS (1u << 3)

void l2_bump(void);
void l2_cpuid_then_vmmcall(void);

static struct nsvm_vmcb vmcb, vmcb_a, vmcb_b, vmcb_l1;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t l2_stack[L2_STACK] __attribute__((aligned(16)));
static uint64_t fs_target[2] = { 0x6673626173650001ull, 0 };
static bool nrips;

static void *l2_stack_top(void) { return l2_stack + sizeof(l2_stack); }

static void case_cpuid(void)
{
	uint32_t edx = 0, nasid = 0;
	bool svm = nsvm_supported(&edx, &nasid);
	nrips = edx & SVM_NRIPS;
	reportf(svm && nrips && nasid > 1, "cpuid_svm", "SVM %d, Fn8000_000A EDX %#x (NRIPS %d), %u ASIDs", svm,
		edx, nrips, nasid);
}

static void try_vmrun(void *arg)
{
	(void)arg;
	__asm__ volatile("vmrun" : : "a"(&vmcb) : "memory");
}

static bool case_enable(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	bool caught = guest_try(try_vmrun, NULL, &t);
	check(&c, caught && t.vector == X86_VEC_UD, "VMRUN with EFER.SVME clear: %s vector %llu, want #UD",
	      caught ? "raised" : "no exception", (unsigned long long)t.vector);
	bool on = nsvm_enable(hsave);
	check(&c, on, "EFER.SVME or VM_HSAVE_PA did not read back");
	checks_report(&c, "svme_gates_vmrun");
	return on;
}

static void case_vmrun_1000(void)
{
	struct checks c = { 0 };
	struct nsvm_gprs g;
	uint64_t *r = &g.rbx;
	unsigned n = sizeof(g) / sizeof(uint64_t), ok_runs = 0;

	nsvm_vmcb_init(&vmcb, l2_bump, l2_stack_top());
	for (unsigned i = 0; i < RUNS; i++) {
		uint64_t base = 0x1000000ull * (i + 1);
		for (unsigned k = 0; k < n; k++)
			r[k] = base + k * 0x100;
		vmcb.rax = base - 1;
		uint64_t code = (i & 1) ? nsvm_run_gif(&vmcb, &g) : nsvm_run(&vmcb, &g);
		if (!check(&c, code == NSVM_EXIT_VMMCALL, "run %u: exit code %#llx, want VMMCALL", i,
			   (unsigned long long)code))
			break;
		if (!check(&c, vmcb.rax == base, "run %u: L2's RAX %#llx, want %#llx", i, (unsigned long long)vmcb.rax,
			   (unsigned long long)base))
			break;
		bool regs = true;
		for (unsigned k = 0; k < n && regs; k++)
			regs = check(&c, r[k] == base + k * 0x100 + 1, "run %u: GPR %u came back %#llx, want %#llx", i, k,
				     (unsigned long long)r[k], (unsigned long long)(base + k * 0x100 + 1));
		if (!regs)
			break;
		if (!check(&c, vmcb.rsp == (uint64_t)(uintptr_t)l2_stack_top(), "run %u: L2's RSP %#llx moved", i,
			   (unsigned long long)vmcb.rsp))
			break;
		/* RIP is at the VMMCALL, NRIP 3 bytes on (0F 01 D9). */
		if (!check(&c, vmcb.next_rip == vmcb.rip + VMMCALL_LEN, "run %u: NRIP %#llx, RIP %#llx: not 3 bytes on",
			   i, (unsigned long long)vmcb.next_rip, (unsigned long long)vmcb.rip))
			break;
		vmcb.rip = vmcb.next_rip;
		ok_runs++;
	}
	check_note(&c, "%u of %u round trips", ok_runs, RUNS);
	checks_report(&c, "vmrun_1000");
}

static uint64_t read_fs0(void)
{
	uint64_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static void case_vmload_vmsave(void)
{
	struct checks c = { 0 };

	memset(&vmcb_l1, 0, sizeof(vmcb_l1));
	nsvm_vmsave(&vmcb_l1); /* L1's own, to put back */
	memset(&vmcb_a, 0, sizeof(vmcb_a));
	vmcb_a.fs = (struct nsvm_seg){ .sel = 0, .attrib = 0xc93, .limit = 0xffffffffu,
				       .base = (uint64_t)(uintptr_t)fs_target };
	vmcb_a.gs = vmcb_l1.gs;
	vmcb_a.tr = vmcb_l1.tr;
	vmcb_a.ldtr = vmcb_l1.ldtr;
	vmcb_a.kernel_gs_base = 0xffff888812345678ull; /* canonical (4- and 5-level): CPUs canonicalize it on VMLOAD */
	vmcb_a.star = 0x0023001000000000ull;
	vmcb_a.lstar = 0xffffffff81000000ull;
	vmcb_a.cstar = 0xffffffff82000000ull;
	vmcb_a.sfmask = 0x47700u;
	vmcb_a.sysenter_cs = 0x10;
	vmcb_a.sysenter_esp = 0x5555000;
	vmcb_a.sysenter_eip = 0x6666000;
	nsvm_vmload(&vmcb_a);
	uint64_t through_fs = read_fs0();
	memset(&vmcb_b, 0, sizeof(vmcb_b));
	nsvm_vmsave(&vmcb_b);
	nsvm_vmload(&vmcb_l1);
	check(&c, through_fs == fs_target[0], "%%fs:0 after VMLOAD read %#llx, want %#llx", (unsigned long long)through_fs,
	      (unsigned long long)fs_target[0]);
	check(&c, vmcb_b.fs.base == vmcb_a.fs.base, "VMSAVE FS base %#llx, want %#llx", (unsigned long long)vmcb_b.fs.base,
	      (unsigned long long)vmcb_a.fs.base);
	check(&c, vmcb_b.kernel_gs_base == vmcb_a.kernel_gs_base && vmcb_b.star == vmcb_a.star &&
			  vmcb_b.lstar == vmcb_a.lstar && vmcb_b.cstar == vmcb_a.cstar && vmcb_b.sfmask == vmcb_a.sfmask,
	      "VMSAVE gave KernelGSbase %#llx STAR %#llx LSTAR %#llx CSTAR %#llx SFMASK %#llx back",
	      (unsigned long long)vmcb_b.kernel_gs_base, (unsigned long long)vmcb_b.star,
	      (unsigned long long)vmcb_b.lstar, (unsigned long long)vmcb_b.cstar, (unsigned long long)vmcb_b.sfmask);
	check(&c, vmcb_b.sysenter_cs == vmcb_a.sysenter_cs && vmcb_b.sysenter_esp == vmcb_a.sysenter_esp &&
			  vmcb_b.sysenter_eip == vmcb_a.sysenter_eip,
	      "VMSAVE gave SYSENTER %#llx %#llx %#llx back", (unsigned long long)vmcb_b.sysenter_cs,
	      (unsigned long long)vmcb_b.sysenter_esp, (unsigned long long)vmcb_b.sysenter_eip);
	check(&c, vmcb_b.exit_code == 0 && vmcb_b.rip == 0, "VMSAVE wrote outside its fields (RIP %#llx)",
	      (unsigned long long)vmcb_b.rip);
	checks_report(&c, "vmload_vmsave");
}

static void case_asid0(void)
{
	struct checks c = { 0 };
	struct nsvm_gprs g = { 0 };

	nsvm_vmcb_init(&vmcb, l2_bump, l2_stack_top());
	vmcb.asid = 0;
	vmcb.event_inj = 6 | (3ull << 8) | (1ull << 31); /* a #UD that must not survive the failed VMRUN */
	uint64_t code = nsvm_run(&vmcb, &g);
	check(&c, code == NSVM_EXIT_INVALID, "ASID 0: exit code %#llx, want VMEXIT_INVALID", (unsigned long long)code);
	check(&c, vmcb.event_inj == 0, "EVENTINJ %#llx after VMEXIT_INVALID, want 0 (#VMEXIT clears it)",
	      (unsigned long long)vmcb.event_inj);
	vmcb.asid = 1;
	code = nsvm_run(&vmcb, &g);
	check(&c, code == NSVM_EXIT_VMMCALL, "ASID 1 after that: exit code %#llx, want VMMCALL", (unsigned long long)code);
	checks_report(&c, "asid0_invalid");
}

#define GIF_VECTOR 0x57

static volatile unsigned gif_irqs;
static void on_gif_vector(struct guest_frame *f)
{
	(void)f;
	gif_irqs++;
}

/*
 * CLGI holds an external interrupt the hypervisor has for L1 even with
 * RFLAGS.IF set (APM Vol 2 15.17: GIF clear masks INTR); STGI lets it in.
 */
static void case_gif(void)
{
	struct checks c = { 0 };
	guest_handler_fn old = guest_set_handler(GIF_VECTOR, on_gif_vector);

	gif_irqs = 0;
	__asm__ volatile("clgi" ::: "memory");
	inject(GIF_VECTOR, 0, ANVIL_INJECT_EXTERNAL);
	sti();
	for (int i = 0; i < 4; i++)
		exit_count(ANVIL_EXIT_HYPERCALL); /* guest entries with IF=1, GIF=0 */
	unsigned early = gif_irqs;
	__asm__ volatile("stgi" ::: "memory");
	for (int i = 0; i < 4 && !gif_irqs; i++)
		exit_count(ANVIL_EXIT_HYPERCALL);
	cli();
	guest_set_handler(GIF_VECTOR, old);
	check(&c, early == 0, "the interrupt came %u times with GIF clear", early);
	check(&c, gif_irqs == 1, "after STGI it came %u times, want once", gif_irqs);
	checks_report(&c, "gif_holds_interrupts");
}

static void case_unintercepted(void)
{
	struct checks c = { 0 };
	struct nsvm_gprs g = { 0 };

	nsvm_vmcb_init(&vmcb, l2_cpuid_then_vmmcall, l2_stack_top());
	uint64_t code = nsvm_run(&vmcb, &g);
	check(&c, code == NSVM_EXIT_VMMCALL && vmcb.rax == 0x1234,
	      "L2's CPUID (not intercepted): first exit %#llx with RAX %#llx, want VMMCALL after it",
	      (unsigned long long)code, (unsigned long long)vmcb.rax);
	check(&c, !(g.rbx & CPUID_ECX_SVM), "L2's CPUID showed SVM (ECX %#llx): L1's view leaked to L2",
	      (unsigned long long)g.rbx);
	/* Now without the VMMCALL intercept but with #UD's: L2's VMMCALL becomes L1's #UD exit. */
	vmcb.rip = vmcb.next_rip;
	vmcb.intercept_misc2 &= ~NSVM_MISC2_VMMCALL;
	vmcb.intercept_exc |= INTERCEPT_UD;
	code = nsvm_run(&vmcb, &g);
	check(&c, code == EXIT_UD, "VMMCALL not intercepted: exit %#llx, want #UD (0x46)", (unsigned long long)code);
	checks_report(&c, "unintercepted");
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	case_cpuid();
	if (!case_enable()) {
		report_skip("vmrun_1000", "EFER.SVME could not be set");
		return 0;
	}
	case_vmrun_1000();
	case_vmload_vmsave();
	case_asid0();
	case_unintercepted();
	case_gif();
	return 0;
}
