// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/vmcb.c: layout spot checks, exit and group
 * names, the setters' clean-bit clearing, and the clean-bit auditor, including
 * the two 2025 KVM nested-SVM bug shapes (vmcb02 fields written without
 * dirtying their group after a nested exit had marked everything clean).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <vmcb.h>

#define AUDIT_MAX 8u
#define CLEAN_AFTER_EXIT 0x1df7u /* 0x1fff without INTR (bit 3) and CR2 (bit 9) */

static struct vmcb *vmcb_new(void)
{
	struct vmcb *v = aligned_alloc(VMCB_SIZE, sizeof(*v));

	assert_non_null(v);
	memset(v, 0, sizeof(*v));
	return v;
}

/* ---- Layout ---- */

static void test_layout_spot_checks(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vmcb), 4096);
	assert_int_equal(offsetof(struct vmcb, control.intercept_misc1), 0x00c);
	assert_int_equal(offsetof(struct vmcb, control.asid), 0x058);
	assert_int_equal(offsetof(struct vmcb, control.int_vector), 0x064);
	assert_int_equal(offsetof(struct vmcb, control.clean), 0x0c0);
	assert_int_equal(offsetof(struct vmcb, control.n_cr3), 0x0b0);
	assert_int_equal(offsetof(struct vmcb, control.vmsa_pa), 0x108);
	assert_int_equal(offsetof(struct vmcb, save), 0x400);
	assert_int_equal(offsetof(struct vmcb, save.cs), 0x410);
	assert_int_equal(offsetof(struct vmcb, save.cpl), 0x4cb);
	assert_int_equal(offsetof(struct vmcb, save.efer), 0x4d0);
	assert_int_equal(offsetof(struct vmcb, save.rip), 0x578);
	assert_int_equal(offsetof(struct vmcb, save.rsp), 0x5d8);
	assert_int_equal(offsetof(struct vmcb, save.rax), 0x5f8);
	assert_int_equal(offsetof(struct vmcb, save.cr2), 0x640);
	assert_int_equal(offsetof(struct vmcb, save.g_pat), 0x668);
	assert_int_equal(offsetof(struct vmcb, save.last_excp_to), 0x690);
}

static void test_field_table_matches_struct(void **state)
{
	const struct vmcb_field *f;

	(void)state;
	f = vmcb_field_find("g_pat");
	assert_non_null(f);
	assert_int_equal(f->offset, 0x668);
	assert_int_equal(f->size, 8);
	assert_int_equal(f->group, VMCB_CLEAN_NPT);
	f = vmcb_field_find("cs");
	assert_non_null(f);
	assert_int_equal(f->offset, 0x410);
	assert_int_equal(f->size, sizeof(struct vmcb_seg));
	assert_null(vmcb_field_find("clean"));
	assert_null(vmcb_field_find("no_such_field"));
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		f = &vmcb_field_table[i];
		assert_true(f->offset + f->size <= sizeof(struct vmcb));
		assert_true(f->group >= VMCB_CLEAN_NONE && f->group < VMCB_CLEAN_GROUP_COUNT);
		assert_ptr_equal(vmcb_field_find(f->name), f); /* names are unique */
	}
}

/* ---- Group membership, written down independently of VMCB_FIELDS() ---- */

/*
 * The clean bits as AMD APM Vol 2 section 15.15 numbers them (Table 15-9
 * mnemonics), deliberately not the vmcb.h enum: a renumbered enum fails here.
 */
enum apm_clean_bit {
	APM_I = 0,     /* intercept vectors, TSC offset, pause filter threshold and count */
	APM_IOPM = 1,  /* IOPM and MSRPM base */
	APM_ASID = 2,
	APM_TPR = 3,   /* V_TPR, V_IRQ, ... (int_ctl) and V_INTR_VECTOR */
	APM_NP = 4,    /* NP_ENABLE, nCR3, gPAT */
	APM_CRX = 5,   /* CR0, CR3, CR4, EFER */
	APM_DRX = 6,   /* DR6, DR7 */
	APM_DT = 7,    /* GDTR, IDTR */
	APM_SEG = 8,   /* CS, DS, SS, ES, CPL */
	APM_CR2 = 9,
	APM_LBR = 10,  /* DBGCTL, BR_FROM, BR_TO, LASTEXCP_FROM, LASTEXCP_TO */
	APM_AVIC = 11, /* APIC_BAR, backing page, logical and physical table */
	APM_CET = 12,  /* S_CET, SSP, ISST_ADDR */
	APM_NONE = -1, /* read on every VMRUN, or moved by VMLOAD/VMSAVE */
};

struct expected_group {
	const char *field;
	int bit;
};

