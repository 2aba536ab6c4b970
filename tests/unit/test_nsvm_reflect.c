// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/nsvm_reflect.c and nsvm_state.c: whose
 * exit it is (intercepted by L1 or not, L1's MSR and I/O maps, host events,
 * L0's own nested page faults), what #VMEXIT writes into vmcb12 (EXITINFO
 * for IOIO and MSR, EXITINTINFO, NRIP, the guest state, nothing else), L1's
 * state afterwards, and the L1/L2/GIF state machine.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nsvm_reflect.h>
#include <nsvm_regs.h>
#include <nsvm_state.h>
#include <svm_perm.h>
#include <vmcb.h>

#define MSR_TSC 0x10u
#define MSR_EFER 0xc0000080u
#define MSR_TSC_AUX 0xc0000103u
#define MSR_OUTSIDE 0x4000a000u /* in none of the MSRPM's ranges */
#define PORT_RTC 0x70u
#define AUDIT_MAX 8u

static uint8_t l1_msrpm[SVM_MSRPM_BYTES], l1_iopm[SVM_IOPM_BYTES];

static struct vmcb *vmcb_new(void)
{
	struct vmcb *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	return v;
}

static struct nsvm_l2_exit exit_of(uint64_t code)
{
	return (struct nsvm_l2_exit){ .code = code };
}

static uint64_t ioio_info(uint16_t port, uint64_t size_bit, bool in)
{
	return ((uint64_t)port << VMCB_IOIO_PORT_SHIFT) | size_bit | (in ? VMCB_IOIO_TYPE_IN : 0);
}

/* ---- intercepted or not ---- */

static void test_intercept_vectors(void **state)
{
	struct vmcb *v12 = vmcb_new();
	struct nsvm_l2_exit x;

	(void)state;
	v12->control.intercept_misc1 = VMCB_MISC1_CPUID | VMCB_MISC1_SHUTDOWN;
	v12->control.intercept_misc2 = VMCB_MISC2_VMRUN | VMCB_MISC2_VMMCALL | (1u << 16) /* CR0 write trap */;
	v12->control.intercept_misc3 = VMCB_MISC3_INVPCID;
	v12->control.intercept_exc = VMCB_EXC(14);
	v12->control.intercept_cr = VMCB_CR_WRITE(3);
	v12->control.intercept_dr = VMCB_DR_READ(7);
	x = exit_of(VMEXIT_CPUID);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_HLT);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_EXCP_BASE + 14);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_EXCP_BASE + 13);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_CR0_WRITE + 3);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_CR0_READ + 3);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_DR0_READ + 7);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_DR0_WRITE + 7);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_VMMCALL);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_VMLOAD);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_CR0_WRITE_TRAP);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_INVPCID);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_TLBSYNC);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_SHUTDOWN);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x = exit_of(VMEXIT_AVIC_NOACCEL);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	free(v12);
}

static void test_host_events_and_npf(void **state)
{
	struct vmcb *v12 = vmcb_new();
	struct nsvm_l2_exit x;

	(void)state;
	v12->control.intercept_misc1 = VMCB_MISC1_INTR | VMCB_MISC1_NMI | VMCB_MISC1_SMI | VMCB_MISC1_INIT;
	/* L1 intercepts them, but a host interrupt, NMI, SMI or INIT is L0's. */
	x = exit_of(VMEXIT_INTR);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_NMI);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_SMI);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	x = exit_of(VMEXIT_INIT);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	/* A nested page fault is L1's only in L1's own tables. */
	x = exit_of(VMEXIT_NPF);
	x.npf_l1 = true;
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0); /* L1 gave no nested paging */
	v12->control.nested_ctl = VMCB_NESTED_CTL_NP_ENABLE;
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	x.npf_l1 = false;
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L0);
	/* The CPU refusing vmcb02: L1's VMRUN failed. */
	x = exit_of(VMEXIT_INVALID);
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	free(v12);
}

