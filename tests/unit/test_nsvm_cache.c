// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/nsvm_cache.c, the vmcb12 clean-bit
 * policy: a new address, a new ASID or a clear bit reloads; a set bit with
 * the same address and ASID keeps the copy (and what L2 sees when L1
 * lies); the count of fields re-read; every group honoured vs KVM's set;
 * the copy following a #VMEXIT's writes; invalidation.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nsvm_cache.h>
#include <nsvm_reflect.h>
#include <vmcb.h>

#define GPA_A 0x10000ull
#define GPA_B 0x20000ull
#define ALWAYS_FIELDS 10u /* clean, tlb_control, int_state, event_inj, next_rip, virt_ext, rflags, rip, rsp, rax */

#define BIT(g) VMCB_CLEAN_BIT(VMCB_CLEAN_##g)

struct fixture {
	struct nsvm_cache cache;
	struct vmcb l1; /* vmcb12 in L1's memory */
	unsigned grouped; /* grouped fields in VMCB_FIELDS() */
};

static unsigned grouped_fields(uint32_t groups)
{
	unsigned n = 0;

	for (unsigned i = 0; i < vmcb_field_count; i++)
		if (vmcb_field_table[i].group >= 0 && (groups & VMCB_CLEAN_BIT(vmcb_field_table[i].group)))
			n++;
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	nsvm_cache_init(&f->cache, NSVM_CACHE_HONOUR_ALL);
	f->l1.control.asid = 1;
	f->l1.control.intercept_misc2 = VMCB_MISC2_VMRUN;
	f->l1.control.intercept_misc1 = VMCB_MISC1_CPUID;
	f->l1.save.cr3 = 0x1000;
	f->l1.save.rip = 0x4000;
	f->l1.save.cs.selector = 8;
	f->l1.control.n_cr3 = 0x7000;
	f->grouped = grouped_fields(VMCB_CLEAN_ALL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_first_vmrun_reads_everything(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	const struct vmcb *v;

	assert_null(nsvm_cache_current(&f->cache));
	f->l1.control.clean = VMCB_CLEAN_ALL; /* bits set, but nothing is cached yet */
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_FIRST);
	assert_int_equal(st.kept, 0);
	assert_int_equal(st.reloaded, VMCB_CLEAN_ALL);
	assert_int_equal(st.fields_reread, f->grouped);
	assert_int_equal(st.fields_kept, 0);
	assert_int_equal(st.fields_always, ALWAYS_FIELDS);
	assert_int_equal(v->save.cr3, 0x1000);
	assert_int_equal(v->save.rip, 0x4000);
	assert_int_equal(v->control.intercept_misc1, VMCB_MISC1_CPUID);
	assert_ptr_equal(nsvm_cache_current(&f->cache), v);
}

static void test_set_bits_skip_and_lies_are_stale(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	const struct vmcb *v;

	f->l1.control.clean = 0;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	/* L1 lies: changes CR3, the intercepts and nCR3, sets every bit. RIP has no bit. */
	f->l1.save.cr3 = 0x2000;
	f->l1.control.intercept_misc1 = VMCB_MISC1_HLT;
	f->l1.control.n_cr3 = 0x8000;
	f->l1.save.rip = 0x4003;
	f->l1.control.clean = VMCB_CLEAN_ALL;
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_HIT);
	assert_int_equal(st.kept, VMCB_CLEAN_ALL);
	assert_int_equal(st.reloaded, 0);
	assert_int_equal(st.fields_reread, 0);
	assert_int_equal(st.fields_kept, f->grouped);
	assert_int_equal(v->save.cr3, 0x1000);                        /* stale, as a CPU may */
	assert_int_equal(v->control.intercept_misc1, VMCB_MISC1_CPUID); /* stale */
	assert_int_equal(v->control.n_cr3, 0x7000);                   /* stale */
	assert_int_equal(v->save.rip, 0x4003);                        /* read every time */
	assert_int_equal(v->control.clean, VMCB_CLEAN_ALL);
}

static void test_cleared_bit_reloads_that_group(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	const struct vmcb *v;

	f->l1.control.clean = 0;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	f->l1.save.cr3 = 0x2000;
	f->l1.save.cs.selector = 0x10;
	f->l1.control.clean = VMCB_CLEAN_ALL & ~BIT(CR); /* honest about CR, lies about SEG */
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_HIT);
	assert_int_equal(st.reloaded, BIT(CR));
	assert_int_equal(st.fields_reread, 4); /* CR0, CR3, CR4, EFER */
	assert_int_equal(st.fields_kept, f->grouped - 4);
	assert_int_equal(v->save.cr3, 0x2000);
	assert_int_equal(v->save.cs.selector, 8);
}

static void test_new_gpa_reloads(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	const struct vmcb *v;

	f->l1.control.clean = 0;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	f->l1.save.cr3 = 0x2000;
	f->l1.control.clean = VMCB_CLEAN_ALL;
	v = nsvm_cache_load(&f->cache, GPA_B, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_NEW_GPA);
	assert_int_equal(st.kept, 0);
	assert_int_equal(st.fields_reread, f->grouped);
	assert_int_equal(v->save.cr3, 0x2000);
	/* Back at A, with bits set: the copy now is B's (one slot), so A is new again. */
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_NEW_GPA);
}

