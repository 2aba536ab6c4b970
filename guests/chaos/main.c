/* SPDX-License-Identifier: MIT */
/*
 * chaos: a seeded random walk through the guest ABI (issue 13). Each of
 * info->chaos_iterations steps picks one action: hypercalls with random
 * arguments (exit counts, prints, page rights, remaps and unmaps, fault
 * records), guest accesses inside and outside memory that may or may not
 * fault, and the arch's own exits and exceptions (chaos/<arch>/arch.c).
 * Before each step the payload predicts the hypervisor's answer from the
 * rules in docs/guest-abi.md and a model of its memory (page rights, demand
 * pages, aliases, page contents, the fault and exit counters), and checks
 * the answer against the prediction. The last step is a random call the
 * rules say must be refused: the payload declares that ending first
 * (ANVIL_HC_EXPECT_END) and is judged on it. The seed is on the command
 * line (chaos=<seed>:<n>) or chosen at boot and printed, so a failure
 * replays exactly.
 */
#include <stdio.h>
#include <string.h>

#include <guest/guest.h>

#include "chaos.h"

ANVIL_MANIFEST(.name = "chaos", .features = ANVIL_FEAT_GENERIC, .mem_kib = 2048, .timeout_ms = 0);

#define PAGE 4096u
#define ARENA_PAGES 32u
#define EXEC_OFFSET 0x800u            /* where each arena page keeps a RET */
#define ALIASES 4u
#define ALIAS_BASE 0x40000000ull      /* outside guest memory on every arch; below 4 GiB (x86's guest tables) */
#define RECORD_MIN 0x10u              /* last_fault records go between the stamp and the RET */
#define RECORD_MAX (EXEC_OFFSET - sizeof(struct anvil_fault))
#define RWX (ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X)

static uint8_t arena[ARENA_PAGES][PAGE] __attribute__((aligned(PAGE)));

struct page_model {
	uint32_t access;     /* ANVIL_ACCESS_* as the nested tables have it */
	bool demand;         /* ANVIL_ACCESS_DEMAND, untouched: the first touch maps it RWX */
	uint64_t stamp;      /* the quadword at offset 0 */
};

static struct page_model pages[ARENA_PAGES];
static int alias_of[ALIASES];         /* arena page an alias shows, -1 if none */
static uint64_t kind_seen[ANVIL_EXIT_KIND_COUNT];
static uint64_t hc_base, mem_base;

enum action {
	ACT_HC_COUNT, ACT_MEM_COUNT, ACT_PRINT, ACT_SET_ACCESS, ACT_ACCESS, ACT_OUTSIDE,
	ACT_REMAP, ACT_ALIAS_READ, ACT_LAST_FAULT, ACT_KIND_COUNT, ACT_COUNT
};
/* Weights out of 100; the rest (100 - sum) goes to the arch's action. */
static const unsigned weights[ACT_COUNT] = {
	[ACT_HC_COUNT] = 6, [ACT_MEM_COUNT] = 6, [ACT_PRINT] = 1, [ACT_SET_ACCESS] = 15, [ACT_ACCESS] = 26,
	[ACT_OUTSIDE] = 8, [ACT_REMAP] = 6, [ACT_ALIAS_READ] = 8, [ACT_LAST_FAULT] = 5, [ACT_KIND_COUNT] = 4,
};