/* Every field of VMCB_FIELDS(), by hand, in VMCB offset order. */
static const struct expected_group apm_groups[] = {
	/* control area */
	{ "intercept_cr", APM_I },
	{ "intercept_dr", APM_I },
	{ "intercept_exc", APM_I },
	{ "intercept_misc1", APM_I },
	{ "intercept_misc2", APM_I },
	{ "intercept_misc3", APM_I },
	{ "pause_filter_thresh", APM_I },
	{ "pause_filter_count", APM_I },
	{ "iopm_base_pa", APM_IOPM },
	{ "msrpm_base_pa", APM_IOPM },
	{ "tsc_offset", APM_I },
	{ "asid", APM_ASID },
	{ "tlb_control", APM_NONE },
	{ "int_ctl", APM_TPR },
	{ "int_vector", APM_TPR },
	{ "int_state", APM_NONE },
	{ "exit_code", APM_NONE },
	{ "exit_info1", APM_NONE },
	{ "exit_info2", APM_NONE },
	{ "exit_int_info", APM_NONE },
	{ "nested_ctl", APM_NP },
	{ "avic_apic_bar", APM_AVIC },
	{ "ghcb_pa", APM_NONE },
	{ "event_inj", APM_NONE },
	{ "n_cr3", APM_NP },
	{ "virt_ext", APM_NONE },
	{ "next_rip", APM_NONE },
	{ "avic_backing_page", APM_AVIC },
	{ "avic_logical_table", APM_AVIC },
	{ "avic_physical_table", APM_AVIC },
	{ "vmsa_pa", APM_NONE },
	/* state save area */
	{ "es", APM_SEG },
	{ "cs", APM_SEG },
	{ "ss", APM_SEG },
	{ "ds", APM_SEG },
	{ "fs", APM_NONE },
	{ "gs", APM_NONE },
	{ "gdtr", APM_DT },
	{ "ldtr", APM_NONE },
	{ "idtr", APM_DT },
	{ "tr", APM_NONE },
	{ "cpl", APM_SEG },
	{ "efer", APM_CRX },
	{ "cr4", APM_CRX },
	{ "cr3", APM_CRX },
	{ "cr0", APM_CRX },
	{ "dr7", APM_DRX },
	{ "dr6", APM_DRX },
	{ "rflags", APM_NONE },
	{ "rip", APM_NONE },
	{ "rsp", APM_NONE },
	{ "s_cet", APM_CET },
	{ "ssp", APM_CET },
	{ "isst_addr", APM_CET },
	{ "rax", APM_NONE },
	{ "star", APM_NONE },
	{ "lstar", APM_NONE },
	{ "cstar", APM_NONE },
	{ "sfmask", APM_NONE },
	{ "kernel_gs_base", APM_NONE },
	{ "sysenter_cs", APM_NONE },
	{ "sysenter_esp", APM_NONE },
	{ "sysenter_eip", APM_NONE },
	{ "cr2", APM_CR2 },
	{ "g_pat", APM_NP },
	{ "dbgctl", APM_LBR },
	{ "br_from", APM_LBR },
	{ "br_to", APM_LBR },
	{ "last_excp_from", APM_LBR },
	{ "last_excp_to", APM_LBR },
	{ "spec_ctrl", APM_NONE },
};

#define APM_GROUP_COUNT (sizeof(apm_groups) / sizeof(apm_groups[0]))

/* What the X-macro itself says, expanded here rather than read from vmcb.c's table. */
#define XMACRO_ENTRY(fname, fmember, ftype, fgroup) { #fname, (fgroup) },
static const struct expected_group xmacro_groups[] = { VMCB_FIELDS(XMACRO_ENTRY) };
#undef XMACRO_ENTRY

#define XMACRO_COUNT (sizeof(xmacro_groups) / sizeof(xmacro_groups[0]))

static const struct expected_group *lookup(const struct expected_group *t, size_t n,
					   const char *field)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].field, field) == 0)
			return &t[i];
	return NULL;
}

static void test_every_xmacro_field_has_its_apm_group(void **state)
{
	(void)state;
	for (size_t i = 0; i < XMACRO_COUNT; i++) {
		const struct expected_group *want =
			lookup(apm_groups, APM_GROUP_COUNT, xmacro_groups[i].field);

		if (!want)
			fail_msg("VMCB_FIELDS has %s, the APM table does not", xmacro_groups[i].field);
		if (xmacro_groups[i].bit != want->bit)
			fail_msg("%s: VMCB_FIELDS says group %d, APM 15.15 says %d",
				 want->field, xmacro_groups[i].bit, want->bit);
		assert_int_equal(vmcb_field_group_of(want->field), want->bit);
	}
}

static void test_every_apm_entry_is_an_xmacro_field(void **state)
{
	(void)state;
	assert_int_equal(APM_GROUP_COUNT, XMACRO_COUNT);
	assert_int_equal(APM_GROUP_COUNT, vmcb_field_count);
	for (size_t i = 0; i < APM_GROUP_COUNT; i++) {
		const char *name = apm_groups[i].field;

		if (!lookup(xmacro_groups, XMACRO_COUNT, name))
			fail_msg("the APM table has %s, VMCB_FIELDS does not", name);
		assert_non_null(vmcb_field_find(name));
		assert_ptr_equal(lookup(apm_groups, APM_GROUP_COUNT, name), &apm_groups[i]);
	}
}

