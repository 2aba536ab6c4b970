/* SPDX-License-Identifier: MIT */
/*
 * nsvm_npt: L2 with nested paging of L1's (vmcb12 NP_ENABLE, nCR3 = L1's
 * own tables; docs/nested-svm.md, "Shadow nested tables"). L1's tables map
 * L2-physical 0-4 MiB onto its own memory (2 MiB pages: L2's code, stack
 * and page tables are L1's) and a 4 KiB window at L2-physical 0x10000000:
 *
 *   +0x0000 -> page A (read/write)     +0x1000 not present
 *   +0x2000 -> page B (read-only)      +0x3000 -> page C (no-execute code)
 *
 * L2 (l2_main) does what l2_op says and reports with VMMCALL; L1 starts it
 * afresh for every case.
 *
 *   remapped         a read of 0x10000000 returns page A's magic
 *   not_present      a read of +0x1000: #VMEXIT(NPF), EXITINFO2 the L2
 *                    address, EXITINFO1 US with P and RW clear, final
 *                    translation (bit 32)
 *   write_protected  a write to +0x2000: NPF with P, RW, US; a read there
 *                    returns page B's magic
 *   no_execute       a call to +0x3000: NPF with P, US, ID (fetch)
 *   flush            L1 points +0x0000 at page D and asks for a flush
 *                    (TLB_CONTROL 1): L2 reads D; back to A with INVLPGA:
 *                    L2 reads A
 *   ncr3_switch      a second set of tables mapping +0x0000 to page E:
 *                    VMRUN with it reads E, with the first set again A
 *   pool_recycles    80 pages through 80 separate L1 page tables (more
 *                    than the shadow's 64-page pool): every read right, the
 *                    shadow rebuilt on the way
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/nsvm.h>
#include <guest/x86.h>

ANVIL_MANIFEST(.name = "nsvm_npt", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NESTED_SVM,
	       .mem_kib = 4096, .timeout_ms = 20000);

#define WINDOW 0x10000000ull
#define E_P (1ull << 0)
#define E_RW (1ull << 1)
#define E_US (1ull << 2)
#define E_PS (1ull << 7)
#define E_NX (1ull << 63)
#define TABLE (E_P | E_RW | E_US)
#define NPF_P (1ull << 0)
#define NPF_RW (1ull << 1)
#define NPF_US (1ull << 2)
#define NPF_ID (1ull << 4)
#define NPF_FINAL (1ull << 32)
#define NPF_LOW_BITS 0x1full
#define NSVM_EXIT_NPF 0x400u
#define NP_ENABLE 1ull
#define REPORT 0x5e7
#define MAGIC(x) (0x6e70740000000000ull | (x))

enum op { OP_READ_A, OP_READ_HOLE, OP_WRITE_B, OP_CALL_C, OP_READ_B, OP_SWEEP };

/* pool_recycles: SWEEP_PAGES 4 KiB pages, one per 2 MiB from 1 GiB, each its own L1 page table. */
#define SWEEP_BASE 0x40000000ull
#define SWEEP_PAGES 80u

typedef uint64_t table_t[512] __attribute__((aligned(4096)));
static table_t pml4, pdpt, pd, pt, pml4_2, pdpt_2, pd_2, pt_2;
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
static uint64_t page_d[512] __attribute__((aligned(4096)));
static uint64_t page_e[512] __attribute__((aligned(4096)));
static uint8_t page_c[4096] __attribute__((aligned(4096)));
static struct nsvm_vmcb vmcb;
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t l2_stack[16384] __attribute__((aligned(16)));
static volatile enum op l2_op;
static table_t pd_sweep, pts_sweep[SWEEP_PAGES];
static uint64_t sweep_page[SWEEP_PAGES][512] __attribute__((aligned(4096)));

static uint64_t pa(const void *p) { return (uint64_t)(uintptr_t)p; }

