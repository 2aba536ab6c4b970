/* SPDX-License-Identifier: MIT */
/*
 * vmx_exits: the exit information a VMX CPU reports, checked against what
 * the payload knows it did (SDM Vol 3C §28.2, Appendix C). For each exit it
 * causes, the hypervisor hands back the raw fields of that exit
 * (ANVIL_VMX_TEST_LAST_EXIT): the basic reason, the instruction length
 * (compared with the distance between two labels around the instruction),
 * and the qualification: I/O size, direction, string, REP, immediate and
 * port; EPT-violation access kind, the EPT rights of the address, linear
 * address valid and caused by the translation itself; CR access register,
 * type and GPR. Also: an EPT misconfiguration is reported and survived,
 * EPT accessed/dirty flags, CR8 kept apart from the host's TPR, the host's
 * CR4.VMXE hidden, and the VMX-preemption timer slicing a spinning guest.
 */
#include <string.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "vmx_exits", .features = ANVIL_FEAT_VMX | ANVIL_FEAT_EPT, .mem_kib = 4096,
	       .timeout_ms = 30000);

#define PAGE 4096u
#define IO_UNUSED_PORT 0xef
#define REASON_CPUID 10u
#define REASON_HLT 12u
#define REASON_VMCALL 18u
#define REASON_CR_ACCESS 28u
#define REASON_IO 30u
#define REASON_RDMSR 31u
#define REASON_WRMSR 32u
#define REASON_EPT_VIOLATION 48u
#define REASON_EPT_MISCONFIG 49u
#define BASIC(r) ((r) & 0xffffu)
/* EPT-violation qualification (SDM Vol 3C §28.2.1, Table 28-7). */
#define EQ_READ (1u << 0)
#define EQ_WRITE (1u << 1)
#define EQ_FETCH (1u << 2)
#define EQ_R (1u << 3)
#define EQ_W (1u << 4)
#define EQ_X (1u << 5)
#define EQ_GLA_VALID (1u << 7)
#define EQ_FINAL (1u << 8)
#define EQ_CHECKED 0x1bfu /* bits 8:7 and 5:0 */
/* I/O qualification (Table 28-5). */
#define IOQ(size, in, str, rep, imm, port) \
	((uint64_t)((size) - 1) | ((in) << 3) | ((str) << 4) | ((rep) << 5) | ((imm) << 6) | ((uint64_t)(port) << 16))
/* CR-access qualification (Table 28-3): CR, type (0 MOV to, 1 MOV from), GPR. */
#define CRQ(cr, type, gpr) ((uint64_t)(cr) | ((type) << 4) | ((uint64_t)(gpr) << 8))
#define GPR_RAX 0
#define GPR_RBX 3
#define CR4_VMXE (1ull << 13)
#define CR0_TS (1ull << 3)
#define RET_INSN 0xc3
#define SPIN_SLICES 3

static uint8_t data[4][PAGE] __attribute__((aligned(PAGE)));
static uint8_t code[PAGE] __attribute__((aligned(PAGE)));

static uint64_t gpa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The most recent exit with this basic reason before the query's own (reason ~0: none yet). */
static void last_exit(uint32_t reason, struct anvil_vmx_exit *x)
{
	memset(x, 0xa5, sizeof(*x));
	arch_test(ANVIL_VMX_TEST_LAST_EXIT, gpa_of(x), reason, 0);
}

/* Run an instruction between two labels; *len = their distance. */
typedef void (*insn_fn)(uint64_t *len);

static void exit_of(insn_fn fn, uint32_t reason, uint64_t *len, struct anvil_vmx_exit *x)
{
	fn(len);
	last_exit(reason, x);
}

static bool expect_exit(struct checks *c, const char *what, const struct anvil_vmx_exit *x, uint32_t reason,
			uint64_t len)
{
	return check(c, BASIC(x->reason) == reason && x->insn_len == len,
		     "%s: reason %u length %u, want reason %u length %llu", what, BASIC(x->reason), x->insn_len, reason,
		     (unsigned long long)len);
}

/* ---- instruction exits ---- */

#define LABELLED(insn, ...)                                                               \
	do {                                                                              \
		uint64_t a_, b_;                                                         \
		__asm__ volatile("lea 1f(%%rip), %0\n\t"                                 \
				 "lea 2f(%%rip), %1\n"                                   \
				 "1:\t" insn "\n"                                       \
				 "2:" : "=&r"(a_), "=&r"(b_) __VA_ARGS__);              \
		*len = b_ - a_;                                                          \
	} while (0)

