/* SPDX-License-Identifier: MIT */
/*
 * lib/efi_boot.c's efi_map_convert: the firmware's memory map (GetMemoryMap)
 * into boot_info, with the kernel's range reserved.
 *
 * Input: u16 desc_size, u64 kernel_base, u64 kernel_end, then the
 * descriptors (the rest; a heap copy of exactly that size).
 *
 * Invariants: the boot_info checks of boot_check.h; descriptors smaller than
 * EFI_MEMORY_DESCRIPTOR give an empty map and an error; otherwise the map
 * against the model built here from the descriptors (types mapped per UEFI
 * 2.10 7.2.1: conventional and boot-services memory usable, loader memory
 * BOOTLOADER, ACPI reclaim/NVS, unusable BAD, everything else RESERVED) and
 * the kernel range as KERNEL: nothing USABLE the firmware did not call
 * usable, and, when nothing was dropped, exactly the model's types; the
 * kernel range never USABLE.
 */
#include <anvil/boot_map.h>
#include <anvil/efi_boot.h>

#include "boot_check.h"
#include "fuzz.h"

#define EFI_PAGE 4096ull

static struct boot_info bi;
static struct fz_model model;

static uint32_t spec_type(uint32_t efi)
{
	switch (efi) {
	case 1: case 2: return BOOT_MEM_BOOTLOADER; /* LoaderCode, LoaderData */
	case 3: case 4: case 7: return BOOT_MEM_USABLE; /* BootServices*, Conventional */
	case 8: return BOOT_MEM_BAD;                 /* Unusable */
	case 9: return BOOT_MEM_ACPI_RECLAIM;
	case 10: return BOOT_MEM_ACPI_NVS;
	default: return BOOT_MEM_RESERVED;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint16_t desc_size = fz_u16(&f);
	uint64_t kbase = fz_u64(&f), kend = fz_u64(&f);
	size_t n;
	const uint8_t *rest = fz_rest(&f, &n);
	uint8_t *descs = fz_copy(rest, n);

	memset(&bi, 0, sizeof(bi));
	bi.magic = BOOT_INFO_MAGIC;
	bi.version = BOOT_INFO_VERSION;
	memcpy(bi.loader, "uefi", 5);
	model.n = 0;
	model.overflowed = false;
	if (desc_size >= sizeof(struct efi_mem_desc)) {
		for (size_t i = 0; i + desc_size <= n; i += desc_size) {
			struct efi_mem_desc d;
			uint64_t len;

			memcpy(&d, rest + i, sizeof(d));
			len = d.pages > UINT64_MAX / EFI_PAGE ? UINT64_MAX - d.phys_start :
								d.pages * EFI_PAGE;
			fz_model_add(&model, d.phys_start, len, spec_type(d.type));
		}
		if (kend > kbase)
			fz_model_add(&model, kbase, kend - kbase, BOOT_MEM_KERNEL);
	}

	efi_map_convert(&bi, descs, n, desc_size, kbase, kend);

	fz_check_boot_info(&bi);
	if (desc_size < sizeof(struct efi_mem_desc)) {
		FUZZ_CHECK(bi.region_count == 0 && bi.error_count == 1, "short descriptors accepted");
	} else {
		fz_check_model(&bi, &model, !fz_map_may_have_dropped(&bi), true);
		if (kend > kbase)
			fz_check_not_usable(&bi, kbase, kend - kbase);
	}
	free(descs);
	return 0;
}