/* Writing through a setter, from clean = all ones, clears exactly the APM bit. */
#define EXPECT_SETTER_CLEARS(fname, value, bit) \
	do { \
		memset(v, 0, sizeof(*v)); \
		v->control.clean = 0xffffffffu; \
		vmcb_set_##fname(v, value); \
		assert_int_equal(v->control.clean, \
				 (bit) < 0 ? 0xffffffffu : ~(1u << (unsigned)(bit))); \
	} while (0)

static void test_one_setter_per_group_clears_its_bit(void **state)
{
	struct vmcb *v = vmcb_new();
	const struct vmcb_seg seg = { .selector = 0x10, .attrib = 0x93, .limit = 0xffff };

	(void)state;
	EXPECT_SETTER_CLEARS(intercept_exc, 1u << 3, APM_I);
	EXPECT_SETTER_CLEARS(msrpm_base_pa, 0x100000, APM_IOPM);
	EXPECT_SETTER_CLEARS(asid, 1, APM_ASID);
	EXPECT_SETTER_CLEARS(int_vector, 0x20, APM_TPR);
	EXPECT_SETTER_CLEARS(g_pat, 0x0007040600070406ull, APM_NP);
	EXPECT_SETTER_CLEARS(efer, 0x1500, APM_CRX);
	EXPECT_SETTER_CLEARS(dr6, 0xffff0ff0, APM_DRX);
	EXPECT_SETTER_CLEARS(idtr, seg, APM_DT);
	EXPECT_SETTER_CLEARS(ss, seg, APM_SEG);
	EXPECT_SETTER_CLEARS(cpl, 3, APM_SEG);
	EXPECT_SETTER_CLEARS(cr2, 0xdead000, APM_CR2);
	EXPECT_SETTER_CLEARS(br_to, 0x1234, APM_LBR);
	EXPECT_SETTER_CLEARS(avic_physical_table, 0x5000, APM_AVIC);
	EXPECT_SETTER_CLEARS(ssp, 0x8000, APM_CET);
	/* No group: clean stays all ones. */
	EXPECT_SETTER_CLEARS(rip, 0xfff0, APM_NONE);
	EXPECT_SETTER_CLEARS(kernel_gs_base, 0x1000, APM_NONE);
	EXPECT_SETTER_CLEARS(tr, seg, APM_NONE);
	free(v);
}

/* ---- Names ---- */

static void test_exit_names(void **state)
{
	char buf[VMCB_EXIT_NAME_MAX];

	(void)state;
	assert_string_equal(vmcb_exit_name(VMEXIT_NPF), "VMEXIT_NPF");
	assert_string_equal(vmcb_exit_name(VMEXIT_EXCP_BASE + 14), "VMEXIT_EXCP14");
	assert_string_equal(vmcb_exit_name(VMEXIT_EXCP_BASE + 31), "VMEXIT_EXCP31");
	assert_string_equal(vmcb_exit_name(VMEXIT_CR0_READ), "VMEXIT_CR0_READ");
	assert_string_equal(vmcb_exit_name(VMEXIT_CR0_WRITE + 3), "VMEXIT_CR3_WRITE");
	assert_string_equal(vmcb_exit_name(VMEXIT_DR0_READ + 7), "VMEXIT_DR7_READ");
	assert_string_equal(vmcb_exit_name(VMEXIT_CR0_WRITE_TRAP + 4), "VMEXIT_CR4_WRITE_TRAP");
	assert_string_equal(vmcb_exit_name(VMEXIT_IOIO), "VMEXIT_IOIO");
	assert_string_equal(vmcb_exit_name(VMEXIT_XSETBV), "VMEXIT_XSETBV");
	assert_string_equal(vmcb_exit_name(VMEXIT_SHUTDOWN), "VMEXIT_SHUTDOWN");
	assert_string_equal(vmcb_exit_name(VMEXIT_INVALID), "VMEXIT_INVALID");
	assert_string_equal(vmcb_exit_name(0x123), "VMEXIT_UNKNOWN");
	assert_null(vmcb_exit_name_lookup(0x123));
	assert_string_equal(vmcb_exit_name_buf(0x123, buf, sizeof(buf)), "VMEXIT_0x123");
	assert_string_equal(vmcb_exit_name_buf(0, buf, sizeof(buf)), "VMEXIT_CR0_READ");
	assert_string_equal(vmcb_exit_name_buf(0xfffffffffffffffeull, buf, sizeof(buf)),
			    "VMEXIT_0xfffffffffffffffe");
	/* Every code from 0x00 to TLBSYNC has a name, and no name appears twice. */
	for (uint64_t c = 0; c <= VMEXIT_TLBSYNC; c++) {
		const char *n = vmcb_exit_name_lookup(c);

		assert_non_null(n);
		for (uint64_t d = 0; d < c; d++) {
			const char *m = vmcb_exit_name_lookup(d);

			assert_true(m == NULL || strcmp(m, n) != 0);
		}
	}
}

