// SPDX-License-Identifier: MIT
/* Host tests for arch/x86_64/lib/asid.c, with QEMU's NASID of 16 as the main case. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asid.h>
#include <vmcb.h>

#define QEMU_NASID 16u

static void take(struct asid_pool *p, uint32_t want, bool want_flush)
{
	uint32_t asid = 0;
	bool flush = !want_flush;

	assert_int_equal(asid_get(p, &asid, &flush), 0);
	assert_int_equal(asid, want);
	assert_int_equal(flush, want_flush);
	assert_true(asid_in_use(p, asid));
}

static void test_init_limits(void **state)
{
	struct asid_pool p;

	(void)state;
	assert_int_equal(asid_pool_init(&p, 0), -1);
	assert_int_equal(asid_pool_init(&p, 1), -1); /* only the host's ASID 0 */
	assert_int_equal(asid_pool_init(&p, 2), 0);
	assert_int_equal(p.limit, 2);
	assert_int_equal(asid_pool_init(&p, 32768), 0); /* real CPUs report 32768 */
	assert_int_equal(p.limit, ASID_POOL_MAX);
}

static void test_exhaust_qemu_pool(void **state)
{
	struct asid_pool p;
	uint32_t asid = 0;
	bool flush = true;

	(void)state;
	assert_int_equal(asid_pool_init(&p, QEMU_NASID), 0);
	for (uint32_t a = 1; a < QEMU_NASID; a++)
		take(&p, a, false);
	assert_int_equal(asid_get(&p, &asid, &flush), -1);
	assert_false(asid_in_use(&p, 0));
}

static void test_never_used_first_then_reuse_with_flush(void **state)
{
	struct asid_pool p;

	(void)state;
	assert_int_equal(asid_pool_init(&p, QEMU_NASID), 0);
	take(&p, 1, false);
	take(&p, 2, false);
	asid_put(&p, 1);
	assert_false(asid_in_use(&p, 1));
	/* 3..15 have never been used: they come before the released 1. */
	for (uint32_t a = 3; a < QEMU_NASID; a++)
		take(&p, a, false);
	take(&p, 1, true);
	asid_put(&p, 7);
	asid_put(&p, 4);
	take(&p, 4, true);
	take(&p, 7, true);
}

static void test_bad_puts_ignored(void **state)
{
	struct asid_pool p;
	uint32_t asid = 0;
	bool flush = true;

	(void)state;
	assert_int_equal(asid_pool_init(&p, 4), 0);
	asid_put(&p, 0);            /* the host's: never released */
	asid_put(&p, 2);            /* never taken */
	asid_put(&p, 4);            /* out of range */
	asid_put(&p, 1000);
	take(&p, 1, false);
	take(&p, 2, false);         /* still fresh despite the bogus put */
	take(&p, 3, false);
	assert_int_equal(asid_get(&p, &asid, &flush), -1);
	asid_put(&p, 2);
	asid_put(&p, 2);            /* double put: the second is ignored */
	take(&p, 2, true);
	assert_int_equal(asid_get(&p, &asid, &flush), -1);
}

static void test_tlb_control(void **state)
{
	(void)state;
	assert_int_equal(asid_tlb_control(false, false), VMCB_TLB_NOTHING);
	assert_int_equal(asid_tlb_control(false, true), VMCB_TLB_NOTHING);
	assert_int_equal(asid_tlb_control(true, true), VMCB_TLB_FLUSH_ASID);
	assert_int_equal(asid_tlb_control(true, false), VMCB_TLB_FLUSH_ALL);
	assert_int_equal(VMCB_TLB_FLUSH_ASID, 3);
	assert_int_equal(VMCB_TLB_FLUSH_ALL, 1);
}

/* A named ASID: fresh ones need no flush, released ones do, taken ones are refused. */
static void test_get_this(void **state)
{
	(void)state;
	struct asid_pool p;
	uint32_t a;
	bool flush = true;

	assert_int_equal(asid_pool_init(&p, 16), 0);
	assert_int_equal(asid_get_this(&p, 5, &flush), 0);
	assert_false(flush);
	assert_true(asid_in_use(&p, 5));
	assert_int_equal(asid_get_this(&p, 5, &flush), -1); /* taken */
	asid_put(&p, 5);
	assert_int_equal(asid_get_this(&p, 5, &flush), 0);
	assert_true(flush); /* its old translations may still be cached */
	assert_int_equal(asid_get_this(&p, 0, &flush), -1);  /* the host's */
	assert_int_equal(asid_get_this(&p, 16, &flush), -1); /* beyond NASID */
	/* asid_get skips it while taken. */
	for (int i = 0; i < 14; i++) { /* ASIDs 1-15 less the taken 5 */
		assert_int_equal(asid_get(&p, &a, &flush), 0);
		assert_int_not_equal(a, 5);
	}
	assert_int_equal(asid_get(&p, &a, &flush), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_limits),
		cmocka_unit_test(test_exhaust_qemu_pool),
		cmocka_unit_test(test_never_used_first_then_reuse_with_flush),
		cmocka_unit_test(test_bad_puts_ignored),
		cmocka_unit_test(test_tlb_control),
		cmocka_unit_test(test_get_this),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
