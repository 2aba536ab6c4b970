/* SPDX-License-Identifier: MIT */
/*
 * The guest-ABI argument checks kernel/hypercall.c applies before it touches
 * anything (lib/abi_check.c, arch/x86_64/lib/x86_passthrough.c), and the
 * guest-memory slots every guest pointer is translated through
 * (lib/memslot.c), driven by a sequence of operations (abi_input.h) with the
 * guest's arguments.
 *
 * Invariants, each against the rule as docs/guest-abi.md and the headers
 * state it, re-implemented here: call names exist exactly for 1 ..
 * ANVIL_HC_COUNT - 1 and are [a-z_]; a case name is 1..64 characters of
 * [a-z0-9_./-]; access masks are 0, R, RW, RX or RWX; inject refuses vectors
 * above 255, unknown flags, error codes wider than 32 bits and error codes
 * on anything but an exception; pass-through is allowed for exactly the
 * test MSR and TSC_AUX, and port 0x80; every refusal gives a reason. The
 * slot set, against a shadow list kept here: add succeeds exactly when the
 * slot is well formed (page-aligned, non-empty, no overflow), overlaps none
 * and there is room, and explains a refusal; find, translate, remove and the
 * host-range query answer what the shadow says; memslot_check passes after
 * every operation that changes the set.
 */
#include <anvil/abi_check.h>
#include <anvil/guest_abi.h>
#include <anvil/memslot.h>

#include "abi_input.h"
#include "fuzz.h"
#include "x86_passthrough.h"

#define ERR_LEN 160u
#define TSC_AUX 0xc0000103ull

static struct memslot_set set;
static struct memslot shadow[MEMSLOT_MAX];
static unsigned nshadow;

static bool reason(const char *r)
{
	return r && r[0];
}

static void check_call_name(uint64_t nr)
{
	const char *name = abi_call_name(nr);

	FUZZ_CHECK((name != NULL) == (nr >= 1 && nr < ANVIL_HC_COUNT), "call %llu name %s",
		   (unsigned long long)nr, name ? name : "(none)");
	for (const char *c = name; c && *c; c++)
		FUZZ_CHECK((*c >= 'a' && *c <= 'z') || *c == '_', "call name \"%s\"", name);
	FUZZ_CHECK(!name || name[0], "empty call name");
}

static void check_case_name(const char *s)
{
	size_t n = strlen(s);
	bool want = n >= 1 && n <= ABI_CASE_NAME_MAX;

	for (size_t i = 0; i < n; i++)
		want = want && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
				strchr("_./-", s[i]));
	FUZZ_CHECK(abi_case_name_valid(s) == want, "case name \"%.70s\"", s);
}

static void check_inject(uint64_t vector, uint64_t ec, uint64_t flags)
{
	const char *p = abi_inject_problem(vector, ec, flags);
	bool with_ec = flags & ANVIL_INJECT_ERROR_CODE;
	const uint64_t known = ANVIL_INJECT_ERROR_CODE | ANVIL_INJECT_EXTERNAL;
	bool bad = vector > 255 || (flags & ~known) ||
		   ec > 0xffffffffull ||
		   (with_ec && ((flags & ANVIL_INJECT_EXTERNAL) || vector >= 32));

	FUZZ_CHECK((p != NULL) == bad, "inject(%llu, 0x%llx, 0x%llx): %s",
		   (unsigned long long)vector, (unsigned long long)ec, (unsigned long long)flags,
		   p ? p : "accepted");
	FUZZ_CHECK(!p || p[0], "empty inject problem");
}

static bool shape_ok(const struct memslot *m)
{
	return m->size && !((m->gpa | m->size | m->hpa) & (MEMSLOT_PAGE - 1)) &&
	       m->size <= UINT64_MAX - m->gpa && m->size <= UINT64_MAX - m->hpa;
}

static const struct memslot *shadow_find(uint64_t gpa)
{
	for (unsigned i = 0; i < nshadow; i++)
		if (gpa >= shadow[i].gpa && gpa - shadow[i].gpa < shadow[i].size)
			return &shadow[i];
	return NULL;
}

static void slot_add(const struct memslot *m)
{
	char *err = (char *)fz_copy_in("", 0, ERR_LEN);
	bool want = shape_ok(m) && nshadow < MEMSLOT_MAX;
	int rc;

	for (unsigned i = 0; want && i < nshadow; i++)
		if (m->gpa < shadow[i].gpa + shadow[i].size && shadow[i].gpa < m->gpa + m->size)
			want = false;
	memset(err, 'x', ERR_LEN);
	rc = memslot_add(&set, m, err, ERR_LEN);
	FUZZ_CHECK(rc == (want ? 0 : -1), "add [0x%llx, +0x%llx) -> 0x%llx returned %d",
		   (unsigned long long)m->gpa, (unsigned long long)m->size,
		   (unsigned long long)m->hpa, rc);
	FUZZ_CHECK(want ? err[0] == '\0' : fz_message(err, ERR_LEN), "add's message");
	if (want)
		shadow[nshadow++] = *m;
	free(err);
}

static void slot_remove(uint64_t gpa)
{
	unsigned at = nshadow;

	for (unsigned i = 0; i < nshadow; i++)
		if (shadow[i].gpa == gpa)
			at = i;
	FUZZ_CHECK(memslot_remove(&set, gpa) == (at < nshadow ? 0 : -1), "remove 0x%llx",
		   (unsigned long long)gpa);
	if (at < nshadow)
		shadow[at] = shadow[--nshadow];
}