static void test_msr_exits_through_l1_map(void **state)
{
	struct vmcb *v12 = vmcb_new();
	struct nsvm_l1_maps maps = { l1_msrpm, l1_iopm };
	struct nsvm_l2_exit x = exit_of(VMEXIT_MSR);

	(void)state;
	memset(l1_msrpm, 0, sizeof(l1_msrpm));
	svm_msrpm_set(l1_msrpm, MSR_TSC_AUX, true, false);
	svm_msrpm_set(l1_msrpm, MSR_TSC, false, true);
	x.msr = MSR_TSC_AUX;
	x.info1 = 0; /* RDMSR */
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L0); /* no MSR_PROT */
	v12->control.intercept_misc1 = VMCB_MISC1_MSR_PROT;
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L1);
	x.info1 = 1; /* WRMSR */
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L0);
	x.msr = MSR_TSC;
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L1);
	x.msr = MSR_EFER;
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L0);
	x.msr = MSR_OUTSIDE; /* outside the map: always intercepted */
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L1);
	x.msr = MSR_EFER; /* L1's map not in L1's memory: everything L1's */
	assert_int_equal(nsvm_exit_owner(v12, &x, NULL), NSVM_OWNER_L1);
	free(v12);
}

static void test_ioio_exits_through_l1_map(void **state)
{
	struct vmcb *v12 = vmcb_new();
	struct nsvm_l1_maps maps = { l1_msrpm, l1_iopm };
	struct nsvm_l2_exit x = exit_of(VMEXIT_IOIO);

	(void)state;
	memset(l1_iopm, 0, sizeof(l1_iopm));
	svm_iopm_set(l1_iopm, PORT_RTC + 1, true);
	x.info1 = ioio_info(PORT_RTC + 1, VMCB_IOIO_SZ8, true);
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L0); /* no IOIO_PROT */
	v12->control.intercept_misc1 = VMCB_MISC1_IOIO_PROT;
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L1);
	x.info1 = ioio_info(PORT_RTC, VMCB_IOIO_SZ8, false);
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L0);
	x.info1 = ioio_info(PORT_RTC, VMCB_IOIO_SZ16, false); /* touches 0x71 */
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L1);
	/* A dword at 0xfffe reaches the bits past port 0xffff (APM 15.10.2). */
	x.info1 = ioio_info(0xfffe, VMCB_IOIO_SZ32, true);
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L0);
	l1_iopm[0x10001 / 8] |= (uint8_t)(1u << (0x10001 % 8));
	assert_int_equal(nsvm_exit_owner(v12, &x, &maps), NSVM_OWNER_L1);
	assert_true(svm_iopm_intercepts_access(l1_iopm, 0xfffe, 4));
	assert_false(svm_iopm_intercepts_access(l1_iopm, 0xfffe, 2));
	free(v12);
}

/* ---- what #VMEXIT writes ---- */

struct exit_fixture {
	struct vmcb *v12, *v02, *v01, *before;
};

