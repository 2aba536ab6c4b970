// SPDX-License-Identifier: MIT
/* Host tests for lib/strbuf.c: bounded, always terminated, cut text remembered. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/strbuf.h>

static void test_builds_text(void **state)
{
	char buf[128];
	struct strbuf sb;

	(void)state;
	sb_init(&sb, buf, sizeof(buf));
	assert_string_equal(buf, "");
	sb_str(&sb, "EC ");
	sb_hex(&sb, 0x24, 2);
	sb_char(&sb, ' ');
	sb_dec(&sb, 0);
	sb_char(&sb, ' ');
	sb_dec(&sb, 18446744073709551615ull);
	sb_char(&sb, ' ');
	sb_hex(&sb, 0, 1);
	sb_char(&sb, ' ');
	sb_hex(&sb, 0xffffffffffffffffull, 1);
	sb_char(&sb, ' ');
	sb_hex(&sb, 0x5, 40); /* at most 16 digits */
	sb_str(&sb, NULL);
	assert_string_equal(buf, "EC 0x24 0 18446744073709551615 0x0 0xffffffffffffffff 0x0000000000000005");
	assert_int_equal(sb.len, strlen(buf));
	assert_false(sb_truncated(&sb));
}

static void test_cuts_and_remembers(void **state)
{
	char buf[8];
	struct strbuf sb;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	sb_init(&sb, buf, sizeof(buf));
	sb_str(&sb, "1234567");
	assert_false(sb_truncated(&sb));
	sb_char(&sb, '8');
	assert_true(sb_truncated(&sb));
	assert_string_equal(buf, "1234567");
	sb_hex(&sb, 0xabc, 1);
	assert_string_equal(buf, "1234567");
	/* No storage at all: nothing written, everything "cut". */
	sb_init(&sb, NULL, 16);
	sb_str(&sb, "a");
	assert_true(sb_truncated(&sb));
	sb_init(&sb, buf, 1);
	sb_char(&sb, 'a');
	assert_true(sb_truncated(&sb));
	assert_int_equal(buf[0], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builds_text),
		cmocka_unit_test(test_cuts_and_remembers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