static void test_clean_group_names(void **state)
{
	(void)state;
	assert_string_equal(vmcb_clean_group_name(VMCB_CLEAN_INTERCEPTS), "INTERCEPTS");
	assert_string_equal(vmcb_clean_group_name(VMCB_CLEAN_PERM_MAP), "PERM_MAP");
	assert_string_equal(vmcb_clean_group_name(VMCB_CLEAN_NPT), "NPT");
	assert_string_equal(vmcb_clean_group_name(VMCB_CLEAN_CET), "CET");
	assert_string_equal(vmcb_clean_group_name(VMCB_CLEAN_NONE), "NONE");
	assert_null(vmcb_clean_group_name(VMCB_CLEAN_GROUP_COUNT));
	for (int g = 0; g < VMCB_CLEAN_GROUP_COUNT; g++)
		assert_non_null(vmcb_clean_group_name(g));
}

/* ---- Setters ---- */

/*
 * Each generated setter, called on an all-clean VMCB, must write its field
 * (the bytes the descriptor names change) and clear exactly its group's bit,
 * and the descriptor of the same name must agree on offset, size and group.
 */
#define CHECK_SETTER(fname, fmember, ftype, fgroup) \
	do { \
		const struct vmcb_field *f = vmcb_field_find(#fname); \
		ftype val; \
		memset(&val, 0xa5, sizeof(val)); \
		memset(v, 0, sizeof(*v)); \
		v->control.clean = VMCB_CLEAN_ALL; \
		vmcb_set_##fname(v, val); \
		assert_non_null(f); \
		assert_int_equal(f->offset, offsetof(struct vmcb, fmember)); \
		assert_int_equal(f->size, sizeof(ftype)); \
		assert_int_equal(f->group, (fgroup)); \
		assert_memory_equal((uint8_t *)v + f->offset, &val, sizeof(val)); \
		assert_int_equal(v->control.clean, \
				 (fgroup) < 0 ? VMCB_CLEAN_ALL \
					     : VMCB_CLEAN_ALL & ~VMCB_CLEAN_BIT(fgroup)); \
		setters++; \
	} while (0);

static void test_every_setter_clears_its_group(void **state)
{
	struct vmcb *v = vmcb_new();
	unsigned setters = 0;

	(void)state;
	VMCB_FIELDS(CHECK_SETTER)
	assert_int_equal(setters, vmcb_field_count);
	free(v);
}

/* The table side: a write through its descriptor to a clean group is caught. */
static void test_every_grouped_field_is_audited(void **state)
{
	struct vmcb *v = vmcb_new();
	struct vmcb *snap = vmcb_new();
	struct vmcb_audit_finding out[AUDIT_MAX];

	(void)state;
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		memset(v, 0, sizeof(*v));
		v->control.clean = VMCB_CLEAN_ALL; /* even INTR and CR2 */
		vmcb_audit_snapshot(snap, v);
		((uint8_t *)v)[f->offset + f->size - 1] ^= 0x80u;
		if (f->group == VMCB_CLEAN_NONE) {
			assert_int_equal(vmcb_audit_check(snap, v, out, AUDIT_MAX), 0);
			continue;
		}
		assert_int_equal(vmcb_audit_check(snap, v, out, AUDIT_MAX), 1);
		assert_string_equal(out[0].field, f->name);
		assert_string_equal(out[0].group, vmcb_clean_group_name(f->group));
	}
	free(v);
	free(snap);
}

/* ---- The auditor's byte ranges ---- */

#define BYTE_FREE (-2) /* no grouped field (or range) claims the byte */

/* Which group's field each VMCB byte belongs to, from the field table alone. */
static void field_byte_map(int8_t *map)
{
	memset(map, BYTE_FREE, VMCB_SIZE);
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		for (unsigned b = f->offset; b < f->offset + f->size; b++) {
			assert_int_equal(map[b], BYTE_FREE); /* fields never overlap */
			if (f->group != VMCB_CLEAN_NONE)
				map[b] = f->group;
		}
	}
}

static void test_ranges_cover_exactly_the_grouped_bytes(void **state)
{
	static int8_t want[VMCB_SIZE], got[VMCB_SIZE];
	unsigned count, total = 0;

	(void)state;
	field_byte_map(want);
	memset(got, BYTE_FREE, sizeof(got));
	for (int g = 0; g < VMCB_CLEAN_GROUP_COUNT; g++) {
		const struct vmcb_audit_range *r = vmcb_audit_ranges(g, &count);

		assert_non_null(r);
		assert_true(count > 0);
		for (unsigned i = 0; i < count; i++) {
			assert_true(r[i].size > 0);
			assert_true(r[i].offset + r[i].size <= VMCB_SIZE);
			/* Ascending, and merged: two ranges of a group never touch. */
			if (i > 0)
				assert_true(r[i - 1].offset + r[i - 1].size < r[i].offset);
			for (unsigned b = r[i].offset; b < r[i].offset + r[i].size; b++) {
				assert_int_equal(got[b], BYTE_FREE); /* no byte in two ranges */
				got[b] = (int8_t)g;
			}
		}
		total += count;
	}
	for (unsigned b = 0; b < VMCB_SIZE; b++)
		if (got[b] != want[b])
			fail_msg("byte 0x%x: ranges say group %d, fields say %d", b, got[b], want[b]);
	assert_true(total < vmcb_field_count / 2); /* merging is what makes the check cheap */
	assert_null(vmcb_audit_ranges(VMCB_CLEAN_NONE, &count));
	assert_int_equal(count, 0);
	assert_null(vmcb_audit_ranges(VMCB_CLEAN_GROUP_COUNT, &count));
	assert_int_equal(count, 0);
}

