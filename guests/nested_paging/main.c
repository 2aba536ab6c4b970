/* SPDX-License-Identifier: MIT */
/*
 * nested_paging: nested paging (NPT, EPT, stage 2) as the guest sees it. Remapping a page, fault records
 * for unmapped and permission faults (kind, exact gpa, access, ip), fault
 * counting, and 2 MiB nested pages that split when one 4 KiB page changes.
 * Every access that might fault runs under guest_try_mem, so a wrong result
 * is a failed case rather than the end of the payload.
 */
#include <string.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "nested_paging", .features = ANVIL_FEAT_GENERIC, .mem_kib = 8192,
	       .timeout_ms = 10000);

#define PAGE_SIZE 4096ull
#define LARGE_PAGE_SIZE 0x200000ull
#define REMAP_GPA 0x40000000ull    /* outside guest memory */
#define UNMAPPED_GPA 0x80000123ull /* outside guest memory, never mapped */
#define LARGE_REGION 0x200000ull   /* a 2 MiB region of guest memory nothing else uses */
#define UNTOUCHED_REGION 0x400000ull
#define RW (ANVIL_ACCESS_R | ANVIL_ACCESS_W)
#define RWX (ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X)

enum { PAGE_REMAP, PAGE_READONLY, PAGE_EXEC, PAGE_NONE, PAGE_COUNT };
static uint8_t pages[PAGE_COUNT][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint64_t gpa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint64_t page_size(uint64_t gpa)
{
	return (uint64_t)arch_test(ANVIL_NP_TEST_PAGE_SIZE, gpa, 0, 0);
}

/* ---- guarded accesses ---- */

struct access {
	uint64_t addr;
	uint64_t value;
};

static void read8_fn(void *arg)
{
	struct access *a = arg;

	a->value = mem_read8((const void *)(uintptr_t)a->addr);
}

static void read64_fn(void *arg)
{
	struct access *a = arg;

	a->value = mem_read64((const void *)(uintptr_t)a->addr);
}

static void write8_fn(void *arg)
{
	struct access *a = arg;

	mem_write8((void *)(uintptr_t)a->addr, (uint8_t)a->value);
}

static void write64_fn(void *arg)
{
	struct access *a = arg;

	mem_write64((void *)(uintptr_t)a->addr, a->value);
}

static void exec_fn(void *arg)
{
	mem_exec(arg);
}

/* Each returns true if the access faulted (*f then holds the record). */
static bool try_read8(uint64_t addr, uint64_t *value, struct anvil_fault *f)
{
	struct access a = { .addr = addr };
	bool faulted = guest_try_mem(read8_fn, &a, f);

	*value = a.value;
	return faulted;
}

static bool try_read64(uint64_t addr, uint64_t *value, struct anvil_fault *f)
{
	struct access a = { .addr = addr };
	bool faulted = guest_try_mem(read64_fn, &a, f);

	*value = a.value;
	return faulted;
}

static bool try_write8(uint64_t addr, uint8_t value, struct anvil_fault *f)
{
	struct access a = { .addr = addr, .value = value };

	return guest_try_mem(write8_fn, &a, f);
}

static bool try_write64(uint64_t addr, uint64_t value, struct anvil_fault *f)
{
	struct access a = { .addr = addr, .value = value };

	return guest_try_mem(write64_fn, &a, f);
}

static bool try_exec(uint64_t addr, struct anvil_fault *f)
{
	return guest_try_mem(exec_fn, (void *)(uintptr_t)addr, f);
}

static const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case ANVIL_FAULT_NONE: return "none";
	case ANVIL_FAULT_NOT_MAPPED: return "not mapped";
	case ANVIL_FAULT_PERMISSION: return "permission";
	default: return "?";
	}
}

/* One step: the access faulted with exactly this record. */
static void check_fault(struct checks *c, const char *what, bool faulted,
			const struct anvil_fault *f, uint32_t kind, uint32_t access, uint64_t gpa,
			uint64_t ip)
{
	if (!check(c, faulted, "%s: no fault", what))
		return;
	check(c, f->kind == kind && f->access == access && f->gpa == gpa && f->ip == ip,
	      "%s: fault %s access %#x gpa %#llx ip %#llx, want %s %#x %#llx %#llx", what,
	      kind_name(f->kind), f->access, (unsigned long long)f->gpa,
	      (unsigned long long)f->ip, kind_name(kind), access, (unsigned long long)gpa,
	      (unsigned long long)ip);
}

