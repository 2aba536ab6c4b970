/* SPDX-License-Identifier: MIT */
/*
 * I/O intercepts. ANVIL_TEST_PORT (0x510) is a 4-byte register the
 * hypervisor emulates; being above 0xff it is reached only through dx, so
 * the immediate-port encodings are checked on IO_UNUSED_PORT, an intercepted
 * port with no device (OUT ignored, IN all ones). Port 0x80 passes through.
 */
#include <guest/guest.h>

#include "intercepts.h"

#define TEST_PORT ANVIL_TEST_PORT
#define IO_UNUSED_PORT 0xef /* no device in Anvil; an immediate fits in 8 bits */
#define IO_POST_PORT 0x80   /* not intercepted unless a test operation says so */

/* The immediate-port encodings (port must be a constant below 0x100). */
#define INB_IMM(port) ({ uint8_t v_; __asm__ volatile("inb %1, %0" : "=a"(v_) : "i"(port)); v_; })
#define INW_IMM(port) ({ uint16_t v_; __asm__ volatile("inw %1, %0" : "=a"(v_) : "i"(port)); v_; })
#define INL_IMM(port) ({ uint32_t v_; __asm__ volatile("inl %1, %0" : "=a"(v_) : "i"(port)); v_; })
#define OUTB_IMM(port, v) __asm__ volatile("outb %0, %1" : : "a"((uint8_t)(v)), "i"(port))
#define OUTW_IMM(port, v) __asm__ volatile("outw %0, %1" : : "a"((uint16_t)(v)), "i"(port))
#define OUTL_IMM(port, v) __asm__ volatile("outl %0, %1" : : "a"((uint32_t)(v)), "i"(port))

static uint64_t io_exits(void)
{
	return exit_count(ANVIL_EXIT_IO);
}

static void check_io_byte(void)
{
	struct checks c = { 0 };
	uint64_t n0 = io_exits();

	outl(TEST_PORT, 0x11223344u);
	outb(TEST_PORT, 0xaa);
	uint32_t d = inl(TEST_PORT);
	uint8_t b = inb(TEST_PORT);
	uint64_t n1 = io_exits();

	check(&c, d == 0x112233aau, "OUT byte 0xaa over 0x11223344: register %#x", d);
	check(&c, b == 0xaa, "IN byte gave %#x", b);
	check(&c, n1 - n0 == 4, "4 port accesses: IO exits +%llu", (unsigned long long)(n1 - n0));

	n0 = io_exits();
	OUTB_IMM(IO_UNUSED_PORT, 0x5a);
	b = INB_IMM(IO_UNUSED_PORT);
	n1 = io_exits();
	check(&c, b == 0xff, "inb $%#x (no device) gave %#x", IO_UNUSED_PORT, b);
	check(&c, n1 - n0 == 2, "immediate OUT+IN: IO exits +%llu",
	      (unsigned long long)(n1 - n0));
	check(&c, inl(TEST_PORT) == 0x112233aau, "an access to port %#x changed the test port",
	      IO_UNUSED_PORT);
	checks_report(&c, "io_byte");
}

static void check_io_word(void)
{
	struct checks c = { 0 };
	uint64_t n0 = io_exits();

	outl(TEST_PORT, 0x11223344u);
	outw(TEST_PORT, 0xbeef);
	uint32_t d = inl(TEST_PORT);
	uint16_t w = inw(TEST_PORT);
	uint64_t n1 = io_exits();

	check(&c, d == 0x1122beefu, "OUT word 0xbeef over 0x11223344: register %#x", d);
	check(&c, w == 0xbeef, "IN word gave %#x", w);
	check(&c, n1 - n0 == 4, "4 port accesses: IO exits +%llu", (unsigned long long)(n1 - n0));

	n0 = io_exits();
	OUTW_IMM(IO_UNUSED_PORT, 0x5a5a);
	w = INW_IMM(IO_UNUSED_PORT);
	n1 = io_exits();
	check(&c, w == 0xffff, "inw $%#x (no device) gave %#x", IO_UNUSED_PORT, w);
	check(&c, n1 - n0 == 2, "immediate OUT+IN: IO exits +%llu",
	      (unsigned long long)(n1 - n0));
	checks_report(&c, "io_word");
}