static void do_cpuid(uint64_t *len)
{
	uint32_t a = 0, b, c = 0, d;
	uint64_t s, e;
	__asm__ volatile("lea 1f(%%rip), %4\n\tlea 2f(%%rip), %5\n1:\tcpuid\n2:"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=&r"(s), "=&r"(e));
	*len = e - s;
}

static void do_hlt(uint64_t *len)
{
	LABELLED("hlt", : : "memory");
}

static void do_vmcall(uint64_t *len)
{
	struct hc_probe p = { .nr = ANVIL_HC_EXIT_COUNT, .a = { ANVIL_EXIT_CPUID, 0, 0, 0 } };
	guest_hypercall_probe(&p);
	*len = p.ip_after - p.ip_at;
}

static void do_rdmsr(uint64_t *len)
{
	uint32_t lo, hi;
	uint64_t s, e;
	__asm__ volatile("lea 1f(%%rip), %2\n\tlea 2f(%%rip), %3\n1:\trdmsr\n2:"
			 : "=a"(lo), "=d"(hi), "=&r"(s), "=&r"(e) : "c"(ANVIL_TEST_MSR));
	*len = e - s;
}

static void do_wrmsr(uint64_t *len)
{
	uint64_t s, e;
	__asm__ volatile("lea 1f(%%rip), %0\n\tlea 2f(%%rip), %1\n1:\twrmsr\n2:"
			 : "=&r"(s), "=&r"(e) : "c"(ANVIL_TEST_MSR), "a"(0x1234), "d"(0) : "memory");
	*len = e - s;
}

static void check_instruction_exits(void)
{
	struct checks c = { 0 };
	struct anvil_vmx_exit x;
	uint64_t len;
	exit_of(do_cpuid, REASON_CPUID, &len, &x);
	if (expect_exit(&c, "CPUID", &x, REASON_CPUID, len))
		check(&c, x.qualification == 0, "CPUID: qualification %#llx", (unsigned long long)x.qualification);
	exit_of(do_hlt, REASON_HLT, &len, &x);
	expect_exit(&c, "HLT", &x, REASON_HLT, len);
	exit_of(do_vmcall, REASON_VMCALL, &len, &x);
	expect_exit(&c, "VMCALL", &x, REASON_VMCALL, len);
	exit_of(do_rdmsr, REASON_RDMSR, &len, &x);
	if (expect_exit(&c, "RDMSR", &x, REASON_RDMSR, len))
		check(&c, x.qualification == 0, "RDMSR: qualification %#llx", (unsigned long long)x.qualification);
	exit_of(do_wrmsr, REASON_WRMSR, &len, &x);
	expect_exit(&c, "WRMSR", &x, REASON_WRMSR, len);
	checks_report(&c, "instruction_exits");
}

/* ---- I/O qualification ---- */

static void io_outb_imm(uint64_t *len)
{
	LABELLED("outb %%al, $0xef", : "a"(0x5a));
}
static void io_inw_dx(uint64_t *len)
{
	LABELLED("inw %%dx, %%ax", : "d"(ANVIL_TEST_PORT) : "rax");
}
static void io_outl_dx(uint64_t *len)
{
	LABELLED("outl %%eax, %%dx", : "d"(ANVIL_TEST_PORT), "a"(0x11223344u));
}
static void io_inb_imm(uint64_t *len)
{
	LABELLED("inb $0xef, %%al", : : "rax");
}
static uint8_t io_buf[16];
static void io_rep_outsb(uint64_t *len)
{
	const uint8_t *src = io_buf;
	uint64_t n = 4, s, e;
	__asm__ volatile("lea 1f(%%rip), %2\n\tlea 2f(%%rip), %3\n1:\trep outsb\n2:"
			 : "+S"(src), "+c"(n), "=&r"(s), "=&r"(e) : "d"(ANVIL_TEST_PORT) : "memory");
	*len = e - s;
}
static void io_insw(uint64_t *len)
{
	uint8_t *dst = io_buf;
	uint64_t s, e;
	__asm__ volatile("lea 1f(%%rip), %1\n\tlea 2f(%%rip), %2\n1:\tinsw\n2:"
			 : "+D"(dst), "=&r"(s), "=&r"(e) : "d"(ANVIL_TEST_PORT) : "memory");
	*len = e - s;
}

struct io_case {
	const char *what;
	insn_fn fn;
	uint64_t qual;
	const void *mem; /* string forms: the linear address of the memory operand */
};

static void check_io_qualification(void)
{
	const struct io_case cases[] = {
		{ "outb $0xef", io_outb_imm, IOQ(1, 0, 0, 0, 1, IO_UNUSED_PORT), NULL },
		{ "inb $0xef", io_inb_imm, IOQ(1, 1, 0, 0, 1, IO_UNUSED_PORT), NULL },
		{ "inw (dx)", io_inw_dx, IOQ(2, 1, 0, 0, 0, ANVIL_TEST_PORT), NULL },
		{ "outl (dx)", io_outl_dx, IOQ(4, 0, 0, 0, 0, ANVIL_TEST_PORT), NULL },
		{ "rep outsb", io_rep_outsb, IOQ(1, 0, 1, 1, 0, ANVIL_TEST_PORT), io_buf },
		{ "insw", io_insw, IOQ(2, 1, 1, 0, 0, ANVIL_TEST_PORT), io_buf },
	};
	struct checks c = { 0 };
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct anvil_vmx_exit x;
		uint64_t len;
		exit_of(cases[i].fn, REASON_IO, &len, &x);
		if (!expect_exit(&c, cases[i].what, &x, REASON_IO, len))
			continue;
		check(&c, x.qualification == cases[i].qual, "%s: qualification %#llx, want %#llx", cases[i].what,
		      (unsigned long long)x.qualification, (unsigned long long)cases[i].qual);
		/* SDM §28.2.1: the guest-linear address of an INS/OUTS memory operand (a REP's last element). */
		if (cases[i].mem)
			check(&c, x.gla >= gpa_of(cases[i].mem) && x.gla < gpa_of(cases[i].mem) + sizeof(io_buf),
			      "%s: guest-linear address %#llx, want inside %p", cases[i].what,
			      (unsigned long long)x.gla, cases[i].mem);
	}
	checks_report(&c, "io_qualification");
}

