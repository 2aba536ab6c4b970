/* SPDX-License-Identifier: MIT */
/*
 * The kernel's side of the arm64 Image protocol (header.S): the device tree
 * becomes the struct boot_info every front end fills (memory from /memory
 * and the reservations, the command line from /chosen/bootargs), and the
 * arch learns its devices from it. A device tree that cannot be used is
 * reported on the one console there is to guess (QEMU virt's UART) and on
 * every console later.
 */
#include <stdio.h>
#include <string.h>

#include <anvil/boot.h>
#include <anvil/boot_map.h>
#include <anvil/dt.h>

#include "arm64.h"

static struct boot_info boot_info_copy;
static struct dt_platform dt;

static void fill(struct boot_info *bi, const struct dt_platform *d, uint64_t dtb)
{
	for (unsigned i = 0; i < d->mem_count; i++)
		boot_map_add(bi, d->mem[i].base, d->mem[i].size, BOOT_MEM_USABLE);
	boot_map_sanitize(bi);
	for (unsigned i = 0; i < d->reserved_count; i++)
		boot_map_reserve(bi, d->reserved[i].base, d->reserved[i].size, BOOT_MEM_RESERVED);
	/* The device tree itself: the arch keeps reading it. */
	boot_map_reserve(bi, dtb, d->totalsize, BOOT_MEM_BOOTLOADER);
	if (d->has_bootargs)
		snprintf(bi->cmdline, sizeof(bi->cmdline), "%s", d->bootargs);
}

__attribute__((noreturn)) void image_kmain(uint64_t dtb, uint64_t handoff);
void image_kmain(uint64_t dtb, uint64_t handoff)
{
	struct boot_info *bi = &boot_info_copy;
	char err[DT_ERR_MAX];
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	snprintf(bi->loader, sizeof(bi->loader), "arm64-image");
	bi->handoff_cycles = handoff;
	bi->dtb_phys = dtb;
	bi->boot_el = arm64_current_el();
	if (arm64_platform_init((const void *)(uintptr_t)dtb, &dt, err, sizeof(err)) == 0) {
		fill(bi, &dt, dtb);
		if (!dt.mem_count)
			boot_info_error(bi, "dt: no /memory node: nothing to run in");
	} else {
		boot_info_error(bi, "%s", err);
	}
	kernel_main(bi);
}
