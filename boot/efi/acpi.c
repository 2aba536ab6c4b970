/* SPDX-License-Identifier: MIT */
/*
 * The ACPI RSDP from the EFI configuration table (UEFI 2.10, 4.6; ACPI 6.5,
 * 5.2.5 "Root System Description Pointer"). The ACPI 2.0 entry is preferred:
 * it carries the XSDT address.
 */
#include "efiboot.h"

#include <efilib.h>
#include <string.h>

#include <anvil/boot_map.h>

#define RSDP_SIGNATURE      "RSD PTR "
#define RSDP_SIGNATURE_LEN  8u
#define RSDP_V1_LEN         20u /* checksum covers these bytes */
#define RSDP_OFF_REVISION   15u
#define RSDP_OFF_LENGTH     20u /* uint32, revision >= 2 only */

_Static_assert(BOOT_RSDP_MAX == 36, "ACPI 2.0+ RSDP is 36 bytes");

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static const uint8_t *acpi_find(EFI_SYSTEM_TABLE *st, EFI_GUID *guid)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

		if (memcmp(&t->VendorGuid, guid, sizeof(*guid)) == 0)
			return t->VendorTable;
	}
	return NULL;
}

static uint8_t acpi_sum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

void efiboot_acpi(EFI_SYSTEM_TABLE *st, struct boot_info *bi)
{
	const uint8_t *rsdp = acpi_find(st, &acpi20_guid);
	uint32_t len = RSDP_V1_LEN;

	if (!rsdp)
		rsdp = acpi_find(st, &acpi10_guid);
	if (!rsdp) {
		/* A machine the firmware describes with a device tree needs no ACPI (efiboot_dtb ran first). */
		if (!bi->dtb_phys)
			boot_info_error(bi, "uefi: neither an ACPI RSDP nor a device tree in the configuration table");
		return;
	}
	if (memcmp(rsdp, RSDP_SIGNATURE, RSDP_SIGNATURE_LEN) != 0) {
		boot_info_error(bi, "uefi: RSDP at 0x%llx has no \"RSD PTR \" signature",
				(unsigned long long)(uintptr_t)rsdp);
		return;
	}
	if (rsdp[RSDP_OFF_REVISION] >= 2) {
		memcpy(&len, rsdp + RSDP_OFF_LENGTH, sizeof(len));
		if (len < RSDP_V1_LEN || len > BOOT_RSDP_MAX)
			len = BOOT_RSDP_MAX;
	}
	if (acpi_sum(rsdp, RSDP_V1_LEN) != 0 || acpi_sum(rsdp, len) != 0)
		boot_info_error(bi, "uefi: RSDP at 0x%llx fails its checksum",
				(unsigned long long)(uintptr_t)rsdp);
	memcpy(bi->rsdp, rsdp, len);
	bi->rsdp_length = len;
	bi->rsdp_phys = (uint64_t)(uintptr_t)rsdp;
}