/* ---- EPT violations ---- */

static void read_byte(void *p)
{
	(void)*(volatile uint8_t *)p;
}
static void write_byte(void *p)
{
	*(volatile uint8_t *)p = 0x77;
}
static void call_it(void *p)
{
	((void (*)(void))p)();
}

struct ept_case {
	const char *what;
	void (*access)(void *);
	void *target;
	uint32_t rights;   /* ANVIL_ACCESS_* of the page */
	uint32_t want;     /* bits 8:7 and 5:0 of the qualification */
};

static void check_ept_violation_qualification(void)
{
	struct checks c = { 0 };
	code[0] = RET_INSN;
	const struct ept_case cases[] = {
		{ "read, not present", read_byte, &data[0][0x123], 0, EQ_READ | EQ_GLA_VALID | EQ_FINAL },
		{ "write, read-only", write_byte, &data[1][0x456], ANVIL_ACCESS_R | ANVIL_ACCESS_X,
		  EQ_WRITE | EQ_R | EQ_X | EQ_GLA_VALID | EQ_FINAL },
		{ "fetch, not executable", call_it, code, ANVIL_ACCESS_R | ANVIL_ACCESS_W,
		  EQ_FETCH | EQ_R | EQ_W | EQ_GLA_VALID | EQ_FINAL },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ept_case *k = &cases[i];
		uint64_t page = gpa_of(k->target) & ~(uint64_t)(PAGE - 1);
		struct anvil_vmx_exit x;
		struct anvil_fault f;
		set_page_access(page, k->rights);
		bool faulted = guest_try_mem(k->access, k->target, &f);
		set_page_access(page, ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X);
		last_exit(REASON_EPT_VIOLATION, &x);
		if (!check(&c, faulted, "%s: no fault", k->what) ||
		    !check(&c, BASIC(x.reason) == REASON_EPT_VIOLATION && x.gpa == gpa_of(k->target),
			   "%s: the last EPT violation was at %#llx (reason %u), want %p", k->what,
			   (unsigned long long)x.gpa, BASIC(x.reason), k->target))
			continue;
		check(&c, (x.qualification & EQ_CHECKED) == k->want, "%s: qualification %#llx, want bits %#x of %#x",
		      k->what, (unsigned long long)x.qualification, k->want, EQ_CHECKED);
		check(&c, x.gla == gpa_of(k->target), "%s: guest-linear address %#llx, want %p (identity map)", k->what,
		      (unsigned long long)x.gla, k->target);
	}
	checks_report(&c, "ept_violation_qualification");
}

