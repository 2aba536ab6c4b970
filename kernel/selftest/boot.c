/* SPDX-License-Identifier: MIT */
/* What the front end handed over: complete, consistent, error-free. */
#include <anvil/boot_info.h>
#include <anvil/ktest.h>
#include <anvil/memory.h>
#include <anvil/platform.h>

KTEST(boot, info_consistent)
{
	const struct boot_info *bi = platform.boot;
	ktest_diag(t, "loader \"%s\": %u regions, %u modules, RSDP %s, framebuffer %s", bi->loader,
		   (unsigned)bi->region_count, (unsigned)bi->module_count, bi->rsdp_length ? "yes" : "no",
		   bi->fb.format != BOOT_FB_NONE ? "yes" : "no");
	check(t, bi->magic == BOOT_INFO_MAGIC && bi->version == BOOT_INFO_VERSION, "boot_info has our magic and version");
	check(t, bi->error_count == 0, "the boot information parsed without errors (%u reported above)",
	      (unsigned)bi->error_count);
	check(t, bi->region_count > 0 && bi->region_count <= BOOT_MAX_REGIONS, "there is a memory map");
	bool sorted = true, kernel_found = false;
	uint64_t usable = 0;
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (i && r->base < bi->regions[i - 1].base + bi->regions[i - 1].length)
			sorted = false;
		if (r->type == BOOT_MEM_USABLE)
			usable += r->length;
		if (r->type == BOOT_MEM_KERNEL && r->base <= kernel_image_start() &&
		    r->base + r->length >= kernel_image_end())
			kernel_found = true;
	}
	check(t, sorted, "the memory map is sorted and free of overlaps");
	check(t, kernel_found, "the hypervisor image is reserved in the memory map");
	check(t, usable >= (16u << 20), "at least 16 MiB are usable (%lu MiB)", (unsigned long)(usable >> 20));
	check(t, bi->handoff_cycles != 0, "the front end recorded its hand-off time");
}
