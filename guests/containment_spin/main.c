/* SPDX-License-Identifier: MIT */
/*
 * containment_spin: the guest spins with interrupts off and never makes a
 * hypercall; the hypervisor must stop it at the manifest's timeout.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_spin", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 1000, .expect = ANVIL_EXPECT_TIMEOUT);

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	guest_hang();
}
