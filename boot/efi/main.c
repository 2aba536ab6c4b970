/* SPDX-License-Identifier: MIT */
/*
 * BOOTX64.EFI / BOOTAA64.EFI: load the embedded Anvil kernel and hand it a struct boot_info.
 * efi_main is a plain sysv function called by gnu-efi's crt0; firmware calls
 * go through uefi_call_wrapper (see docs: GNU_EFI_USE_MS_ABI with an EFIAPI
 * efi_main faulted on OVMF).
 */
#include "efiboot.h"

#include <efilib.h>
#include <stdio.h>
#include <string.h>

#include <anvil/boot_map.h>

#define BOOT_INFO_BELOW 0xffffffffull /* keep it reachable from 32-bit code */
#define REPORT_CMDLINE_MAX 200 /* characters of it shown in the progress line */

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_STATUS main_alloc_boot_info(struct boot_info **out, uint64_t tsc)
{
	EFI_PHYSICAL_ADDRESS addr = BOOT_INFO_BELOW;
	UINTN pages = (sizeof(struct boot_info) + EFIBOOT_PAGE_SIZE - 1) /
		      EFIBOOT_PAGE_SIZE;
	struct boot_info *bi;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
			       EfiLoaderData, pages, &addr);
	if (EFI_ERROR(st)) {
		efiboot_print("anvil-efi: cannot allocate boot_info (%llu pages "
			      "below 4 GiB): %s\n", (unsigned long long)pages,
			      efiboot_status_name(st));
		return st;
	}
	bi = (struct boot_info *)(uintptr_t)addr;
	memset(bi, 0, sizeof(*bi));
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	memcpy(bi->loader, "uefi", sizeof("uefi"));
	bi->handoff_cycles = tsc;
	*out = bi;
	return EFI_SUCCESS;
}

static void main_report(const struct boot_info *bi, const struct efiboot_kernel *k)
{
	char fb[32] = "none";

	if (bi->fb.format != BOOT_FB_NONE)
		snprintf(fb, sizeof(fb), "%ux%u", bi->fb.width, bi->fb.height);
	efiboot_print("anvil-efi: kernel 0x%llx-0x%llx, %u regions, fb %s, "
		      "cmdline '%.*s'%s\n",
		      (unsigned long long)k->img.lowest_paddr,
		      (unsigned long long)k->img.highest_paddr,
		      bi->region_count, fb, REPORT_CMDLINE_MAX, bi->cmdline,
		      strlen(bi->cmdline) > REPORT_CMDLINE_MAX ? "..." : "");
	for (uint32_t i = 0; i < bi->error_count && i < BOOT_MAX_ERRORS; i++)
		efiboot_print("anvil-efi: warning: %s\n", bi->errors[i].text);
}

/*
 * The reason was printed just before. Say it in TAP terms too (a runner stops
 * at "Bail out!"), give a person time to read it, then let the firmware try
 * its next boot option.
 */
#define FAIL_PAUSE_US (10u * 1000u * 1000u)
static EFI_STATUS main_fail(EFI_STATUS s)
{
	efiboot_print("Bail out! anvil-efi: cannot boot the kernel (%s); back to the firmware in 10 s\n",
		      efiboot_status_name(s));
	uefi_call_wrapper(BS->Stall, 1, FAIL_PAUSE_US);
	return s;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uint64_t tsc = efiboot_cycles(); /* first: the hand-off time stamp */
	struct efiboot_kernel k;
	struct efiboot_map map;
	struct boot_info *bi;
	EFI_STATUS s;

	InitializeLib(image, st);
	s = efiboot_kernel_check(&k);
	if (EFI_ERROR(s))
		return main_fail(s);
	/* The kernel's fixed range first, before our own allocations can land
	 * in it. */
	s = efiboot_kernel_place(&k);
	if (EFI_ERROR(s))
		return main_fail(s);
	s = main_alloc_boot_info(&bi, tsc);
	if (EFI_ERROR(s))
		return main_fail(s);
	efiboot_cmdline(image, bi);
	efiboot_dtb(st, bi);
	efiboot_acpi(st, bi);
	efiboot_gop(bi);

	s = efiboot_map_alloc(&map);
	if (!EFI_ERROR(s))
		s = efiboot_map_read(&map);
	if (EFI_ERROR(s)) {
		efiboot_print("anvil-efi: cannot read the memory map: %s\n",
			      efiboot_status_name(s));
		return main_fail(s);
	}
	map.errors_before = bi->error_count;
	efiboot_map_convert(&map, bi, k.img.lowest_paddr, k.img.highest_paddr);
	main_report(bi, &k);

	s = efiboot_exit_boot_services(image, &map, bi, &k);
	if (EFI_ERROR(s))
		return main_fail(s); /* the console may be gone: nothing more to say */
	efiboot_jump(k.entry_phys, bi);
}
