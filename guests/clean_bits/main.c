/* SPDX-License-Identifier: MIT */
/*
 * clean_bits: for every VMCB clean-bit group, the hypervisor changes a field
 * of the group through its accessors between two VMRUNs to a value whose
 * effect the guest then observes, and back (guest_abi.h,
 * ANVIL_SVM_TEST_TOUCH_GROUP); the hypervisor's own
 * `clean_bits/vmcb_clean_audit` case says whether any VMRUN ran with a stale
 * clean bit. The auditor is also shown to catch a field changed behind the
 * accessors, for every group.
 */
#include <stdio.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "clean_bits", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT,
	       .mem_kib = 4096, .timeout_ms = 10000);

#define CLEAN_GROUPS 13
#define CASE_NAME_MAX 40
#define VIRQ_VECTOR 0x51
#define CR2_VALUE 0xdead0000ull
#define GDT_LIMIT 23u     /* three descriptors (guest_abi.h layout) */
#define GDT_LIMIT_ALT 31u /* + 8, what the DT touch sets */
#define POST_PORT 0x80
#define ALIAS_GPA 0xd0000000ull /* outside guest memory, inside the 4 GiB the guest maps */
#define PAGE 4096u

/* APM Vol 2 15.15.3, VMCB clean bits 0..12, in bit order. */
enum { G_INTERCEPTS, G_PERM_MAP, G_ASID, G_INTR, G_NPT, G_CR, G_DR, G_DT, G_SEG, G_CR2, G_LBR, G_AVIC, G_CET };
static const char *const group_names[CLEAN_GROUPS] = {
	"intercepts", "perm_map", "asid", "intr", "npt", "cr", "dr",
	"dt", "seg", "cr2", "lbr", "avic", "cet",
};

static bool touch(struct checks *c, unsigned g, bool on, uint64_t arg)
{
	uint64_t r = arch_test(ANVIL_SVM_TEST_TOUCH_GROUP, g, on, arg);
	return check(c, r == 0, "TOUCH_GROUP %s %s answered %#llx", group_names[g], on ? "on" : "off",
		     (unsigned long long)r);
}

static void report_touch(struct checks *c, unsigned g)
{
	char name[CASE_NAME_MAX];
	snprintf(name, sizeof(name), "touch_%s", group_names[g]);
	checks_report(c, name);
}

/* ---- groups observed through an exit count ---- */

