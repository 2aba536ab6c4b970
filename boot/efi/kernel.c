/* SPDX-License-Identifier: MIT */
/*
 * The kernel carried in the image: validate it (lib/elf64), then place its
 * PT_LOAD segments at their physical addresses in pages allocated exactly
 * there, so the firmware knows they are taken.
 */
#include "efiboot.h"

#include <efilib.h>
#include <string.h>

#define KERNEL_ERR_MAX 160u

extern const uint8_t efiboot_kernel_start[];
extern const uint8_t efiboot_kernel_end[];

/* e_entry is virtual; the jump happens on the firmware's identity map. */
static bool kernel_entry_phys(const struct elf64_image *img, uint64_t *phys)
{
	for (uint32_t i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];

		if ((s->flags & ELF64_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz) {
			*phys = img->entry - s->vaddr + s->paddr;
			return true;
		}
	}
	return false;
}

EFI_STATUS efiboot_kernel_check(struct efiboot_kernel *k)
{
	char err[KERNEL_ERR_MAX];

	k->elf = efiboot_kernel_start;
	k->elf_len = (size_t)(efiboot_kernel_end - efiboot_kernel_start);
	if (elf64_parse(k->elf, k->elf_len, efiboot_elf_machine, &k->img, err,
			sizeof(err)) != 0) {
		efiboot_print("anvil-efi: the embedded kernel (%zu bytes) is not a "
			      "loadable %s ELF: %s\n", k->elf_len, efiboot_arch_name, err);
		return EFI_LOAD_ERROR;
	}
	if (!kernel_entry_phys(&k->img, &k->entry_phys)) {
		/* elf64_parse checked this; kept so the jump target is never 0. */
		efiboot_print("anvil-efi: kernel entry 0x%llx not found\n",
			      (unsigned long long)k->img.entry);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

EFI_STATUS efiboot_kernel_place(const struct efiboot_kernel *k)
{
	uint64_t base = k->img.lowest_paddr, end = k->img.highest_paddr;
	EFI_PHYSICAL_ADDRESS addr = base;
	UINTN pages = (UINTN)((end - base) / EFIBOOT_PAGE_SIZE);
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress,
			       EfiLoaderData, pages, &addr);
	if (EFI_ERROR(st)) {
		efiboot_print("anvil-efi: cannot allocate the kernel's physical range "
			      "[0x%llx, 0x%llx) (%llu pages): %s\n",
			      (unsigned long long)base, (unsigned long long)end,
			      (unsigned long long)pages, efiboot_status_name(st));
		efiboot_map_report_conflicts(base, end);
		return st;
	}
	memset((void *)(uintptr_t)base, 0, (size_t)(end - base));
	for (uint32_t i = 0; i < k->img.segment_count; i++) {
		const struct elf64_segment *s = &k->img.segments[i];

		memcpy((void *)(uintptr_t)s->paddr, k->elf + s->offset,
		       (size_t)s->filesz);
	}
	return EFI_SUCCESS;
}
