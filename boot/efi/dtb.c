/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree from the EFI configuration table (UEFI 2.10,
 * 4.6.1 "Industry Standard Configuration Tables": EFI_DTB_TABLE_GUID).
 * arm64 firmware publishes it; x86 firmware does not, and then
 * bi->dtb_phys stays 0.
 */
#include "efiboot.h"

#include <string.h>

/* b1b621d5-f19c-41a5-830b-d9152c69aae0 */
static EFI_GUID dtb_guid = { 0xb1b621d5, 0xf19c, 0x41a5, { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };

void efiboot_dtb(EFI_SYSTEM_TABLE *st, struct boot_info *bi)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

		if (memcmp(&t->VendorGuid, &dtb_guid, sizeof(dtb_guid)) == 0) {
			bi->dtb_phys = (uint64_t)(uintptr_t)t->VendorTable;
			return;
		}
	}
}
