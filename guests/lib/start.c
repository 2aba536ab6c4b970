/* SPDX-License-Identifier: MIT */
/* From _start to guest_main and back out. */
#include <guest/guest.h>

#include "lib_internal.h"

const struct anvil_guest_info *guest_info;

__attribute__((noreturn)) void guest_start(const struct anvil_guest_info *info)
{
	int status;

	guest_info = info;
	guest_arch_init(info);
	status = guest_main(info);
	if (status != 0)
		reportf(false, "main_status", "guest_main returned %d", status);
	finish();
}
