/* SPDX-License-Identifier: MIT */
/*
 * containment_vectors: the guest's own exception goes nowhere. VBAR_EL1
 * points outside guest memory and an undefined instruction makes the CPU
 * fetch its vector there (VBAR + 0x200, "current EL with SP_ELx"): a
 * stage-2 instruction abort the hypervisor must end as bad memory (the
 * arm64 counterpart of x86's triple fault), the run going on.
 */
#include <guest/guest.h>

#define BAD_VBAR 0x7ff00000ull  /* 2 KiB aligned, far above the 1 MiB of memory */
#define SYNC_SPX_OFFSET 0x200ull

ANVIL_MANIFEST(.name = "containment_vectors", .features = ANVIL_FEAT_GENERIC,
	       .mem_kib = 1024, .timeout_ms = 10000, .expect = ANVIL_EXPECT_BAD_MEMORY,
	       .expect_value = BAD_VBAR + SYNC_SPX_OFFSET, .expect_access = ANVIL_ACCESS_X);

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	guest_write_sysreg(vbar_el1, BAD_VBAR);
	__asm__ volatile("isb; udf #0" ::: "memory");
	/* Still here: the exception was not taken. */
	report(false, "vector_fetch_faulted");
	return 0;
}