static void check_io_dword(void)
{
	struct checks c = { 0 };
	uint64_t n0 = io_exits();

	outl(TEST_PORT, 0xcafef00du);
	uint32_t d1 = inl(TEST_PORT);
	outl(TEST_PORT, 0);
	uint32_t d2 = inl(TEST_PORT);
	uint64_t n1 = io_exits();

	check(&c, d1 == 0xcafef00du, "OUT dword 0xcafef00d, IN gave %#x", d1);
	check(&c, d2 == 0, "OUT dword 0, IN gave %#x", d2);
	check(&c, n1 - n0 == 4, "4 port accesses: IO exits +%llu", (unsigned long long)(n1 - n0));

	n0 = io_exits();
	OUTL_IMM(IO_UNUSED_PORT, 0x5a5a5a5au);
	uint32_t d3 = INL_IMM(IO_UNUSED_PORT);
	uint32_t d4 = inl(IO_UNUSED_PORT);
	n1 = io_exits();
	check(&c, d3 == 0xffffffffu && d4 == 0xffffffffu,
	      "inl from port %#x (no device) gave %#x (immediate), %#x (dx)", IO_UNUSED_PORT, d3,
	      d4);
	check(&c, n1 - n0 == 3, "3 port accesses: IO exits +%llu", (unsigned long long)(n1 - n0));
	checks_report(&c, "io_dword");
}

/* One string instruction: its pointer register (rsi for OUTS, rdi for INS)
 * and rcx after it, and the IO exits it took. */
struct str_io {
	uintptr_t ptr;
	uint64_t count;
	uint64_t exits;
};

/* pre: "" or "std" (DF=1, walking down); DF is cleared again after. */
#define STR_IO(pre, insn, ptr_reg, s)                                                    \
	do {                                                                             \
		uint64_t n0_ = io_exits();                                               \
		__asm__ volatile(pre "\n\t" insn "\n\tcld"                               \
				 : "+" ptr_reg((s)->ptr), "+c"((s)->count)               \
				 : "d"(TEST_PORT)                                        \
				 : "memory", "cc");                                      \
		(s)->exits = io_exits() - n0_;                                           \
	} while (0)

static void check_str(struct checks *c, const char *what, uintptr_t start,
		      const struct str_io *s, long long want_moved, uint64_t want_count)
{
	long long moved = (long long)(s->ptr - start);

	check(c, moved == want_moved && s->count == want_count && s->exits == 1,
	      "%s: pointer moved %lld (want %lld), rcx %llu (want %llu), IO exits +%llu "
	      "(want 1)",
	      what, moved, want_moved, (unsigned long long)s->count,
	      (unsigned long long)want_count, (unsigned long long)s->exits);
}

/*
 * Two lists of checks per string instruction: what the registers and the
 * exit count show (needs nothing from EXITINFO1 but the port and sizes) and
 * the data moved, which needs the address size EXITINFO1 reports (the
 * buffers lie above 64 KiB: only 64-bit addressing reaches them).
 */
struct str_checks {
	struct checks regs, data;
};

static void check_io_string_out(struct str_checks *sc)
{
	static const uint8_t src8[3] = { 0x10, 0x20, 0x30 };
	static const uint16_t src16[2] = { 0x1111, 0x2222 };
	static const uint32_t src32[2] = { 0x01020304u, 0x89abcdefu };
	struct str_io s;
	uint32_t reg;

	outl(TEST_PORT, 0xddccbbaau);
	s = (struct str_io){ .ptr = (uintptr_t)src8, .count = 3 };
	STR_IO("", "rep outsb", "S", &s);
	check_str(&sc->regs, "rep outsb x3", (uintptr_t)src8, &s, 3, 0);
	reg = inl(TEST_PORT);
	check(&sc->data, reg == 0xddccbb30u, "rep outsb x3: register %#x, want 0xddccbb30", reg);

	s = (struct str_io){ .ptr = (uintptr_t)src16, .count = 2 };
	STR_IO("", "rep outsw", "S", &s);
	check_str(&sc->regs, "rep outsw x2", (uintptr_t)src16, &s, 4, 0);
	reg = inl(TEST_PORT);
	check(&sc->data, reg == 0xddcc2222u, "rep outsw x2: register %#x, want 0xddcc2222", reg);

	s = (struct str_io){ .ptr = (uintptr_t)src32, .count = 2 };
	STR_IO("", "rep outsl", "S", &s);
	check_str(&sc->regs, "rep outsd x2", (uintptr_t)src32, &s, 8, 0);
	reg = inl(TEST_PORT);
	check(&sc->data, reg == 0x89abcdefu, "rep outsd x2: register %#x, want 0x89abcdef", reg);

	/* DF=1: from src8[2] down to src8[0], which is sent last. */
	outl(TEST_PORT, 0);
	s = (struct str_io){ .ptr = (uintptr_t)&src8[2], .count = 3 };
	STR_IO("std", "rep outsb", "S", &s);
	check_str(&sc->regs, "std; rep outsb x3", (uintptr_t)&src8[2], &s, -3, 0);
	reg = inl(TEST_PORT);
	check(&sc->data, reg == 0x10, "std; rep outsb x3: register %#x, want 0x10", reg);

	/* Without REP: one byte, rcx untouched. */
	s = (struct str_io){ .ptr = (uintptr_t)&src8[1], .count = 5 };
	STR_IO("", "outsb", "S", &s);
	check_str(&sc->regs, "outsb", (uintptr_t)&src8[1], &s, 1, 5);
	reg = inl(TEST_PORT);
	check(&sc->data, reg == 0x20, "outsb: register %#x, want 0x20", reg);
}

