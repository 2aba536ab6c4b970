/* SPDX-License-Identifier: MIT */
/*
 * containment_badcall: a hypercall number the ABI does not define; the
 * hypervisor must end the payload as "bad hypercall" (not ignore the call).
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_badcall", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_BAD_HYPERCALL,
	       .expect_call = 0x7777u, .expect_arg = ANVIL_EXPECT_ARG_NONE, .expect_value = 0x7777u);

#define UNKNOWN_CALL 0x7777u /* far above ANVIL_HC_COUNT */

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	hypercall(UNKNOWN_CALL, 0, 0, 0, 0);
	/* Still here: the call was accepted. */
	report(false, "bad_hypercall");
	return 0;
}