static int exit_setup(void **state)
{
	struct exit_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->v12 = vmcb_new();
	f->v02 = vmcb_new();
	f->v01 = vmcb_new();
	f->before = vmcb_new();
	/* vmcb12 as L1 left it at VMRUN */
	f->v12->control.intercept_misc1 = VMCB_MISC1_IOIO_PROT | VMCB_MISC1_MSR_PROT;
	f->v12->control.int_ctl = VMCB_INT_CTL_V_INTR_MASKING | 2;
	f->v12->control.event_inj = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_INTR | 0x30;
	f->v12->control.clean = 0x1234;
	f->v12->control.next_rip = 0xaaaa;
	f->v12->save.g_pat = 0x0606060606060606ull;
	f->v12->save.kernel_gs_base = 0x1111;
	/* vmcb02 as the CPU wrote it at L2's exit */
	f->v02->save.cs = (struct vmcb_seg){ 0x33, 0x2fb, 0xffffffff, 0 };
	f->v02->save.ss = (struct vmcb_seg){ 0x2b, 0x4f3, 0xffffffff, 0 };
	f->v02->save.gdtr = (struct vmcb_seg){ 0, 0, 0x7f, 0x9000 };
	f->v02->save.cpl = 3;
	f->v02->save.efer = NSVM_EFER_SVME | NSVM_EFER_LME | NSVM_EFER_LMA;
	f->v02->save.cr0 = NSVM_CR0_PE | NSVM_CR0_PG;
	f->v02->save.cr2 = 0xbad000;
	f->v02->save.cr3 = 0x3000;
	f->v02->save.cr4 = NSVM_CR4_PAE;
	f->v02->save.dr6 = 0xffff4ff0ull;
	f->v02->save.dr7 = 0x401;
	f->v02->save.rflags = 0x202;
	f->v02->save.rip = 0x400100;
	f->v02->save.rsp = 0x7ff0;
	f->v02->save.rax = 0x42;
	f->v02->save.g_pat = NSVM_PAT_DEFAULT;
	f->v02->save.fs = (struct vmcb_seg){ 0, 0x93, 0xffff, 0xfeed0000 };
	f->v02->save.kernel_gs_base = 0x2222;
	f->v02->save.sysenter_eip = 0x3333;
	f->v02->control.int_ctl = VMCB_INT_CTL_V_INTR_MASKING | 9 | VMCB_INT_CTL_V_IRQ;
	f->v02->control.int_state = VMCB_INT_STATE_SHADOW;
	memcpy(f->before, f->v12, sizeof(*f->before));
	*state = f;
	return 0;
}

static int exit_teardown(void **state)
{
	struct exit_fixture *f = *state;

	free(f->v12);
	free(f->v02);
	free(f->v01);
	free(f->before);
	free(f);
	return 0;
}

static void test_ioio_exit_info_and_state(void **state)
{
	struct exit_fixture *f = *state;
	struct nsvm_l2_exit x = exit_of(VMEXIT_IOIO);
	struct vmcb *v12 = f->v12;

	x.info1 = ioio_info(PORT_RTC, VMCB_IOIO_SZ8, true);
	x.info2 = 0x400102; /* the next RIP, as IOIO's EXITINFO2 is */
	x.nrip = 0x400102;
	nsvm_vmexit_write(v12, f->v02, &x, true, false);
	assert_int_equal(v12->control.exit_code, VMEXIT_IOIO);
	assert_int_equal(v12->control.exit_info1, x.info1);
	assert_int_equal(v12->control.exit_info2, 0x400102);
	assert_int_equal(v12->control.exit_int_info, 0);
	assert_int_equal(v12->control.next_rip, 0x400102);
	assert_int_equal(v12->control.event_inj, 0);
	/* V_TPR and V_IRQ written back, V_INTR_MASKING (L1's) kept. */
	assert_int_equal(v12->control.int_ctl, VMCB_INT_CTL_V_INTR_MASKING | 9 | VMCB_INT_CTL_V_IRQ);
	assert_int_equal(v12->control.int_state, VMCB_INT_STATE_SHADOW);
	/* L2's state. */
	assert_memory_equal(&v12->save.cs, &f->v02->save.cs, sizeof(struct vmcb_seg));
	assert_memory_equal(&v12->save.ss, &f->v02->save.ss, sizeof(struct vmcb_seg));
	assert_memory_equal(&v12->save.gdtr, &f->v02->save.gdtr, sizeof(struct vmcb_seg));
	assert_int_equal(v12->save.cpl, 3);
	assert_int_equal(v12->save.efer, f->v02->save.efer);
	assert_int_equal(v12->save.cr0, f->v02->save.cr0);
	assert_int_equal(v12->save.cr2, 0xbad000);
	assert_int_equal(v12->save.cr3, 0x3000);
	assert_int_equal(v12->save.cr4, NSVM_CR4_PAE);
	assert_int_equal(v12->save.dr6, 0xffff4ff0ull);
	assert_int_equal(v12->save.dr7, 0x401);
	assert_int_equal(v12->save.rflags, 0x202);
	assert_int_equal(v12->save.rip, 0x400100);
	assert_int_equal(v12->save.rsp, 0x7ff0);
	assert_int_equal(v12->save.rax, 0x42);
	/* Not written: the clean field, the intercepts, gPAT (no NPT of L1's), the VMLOAD state. */
	assert_int_equal(v12->control.clean, 0x1234);
	assert_int_equal(v12->control.intercept_misc1, f->before->control.intercept_misc1);
	assert_int_equal(v12->save.g_pat, f->before->save.g_pat);
	assert_int_equal(v12->save.kernel_gs_base, 0x1111);
	assert_memory_equal(&v12->save.fs, &f->before->save.fs, sizeof(struct vmcb_seg));
}

