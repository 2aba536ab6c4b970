/* SPDX-License-Identifier: MIT */
/*
 * Leaving the firmware: ExitBootServices with a fresh map key, then the jump
 * into the kernel. Between the last GetMemoryMap and ExitBootServices only
 * pure code runs (the map conversion), so the key stays valid; if the
 * firmware changed the map anyway, it says EFI_INVALID_PARAMETER and we read
 * and convert again (UEFI 2.10, 7.4 "ExitBootServices()").
 */
#include "efiboot.h"

#include <efilib.h>

#define HANDOFF_TRIES 8u

EFI_STATUS efiboot_exit_boot_services(EFI_HANDLE image, struct efiboot_map *m,
				      struct boot_info *bi,
				      const struct efiboot_kernel *k)
{
	EFI_STATUS st = EFI_INVALID_PARAMETER;

	for (unsigned i = 0; i < HANDOFF_TRIES && st == EFI_INVALID_PARAMETER; i++) {
		st = efiboot_map_read(m);
		if (EFI_ERROR(st))
			return st;
		efiboot_map_convert(m, bi, k->img.lowest_paddr, k->img.highest_paddr);
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, m->key);
	}
	return st;
}
