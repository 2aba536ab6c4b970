/* SPDX-License-Identifier: MIT */
/*
 * spp: EPT sub-page write permissions (VMX with SPP, SDM Vol 3C §29.3.4).
 * A protected page stays writable only in the 128-byte sub-pages its mask
 * allows; a write anywhere else is refused and reported as a memory fault
 * of kind ANVIL_FAULT_SPP with the sub-page. Reads and instruction fetches
 * are unaffected; the mask can change at run time; more pages than one SPP
 * table page can hold are protected, so the hypervisor's lazy SPPT filling
 * (on SPPT-miss exits) is exercised.
 */
#include <string.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "spp", .features = ANVIL_FEAT_VMX | ANVIL_FEAT_EPT,
	       .mem_kib = 8192, .timeout_ms = 60000);

#define PAGE 4096u
#define SUB ANVIL_SPP_SUBPAGE
#define MANY_PAGES 520u /* more than the 512 leaves of one SPP table page */
#define MASK_EVEN 0x55555555u /* sub-pages 0, 2, 4, ...: writable */
#define RET_INSN 0xc3

static uint8_t page[PAGE] __attribute__((aligned(PAGE)));
static uint8_t code_page[PAGE] __attribute__((aligned(PAGE)));
static uint8_t many[MANY_PAGES][PAGE] __attribute__((aligned(PAGE)));

static uint64_t gpa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

struct write_try {
	volatile uint8_t *p;
	uint64_t value;
	unsigned size;
};

static void do_write(void *arg)
{
	struct write_try *w = arg;
	if (w->size == 8)
		*(volatile uint64_t *)w->p = w->value;
	else
		*w->p = (uint8_t)w->value;
}

/* Write and report: true if it faulted, with the record in *f. */
static bool try_write(volatile uint8_t *p, uint64_t value, unsigned size, struct anvil_fault *f)
{
	struct write_try w = { p, value, size };
	return guest_try_mem(do_write, &w, f);
}

static unsigned spp_subpage_of(uint64_t gpa)
{
	return (unsigned)((gpa & (PAGE - 1)) / SUB);
}

static bool spp_fault_at(struct checks *c, const struct anvil_fault *f, uint64_t gpa, const char *what)
{
	unsigned sub = spp_subpage_of(gpa);
	return check(c, f->kind == ANVIL_FAULT_SPP && f->access == ANVIL_ACCESS_W && f->gpa == gpa && f->subpage == sub,
		     "%s: fault kind %u access %#x gpa %#llx sub-page %u, want SPP write at %#llx sub-page %u", what,
		     f->kind, f->access, (unsigned long long)f->gpa, f->subpage, (unsigned long long)gpa, sub);
}

/* Permitted sub-pages take writes, first and last byte included; protected ones refuse them. */
static void check_permitted_and_protected(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	memset(page, 0, PAGE);
	spp_protect(gpa_of(page), MASK_EVEN);
	for (unsigned s = 0; s < PAGE / SUB; s++) {
		volatile uint8_t *first = &page[s * SUB], *last = &page[s * SUB + SUB - 1];
		bool writable = MASK_EVEN & (1u << s);
		bool f1 = try_write(first, 0xa0 + s, 1, &f);
		if (writable) {
			check(&c, !f1 && *first == (uint8_t)(0xa0 + s), "sub-page %u (writable): first byte %s", s,
			      f1 ? "faulted" : "not stored");
		} else if (check(&c, f1, "sub-page %u (protected): the first byte was written", s)) {
			spp_fault_at(&c, &f, gpa_of((const void *)first), "first byte");
			check(&c, *first == 0, "sub-page %u: a refused write landed", s);
		}
		bool f2 = try_write(last, 0xb0 + s, 1, &f);
		if (writable)
			check(&c, !f2 && *last == (uint8_t)(0xb0 + s), "sub-page %u (writable): last byte %s", s,
			      f2 ? "faulted" : "not stored");
		else if (check(&c, f2, "sub-page %u (protected): the last byte was written", s))
			spp_fault_at(&c, &f, gpa_of((const void *)last), "last byte");
	}
	spp_clear(gpa_of(page));
	checks_report(&c, "permitted_and_protected");
}