/* ---- EPT misconfiguration ---- */

static void check_ept_misconfiguration(void)
{
	struct checks c = { 0 };
	struct anvil_vmx_exit x;
	volatile uint8_t *p = &data[2][0x321];
	*p = 0x3c;
	uint64_t before = arch_test(ANVIL_VMX_TEST_EPT_MISCONFIGURE, gpa_of((const void *)p), 0, 0);
	uint8_t v = *p; /* exits with the misconfiguration; the hypervisor repairs the entry; the read restarts */
	last_exit(REASON_EPT_MISCONFIG, &x);
	check(&c, v == 0x3c, "the read after the repair gave %#x", v);
	check(&c, BASIC(x.reason) == REASON_EPT_MISCONFIG && x.gpa == gpa_of((const void *)p),
	      "the last misconfiguration exit: reason %u at guest-physical %#llx, want %u at %p", BASIC(x.reason),
	      (unsigned long long)x.gpa, REASON_EPT_MISCONFIG, (const void *)p);
	uint64_t after = arch_test(ANVIL_VMX_TEST_EPT_MISCONFIGURE, gpa_of(&data[3][0]), 0, 0);
	check(&c, after == before + 1, "misconfigurations repaired: %llu before, %llu after", (unsigned long long)before,
	      (unsigned long long)after);
	(void)*(volatile uint8_t *)&data[3][0]; /* repair the second one too */
	checks_report(&c, "ept_misconfiguration");
}

/* ---- EPT accessed and dirty flags ---- */

static void check_ept_accessed_dirty(void)
{
	struct checks c = { 0 };
	uint64_t page = gpa_of(data[3]);
	/* A rights change splits the page into a 4 KiB leaf of its own: nothing else sets its flags. */
	set_page_access(page, ANVIL_ACCESS_R | ANVIL_ACCESS_W);
	uint64_t r = arch_test(ANVIL_VMX_TEST_EPT_AD, page, 0, 0);
	if (r == ANVIL_TEST_UNSUPPORTED) {
		set_page_access(page, ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X);
		report_skip("ept_accessed_dirty", "the CPU has no EPT accessed/dirty flags");
		return;
	}
	uint64_t untouched = arch_test(ANVIL_VMX_TEST_EPT_AD, page, 0, 0);
	(void)*(volatile uint8_t *)&data[3][8];
	uint64_t after_read = arch_test(ANVIL_VMX_TEST_EPT_AD, page, 0, 0);
	*(volatile uint8_t *)&data[3][8] = 1;
	uint64_t after_write = arch_test(ANVIL_VMX_TEST_EPT_AD, page, 0, 0);
	set_page_access(page, ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X);
	check(&c, untouched == 0, "flags %#llx with no access since they were cleared", (unsigned long long)untouched);
	check(&c, after_read == ANVIL_EPT_ACCESSED, "flags %#llx after a read, want accessed only",
	      (unsigned long long)after_read);
	check(&c, after_write == (ANVIL_EPT_ACCESSED | ANVIL_EPT_DIRTY), "flags %#llx after a write, want accessed|dirty",
	      (unsigned long long)after_write);
	checks_report(&c, "ept_accessed_dirty");
}

/* ---- control registers ---- */

static void cr8_write(uint64_t *len)
{
	LABELLED("mov %%rax, %%cr8", : "a"(5ull));
}

static uint64_t cr8_value;
static void cr8_read(uint64_t *len)
{
	uint64_t v, s, e;
	__asm__ volatile("lea 1f(%%rip), %1\n\tlea 2f(%%rip), %2\n1:\tmov %%cr8, %%rbx\n2:" : "=b"(v), "=&r"(s), "=&r"(e));
	cr8_value = v;
	*len = e - s;
}

