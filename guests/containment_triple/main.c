/* SPDX-License-Identifier: MIT */
/*
 * containment_triple: the guest triple-faults; the hypervisor must contain
 * it (end this payload, run the next). An IDT of limit 0 turns #UD into #GP
 * into #DF into shutdown.
 */
#include <guest/guest.h>

ANVIL_MANIFEST(.name = "containment_triple", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_TRIPLE_FAULT);

int guest_main(const struct anvil_guest_info *info)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	(void)info;
	__asm__ volatile("lidt %0\n\tud2" : : "m"(empty_idt) : "memory");
	/* Still here: the guest did not shut down. */
	report(false, "triple_fault");
	return 0;
}