/*
 * An 8-byte write from the last 4 bytes of a writable sub-page into a
 * protected one: refused whole (every sub-page a write touches must allow
 * it; Bochs checks only the first byte's: bochs-spp-crossing-write-unchecked).
 */
static void check_crossing_write(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	memset(page, 0, PAGE);
	spp_protect(gpa_of(page), MASK_EVEN); /* sub-page 0 writable, 1 protected */
	volatile uint8_t *p = &page[SUB - 4];
	bool faulted = try_write(p, 0x1122334455667788ull, 8, &f);
	/* Which of the two sub-pages' addresses the CPU reports is not architectural: either will do. */
	if (check(&c, faulted, "the write across into protected sub-page 1 completed"))
		check(&c, f.kind == ANVIL_FAULT_SPP && f.access == ANVIL_ACCESS_W && f.gpa >= gpa_of((const void *)p) &&
				  f.gpa < gpa_of((const void *)p) + 8 && f.subpage == spp_subpage_of(f.gpa),
		      "fault kind %u access %#x sub-page %u at %#llx, want an SPP write fault inside the 8 bytes at %#llx",
		      f.kind, f.access, f.subpage, (unsigned long long)f.gpa, (unsigned long long)gpa_of((const void *)p));
	bool untouched = true;
	for (unsigned i = SUB - 4; i < SUB + 4; i++)
		untouched &= page[i] == 0;
	check(&c, untouched, "a byte of the refused write landed (a faulting store stores nothing)");
	spp_clear(gpa_of(page));
	checks_report(&c, "crossing_write_refused");
}

static void do_two_writes(void *arg)
{
	volatile uint8_t *p = arg;
	p[0] = 0x11;   /* sub-page 0: writable */
	p[SUB] = 0x22; /* sub-page 1: protected, with no exit since the first write */
}

/*
 * A write the mask allows must not make the rest of the page writable: the
 * next write, to a protected sub-page of the same page and with no exit in
 * between (guest_try_mem's hypercall comes before both), is still refused.
 */
static void check_write_after_permitted(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	memset(page, 0, PAGE);
	spp_protect(gpa_of(page), MASK_EVEN);
	bool faulted = guest_try_mem(do_two_writes, page, &f);
	check(&c, page[0] == 0x11, "the write to writable sub-page 0 did not land (%#x)", page[0]);
	if (check(&c, faulted, "the write to protected sub-page 1 right after it completed"))
		spp_fault_at(&c, &f, gpa_of(&page[SUB]), "second write");
	check(&c, page[SUB] == 0, "protected sub-page 1 holds %#x", page[SUB]);
	spp_clear(gpa_of(page));
	checks_report(&c, "write_after_permitted_write");
}

static void do_call(void *arg)
{
	((void (*)(void))arg)();
}

/* Reads and fetches from a protected sub-page are not affected. */
static void check_reads_and_fetches(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	code_page[SUB + 5] = RET_INSN; /* in sub-page 1 */
	page[SUB + 7] = 0x5e;          /* before the protection below */
	spp_protect(gpa_of(page), MASK_EVEN);
	spp_protect(gpa_of(code_page), MASK_EVEN);
	check(&c, page[SUB + 7] == 0x5e, "a read of protected sub-page 1 gave %#x", page[SUB + 7]);
	bool mem = guest_try_mem(do_call, &code_page[SUB + 5], &f);
	check(&c, !mem, "a fetch from protected sub-page 1 faulted (kind %u)", f.kind);
	spp_clear(gpa_of(code_page));
	spp_clear(gpa_of(page));
	checks_report(&c, "reads_and_fetches_unaffected");
}