static void raise_ud(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

/* INTERCEPTS: with #UD intercepted, a ud2 exits once and still reaches the guest's handler. */
static void touch_intercepts(void)
{
	struct checks c = { 0 };
	struct guest_trap t;
	for (int on = 1; on >= 0; on--) {
		if (!touch(&c, G_INTERCEPTS, on, 0))
			break;
		uint64_t n0 = exit_count(ANVIL_EXIT_EXCEPTION);
		bool faulted = guest_try(raise_ud, NULL, &t);
		uint64_t n1 = exit_count(ANVIL_EXIT_EXCEPTION);
		check(&c, faulted && t.vector == X86_VEC_UD, "%s: ud2 gave vector %llu", on ? "on" : "off",
		      (unsigned long long)t.vector);
		check(&c, n1 - n0 == (uint64_t)on, "%s: ud2 took %llu exception exits, want %d", on ? "intercepted" : "not",
		      (unsigned long long)(n1 - n0), on);
	}
	report_touch(&c, G_INTERCEPTS);
}

/* PERM_MAP: the second I/O map intercepts port 0x80, which otherwise passes through. */
static void touch_perm_map(void)
{
	struct checks c = { 0 };
	for (int on = 1; on >= 0; on--) {
		if (!touch(&c, G_PERM_MAP, on, 0))
			break;
		uint64_t n0 = exit_count(ANVIL_EXIT_IO);
		(void)inb(POST_PORT);
		uint64_t n1 = exit_count(ANVIL_EXIT_IO);
		check(&c, n1 - n0 == (uint64_t)on, "%s: IN from port 0x80 took %llu IO exits, want %d",
		      on ? "second maps" : "first maps", (unsigned long long)(n1 - n0), on);
	}
	report_touch(&c, G_PERM_MAP);
}

/* ---- ASID: a fresh one shows the current mapping, a reused one must have been flushed ---- */

static uint8_t pages[3][PAGE] __attribute__((aligned(PAGE)));

static uint8_t alias_read(void)
{
	return *(volatile uint8_t *)(uintptr_t)ALIAS_GPA;
}

static uint64_t gpa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void touch_asid(void)
{
	struct checks c = { 0 }, reuse = { 0 };
	for (int i = 0; i < 3; i++)
		pages[i][0] = (uint8_t)(0x11 * (i + 1));
	remap_page(ALIAS_GPA, gpa_of(pages[0]));
	uint8_t first = alias_read(); /* cached under this ASID: pages[0] */
	arch_test(ANVIL_NP_TEST_REPOINT_NO_FLUSH, ALIAS_GPA, gpa_of(pages[1]), 0);
	uint8_t control = alias_read();
	if (control != pages[0][0]) {
		/* Nothing survived the VMRUN in between: no stale translation can be shown on this CPU. */
		const char *why = "this CPU kept no guest translation across VMRUN (a repointed page read new at once), "
				  "so stale ones cannot be observed";
		unmap_page(ALIAS_GPA);
		check(&c, first == pages[0][0] && control == pages[1][0], "alias read %#x then %#x", first, control);
		if (c.failed) {
			checks_report(&c, "touch_asid");
			report_skip("asid_reuse", "the alias did not read as mapped (see touch_asid)");
			return;
		}
		report_skip("touch_asid", "%s", why);
		report_skip("asid_reuse", "%s", why);
		return;
	}
	if (touch(&c, G_ASID, true, 0)) {
		uint8_t fresh = alias_read();
		check(&c, fresh == pages[1][0], "a fresh ASID read %#x, want the current page's %#x", fresh, pages[1][0]);
		arch_test(ANVIL_NP_TEST_REPOINT_NO_FLUSH, ALIAS_GPA, gpa_of(pages[2]), 0);
		if (touch(&reuse, G_ASID, false, 0)) {
			uint8_t reused = alias_read();
			check(&reuse, reused == pages[2][0], "the reused ASID read %#x (%s), want %#x", reused,
			      reused == pages[0][0] ? "its stale translation" : "?", pages[2][0]);
		}
	}
	unmap_page(ALIAS_GPA);
	report_touch(&c, G_ASID);
	checks_report(&reuse, "asid_reuse");
}

/* ---- INTR: V_IRQ delivers a virtual interrupt once IF is set ---- */

static volatile unsigned virq_count;
static volatile uint64_t virq_vector;

static void on_virq(struct guest_frame *f)
{
	virq_count++;
	virq_vector = f->vector;
}

static void touch_intr(void)
{
	struct checks c = { 0 };
	guest_handler_fn old = guest_set_handler(VIRQ_VECTOR, on_virq);
	cli();
	virq_count = 0;
	if (touch(&c, G_INTR, true, VIRQ_VECTOR)) {
		unsigned before_sti = virq_count;
		sti();
		__asm__ volatile("nop; nop" ::: "memory");
		cli();
		check(&c, before_sti == 0, "the virtual interrupt came %u times while IF=0", before_sti);
		check(&c, virq_count == 1 && virq_vector == VIRQ_VECTOR, "after STI: %u interrupts, vector %#llx",
		      virq_count, (unsigned long long)virq_vector);
		if (touch(&c, G_INTR, false, 0)) {
			sti();
			__asm__ volatile("nop; nop" ::: "memory");
			cli();
			check(&c, virq_count == 1, "V_IRQ cleared, yet %u interrupts", virq_count);
		}
	}
	guest_set_handler(VIRQ_VECTOR, old);
	report_touch(&c, G_INTR);
}

/* ---- NPT: the other nested tables map one more page ---- */

static void read_alt(void *arg)
{
	*(uint8_t *)arg = *(volatile uint8_t *)(uintptr_t)ANVIL_SVM_NPT_ALT_GPA;
}

static void touch_npt(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint8_t got = 0;
	pages[0][0] = 0xa5;
	check(&c, guest_try_mem(read_alt, &got, &f) && f.gpa == ANVIL_SVM_NPT_ALT_GPA,
	      "before: %#llx read without a fault", (unsigned long long)ANVIL_SVM_NPT_ALT_GPA);
	if (touch(&c, G_NPT, true, gpa_of(pages[0]))) {
		bool faulted = guest_try_mem(read_alt, &got, &f);
		check(&c, !faulted && got == 0xa5, "other tables: %s %#x, want 0xa5", faulted ? "fault at" : "read",
		      faulted ? (unsigned)f.gpa : got);
		if (touch(&c, G_NPT, false, 0))
			check(&c, guest_try_mem(read_alt, &got, &f), "back: %#llx still readable",
			      (unsigned long long)ANVIL_SVM_NPT_ALT_GPA);
	}
	report_touch(&c, G_NPT);
}

/* ---- groups the guest reads back directly ---- */

static uint64_t cr4_tsd(void) { return read_cr4() & X86_CR4_TSD; }
static uint64_t dr6_b0(void) { return read_dr6() & 1; }
static uint64_t gdt_limit(void) { return sgdt().limit; }
static uint64_t es_sel(void) { return read_es(); }
static uint64_t cr2(void) { return read_cr2(); }

struct readback {
	unsigned group;
	uint64_t (*read)(void);
	uint64_t arg, want_on, want_off;
};

static void touch_readback(const struct readback *r)
{
	struct checks c = { 0 };
	for (int on = 1; on >= 0; on--) {
		if (!touch(&c, r->group, on, r->arg))
			break;
		uint64_t got = r->read(), want = on ? r->want_on : r->want_off;
		check(&c, got == want, "%s: read %#llx, want %#llx", on ? "new value" : "old value",
		      (unsigned long long)got, (unsigned long long)want);
	}
	report_touch(&c, r->group);
}

static const struct readback readbacks[] = {
	{ G_CR, cr4_tsd, 0, X86_CR4_TSD, 0 },
	{ G_DR, dr6_b0, 0, 1, 0 },
	{ G_DT, gdt_limit, 0, GDT_LIMIT_ALT, GDT_LIMIT },
	{ G_SEG, es_sel, 0, 0, ANVIL_GUEST_DS },
	{ G_CR2, cr2, CR2_VALUE, CR2_VALUE, 0 },
};

/* LBR, AVIC and CET: the features are off, so there is nothing to observe. */
static void touch_invisible(unsigned g)
{
	char name[CASE_NAME_MAX];
	uint64_t r = arch_test(ANVIL_SVM_TEST_TOUCH_GROUP, g, 1, 0);
	snprintf(name, sizeof(name), "touch_%s", group_names[g]);
	if (r == ANVIL_TEST_UNSUPPORTED)
		report_skip(name, "the feature of group %s is off: no value in it changes what the guest sees",
			    group_names[g]);
	else
		reportf(false, name, "TOUCH_GROUP %u answered %#llx, expected UNSUPPORTED", g, (unsigned long long)r);
}

/* ---- the auditor ---- */

static void check_auditor(unsigned g)
{
	char name[CASE_NAME_MAX];
	uint64_t r = arch_test(ANVIL_SVM_TEST_AUDIT_SELFTEST, g, 0, 0);

	snprintf(name, sizeof(name), "auditor_catches_%s", group_names[g]);
	if (r == ANVIL_TEST_UNSUPPORTED)
		report_skip(name, "the auditor is off (audit=0)");
	else
		reportf(r == 1, name, "AUDIT_SELFTEST %u returned %lld", g, (long long)r);
}

/* Every hypercall exit so far was followed by a VMRUN the auditor checked. */
static void check_audited_vmruns(void)
{
	uint64_t exits = exit_count(ANVIL_EXIT_HYPERCALL); /* includes this call */
	uint64_t audited = arch_test(ANVIL_SVM_TEST_AUDIT_COUNT, 0, 0, 0);

	if (audited == ANVIL_TEST_UNSUPPORTED)
		report_skip("audited_vmruns", "the auditor is off (audit=0)");
	else
		reportf(audited >= exits, "audited_vmruns", "%llu VMRUNs audited, %llu hypercalls made before asking",
			(unsigned long long)audited, (unsigned long long)exits);
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	touch_intercepts();
	touch_perm_map();
	touch_asid();
	touch_intr();
	touch_npt();
	for (unsigned i = 0; i < sizeof(readbacks) / sizeof(readbacks[0]); i++)
		touch_readback(&readbacks[i]);
	touch_invisible(G_LBR);
	touch_invisible(G_AVIC);
	touch_invisible(G_CET);
	for (unsigned g = 0; g < CLEAN_GROUPS; g++)
		check_auditor(g);
	check_audited_vmruns();
	return 0;
}
