/* SPDX-License-Identifier: MIT */
/*
 * containment_deadline: spend the whole run inside allocating hypercalls.
 * Each remap_page far from the last one (GUEST_TABLE_SPREAD_SHIFT apart) makes
 * the hypervisor allocate new nested page tables and a memslot; each unmap_page frees them again. The
 * payload never stops, so its deadline must arrive while the hypervisor is
 * busy for it; it must still only stop the guest: the hypervisor's own
 * `containment_deadline/host_intact` case then proves that no page, heap
 * byte or memslot was left half updated.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_deadline", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 1500, .expect = ANVIL_EXPECT_TIMEOUT);

#define SLOTS 8         /* aliases alive at once */

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	uint64_t src = (uint64_t)(uintptr_t)&guest_manifest & ~0xfffull;
	for (uint64_t i = 0;; i++) {
		uint64_t gpa = ((i % 255) + 1) << GUEST_TABLE_SPREAD_SHIFT;
		remap_page(gpa, src);
		if (i >= SLOTS)
			unmap_page((((i - SLOTS) % 255) + 1) << GUEST_TABLE_SPREAD_SHIFT);
	}
	return 0;
}