uint64_t chaos_next(struct chaos *s)
{
	/* xorshift64* (Vigna): small, full period over non-zero states. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dull;
}

uint64_t chaos_below(struct chaos *s, uint64_t n)
{
	return chaos_next(s) % n;
}

static uint64_t page_gpa(unsigned p)
{
	return (uint64_t)(uintptr_t)arena[p];
}

static uint64_t mem_end(void)
{
	return (uint64_t)guest_manifest.mem_kib * 1024u;
}

/* A touch (by the guest or the hypervisor) maps a demand page RWX and counts as a fault. */
static void demand_touched(struct chaos *s, unsigned p, bool by_guest)
{
	if (!pages[p].demand)
		return;
	pages[p].demand = false;
	pages[p].access = RWX;
	s->faults++;
	if (by_guest)
		s->mem_exits++;
}

static void act_hc_count(struct chaos *s)
{
	uint64_t n = exit_count(ANVIL_EXIT_HYPERCALL);
	chaos_hc(s, 1);
	check(&s->c, n == hc_base + s->hypercalls, "step %u: hypercall exits %llu, the model counts %llu", s->iteration,
	      (unsigned long long)(n - hc_base), (unsigned long long)s->hypercalls);
}

static void act_mem_count(struct chaos *s)
{
	uint64_t n = exit_count(ANVIL_EXIT_MEM_FAULT);
	chaos_hc(s, 1);
	check(&s->c, n == mem_base + s->mem_exits, "step %u: memory-fault exits %llu, the model counts %llu",
	      s->iteration, (unsigned long long)(n - mem_base), (unsigned long long)s->mem_exits);
}

static void act_kind_count(struct chaos *s)
{
	unsigned k = (unsigned)chaos_below(s, ANVIL_EXIT_KIND_COUNT);
	uint64_t n = exit_count((enum anvil_exit_kind)k);
	chaos_hc(s, 1);
	check(&s->c, n >= kind_seen[k], "step %u: exits of kind %u went back from %llu to %llu", s->iteration, k,
	      (unsigned long long)kind_seen[k], (unsigned long long)n);
	kind_seen[k] = n;
}

/* Printing from a page the hypervisor may read (a demand page it maps on the way). */
static void act_print(struct chaos *s)
{
	unsigned p = (unsigned)chaos_below(s, ARENA_PAGES);
	if (!(pages[p].access & ANVIL_ACCESS_R) && !pages[p].demand)
		return;
	uint64_t off = RECORD_MIN + chaos_below(s, RECORD_MAX - RECORD_MIN), len = chaos_below(s, 17);
	if (len)
		demand_touched(s, p, false); /* an empty string touches nothing */
	hypercall(ANVIL_HC_PRINT, page_gpa(p) + off, len, 0, 0);
	chaos_hc(s, 1);
}

static const uint32_t valid_access[] = { 0, ANVIL_ACCESS_R, ANVIL_ACCESS_R | ANVIL_ACCESS_W,
					 ANVIL_ACCESS_R | ANVIL_ACCESS_X, RWX, ANVIL_ACCESS_DEMAND };

static void act_set_access(struct chaos *s)
{
	unsigned p = (unsigned)chaos_below(s, ARENA_PAGES);
	uint32_t a = valid_access[chaos_below(s, sizeof(valid_access) / sizeof(valid_access[0]))];
	set_page_access(page_gpa(p), a);
	chaos_hc(s, 1);
	pages[p].demand = a == ANVIL_ACCESS_DEMAND;
	pages[p].access = pages[p].demand ? 0 : a;
}

struct access_arg {
	uint64_t addr, value;
};

static void read_fn(void *arg) { struct access_arg *a = arg; a->value = mem_read64((const void *)(uintptr_t)a->addr); }
static void write_fn(void *arg) { struct access_arg *a = arg; mem_write64((void *)(uintptr_t)a->addr, a->value); }
static void exec_fn(void *arg) { struct access_arg *a = arg; mem_exec((const void *)(uintptr_t)a->addr); }

/* Run one guarded access; the library makes one hypercall to arm, one more to read a caught fault. */
static bool guarded(struct chaos *s, void (*fn)(void *), struct access_arg *a, struct anvil_fault *f)
{
	bool faulted = guest_try_mem(fn, a, f);
	chaos_hc(s, faulted ? 2 : 1);
	return faulted;
}

static void expect_fault_record(struct chaos *s, const struct anvil_fault *f, uint32_t kind, uint32_t access,
				uint64_t gpa, uint64_t ip)
{
	s->faults++;
	s->mem_exits++;
	check(&s->c, f->kind == kind && f->access == access && f->gpa == gpa && f->ip == ip && f->count == s->faults,
	      "step %u: fault kind %u access %#x gpa %#llx ip %#llx count %llu, want %u %#x %#llx %#llx %llu",
	      s->iteration, f->kind, f->access, (unsigned long long)f->gpa, (unsigned long long)f->ip,
	      (unsigned long long)f->count, kind, access, (unsigned long long)gpa, (unsigned long long)ip,
	      (unsigned long long)s->faults);
}

static void act_access(struct chaos *s)
{
	unsigned p = (unsigned)chaos_below(s, ARENA_PAGES), how = (unsigned)chaos_below(s, 3);
	static const uint32_t need[3] = { ANVIL_ACCESS_R, ANVIL_ACCESS_W, ANVIL_ACCESS_X };
	static void (*const fns[3])(void *) = { read_fn, write_fn, exec_fn };
	struct access_arg a = { .addr = page_gpa(p) + (how == 2 ? EXEC_OFFSET : 0), .value = chaos_next(s) };
	bool will_fault = !pages[p].demand && !(pages[p].access & need[how]);
	struct anvil_fault f;
	bool demand = pages[p].demand;
	bool faulted = guarded(s, fns[how], &a, &f);
	if (!check(&s->c, faulted == will_fault, "step %u: %s of arena page %u (access %#x%s) %s", s->iteration,
		   how == 0 ? "read" : how == 1 ? "write" : "execute", p, pages[p].access, demand ? ", demand" : "",
		   faulted ? "faulted" : "did not fault"))
		return;
	if (faulted) {
		uint64_t ip = how == 0 ? (uint64_t)(uintptr_t)mem_read64 : how == 1 ? (uint64_t)(uintptr_t)mem_write64 : a.addr;
		expect_fault_record(s, &f, ANVIL_FAULT_PERMISSION, need[how], a.addr, ip);
		return;
	}
	demand_touched(s, p, true);
	if (how == 0)
		check(&s->c, a.value == pages[p].stamp, "step %u: arena page %u reads %#llx, was written %#llx",
		      s->iteration, p, (unsigned long long)a.value, (unsigned long long)pages[p].stamp);
	else if (how == 1)
		pages[p].stamp = a.value;
}

static bool in_alias_window(uint64_t gpa)
{
	return gpa >= ALIAS_BASE && gpa < ALIAS_BASE + ALIASES * PAGE;
}

static void act_outside(struct chaos *s)
{
	uint64_t lo = mem_end(), span = chaos_arch_outside_limit() - lo;
	struct access_arg a = { .addr = (lo + chaos_below(s, span)) & ~7ull };
	if (in_alias_window(a.addr))
		return;
	struct anvil_fault f;
	if (check(&s->c, guarded(s, read_fn, &a, &f), "step %u: read of %#llx outside memory did not fault",
		  s->iteration, (unsigned long long)a.addr))
		expect_fault_record(s, &f, ANVIL_FAULT_NOT_MAPPED, ANVIL_ACCESS_R, a.addr, (uint64_t)(uintptr_t)mem_read64);
}

static void act_remap(struct chaos *s)
{
	unsigned k = (unsigned)chaos_below(s, ALIASES);
	uint64_t gpa = ALIAS_BASE + k * PAGE;
	if (alias_of[k] >= 0) {
		unmap_page(gpa);
		alias_of[k] = -1;
	} else {
		unsigned p = (unsigned)chaos_below(s, ARENA_PAGES);
		remap_page(gpa, page_gpa(p));
		alias_of[k] = (int)p;
	}
	chaos_hc(s, 1);
}

/* An alias is mapped read/write whatever its page's own rights; without one the address is outside memory. */
static void act_alias_read(struct chaos *s)
{
	unsigned k = (unsigned)chaos_below(s, ALIASES);
	struct access_arg a = { .addr = ALIAS_BASE + k * PAGE };
	struct anvil_fault f;
	bool faulted = guarded(s, read_fn, &a, &f);
	if (alias_of[k] < 0) {
		if (check(&s->c, faulted, "step %u: alias %u was removed, its read did not fault", s->iteration, k))
			expect_fault_record(s, &f, ANVIL_FAULT_NOT_MAPPED, ANVIL_ACCESS_R, a.addr,
					    (uint64_t)(uintptr_t)mem_read64);
		return;
	}
	unsigned p = (unsigned)alias_of[k];
	if (check(&s->c, !faulted, "step %u: read through alias %u of page %u faulted", s->iteration, k, p))
		check(&s->c, a.value == pages[p].stamp, "step %u: alias %u reads %#llx, its page %u holds %#llx",
		      s->iteration, k, (unsigned long long)a.value, p, (unsigned long long)pages[p].stamp);
}

static void act_last_fault(struct chaos *s)
{
	unsigned p = (unsigned)chaos_below(s, ARENA_PAGES);
	if (!(pages[p].access & ANVIL_ACCESS_W) || pages[p].demand)
		return;
	uint64_t off = (RECORD_MIN + chaos_below(s, RECORD_MAX - RECORD_MIN)) & ~7ull;
	struct anvil_fault *f = (struct anvil_fault *)(void *)&arena[p][off];
	last_fault(f);
	chaos_hc(s, 1);
	check(&s->c, f->count == s->faults, "step %u: last_fault count %llu, the model counts %llu", s->iteration,
	      (unsigned long long)f->count, (unsigned long long)s->faults);
}

static void step(struct chaos *s)
{
	unsigned r = (unsigned)chaos_below(s, 100), acc = 0;
	for (unsigned a = 0; a < ACT_COUNT; a++) {
		acc += weights[a];
		if (r >= acc)
			continue;
		s->actions[a]++;
		switch ((enum action)a) {
		case ACT_HC_COUNT: act_hc_count(s); return;
		case ACT_MEM_COUNT: act_mem_count(s); return;
		case ACT_PRINT: act_print(s); return;
		case ACT_SET_ACCESS: act_set_access(s); return;
		case ACT_ACCESS: act_access(s); return;
		case ACT_OUTSIDE: act_outside(s); return;
		case ACT_REMAP: act_remap(s); return;
		case ACT_ALIAS_READ: act_alias_read(s); return;
		case ACT_LAST_FAULT: act_last_fault(s); return;
		case ACT_KIND_COUNT: act_kind_count(s); return;
		case ACT_COUNT: return;
		}
	}
	s->actions[CHAOS_ARCH_ACTION]++;
	chaos_arch_action(s);
}

static void arena_init(void)
{
	for (unsigned p = 0; p < ARENA_PAGES; p++) {
		pages[p] = (struct page_model){ .access = RWX, .stamp = 0x6368616f73000000ull | p };
		memcpy(&arena[p][0], &pages[p].stamp, sizeof(pages[p].stamp));
		memcpy(&arena[p][EXEC_OFFSET], guest_ret_insn, GUEST_RET_INSN_SIZE);
		guest_sync_icache(&arena[p][EXEC_OFFSET], GUEST_RET_INSN_SIZE);
	}
	for (unsigned k = 0; k < ALIASES; k++)
		alias_of[k] = -1;
}

/* The ending: a call the rules refuse, picked at random, declared first. */
struct refusal {
	uint64_t nr, a[4];
	uint8_t arg;       /* the argument refused, ANVIL_EXPECT_ARG_NONE for the number */
	uint64_t value;
};

static struct refusal pick_refusal(struct chaos *s)
{
	uint64_t ok_ptr = page_gpa(0) + RECORD_MIN;
	uint64_t outside = (mem_end() + chaos_below(s, ALIAS_BASE - mem_end())) & ~0xfffull;
	switch (chaos_below(s, 7)) {
	case 0: {
		uint64_t nr = chaos_below(s, 2) ? 0 : ANVIL_HC_COUNT + chaos_below(s, 0x10000 - ANVIL_HC_COUNT);
		return (struct refusal){ nr, { 0 }, ANVIL_EXPECT_ARG_NONE, nr };
	}
	case 1: {
		uint64_t len = ANVIL_STR_MAX + 1 + chaos_below(s, 4096);
		return (struct refusal){ ANVIL_HC_PRINT, { ok_ptr, len }, 1, len };
	}
	case 2:
		return (struct refusal){ ANVIL_HC_PRINT, { outside, 1 }, 0, outside };
	case 3: {
		uint64_t gpa = page_gpa((unsigned)chaos_below(s, ARENA_PAGES)) + 1 + chaos_below(s, PAGE - 1);
		return (struct refusal){ ANVIL_HC_SET_PAGE_ACCESS, { gpa, ANVIL_ACCESS_R }, 0, gpa };
	}
	case 4: {
		static const uint64_t bad[] = { ANVIL_ACCESS_W, ANVIL_ACCESS_X, ANVIL_ACCESS_W | ANVIL_ACCESS_X,
						ANVIL_ACCESS_DEMAND | ANVIL_ACCESS_R, 16, 0xff };
		uint64_t access = bad[chaos_below(s, sizeof(bad) / sizeof(bad[0]))];
		return (struct refusal){ ANVIL_HC_SET_PAGE_ACCESS, { page_gpa(1), access }, 1, access };
	}
	case 5: {
		uint64_t kind = ANVIL_EXIT_KIND_COUNT + chaos_below(s, 1000);
		return (struct refusal){ ANVIL_HC_EXIT_COUNT, { kind }, 0, kind };
	}
	default:
		return (struct refusal){ ANVIL_HC_UNMAP_PAGE, { page_gpa(2) }, 0, page_gpa(2) };
	}
}

int guest_main(const struct anvil_guest_info *info)
{
	static struct chaos s;
	uint32_t n = info->chaos_iterations;

	s.rng = info->chaos_seed ? info->chaos_seed : 1;
	arena_init();
	hc_base = exit_count(ANVIL_EXIT_HYPERCALL);
	mem_base = exit_count(ANVIL_EXIT_MEM_FAULT);
	chaos_hc(&s, 1); /* the second reading */
	struct anvil_fault f0;
	last_fault(&f0);
	chaos_hc(&s, 1);
	s.faults = f0.count;
	for (s.iteration = 0; s.iteration < n && !s.c.failed; s.iteration++)
		step(&s);
	check_note(&s.c, "seed %llu, %u steps: %llu hypercalls, %llu memory faults, %llu accesses, %llu rights changes, "
		   "%llu arch actions", (unsigned long long)info->chaos_seed, s.iteration,
		   (unsigned long long)s.hypercalls, (unsigned long long)s.faults,
		   (unsigned long long)s.actions[ACT_ACCESS], (unsigned long long)s.actions[ACT_SET_ACCESS],
		   (unsigned long long)s.actions[CHAOS_ARCH_ACTION]);
	if (s.c.failed) {
		size_t used = strlen(s.c.detail);
		snprintf(s.c.detail + used, sizeof(s.c.detail) - used, " (replay with chaos=%llu:%u)",
			 (unsigned long long)info->chaos_seed, n);
	}
	checks_report(&s.c, "sequence");

	struct refusal r = pick_refusal(&s);
	hypercall(ANVIL_HC_EXPECT_END, ANVIL_EXPECT_BAD_HYPERCALL, r.nr, r.arg, r.value);
	hypercall(r.nr, r.a[0], r.a[1], r.a[2], r.a[3]);
	/* Still here: the call the rules refuse was answered. */
	reportf(false, "refused", "call %llu (%#llx, %#llx) returned; argument %u (%#llx) should have ended the payload",
		(unsigned long long)r.nr, (unsigned long long)r.a[0], (unsigned long long)r.a[1], r.arg,
		(unsigned long long)r.value);
	return 0;
}