static void test_msr_exit_info_and_nrip_rules(void **state)
{
	struct exit_fixture *f = *state;
	struct nsvm_l2_exit x = exit_of(VMEXIT_MSR);

	x.info1 = 1; /* WRMSR */
	x.msr = MSR_TSC;
	x.nrip = 0x400102;
	nsvm_vmexit_write(f->v12, f->v02, &x, true, false);
	assert_int_equal(f->v12->control.exit_code, VMEXIT_MSR);
	assert_int_equal(f->v12->control.exit_info1, 1);
	assert_int_equal(f->v12->control.exit_info2, 0);
	assert_int_equal(f->v12->control.next_rip, 0x400102);
	/* A nested page fault has no NRIP: zero. */
	x = exit_of(VMEXIT_NPF);
	x.info1 = VMCB_NPF_P | VMCB_NPF_RW | VMCB_NPF_US | VMCB_NPF_GUEST_PAGE;
	x.info2 = 0x123000;
	x.nrip = 0x999;
	nsvm_vmexit_write(f->v12, f->v02, &x, true, true);
	assert_int_equal(f->v12->control.next_rip, 0);
	assert_int_equal(f->v12->control.exit_info2, 0x123000);
	/* With L1's nested paging gPAT is L2's and written back. */
	assert_int_equal(f->v12->save.g_pat, NSVM_PAT_DEFAULT);
	/* Without NRIPS offered to L1 the field is left alone. */
	f->v12->control.next_rip = 0x5555;
	x = exit_of(VMEXIT_CPUID);
	x.nrip = 0x400102;
	nsvm_vmexit_write(f->v12, f->v02, &x, false, false);
	assert_int_equal(f->v12->control.next_rip, 0x5555);
}

