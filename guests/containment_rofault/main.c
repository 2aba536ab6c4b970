/* SPDX-License-Identifier: MIT */
/*
 * containment_rofault: ANVIL_HC_LAST_FAULT asked to write its record into a
 * page the payload made read-only (set_page_access). The hypervisor writes
 * guest memory with the guest's own rights (guest-abi.md), so it must refuse
 * the call (argument 0) rather than write through the protection.
 */
#include <guest/guest.h>

#define PAGE 4096u

static struct anvil_fault record[PAGE / sizeof(struct anvil_fault)] __attribute__((aligned(PAGE)));

ANVIL_MANIFEST(.name = "containment_rofault", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_BAD_HYPERCALL,
	       .expect_call = ANVIL_HC_LAST_FAULT, .expect_arg = 0, .expect_value = (uintptr_t)record);

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	uint64_t gpa = (uint64_t)(uintptr_t)record;
	record[0].kind = 0x5a5a;
	set_page_access(gpa, ANVIL_ACCESS_R);
	last_fault(record);
	/* Still here: the write went through. */
	reportf(false, "readonly_respected", "LAST_FAULT wrote a read-only page (kind now %u)", record[0].kind);
	return 0;
}