/* A few ranges spelled out from the APM tables' offsets. */
static void test_ranges_spot_checks(void **state)
{
	const struct vmcb_audit_range *r;
	unsigned n;

	(void)state;
	r = vmcb_audit_ranges(VMCB_CLEAN_SEG, &n); /* ES, CS, SS, DS back to back; CPL apart */
	assert_int_equal(n, 2);
	assert_int_equal(r[0].offset, 0x400);
	assert_int_equal(r[0].size, 0x40);
	assert_int_equal(r[1].offset, 0x4cb);
	assert_int_equal(r[1].size, 1);
	r = vmcb_audit_ranges(VMCB_CLEAN_INTR, &n); /* int_ctl and int_vector: 5 bytes */
	assert_int_equal(n, 1);
	assert_int_equal(r[0].offset, 0x060);
	assert_int_equal(r[0].size, 5);
	r = vmcb_audit_ranges(VMCB_CLEAN_INTERCEPTS, &n);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].offset, 0x000);
	assert_int_equal(r[0].size, 0x18);
	assert_int_equal(r[1].offset, 0x03c);
	assert_int_equal(r[1].size, 4);
	assert_int_equal(r[2].offset, 0x050);
	assert_int_equal(r[2].size, 8);
	r = vmcb_audit_ranges(VMCB_CLEAN_CR, &n); /* EFER, then CR4, CR3, CR0 */
	assert_int_equal(n, 2);
	assert_int_equal(r[0].offset, 0x4d0);
	assert_int_equal(r[0].size, 8);
	assert_int_equal(r[1].offset, 0x548);
	assert_int_equal(r[1].size, 24);
	r = vmcb_audit_ranges(VMCB_CLEAN_NPT, &n); /* nested_ctl, n_cr3, g_pat: all apart */
	assert_int_equal(n, 3);
	assert_int_equal(r[2].offset, 0x668);
}

/*
 * The snapshot copies every grouped byte, and nothing beyond the 8-byte
 * words that hold them (a range's last word may carry up to 7 more bytes).
 */
static void test_snapshot_copies_grouped_words(void **state)
{
	static int8_t map[VMCB_SIZE];
	struct vmcb *v = vmcb_new();
	struct vmcb *snap = vmcb_new();
	const uint8_t *vb = (const uint8_t *)v, *sb = (const uint8_t *)snap;

	(void)state;
	field_byte_map(map);
	for (unsigned b = 0; b < VMCB_SIZE; b++)
		((uint8_t *)v)[b] = (uint8_t)(b * 7u + 1u) | 1u; /* never 0x5a's pattern */
	memset(snap, 0x5a, sizeof(*snap));
	vmcb_audit_snapshot(snap, v);
	for (unsigned b = 0; b < VMCB_SIZE; b++) {
		if (map[b] != BYTE_FREE) {
			assert_int_equal(sb[b], vb[b]);
			continue;
		}
		/* A free byte may be copied only if a grouped byte lies within the 7 before it. */
		bool near = false;
		for (unsigned k = 1; k < 8 && k <= b && !near; k++)
			near = map[b - k] != BYTE_FREE;
		if (!near)
			assert_int_equal(sb[b], 0x5a);
	}
	free(v);
	free(snap);
}

/*
 * Every single byte of every field, flipped behind a clean group, is one
 * finding naming that field (tails of 1, 4 and 5 bytes included), and a
 * group-less field's bytes are never one. The snapshot's bytes outside the
 * ranges are garbage, which the check must not read as a difference.
 */
static void test_every_grouped_byte_is_audited(void **state)
{
	struct vmcb *v = vmcb_new();
	struct vmcb *snap = vmcb_new();
	struct vmcb_audit_finding out[AUDIT_MAX];

	(void)state;
	memset(snap, 0xee, sizeof(*snap));
	v->control.clean = VMCB_CLEAN_ALL;
	vmcb_audit_snapshot(snap, v);
	assert_int_equal(vmcb_audit_check(snap, v, out, AUDIT_MAX), 0);
	for (unsigned i = 0; i < vmcb_field_count; i++) {
		const struct vmcb_field *f = &vmcb_field_table[i];

		for (unsigned b = f->offset; b < f->offset + f->size; b++) {
			unsigned want = f->group == VMCB_CLEAN_NONE ? 0 : 1;

			((uint8_t *)v)[b] ^= 0x01u;
			assert_int_equal(vmcb_audit_check(snap, v, out, AUDIT_MAX), want);
			if (want)
				assert_string_equal(out[0].field, f->name);
			((uint8_t *)v)[b] ^= 0x01u;
		}
	}
	free(v);
	free(snap);
}