/* One step: the access did not fault. */
static bool check_no_fault(struct checks *c, const char *what, bool faulted,
			   const struct anvil_fault *f)
{
	return check(c, !faulted, "%s: fault %s access %#x at gpa %#llx", what,
		     kind_name(f->kind), f->access, (unsigned long long)f->gpa);
}

/* ---- cases ---- */

static void check_remap(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t page = gpa_of(pages[PAGE_REMAP]), v;
	volatile uint64_t *orig = (volatile uint64_t *)pages[PAGE_REMAP];
	uint64_t faults0 = exit_count(ANVIL_EXIT_MEM_FAULT);

	remap_page(REMAP_GPA, page);
	if (check_no_fault(&c, "write through the alias",
			   try_write64(REMAP_GPA, 0x0a11a5ed0a11a5edull, &f), &f))
		check(&c, orig[0] == 0x0a11a5ed0a11a5edull,
		      "wrote through %#llx, the page reads %#llx", REMAP_GPA,
		      (unsigned long long)orig[0]);
	orig[511] = 0x0123456789abcdefull; /* the last quadword of the page */
	if (check_no_fault(&c, "read through the alias",
			   try_read64(REMAP_GPA + 511 * 8, &v, &f), &f))
		check(&c, v == 0x0123456789abcdefull, "wrote the page, the alias reads %#llx",
		      (unsigned long long)v);
	check(&c, exit_count(ANVIL_EXIT_MEM_FAULT) == faults0, "memory faults were taken");
	check(&c, page_size(REMAP_GPA) == PAGE_SIZE && page_size(REMAP_GPA + PAGE_SIZE) == 0,
	      "nested page sizes: %#llx at the alias, %#llx after it (want 0x1000, 0)",
	      (unsigned long long)page_size(REMAP_GPA),
	      (unsigned long long)page_size(REMAP_GPA + PAGE_SIZE));
	checks_report(&c, "remap_read_write");
}

static void check_unmapped_read(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t v;
	bool faulted = try_read8(UNMAPPED_GPA, &v, &f);

	check_fault(&c, "read", faulted, &f, ANVIL_FAULT_NOT_MAPPED, ANVIL_ACCESS_R, UNMAPPED_GPA,
		    gpa_of(mem_read8));
	checks_report(&c, "unmapped_read_fault");
}

static void check_write_readonly(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t page = gpa_of(pages[PAGE_READONLY]), addr = page + 0x10, v = 0;

	pages[PAGE_READONLY][0x10] = 0x5a;
	set_page_access(page, ANVIL_ACCESS_R);
	check_fault(&c, "write to R page", try_write8(addr, 0xa5, &f), &f, ANVIL_FAULT_PERMISSION,
		    ANVIL_ACCESS_W, addr, gpa_of(mem_write8));
	if (check_no_fault(&c, "read of R page", try_read8(addr, &v, &f), &f))
		check(&c, v == 0x5a, "the faulting write changed the byte to %#llx",
		      (unsigned long long)v);

	set_page_access(page, RW);
	if (check_no_fault(&c, "write after RW", try_write8(addr, 0xa5, &f), &f))
		check(&c, pages[PAGE_READONLY][0x10] == 0xa5, "write after RW: byte reads %#x",
		      pages[PAGE_READONLY][0x10]);
	set_page_access(page, RWX);
	checks_report(&c, "write_readonly_fault");
}

static void check_exec_nx(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t page = gpa_of(pages[PAGE_EXEC]);

	memcpy(pages[PAGE_EXEC], guest_ret_insn, GUEST_RET_INSN_SIZE);
	guest_sync_icache(pages[PAGE_EXEC], GUEST_RET_INSN_SIZE);
	set_page_access(page, RW);
	check_fault(&c, "call into RW page", try_exec(page, &f), &f, ANVIL_FAULT_PERMISSION,
		    ANVIL_ACCESS_X, page, page);
	set_page_access(page, RWX);
	check_no_fault(&c, "call after RWX", try_exec(page, &f), &f);
	checks_report(&c, "exec_nx_fault");
}

static void check_no_access(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t page = gpa_of(pages[PAGE_NONE]), addr = page + 0x800, v;

	pages[PAGE_NONE][0x800] = 0x77;
	set_page_access(page, 0);
	check_fault(&c, "read of no-access page", try_read8(addr, &v, &f), &f,
		    ANVIL_FAULT_PERMISSION, ANVIL_ACCESS_R, addr, gpa_of(mem_read8));
	check_fault(&c, "write to no-access page", try_write8(addr, 0x88, &f), &f,
		    ANVIL_FAULT_PERMISSION, ANVIL_ACCESS_W, addr, gpa_of(mem_write8));
	set_page_access(page, RWX);
	if (check_no_fault(&c, "read after RWX", try_read8(addr, &v, &f), &f))
		check(&c, v == 0x77, "after RWX the byte reads %#llx", (unsigned long long)v);
	checks_report(&c, "no_access_fault");
}