static bool all_equal(const void *p, size_t size, unsigned n, uint32_t v)
{
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)p + i * size;
		uint32_t got = size == 1 ? *e : size == 2 ? *(const uint16_t *)e : *(const uint32_t *)e;

		if (got != (size == 1 ? (uint8_t)v : size == 2 ? (uint16_t)v : v))
			return false;
	}
	return true;
}

static void check_io_string_in(struct str_checks *sc)
{
	static uint8_t dst8[8];
	static uint16_t dst16[4];
	static uint32_t dst32[3];
	struct str_io s;

	outl(TEST_PORT, 0x44332211u);
	s = (struct str_io){ .ptr = (uintptr_t)dst8, .count = 4 };
	STR_IO("", "rep insb", "D", &s);
	check_str(&sc->regs, "rep insb x4", (uintptr_t)dst8, &s, 4, 0);
	check(&sc->data, all_equal(dst8, 1, 4, 0x11) && dst8[4] == 0,
	      "rep insb x4 stored %02x %02x %02x %02x %02x", dst8[0], dst8[1], dst8[2], dst8[3],
	      dst8[4]);

	s = (struct str_io){ .ptr = (uintptr_t)dst16, .count = 3 };
	STR_IO("", "rep insw", "D", &s);
	check_str(&sc->regs, "rep insw x3", (uintptr_t)dst16, &s, 6, 0);
	check(&sc->data, all_equal(dst16, 2, 3, 0x2211) && dst16[3] == 0,
	      "rep insw x3 stored %04x %04x %04x %04x", dst16[0], dst16[1], dst16[2], dst16[3]);

	s = (struct str_io){ .ptr = (uintptr_t)dst32, .count = 2 };
	STR_IO("", "rep insl", "D", &s);
	check_str(&sc->regs, "rep insd x2", (uintptr_t)dst32, &s, 8, 0);
	check(&sc->data, all_equal(dst32, 4, 2, 0x44332211u) && dst32[2] == 0,
	      "rep insd x2 stored %08x %08x %08x", dst32[0], dst32[1], dst32[2]);

	/* DF=1: dst8[7] and dst8[6] are written, dst8[5] is not. */
	outl(TEST_PORT, 0x77);
	s = (struct str_io){ .ptr = (uintptr_t)&dst8[7], .count = 2 };
	STR_IO("std", "rep insb", "D", &s);
	check_str(&sc->regs, "std; rep insb x2", (uintptr_t)&dst8[7], &s, -2, 0);
	check(&sc->data, dst8[7] == 0x77 && dst8[6] == 0x77 && dst8[5] == 0,
	      "std; rep insb x2 stored %02x %02x %02x at [5..7]", dst8[5], dst8[6], dst8[7]);
}

static void check_io_string(void)
{
	struct str_checks sc = { 0 };

	check_io_string_out(&sc);
	check_io_string_in(&sc);
	checks_report(&sc.regs, "io_string");
	checks_report(&sc.data, "io_string_data_addr64");
}

/* One page to point string I/O at, alone on its page so its rights can change. */
static uint8_t io_page[4096] __attribute__((aligned(4096)));

struct ins_try {
	uintptr_t ptr;
	uint64_t count;
};

static void rep_insb(void *arg)
{
	struct ins_try *t = arg;

	__asm__ volatile("rep insb" : "+D"(t->ptr), "+c"(t->count) : "d"(TEST_PORT) : "memory");
}

/*
 * The hypervisor writes guest memory for INS with the guest's own rights
 * (guest-abi.md): into a page made read-only in the nested tables the write
 * is a memory fault at that page, exactly as the guest's own store would be,
 * and nothing is stored.
 */