/* Findings of several groups come in table order, not group order, as before. */
static void test_audit_findings_in_table_order(void **state)
{
	struct vmcb *v = vmcb_new();
	struct vmcb *snap = vmcb_new();
	struct vmcb_audit_finding out[AUDIT_MAX];

	(void)state;
	vmcb_mark_clean_after_exit(v);
	vmcb_audit_snapshot(snap, v);
	v->save.g_pat = 0x6;            /* NPT (4), after everything else in the table */
	v->control.avic_apic_bar = 0xfee00000; /* AVIC (11), before n_cr3 */
	v->control.n_cr3 = 0x3000;      /* NPT */
	v->control.tsc_offset = 5;      /* INTERCEPTS (0), after the PERM_MAP fields */
	v->control.iopm_base_pa = 0x7000; /* PERM_MAP (1) */
	v->save.cs.limit = 0xfffff;     /* SEG: bytes 0-7 of the segment */
	assert_int_equal(vmcb_audit_check(snap, v, out, AUDIT_MAX), 6);
	assert_string_equal(out[0].field, "iopm_base_pa");
	assert_string_equal(out[1].field, "tsc_offset");
	assert_string_equal(out[2].field, "avic_apic_bar");
	assert_string_equal(out[2].group, "AVIC");
	assert_int_equal(out[2].after, 0xfee00000);
	assert_string_equal(out[3].field, "n_cr3");
	assert_string_equal(out[4].field, "cs");
	assert_int_equal(out[4].after, 0xfffffull << 32);
	assert_string_equal(out[5].field, "g_pat");
	assert_int_equal(out[5].before, 0);
	assert_int_equal(out[5].after, 0x6);
	/* Only 2 fit; the count is still all of them. */
	assert_int_equal(vmcb_audit_check(snap, v, out, 2), 6);
	free(v);
	free(snap);
}

static void test_mark_helpers(void **state)
{
	struct vmcb *v = vmcb_new();

	(void)state;
	vmcb_mark_clean_after_exit(v);
	assert_int_equal(v->control.clean, CLEAN_AFTER_EXIT);
	vmcb_mark_all_dirty(v);
	assert_int_equal(v->control.clean, 0);
	v->control.clean = VMCB_CLEAN_ALL;
	vmcb_mark_dirty(v, VMCB_CLEAN_NONE);
	assert_int_equal(v->control.clean, VMCB_CLEAN_ALL);
	free(v);
}

/* ---- Auditor ---- */

struct audit_fixture {
	struct vmcb *v, *snap;
	struct vmcb_audit_finding out[AUDIT_MAX];
};

/* A VMCB straight after a #VMEXIT: marked clean, snapshot taken. */
static int audit_setup(void **state)
{
	struct audit_fixture *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->v = vmcb_new();
	a->snap = vmcb_new();
	vmcb_set_cr3(a->v, 0x1000);
	vmcb_set_rip(a->v, 0xfff0);
	vmcb_mark_clean_after_exit(a->v);
	vmcb_audit_snapshot(a->snap, a->v);
	*state = a;
	return 0;
}

static int audit_teardown(void **state)
{
	struct audit_fixture *a = *state;

	free(a->v);
	free(a->snap);
	free(a);
	return 0;
}

static void test_audit_raw_write_to_clean_group(void **state)
{
	struct audit_fixture *a = *state;

	a->v->save.cr3 = 0x2000; /* raw: the CPU would keep using 0x1000 */
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 1);
	assert_string_equal(a->out[0].field, "cr3");
	assert_string_equal(a->out[0].group, "CR");
	assert_int_equal(a->out[0].before, 0x1000);
	assert_int_equal(a->out[0].after, 0x2000);
}

static void test_audit_accessor_write_is_fine(void **state)
{
	struct audit_fixture *a = *state;

	vmcb_set_cr3(a->v, 0x2000);
	vmcb_set_asid(a->v, 7);
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 0);
	assert_int_equal(a->v->control.clean & VMCB_CLEAN_BIT(VMCB_CLEAN_CR), 0);
	assert_int_equal(a->v->control.clean & VMCB_CLEAN_BIT(VMCB_CLEAN_ASID), 0);
}

static void test_audit_ignores_dirty_and_groupless(void **state)
{
	struct audit_fixture *a = *state;

	a->v->save.cr2 = 0xdead;                       /* CR2: dirty after every exit */
	a->v->control.int_ctl = VMCB_INT_CTL_V_IRQ;    /* INTR: likewise */
	a->v->save.rip = 0x1234;                       /* no group */
	a->v->save.rax = 1;
	a->v->control.event_inj = VMCB_EVENTINJ_V;
	a->v->control.tlb_control = VMCB_TLB_FLUSH_ASID;
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 0);
	/* A group dirtied by an accessor shields its other fields too. */
	vmcb_set_cr0(a->v, 0x80000011);
	a->v->save.cr4 = 0x20;
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 0);
}