/* CR8 is the guest's own: its writes exit and are kept apart from the host's TPR. */
static void check_cr8(void)
{
	struct checks c = { 0 };
	struct anvil_vmx_exit x;
	uint64_t len;
	exit_of(cr8_write, REASON_CR_ACCESS, &len, &x);
	if (expect_exit(&c, "MOV to CR8", &x, REASON_CR_ACCESS, len))
		check(&c, x.qualification == CRQ(8, 0, GPR_RAX), "MOV to CR8: qualification %#llx, want %#llx",
		      (unsigned long long)x.qualification, (unsigned long long)CRQ(8, 0, GPR_RAX));
	exit_of(cr8_read, REASON_CR_ACCESS, &len, &x);
	if (expect_exit(&c, "MOV from CR8", &x, REASON_CR_ACCESS, len))
		check(&c, x.qualification == CRQ(8, 1, GPR_RBX), "MOV from CR8: qualification %#llx, want %#llx",
		      (unsigned long long)x.qualification, (unsigned long long)CRQ(8, 1, GPR_RBX));
	check(&c, cr8_value == 5, "CR8 reads %#llx after writing 5", (unsigned long long)cr8_value);
	__asm__ volatile("mov %0, %%cr8" : : "r"(0ull));
	checks_report(&c, "cr8_virtual");
}

static void set_vmxe(void *arg)
{
	(void)arg;
	write_cr4(read_cr4() | CR4_VMXE);
}

/*
 * The host owns CR4.VMXE (VMX needs it set): the guest reads it clear, and
 * setting it, which a CPU without VMX refuses, is #GP. A write that changes
 * none of the host's bits (CR0.TS) does not exit at all.
 */
static void check_cr_shadows(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	uint64_t cr4 = read_cr4();
	check(&c, !(cr4 & CR4_VMXE), "the guest reads CR4 %#llx: VMXE visible", (unsigned long long)cr4);
	bool trapped = guest_try(set_vmxe, NULL, &t);
	check(&c, trapped && t.vector == X86_VEC_GP, "setting CR4.VMXE: %s vector %llu", trapped ? "trapped" : "no trap,",
	      (unsigned long long)t.vector);
	check(&c, read_cr4() == cr4, "CR4 reads %#llx after the refused write, was %#llx", (unsigned long long)read_cr4(),
	      (unsigned long long)cr4);
	uint64_t arch0 = exit_count(ANVIL_EXIT_ARCH);
	uint64_t cr0 = read_cr0();
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_TS));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	write_cr4(cr4);
	uint64_t arch1 = exit_count(ANVIL_EXIT_ARCH);
	check(&c, arch1 == arch0, "writes of the guest's own bits (CR0.TS, CR4 unchanged) exited %llu times",
	      (unsigned long long)(arch1 - arch0));
	checks_report(&c, "cr_host_bits_shadowed");
}

/* ---- the time slice ---- */

/*
 * A guest with interrupts off still gives the CPU back every slice of its
 * own running time, however often it exits meanwhile: it spins for three
 * slices (its own RDTSC), exiting every eighth of one; a slice that started
 * again at every entry would never end.
 */
static void check_timeslice(void)
{
	uint64_t slice = arch_test(ANVIL_VMX_TEST_TIMESLICE, 0, 0, 0);
	if (slice == ANVIL_TEST_UNSUPPORTED) {
		report_skip("timeslice", "no VMX-preemption timer on this CPU");
		return;
	}
	uint64_t n0 = exit_count(ANVIL_EXIT_TIMESLICE);
	uint64_t start = rdtsc(), last = start, now;
	cli();
	while ((now = rdtsc()) - start < SPIN_SLICES * slice) {
		if (now - last > slice / 8) {
			exit_count(ANVIL_EXIT_HYPERCALL);
			last = rdtsc();
		}
		__asm__ volatile("pause");
	}
	uint64_t n1 = exit_count(ANVIL_EXIT_TIMESLICE);
	reportf(n1 - n0 >= SPIN_SLICES - 1, "timeslice",
		"%llu slice exits while spinning %u slices of %llu TSC cycles, with an exit every eighth of one",
		(unsigned long long)(n1 - n0), SPIN_SLICES, (unsigned long long)slice);
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	check_instruction_exits();
	check_io_qualification();
	check_ept_violation_qualification();
	check_ept_misconfiguration();
	check_ept_accessed_dirty();
	check_cr8();
	check_cr_shadows();
	check_timeslice();
	return 0;
}
