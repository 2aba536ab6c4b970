/* SPDX-License-Identifier: MIT */
/*
 * containment_oob: a read outside guest memory with no expect_fault; the
 * hypervisor must end the payload as "bad memory".
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_oob", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_BAD_MEMORY,
	       .expect_value = 0xc0000000ull, .expect_access = ANVIL_ACCESS_R);

#define OUTSIDE_GPA 0xc0000000ull /* identity mapped by the guest, no memory behind it */

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	mem_read8((const void *)(uintptr_t)OUTSIDE_GPA);
	/* Still here: the read was let through. */
	report(false, "bad_memory");
	return 0;
}