#define COUNTED_FAULTS 3

static void check_fault_count(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t v;

	last_fault(&f);
	uint64_t first = f.count;
	uint64_t exits0 = exit_count(ANVIL_EXIT_MEM_FAULT);

	for (uint64_t i = 1; i <= COUNTED_FAULTS; i++) {
		if (!try_read8(UNMAPPED_GPA + i, &v, &f)) {
			check(&c, false, "read %llu did not fault", (unsigned long long)i);
			break;
		}
		check(&c, f.count == first + i && f.gpa == UNMAPPED_GPA + i,
		      "fault %llu: count %llu gpa %#llx, want %llu %#llx", (unsigned long long)i,
		      (unsigned long long)f.count, (unsigned long long)f.gpa,
		      (unsigned long long)(first + i), (unsigned long long)(UNMAPPED_GPA + i));
	}
	uint64_t exits1 = exit_count(ANVIL_EXIT_MEM_FAULT);

	check(&c, exits1 - exits0 == COUNTED_FAULTS, "%u faults: memory fault exits +%llu",
	      COUNTED_FAULTS, (unsigned long long)(exits1 - exits0));
	/* Without a new fault the record stays as it was. */
	struct anvil_fault again;

	last_fault(&again);
	check(&c, memcmp(&again, &f, sizeof(f)) == 0, "the record changed without a fault");
	checks_report(&c, "fault_count");
}

static void check_large_page(void)
{
	static const uint64_t probe[] = {
		LARGE_REGION, LARGE_REGION + PAGE_SIZE, LARGE_REGION + 2 * PAGE_SIZE,
		LARGE_REGION + LARGE_PAGE_SIZE - PAGE_SIZE,
	};
	const uint64_t split = LARGE_REGION + PAGE_SIZE; /* probe[1] */
	struct checks c = { 0 };
	struct anvil_fault f;
	uint64_t size, v;

	size = page_size(LARGE_REGION);
	check(&c, size == LARGE_PAGE_SIZE, "before: %#llx is in a %#llx page",
	      (unsigned long long)LARGE_REGION, (unsigned long long)size);
	for (unsigned i = 0; i < 4; i++)
		check_no_fault(&c, "write before split",
			       try_write64(probe[i], probe[i] ^ 0x5555aaaa5555aaaaull, &f), &f);

	set_page_access(split, ANVIL_ACCESS_R);
	for (unsigned i = 0; i < 4; i++) {
		size = page_size(probe[i]);
		check(&c, size == PAGE_SIZE, "after split: %#llx is in a %#llx page",
		      (unsigned long long)probe[i], (unsigned long long)size);
	}
	size = page_size(UNTOUCHED_REGION);
	check(&c, size == LARGE_PAGE_SIZE, "another region %#llx: %#llx page",
	      (unsigned long long)UNTOUCHED_REGION, (unsigned long long)size);
	size = page_size(UNMAPPED_GPA);
	check(&c, size == 0, "unmapped %#llx: page size %#llx", (unsigned long long)UNMAPPED_GPA,
	      (unsigned long long)size);

	for (unsigned i = 0; i < 4; i++) {
		uint64_t want = probe[i] ^ 0x5555aaaa5555aaaaull;

		if (check_no_fault(&c, "read after split", try_read64(probe[i], &v, &f), &f))
			check(&c, v == want, "after split %#llx reads %#llx, want %#llx",
			      (unsigned long long)probe[i], (unsigned long long)v,
			      (unsigned long long)want);
		if (probe[i] == split)
			check_fault(&c, "write to the R page", try_write64(probe[i], 0, &f), &f,
				    ANVIL_FAULT_PERMISSION, ANVIL_ACCESS_W, probe[i],
				    gpa_of(mem_write64));
		else
			check_no_fault(&c, "write to a neighbour", try_write64(probe[i], ~want, &f),
				       &f);
	}
	set_page_access(split, RWX);
	checks_report(&c, "large_page");
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	check_remap();
	check_unmapped_read();
	check_write_readonly();
	check_exec_nx();
	check_no_access();
	check_fault_count();
	check_large_page();
	return 0;
}