/* The mask changes at run time; all ones is an ordinary writable page; clear restores it. */
static void check_mask_changes(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	spp_protect(gpa_of(page), 0x1u); /* only sub-page 0 */
	check(&c, try_write(&page[2 * SUB], 1, 1, &f), "mask 0x1: sub-page 2 was writable");
	spp_protect(gpa_of(page), 0x5u); /* sub-pages 0 and 2 */
	check(&c, !try_write(&page[2 * SUB], 2, 1, &f) && page[2 * SUB] == 2, "mask 0x5: sub-page 2 refused the write");
	check(&c, try_write(&page[3 * SUB], 3, 1, &f), "mask 0x5: sub-page 3 was writable");
	spp_protect(gpa_of(page), 0xffffffffu);
	bool any = false;
	for (unsigned s = 0; s < PAGE / SUB; s++)
		any |= try_write(&page[s * SUB + 9], (uint8_t)s, 1, &f);
	check(&c, !any, "mask of all ones: a sub-page refused a write");
	spp_clear(gpa_of(page));
	check(&c, !try_write(&page[SUB], 7, 1, &f) && page[SUB] == 7, "after spp_clear: sub-page 1 refused the write");
	checks_report(&c, "mask_changes_take_effect");
}

/* More protected pages than one SPPT leaf table covers: every one enforced (SPPT-miss path). */
static void check_many_pages(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	for (unsigned i = 0; i < MANY_PAGES; i++)
		if (spp_protect(gpa_of(many[i]), 0x2u) != 0) { /* only sub-page 1 */
			check(&c, false, "spp_protect refused page %u", i);
			break;
		}
	for (unsigned i = 0; i < MANY_PAGES && !c.failed; i++) {
		check(&c, !try_write(&many[i][SUB], (uint8_t)i, 1, &f), "page %u: writable sub-page 1 refused", i);
		if (check(&c, try_write(&many[i][0], 1, 1, &f), "page %u: protected sub-page 0 was writable", i))
			spp_fault_at(&c, &f, gpa_of(many[i]), "many pages");
	}
	for (unsigned i = 0; i < MANY_PAGES; i++)
		spp_clear(gpa_of(many[i]));
	check_note(&c, "%u pages protected and checked", MANY_PAGES);
	checks_report(&c, "many_pages_lazy_sppt");
}

static void do_rep_movsb(void *arg)
{
	static const uint8_t src[PAGE];
	uint8_t *dst = arg;
	uint64_t n = 8 * SUB;
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"((const uint8_t *){ src }), "+c"(n) : : "memory");
}

/*
 * REP MOVSB over sub-pages 0-7 with 0-3 writable stops at the first byte of
 * sub-page 4 (one instruction, so also bochs-spp-write-permission-cached).
 */
static void check_rep_movsb(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	memset(page, 0xee, PAGE);
	spp_protect(gpa_of(page), 0xfu);
	bool faulted = guest_try_mem(do_rep_movsb, page, &f);
	if (check(&c, faulted, "rep movsb over protected sub-pages completed"))
		spp_fault_at(&c, &f, gpa_of(&page[4 * SUB]), "rep movsb");
	bool head = true, tail = true;
	for (unsigned i = 0; i < 4 * SUB; i++)
		head &= page[i] == 0;
	for (unsigned i = 4 * SUB; i < 8 * SUB; i++)
		tail &= page[i] == 0xee;
	check(&c, head, "writable sub-pages 0-3 were not all copied");
	check(&c, tail, "protected sub-pages 4-7 changed");
	spp_clear(gpa_of(page));
	checks_report(&c, "rep_movsb_stops_at_protected");
}

static const char *const all_cases[] = {
	"permitted_and_protected", "crossing_write_refused", "write_after_permitted_write", "reads_and_fetches_unaffected",
	"mask_changes_take_effect", "many_pages_lazy_sppt", "rep_movsb_stops_at_protected",
};

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	if (spp_clear(gpa_of(page)) == ANVIL_TEST_UNSUPPORTED) {
		for (unsigned i = 0; i < sizeof(all_cases) / sizeof(all_cases[0]); i++)
			report_skip(all_cases[i], "SPP not offered by this CPU");
		return 0;
	}
	check_permitted_and_protected();
	check_crossing_write();
	check_write_after_permitted();
	check_reads_and_fetches();
	check_mask_changes();
	check_many_pages();
	check_rep_movsb();
	return 0;
}