static void test_new_asid_reloads(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	const struct vmcb *v;

	f->l1.control.clean = 0;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	f->l1.control.asid = 2;
	f->l1.save.cr3 = 0x2000;
	f->l1.control.clean = VMCB_CLEAN_ALL; /* ASID bit set too: the key wins */
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_NEW_ASID);
	assert_int_equal(st.kept, 0);
	assert_int_equal(v->control.asid, 2);
	assert_int_equal(v->save.cr3, 0x2000);
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_HIT);
	assert_int_equal(st.fields_reread, 0);
}

/* KVM honours SEG, DT, DR and CET only: the rest is re-read even with its bit set. */
static void test_kvm_set_rereads_more(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	uint32_t kvm = NSVM_CACHE_HONOUR_KVM;

	nsvm_cache_init(&f->cache, kvm);
	f->l1.control.clean = 0;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	f->l1.control.clean = VMCB_CLEAN_ALL;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.kept, kvm);
	assert_int_equal(st.fields_kept, grouped_fields(kvm));
	assert_int_equal(st.fields_reread, f->grouped - grouped_fields(kvm));
	assert_int_equal(grouped_fields(kvm), 4 + 1 + 2 + 2 + 3); /* CS DS SS ES CPL, GDTR IDTR, DR6 DR7, CET */
	/* Anvil's policy on the same rerun re-reads nothing grouped. */
	nsvm_cache_init(&f->cache, NSVM_CACHE_HONOUR_ALL);
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.fields_reread, 0);
}

/* After a #VMEXIT the copy holds what the exit wrote: a rerun with bits set sees L2's state, not stale L1 input. */
static void test_vmexit_writes_into_the_copy(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;
	struct vmcb *v02 = calloc(1, sizeof(*v02));
	struct nsvm_state s = { NSVM_IN_L2, true };
	struct vmcb *v01 = calloc(1, sizeof(*v01));
	struct nsvm_l2_exit x = { .code = VMEXIT_CPUID, .nrip = 0x4012 };
	const struct vmcb *v;

	assert_non_null(v02);
	assert_non_null(v01);
	f->l1.control.clean = 0;
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	memcpy(v02, v, sizeof(*v02));
	v02->save.cr3 = 0x5000; /* L2 wrote CR3 */
	v02->save.rip = 0x4010;
	assert_int_equal(nsvm_reflect(&f->l1, &f->cache, v01, v02, &x, true, &s), 0);
	assert_int_equal(f->l1.save.cr3, 0x5000);
	assert_int_equal(nsvm_cache_current(&f->cache)->save.cr3, 0x5000);
	f->l1.control.clean = VMCB_CLEAN_ALL; /* L1 changes nothing */
	v = nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.fields_reread, 0);
	assert_int_equal(v->save.cr3, 0x5000);
	assert_int_equal(v->save.rip, 0x4010);
	free(v02);
	free(v01);
}

static void test_invalidate_and_names(void **state)
{
	struct fixture *f = *state;
	struct nsvm_cache_stats st;

	f->l1.control.clean = 0;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	nsvm_cache_invalidate(&f->cache);
	assert_null(nsvm_cache_current(&f->cache));
	f->l1.control.clean = VMCB_CLEAN_ALL;
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, &st);
	assert_int_equal(st.why, NSVM_CACHE_FIRST);
	assert_int_equal(st.fields_reread, f->grouped);
	assert_string_equal(nsvm_cache_why_name(NSVM_CACHE_HIT), "HIT");
	assert_string_equal(nsvm_cache_why_name(NSVM_CACHE_NEW_ASID), "NEW_ASID");
	assert_null(nsvm_cache_why_name(NSVM_CACHE_WHY_COUNT));
}

/* A refused VMRUN empties the copy (nsvm_reflect_invalid). */
static void test_refused_vmrun_empties_the_copy(void **state)
{
	struct fixture *f = *state;
	struct nsvm_state s;

	nsvm_state_init(&s);
	nsvm_cache_load(&f->cache, GPA_A, &f->l1, NULL);
	f->l1.control.event_inj = VMCB_EVENTINJ_V | 0x20;
	assert_int_equal(nsvm_reflect_invalid(&f->l1, &f->cache, &s), 0);
	assert_null(nsvm_cache_current(&f->cache));
	assert_int_equal(f->l1.control.exit_code, VMEXIT_INVALID);
	assert_int_equal(f->l1.control.event_inj, 0);
	assert_false(s.gif);
	assert_int_equal(s.level, NSVM_IN_L1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_vmrun_reads_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_bits_skip_and_lies_are_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleared_bit_reloads_that_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_gpa_reloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_asid_reloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kvm_set_rereads_more, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmexit_writes_into_the_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_vmrun_empties_the_copy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