static void slot_find(uint64_t gpa)
{
	const struct memslot *got = memslot_find(&set, gpa), *want = shadow_find(gpa);

	FUZZ_CHECK((got == NULL) == (want == NULL), "find 0x%llx", (unsigned long long)gpa);
	if (got)
		FUZZ_CHECK(memcmp(got, want, sizeof(*got)) == 0, "find 0x%llx: another slot",
			   (unsigned long long)gpa);
}

static void slot_translate(uint64_t gpa, uint64_t len)
{
	const struct memslot *m = shadow_find(gpa);
	bool want = m && len <= m->size - (gpa - m->gpa);
	uint64_t hpa = 0x5a5a5a5a5a5a5a5aull;

	FUZZ_CHECK(memslot_translate(&set, gpa, len, &hpa) == want, "translate 0x%llx +0x%llx",
		   (unsigned long long)gpa, (unsigned long long)len);
	if (want)
		FUZZ_CHECK(hpa == m->hpa + (gpa - m->gpa), "translate 0x%llx: hpa 0x%llx",
			   (unsigned long long)gpa, (unsigned long long)hpa);
	FUZZ_CHECK(memslot_translate(&set, gpa, len, NULL) == want, "translate without hpa");
}

static void slot_backs(uint64_t hpa, uint64_t len)
{
	uint64_t last = len == 0 ? 0 : (len - 1 > UINT64_MAX - hpa ? UINT64_MAX : hpa + len - 1);
	bool want = false;

	for (unsigned i = 0; len && i < nshadow; i++)
		if (hpa <= shadow[i].hpa + shadow[i].size - 1 && shadow[i].hpa <= last)
			want = true;
	FUZZ_CHECK(memslot_backs_host_range(&set, hpa, len) == want, "backs 0x%llx +0x%llx",
		   (unsigned long long)hpa, (unsigned long long)len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	char err[ERR_LEN];

	memslot_init(&set);
	nshadow = 0;
	for (unsigned op_i = 0; op_i < ABI_MAX_OPS && fz_left(&f); op_i++) {
		unsigned op = fz_u8(&f) % ABI_OPS;

		switch (op) {
		case ABI_CALL_NAME:
			check_call_name(fz_u64(&f));
			break;
		case ABI_CASE_NAME: {
			size_t n;
			const uint8_t *p = fz_bytes(&f, fz_u8(&f), &n);
			char *s = (char *)fz_copy_in(p, n, n + 1);

			s[n] = '\0';
			check_case_name(s);
			free(s);
			break;
		}
		case ABI_ACCESS: {
			uint64_t a = fz_u64(&f);

			FUZZ_CHECK(abi_access_valid(a) == (a == 0 || a == 1 || a == 3 || a == 5 || a == 7),
				   "access 0x%llx", (unsigned long long)a);
			break;
		}
		case ABI_INJECT: {
			uint64_t v = fz_u64(&f), ec = fz_u64(&f), fl = fz_u64(&f);

			check_inject(v, ec, fl);
			break;
		}
		case ABI_MSR: {
			uint64_t msr = fz_u64(&f);
			const char *r = x86_msr_passthrough_denied(msr);

			FUZZ_CHECK((r == NULL) == (msr == ANVIL_TEST_MSR || msr == TSC_AUX),
				   "MSR 0x%llx: %s", (unsigned long long)msr, r ? r : "allowed");
			FUZZ_CHECK(!r || reason(r), "MSR refusal without a reason");
			break;
		}
		case ABI_PORT: {
			uint64_t port = fz_u64(&f);
			const char *r = x86_port_passthrough_denied(port);

			FUZZ_CHECK((r == NULL) == (port == 0x80), "port 0x%llx: %s",
				   (unsigned long long)port, r ? r : "allowed");
			FUZZ_CHECK(!r || reason(r), "port refusal without a reason");
			break;
		}
		case ABI_SLOT_ADD: {
			struct memslot m;

			m.gpa = fz_u64(&f);
			m.size = fz_u64(&f);
			m.hpa = fz_u64(&f);
			m.id = fz_u32(&f);
			slot_add(&m);
			break;
		}
		case ABI_SLOT_REMOVE:
			slot_remove(fz_u64(&f));
			break;
		case ABI_SLOT_FIND:
			slot_find(fz_u64(&f));
			break;
		case ABI_SLOT_TRANSLATE: {
			uint64_t gpa = fz_u64(&f), len = fz_u64(&f);

			slot_translate(gpa, len);
			break;
		}
		case ABI_SLOT_BACKS: {
			uint64_t hpa = fz_u64(&f), len = fz_u64(&f);

			slot_backs(hpa, len);
			break;
		}
		case ABI_SLOT_INIT:
			memslot_init(&set);
			nshadow = 0;
			break;
		}
		/* After every change to the set (the queries cannot change it). */
		if (op == ABI_SLOT_ADD || op == ABI_SLOT_REMOVE || op == ABI_SLOT_INIT) {
			FUZZ_CHECK(memslot_check(&set, err, sizeof(err)) == 0, "slot set broken: %s", err);
			FUZZ_CHECK(set.count == nshadow, "%u slots, the shadow has %u", set.count, nshadow);
		}
	}
	return 0;
}