static void test_audit_segment_values(void **state)
{
	struct audit_fixture *a = *state;

	a->v->save.cs.base = 0xabc000;
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 1);
	assert_string_equal(a->out[0].field, "cs");
	assert_string_equal(a->out[0].group, "SEG");
	assert_int_equal(a->out[0].before, 0);
	assert_int_equal(a->out[0].after, 0xabc000);
	a->v->save.cs.base = 0;
	a->v->save.cs.selector = 0x8;
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 1);
	assert_int_equal(a->out[0].after, 0x8); /* bytes 0-7: selector in bits 15:0 */
}

static void test_audit_counts_past_max(void **state)
{
	struct audit_fixture *a = *state;

	a->v->save.efer = 0x1500;
	a->v->save.dr7 = 0x400;
	a->v->control.iopm_base_pa = 0x5000;
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, 1), 3);
	assert_string_equal(a->out[0].field, "iopm_base_pa"); /* table order */
	assert_int_equal(vmcb_audit_check(a->snap, a->v, NULL, 0), 3);
}

/* ---- The 2025 KVM nested-SVM bug shapes ---- */

/* What L1 controls between two nested VMRUNs, reduced to the two fields. */
struct l1_state {
	bool intercepts_msrs;  /* L1 wants MSR exits: vmcb02 uses the merged MSRPM */
	uint64_t pat;          /* L1's IA32_PAT, which becomes L2's gPAT */
};

#define IOPM01_PA 0x300000ull
#define MSRPM01_PA 0x100000ull
#define MSRPM_MERGED_PA 0x200000ull
#define PAT_DEFAULT 0x0007040600070406ull
#define PAT_L1_WC 0x0007040600070401ull

static uint64_t msrpm_for(const struct l1_state *l1, const struct vmcb *vmcb01)
{
	return l1->intercepts_msrs ? MSRPM_MERGED_PA : vmcb01->control.msrpm_base_pa;
}

/* Fields outside PERM_MAP and NPT, which both versions write correctly. */
static void prepare_common(struct vmcb *v02, const struct vmcb *v01, const struct vmcb *v12)
{
	vmcb_set_intercept_misc1(v02, v01->control.intercept_misc1 | v12->control.intercept_misc1);
	vmcb_set_rip(v02, v12->save.rip);
	vmcb_set_rsp(v02, v12->save.rsp);
	vmcb_set_rax(v02, v12->save.rax);
	vmcb_set_cr2(v02, v12->save.cr2);
}

/*
 * The pre-fix shape: PERM_MAP and NPT fields written behind the clean bits.
 * nested_ctl and the IOPM base do not change between the runs, so those raw
 * writes are harmless and the auditor (which compares values) stays quiet
 * about them; the MSRPM base and gPAT do change.
 */
static void prepare_vmcb02_buggy(struct vmcb *v02, const struct vmcb *v01,
				 const struct vmcb *v12, const struct l1_state *l1)
{
	uint64_t msrpm = msrpm_for(l1, v01);

	prepare_common(v02, v01, v12);
	v02->control.nested_ctl = v01->control.nested_ctl;
	v02->control.iopm_base_pa = v01->control.iopm_base_pa;
	memcpy(&v02->control.msrpm_base_pa, &msrpm, sizeof(msrpm));
	v02->save.g_pat = l1->pat;
}

static void prepare_vmcb02_fixed(struct vmcb *v02, const struct vmcb *v01,
				 const struct vmcb *v12, const struct l1_state *l1)
{
	prepare_common(v02, v01, v12);
	vmcb_set_nested_ctl(v02, v01->control.nested_ctl);
	vmcb_set_iopm_base_pa(v02, v01->control.iopm_base_pa);
	vmcb_set_msrpm_base_pa(v02, msrpm_for(l1, v01));
	vmcb_set_g_pat(v02, l1->pat);
}

typedef void (*prepare_fn)(struct vmcb *, const struct vmcb *, const struct vmcb *,
			   const struct l1_state *);

/*
 * Two nested VMRUNs of L2 with a nested #VMEXIT between them, during which L1
 * starts intercepting MSRs and writes its PAT. Returns the findings of the
 * audit before the second VMRUN; *clean gets vmcb02's clean field then.
 */
static unsigned run_nested_twice(prepare_fn prepare, struct vmcb_audit_finding *out,
				 uint32_t *clean)
{
	struct vmcb *v01 = vmcb_new(), *v12 = vmcb_new(), *v02 = vmcb_new(), *snap = vmcb_new();
	struct l1_state l1 = { .intercepts_msrs = false, .pat = PAT_DEFAULT };
	unsigned n;

	vmcb_set_msrpm_base_pa(v01, MSRPM01_PA);
	vmcb_set_iopm_base_pa(v01, IOPM01_PA);
	vmcb_set_nested_ctl(v01, VMCB_NESTED_CTL_NP_ENABLE);
	vmcb_set_rip(v12, 0x4000);
	/* First nested VMRUN: a new vmcb02, nothing cached. */
	prepare(v02, v01, v12, &l1);
	vmcb_mark_all_dirty(v02);
	/* The nested #VMEXIT: the CPU's cache now matches vmcb02. */
	vmcb_mark_clean_after_exit(v02);
	vmcb_audit_snapshot(snap, v02);
	/* L1 runs, then changes what the next vmcb02 must hold. */
	l1.intercepts_msrs = true;
	l1.pat = PAT_L1_WC;
	vmcb_set_rip(v12, 0x4002);
	/* Second nested VMRUN. */
	prepare(v02, v01, v12, &l1);
	n = vmcb_audit_check(snap, v02, out, AUDIT_MAX);
	*clean = v02->control.clean;
	free(v01);
	free(v12);
	free(v02);
	free(snap);
	return n;
}

