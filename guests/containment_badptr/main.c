/* SPDX-License-Identifier: MIT */
/*
 * containment_badptr: ANVIL_HC_PRINT with a pointer the guest's page tables
 * do not map; the hypervisor must end the payload as "bad hypercall".
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_badptr", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_BAD_HYPERCALL,
	       .expect_call = ANVIL_HC_PRINT, .expect_arg = 0, .expect_value = 0x7f0000000000ull);

#define BAD_POINTER 0x7f0000000000ull /* above the 4 GiB the guest maps */
#define BAD_LENGTH 16

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	hypercall(ANVIL_HC_PRINT, BAD_POINTER, BAD_LENGTH, 0, 0);
	/* Still here: the call was accepted. */
	report(false, "bad_hypercall");
	return 0;
}
