/* SPDX-License-Identifier: MIT */
/*
 * containment_longstr: ANVIL_HC_PRINT of a string longer than ANVIL_STR_MAX,
 * from valid guest memory; the hypervisor must refuse it as a bad hypercall
 * rather than copy past its own buffer.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_longstr", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_BAD_HYPERCALL,
	       .expect_call = ANVIL_HC_PRINT, .expect_arg = 1, .expect_value = ANVIL_STR_MAX * 4);

static char text[ANVIL_STR_MAX * 4];

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = 'a' + (char)(i % 26);
	hypercall(ANVIL_HC_PRINT, (uint64_t)(uintptr_t)text, sizeof(text), 0, 0);
	/* Still here: the call was accepted. */
	report(false, "bad_hypercall");
	return 0;
}