static void test_kvm_2025_buggy_prepare_is_flagged(void **state)
{
	struct vmcb_audit_finding out[AUDIT_MAX];
	uint32_t clean;

	(void)state;
	assert_int_equal(run_nested_twice(prepare_vmcb02_buggy, out, &clean), 2);
	assert_string_equal(out[0].field, "msrpm_base_pa");
	assert_string_equal(out[0].group, "PERM_MAP");
	assert_int_equal(out[0].before, MSRPM01_PA);
	assert_int_equal(out[0].after, MSRPM_MERGED_PA);
	assert_string_equal(out[1].field, "g_pat");
	assert_string_equal(out[1].group, "NPT");
	assert_int_equal(out[1].before, PAT_DEFAULT);
	assert_int_equal(out[1].after, PAT_L1_WC);
	assert_true(clean & VMCB_CLEAN_BIT(VMCB_CLEAN_PERM_MAP));
	assert_true(clean & VMCB_CLEAN_BIT(VMCB_CLEAN_NPT));
}

static void test_kvm_2025_accessor_prepare_is_clean(void **state)
{
	struct vmcb_audit_finding out[AUDIT_MAX];
	uint32_t clean;

	(void)state;
	assert_int_equal(run_nested_twice(prepare_vmcb02_fixed, out, &clean), 0);
	assert_false(clean & VMCB_CLEAN_BIT(VMCB_CLEAN_PERM_MAP));
	assert_false(clean & VMCB_CLEAN_BIT(VMCB_CLEAN_NPT));
}

/*
 * Straight after an exit (clean = VMCB_CLEAN_AFTER_EXIT) the check takes its
 * one-loop fast path; a raw write to a whole word (cr0), to a masked last
 * word (cpl, one byte) and to the second word of a segment (es base) must
 * each still be found and named.
 */
static void test_fast_path_still_finds(void **state)
{
	struct audit_fixture *a = *state;

	assert_int_equal(a->v->control.clean, VMCB_CLEAN_AFTER_EXIT);
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 0);
	a->v->save.cr0 ^= 1;
	a->v->save.cpl ^= 3;
	a->v->save.es.base ^= 0x1000;
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 3);
	assert_string_equal(a->out[0].field, "es");
	assert_string_equal(a->out[1].field, "cpl");
	assert_string_equal(a->out[2].field, "cr0");
	/* The same write with its group dirtied is no finding (the slow path). */
	vmcb_mark_dirty(a->v, VMCB_CLEAN_CR);
	assert_int_equal(vmcb_audit_check(a->snap, a->v, a->out, AUDIT_MAX), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fast_path_still_finds, audit_setup, audit_teardown),
		cmocka_unit_test(test_layout_spot_checks),
		cmocka_unit_test(test_field_table_matches_struct),
		cmocka_unit_test(test_every_xmacro_field_has_its_apm_group),
		cmocka_unit_test(test_every_apm_entry_is_an_xmacro_field),
		cmocka_unit_test(test_one_setter_per_group_clears_its_bit),
		cmocka_unit_test(test_exit_names),
		cmocka_unit_test(test_clean_group_names),
		cmocka_unit_test(test_every_setter_clears_its_group),
		cmocka_unit_test(test_every_grouped_field_is_audited),
		cmocka_unit_test(test_ranges_cover_exactly_the_grouped_bytes),
		cmocka_unit_test(test_ranges_spot_checks),
		cmocka_unit_test(test_snapshot_copies_grouped_words),
		cmocka_unit_test(test_every_grouped_byte_is_audited),
		cmocka_unit_test(test_audit_findings_in_table_order),
		cmocka_unit_test(test_mark_helpers),
		cmocka_unit_test_setup_teardown(test_audit_raw_write_to_clean_group, audit_setup,
						audit_teardown),
		cmocka_unit_test_setup_teardown(test_audit_accessor_write_is_fine, audit_setup,
						audit_teardown),
		cmocka_unit_test_setup_teardown(test_audit_ignores_dirty_and_groupless, audit_setup,
						audit_teardown),
		cmocka_unit_test_setup_teardown(test_audit_segment_values, audit_setup,
						audit_teardown),
		cmocka_unit_test_setup_teardown(test_audit_counts_past_max, audit_setup,
						audit_teardown),
		cmocka_unit_test(test_kvm_2025_buggy_prepare_is_flagged),
		cmocka_unit_test(test_kvm_2025_accessor_prepare_is_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