static void test_nrip_table(void **state)
{
	static const uint64_t with[] = {
		VMEXIT_CR0_READ + 3, VMEXIT_CR0_WRITE + 4, VMEXIT_DR0_WRITE + 7, VMEXIT_EXCP_BASE + 3,
		VMEXIT_EXCP_BASE + 4, VMEXIT_EXCP_BASE + 5, VMEXIT_CR0_SEL_WRITE, VMEXIT_IDTR_READ,
		VMEXIT_TR_WRITE, VMEXIT_RDTSC, VMEXIT_CPUID, VMEXIT_HLT, VMEXIT_INVLPGA, VMEXIT_IOIO,
		VMEXIT_MSR, VMEXIT_VMRUN, VMEXIT_VMMCALL, VMEXIT_XSETBV, VMEXIT_RDPRU, VMEXIT_INVPCID,
	};
	static const uint64_t without[] = {
		VMEXIT_EXCP_BASE + 14, VMEXIT_EXCP_BASE + 6, VMEXIT_INTR, VMEXIT_NMI, VMEXIT_VINTR,
		VMEXIT_TASK_SWITCH, VMEXIT_FERR_FREEZE, VMEXIT_SHUTDOWN, VMEXIT_EFER_WRITE_TRAP,
		VMEXIT_CR0_WRITE_TRAP + 3, VMEXIT_NPF, VMEXIT_INVALID,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		if (!nsvm_exit_has_nrip(with[i]))
			fail_msg("%s should save NRIP", vmcb_exit_name(with[i]));
	for (size_t i = 0; i < sizeof(without) / sizeof(without[0]); i++)
		if (nsvm_exit_has_nrip(without[i]))
			fail_msg("%s should not save NRIP", vmcb_exit_name(without[i]));
}

/* An interrupt whose delivery faulted: the fault exits to L1 with the interrupt in EXITINTINFO. */
static void test_exitintinfo(void **state)
{
	struct exit_fixture *f = *state;
	struct nsvm_l2_exit x = exit_of(VMEXIT_EXCP_BASE + 13);

	x.info1 = 0x30 * 8 + 2; /* #GP error code: IDT entry 0x30 */
	x.int_info = VMCB_EVENTINJ_V | VMCB_EVENTINJ_TYPE_INTR | 0x30;
	nsvm_vmexit_write(f->v12, f->v02, &x, true, false);
	assert_int_equal(f->v12->control.exit_code, VMEXIT_EXCP_BASE + 13);
	assert_int_equal(f->v12->control.exit_info1, 0x182);
	assert_int_equal(f->v12->control.exit_int_info, x.int_info);
	assert_int_equal(f->v12->control.event_inj, 0); /* the injected event is in EXITINTINFO, not pending */
	assert_int_equal(f->v12->control.next_rip, 0);
}

static void test_invalid_write(void **state)
{
	struct exit_fixture *f = *state;

	f->v12->control.exit_info1 = 7;
	f->v12->control.exit_int_info = 9;
	nsvm_vmexit_invalid_write(f->v12);
	assert_int_equal(f->v12->control.exit_code, VMEXIT_INVALID);
	assert_int_equal(f->v12->control.exit_info1, 0);
	assert_int_equal(f->v12->control.exit_info2, 0);
	assert_int_equal(f->v12->control.exit_int_info, 0);
	assert_int_equal(f->v12->control.event_inj, 0);
	assert_int_equal(f->v12->save.rip, f->before->save.rip); /* no guest state */
}

/* ---- L1 after #VMEXIT ---- */

static void test_restore_l1(void **state)
{
	struct exit_fixture *f = *state;
	struct vmcb *v01 = f->v01, *snap = vmcb_new();
	struct vmcb_audit_finding found[AUDIT_MAX];

	/* L1 at its VMRUN: vmcb01 as L0 left it at L1's exit. */
	vmcb_set_cr0(v01, NSVM_CR0_PG | NSVM_CR0_PE);
	vmcb_set_rflags(v01, 0x2 | NSVM_RFLAGS_VM);
	vmcb_set_rip(v01, 0x10003);
	vmcb_set_rax(v01, 0x20000);
	vmcb_set_dr7(v01, 0x4ff);
	vmcb_set_cr2(v01, 0x1);
	vmcb_set_g_pat(v01, NSVM_PAT_DEFAULT);
	vmcb_mark_clean_after_exit(v01);
	vmcb_audit_snapshot(snap, v01);
	f->v02->save.g_pat = 0x0101010101010101ull; /* L2 wrote the shared PAT */
	nsvm_vmexit_restore_l1(v01, f->v02, false);
	assert_int_equal(v01->save.rip, 0x10003);
	assert_int_equal(v01->save.rax, 0x20000);
	assert_int_equal(v01->save.rflags, 0x2);
	assert_int_equal(v01->save.dr7, NSVM_DR7_RESET);
	assert_int_equal(v01->save.cpl, 0);
	assert_true(v01->save.cr0 & NSVM_CR0_PE);
	assert_int_equal(v01->save.cr2, 0xbad000);
	assert_int_equal(v01->save.dr6, 0xffff4ff0ull);
	assert_memory_equal(&v01->save.fs, &f->v02->save.fs, sizeof(struct vmcb_seg));
	assert_int_equal(v01->save.kernel_gs_base, 0x2222);
	assert_int_equal(v01->save.sysenter_eip, 0x3333);
	assert_int_equal(v01->save.g_pat, 0x0101010101010101ull);
	/* vmcb01 is a VMCB L0 runs: every change went through its setters. */
	assert_int_equal(vmcb_audit_check(snap, v01, found, AUDIT_MAX), 0);
	assert_false(v01->control.clean & VMCB_CLEAN_BIT(VMCB_CLEAN_DR));
	assert_false(v01->control.clean & VMCB_CLEAN_BIT(VMCB_CLEAN_NPT));
	/* With L1's nested paging, L1's PAT is its own. */
	vmcb_set_g_pat(v01, NSVM_PAT_DEFAULT);
	nsvm_vmexit_restore_l1(v01, f->v02, true);
	assert_int_equal(v01->save.g_pat, NSVM_PAT_DEFAULT);
	free(snap);
}

static void test_reflect_whole(void **state)
{
	struct exit_fixture *f = *state;
	struct nsvm_state s;
	struct nsvm_l2_exit x = exit_of(VMEXIT_CPUID);

	x.nrip = 0x400102;
	nsvm_state_init(&s);
	assert_int_equal(nsvm_reflect(f->v12, NULL, f->v01, f->v02, &x, true, &s), -1); /* not in L2 */
	assert_memory_equal(f->v12, f->before, sizeof(struct vmcb));
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMRUN_OK), 0);
	assert_int_equal(nsvm_reflect(f->v12, NULL, f->v01, f->v02, &x, true, &s), 0);
	assert_int_equal(s.level, NSVM_IN_L1);
	assert_false(s.gif);
	assert_int_equal(f->v12->control.exit_code, VMEXIT_CPUID);
	assert_int_equal(f->v12->control.next_rip, 0x400102);
	assert_int_equal(f->v01->save.dr7, NSVM_DR7_RESET);
	assert_int_equal(nsvm_reflect_invalid(f->v12, NULL, &s), 0);
	s.level = NSVM_IN_L2;
	assert_int_equal(nsvm_reflect_invalid(f->v12, NULL, &s), -1);
}