static void __attribute__((noreturn)) l2_main(void)
{
	uint64_t r = 0;
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)WINDOW;

	switch (l2_op) {
	case OP_READ_A: r = w[0]; break;
	case OP_READ_HOLE: r = w[0x1000 / 8]; break;
	case OP_WRITE_B: w[0x2000 / 8] = 1; break;
	case OP_CALL_C: ((void (*)(void))(uintptr_t)(WINDOW + 0x3000))(); break;
	case OP_READ_B: r = w[0x2000 / 8]; break;
	case OP_SWEEP:
		for (unsigned i = 0; i < SWEEP_PAGES; i++)
			r += *(volatile uint64_t *)(uintptr_t)(SWEEP_BASE + (uint64_t)i * 0x200000);
		break;
	}
	for (;;) /* the value in RBX for L1 */
		__asm__ volatile("vmmcall" : : "a"((uint64_t)REPORT), "b"(r) : "memory");
}

/* pml4 -> pdpt -> pd: 0-4 MiB identity with 2 MiB pages, pd[128] -> pt: the window. */
static void build(uint64_t *l4, uint64_t *l3, uint64_t *l2, uint64_t *l1, const void *first)
{
	memset(l4, 0, 4096);
	memset(l3, 0, 4096);
	memset(l2, 0, 4096);
	memset(l1, 0, 4096);
	l4[0] = pa(l3) | TABLE;
	l3[0] = pa(l2) | TABLE;
	l2[0] = 0x000000 | E_P | E_RW | E_US | E_PS;
	l2[1] = 0x200000 | E_P | E_RW | E_US | E_PS;
	l2[WINDOW >> 21] = pa(l1) | TABLE;
	l1[0] = pa(first) | E_P | E_RW | E_US;
	l1[2] = pa(page_b) | E_P | E_US;
	l1[3] = pa(page_c) | E_P | E_RW | E_US | E_NX;
}

struct result {
	uint64_t code, info1, info2, value;
};

static struct result run(enum op op, uint64_t *root, uint8_t tlb_control)
{
	struct nsvm_gprs g;

	memset(&g, 0, sizeof(g));
	l2_op = op;
	vmcb.rip = pa((const void *)l2_main);
	vmcb.rsp = pa(l2_stack + sizeof(l2_stack));
	vmcb.n_cr3 = pa(root);
	vmcb.tlb_control = tlb_control;
	uint64_t code = nsvm_run(&vmcb, &g);
	vmcb.tlb_control = 0;
	return (struct result){ code, vmcb.exit_info1, vmcb.exit_info2, g.rbx };
}

static bool reported(struct checks *c, struct result r, uint64_t want, const char *what)
{
	if (!check(c, r.code == NSVM_EXIT_VMMCALL, "%s: exit %#llx (EXITINFO1 %#llx, EXITINFO2 %#llx), want VMMCALL", what,
		   (unsigned long long)r.code, (unsigned long long)r.info1, (unsigned long long)r.info2))
		return false;
	return check(c, r.value == want, "%s: L2 read %#llx, want %#llx", what, (unsigned long long)r.value,
		     (unsigned long long)want);
}

static void expect_npf(const char *name, enum op op, uint64_t gpa, uint64_t bits)
{
	struct checks c = { 0 };
	struct result r = run(op, pml4, 0);

	if (check(&c, r.code == NSVM_EXIT_NPF, "exit %#llx, want NPF (0x400)", (unsigned long long)r.code)) {
		check(&c, r.info2 == gpa, "EXITINFO2 %#llx, want the L2 address %#llx", (unsigned long long)r.info2,
		      (unsigned long long)gpa);
		check(&c, (r.info1 & NPF_LOW_BITS) == bits && (r.info1 & NPF_FINAL),
		      "EXITINFO1 %#llx, want bits 4:0 = %#llx and bit 32 (final translation)", (unsigned long long)r.info1,
		      (unsigned long long)bits);
	}
	checks_report(&c, name);
}