static void check_io_string_nested_readonly(void)
{
	struct checks c = { 0 };
	struct anvil_fault f;
	struct ins_try t = { (uintptr_t)&io_page[16], 4 };
	uint64_t gpa = (uint64_t)(uintptr_t)io_page;

	io_page[16] = 0x5a;
	outl(TEST_PORT, 0x000000c3u);
	set_page_access(gpa, ANVIL_ACCESS_R);
	bool faulted = guest_try_mem(rep_insb, &t, &f);
	set_page_access(gpa, ANVIL_ACCESS_R | ANVIL_ACCESS_W | ANVIL_ACCESS_X);
	if (check(&c, faulted, "rep insb into a read-only page completed (rcx %llu)", (unsigned long long)t.count))
		check(&c, f.kind == ANVIL_FAULT_PERMISSION && f.access == ANVIL_ACCESS_W && f.gpa == gpa + 16,
		      "fault kind %u access %#x gpa %#llx, want permission, write, %#llx", f.kind, f.access,
		      (unsigned long long)f.gpa, (unsigned long long)(gpa + 16));
	check(&c, io_page[16] == 0x5a, "the refused INS stored %#x", io_page[16]);
	checks_report(&c, "io_string_fault_addr64");
}

/*
 * Ports through which a payload would reach host state (COM1, which carries
 * the TAP results; QEMU's debug-exit and fw_cfg; reset; Bochs' shutdown; the
 * keyboard controller): the hypervisor refuses to pass them through, and
 * they stay intercepted.
 */
static const uint64_t host_ports[] = { 0x3f8, 0x3fd, 0xf4, 0xcf9, 0x8900, 0x510, 0x64, 0x10080 };

static void check_io_passthrough_denied(void)
{
	struct checks c = { 0 };

	for (unsigned i = 0; i < sizeof(host_ports) / sizeof(host_ports[0]); i++) {
		uint64_t r = arch_test(ANVIL_X86_TEST_INTERCEPT_IO, host_ports[i], 0, 0);
		check(&c, r == ANVIL_TEST_DENIED, "pass-through of port %#llx answered %#llx, not DENIED",
		      (unsigned long long)host_ports[i], (unsigned long long)r);
	}
	uint64_t n0 = io_exits();
	uint8_t lsr = inb(0x3fd); /* COM1's line status, were it real */
	uint64_t n1 = io_exits();
	check(&c, n1 - n0 == 1 && lsr == 0xff, "after the refusal IN from 0x3fd gave %#x, IO exits +%llu", lsr,
	      (unsigned long long)(n1 - n0));
	checks_report(&c, "io_passthrough_denied");
}

static void check_io_passthrough(void)
{
	uint64_t n0 = io_exits();

	OUTB_IMM(IO_POST_PORT, 0x12);
	OUTB_IMM(IO_POST_PORT, 0x34);
	(void)INB_IMM(IO_POST_PORT);
	outb(IO_POST_PORT, 0x56);
	uint64_t n1 = io_exits();

	reportf(n1 == n0, "io_passthrough", "4 accesses to port %#x: IO exits +%llu",
		IO_POST_PORT, (unsigned long long)(n1 - n0));
}

static void check_io_intercept_toggle(void)
{
	struct checks c = { 0 };

	check(&c, arch_test(ANVIL_X86_TEST_INTERCEPT_IO, IO_POST_PORT, 1, 0) == 0, "intercepting port 0x80 refused");
	uint64_t n0 = io_exits();
	OUTB_IMM(IO_POST_PORT, 0x12);
	uint8_t b = INB_IMM(IO_POST_PORT);
	uint64_t n1 = io_exits();
	check(&c, n1 - n0 == 2, "intercepted: OUT+IN on port %#x, IO exits +%llu", IO_POST_PORT,
	      (unsigned long long)(n1 - n0));
	check(&c, b == 0xff, "intercepted port %#x (no device): IN gave %#x", IO_POST_PORT, b);

	check(&c, arch_test(ANVIL_X86_TEST_INTERCEPT_IO, IO_POST_PORT, 0, 0) == 0,
	      "passing port 0x80 through (it is on the allow-list) refused");
	n0 = io_exits();
	OUTB_IMM(IO_POST_PORT, 0x34);
	n1 = io_exits();
	check(&c, n1 == n0, "passed through again: OUT on port %#x, IO exits +%llu",
	      IO_POST_PORT, (unsigned long long)(n1 - n0));
	checks_report(&c, "io_intercept_toggle");
}

void io_cases(void)
{
	check_io_byte();
	check_io_word();
	check_io_dword();
	check_io_string();
	check_io_string_nested_readonly();
	check_io_passthrough();
	check_io_intercept_toggle();
	check_io_passthrough_denied();
}