/* ---- the state machine ---- */

static void test_state_machine(void **state)
{
	struct nsvm_state s;

	(void)state;
	nsvm_state_init(&s);
	assert_int_equal(s.level, NSVM_IN_L1);
	assert_true(s.gif);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMEXIT), -1);
	assert_int_equal(s.level, NSVM_IN_L1);
	assert_true(s.gif);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_CLGI), 0);
	assert_false(s.gif);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMRUN_OK), 0); /* VMRUN sets GIF */
	assert_int_equal(s.level, NSVM_IN_L2);
	assert_true(s.gif);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMRUN_OK), -1);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMRUN_INVALID), -1);
	assert_int_equal(s.level, NSVM_IN_L2);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_CLGI), 0);
	assert_int_equal(s.level, NSVM_IN_L2);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_STGI), 0);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMEXIT), 0);
	assert_int_equal(s.level, NSVM_IN_L1);
	assert_false(s.gif);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_STGI), 0);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_VMRUN_INVALID), 0);
	assert_int_equal(s.level, NSVM_IN_L1);
	assert_false(s.gif);
	assert_int_equal(nsvm_state_step(&s, NSVM_EV_COUNT), -1);
	assert_string_equal(nsvm_event_name(NSVM_EV_VMRUN_INVALID), "VMRUN_INVALID");
	assert_null(nsvm_event_name(NSVM_EV_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intercept_vectors),
		cmocka_unit_test(test_host_events_and_npf),
		cmocka_unit_test(test_msr_exits_through_l1_map),
		cmocka_unit_test(test_ioio_exits_through_l1_map),
		cmocka_unit_test_setup_teardown(test_ioio_exit_info_and_state, exit_setup, exit_teardown),
		cmocka_unit_test_setup_teardown(test_msr_exit_info_and_nrip_rules, exit_setup, exit_teardown),
		cmocka_unit_test(test_nrip_table),
		cmocka_unit_test_setup_teardown(test_exitintinfo, exit_setup, exit_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_write, exit_setup, exit_teardown),
		cmocka_unit_test_setup_teardown(test_restore_l1, exit_setup, exit_teardown),
		cmocka_unit_test_setup_teardown(test_reflect_whole, exit_setup, exit_teardown),
		cmocka_unit_test(test_state_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