static void case_flush(void)
{
	struct checks c = { 0 };

	reported(&c, run(OP_READ_A, pml4, 0), MAGIC(0xa), "before");
	pt[0] = pa(page_d) | E_P | E_RW | E_US;
	reported(&c, run(OP_READ_A, pml4, 1), MAGIC(0xd), "after TLB_CONTROL 1");
	pt[0] = pa(page_a) | E_P | E_RW | E_US;
	__asm__ volatile("invlpga" : : "a"(WINDOW), "c"((uint32_t)vmcb.asid) : "memory");
	reported(&c, run(OP_READ_A, pml4, 0), MAGIC(0xa), "after INVLPGA");
	checks_report(&c, "flush");
}

/*
 * More distinct L2 page tables than the shadow's pool holds (64): the
 * shadow starts over as often as it must, and every read is still right.
 */
static void case_pool_recycles(void)
{
	struct checks c = { 0 };
	uint64_t want = 0;

	memset(pd_sweep, 0, sizeof(pd_sweep));
	pdpt[SWEEP_BASE >> 30] = pa(pd_sweep) | TABLE;
	for (unsigned i = 0; i < SWEEP_PAGES; i++) {
		memset(pts_sweep[i], 0, sizeof(pts_sweep[i]));
		sweep_page[i][0] = MAGIC(0x100 + i);
		want += MAGIC(0x100 + i);
		pts_sweep[i][0] = pa(sweep_page[i]) | E_P | E_RW | E_US;
		pd_sweep[i] = pa(pts_sweep[i]) | TABLE;
	}
	uint64_t rebuilds0 = arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_SHADOW_REBUILDS, 0, 0);
	reported(&c, run(OP_SWEEP, pml4, 1), want, "sum of the pages");
	uint64_t rebuilds = arch_test(ANVIL_SVM_TEST_NESTED_STATS, ANVIL_NESTED_STAT_SHADOW_REBUILDS, 0, 0) - rebuilds0;
	check(&c, rebuilds >= 2, "%llu shadow rebuilds for %u L1 page tables: the pool never ran dry",
	      (unsigned long long)rebuilds, SWEEP_PAGES);
	check_note(&c, "%llu rebuilds", (unsigned long long)rebuilds);
	pdpt[SWEEP_BASE >> 30] = 0;
	checks_report(&c, "pool_recycles");
}

static void case_ncr3_switch(void)
{
	struct checks c = { 0 };

	build(pml4_2, pdpt_2, pd_2, pt_2, page_e);
	reported(&c, run(OP_READ_A, pml4_2, 0), MAGIC(0xe), "second tables");
	reported(&c, run(OP_READ_A, pml4, 0), MAGIC(0xa), "first tables again");
	checks_report(&c, "ncr3_switch");
}

int guest_main(const struct anvil_guest_info *info)
{
	static const char *const cases[] = { "remapped", "not_present", "write_protected", "read_only_readable",
					     "no_execute", "flush", "ncr3_switch", "pool_recycles" };
	(void)info;
	if (!nsvm_start_or_skip(hsave, true, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	page_a[0] = MAGIC(0xa);
	page_b[0] = MAGIC(0xb);
	page_d[0] = MAGIC(0xd);
	page_e[0] = MAGIC(0xe);
	page_c[0] = 0xc3; /* ret: reached only if NX is ignored */
	build(pml4, pdpt, pd, pt, page_a);
	nsvm_vmcb_init(&vmcb, l2_main, l2_stack + sizeof(l2_stack));
	vmcb.nested_ctl = NP_ENABLE;
	struct checks c = { 0 };
	reported(&c, run(OP_READ_A, pml4, 0), MAGIC(0xa), "read through the window");
	checks_report(&c, "remapped");
	expect_npf("not_present", OP_READ_HOLE, WINDOW + 0x1000, NPF_US);
	expect_npf("write_protected", OP_WRITE_B, WINDOW + 0x2000, NPF_P | NPF_RW | NPF_US);
	struct checks cb = { 0 };
	reported(&cb, run(OP_READ_B, pml4, 0), MAGIC(0xb), "read of the read-only page");
	checks_report(&cb, "read_only_readable");
	expect_npf("no_execute", OP_CALL_C, WINDOW + 0x3000, NPF_P | NPF_US | NPF_ID);
	case_flush();
	case_ncr3_switch();
	case_pool_recycles();
	return 0;
}
