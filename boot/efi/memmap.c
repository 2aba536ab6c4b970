/* SPDX-License-Identifier: MIT */
/*
 * The firmware memory map: read it, convert it to boot_info regions (UEFI
 * spec 2.10, 7.2 "Memory Allocation Services", EFI_MEMORY_TYPE and
 * EFI_MEMORY_DESCRIPTOR), and explain allocation conflicts.
 */
#include "efiboot.h"

#include <efilib.h>
#include <string.h>

#include <anvil/boot_map.h>
#include <anvil/efi_boot.h>


/* The map grows while we allocate and while the firmware shuts down. */
#define MAP_SLACK_DESCRIPTORS 64u
#define MAP_CONFLICTS_SHOWN 8u

_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, PhysicalStart) == 8,
	       "EFI_MEMORY_DESCRIPTOR.PhysicalStart at 8 (UEFI 7.2)");
_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, NumberOfPages) == 24,
	       "EFI_MEMORY_DESCRIPTOR.NumberOfPages at 24 (UEFI 7.2)");
_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == sizeof(struct efi_mem_desc),
	       "gnu-efi's EFI_MEMORY_DESCRIPTOR matches anvil/efi_boot.h (UEFI 7.2)");

EFI_STATUS efiboot_map_alloc(struct efiboot_map *m)
{
	EFI_STATUS st;
	void *buf = NULL;

	memset(m, 0, sizeof(*m));
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &m->size, NULL, &m->key,
			       &m->desc_size, &m->desc_version);
	if (st != EFI_BUFFER_TOO_SMALL || m->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
		return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
	m->cap = m->size + MAP_SLACK_DESCRIPTORS * m->desc_size;
	st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, m->cap, &buf);
	if (EFI_ERROR(st))
		return st;
	m->buf = buf;
	return EFI_SUCCESS;
}

EFI_STATUS efiboot_map_read(struct efiboot_map *m)
{
	m->size = m->cap;
	return uefi_call_wrapper(BS->GetMemoryMap, 5, &m->size,
				 (EFI_MEMORY_DESCRIPTOR *)m->buf, &m->key,
				 &m->desc_size, &m->desc_version);
}

void efiboot_map_convert(struct efiboot_map *m, struct boot_info *bi,
			 uint64_t kernel_base, uint64_t kernel_end)
{
	/* Converting again (a retried ExitBootServices) starts afresh. */
	if (bi->error_count > m->errors_before)
		bi->error_count = m->errors_before;
	efi_map_convert(bi, m->buf, m->size, m->desc_size, kernel_base, kernel_end);
}

static bool map_overlaps(const struct efi_mem_desc *d, uint64_t base, uint64_t end)
{
	uint64_t d_end = d->phys_start + d->pages * EFIBOOT_PAGE_SIZE;

	return d->phys_start < end && base < d_end;
}

void efiboot_map_report_conflicts(uint64_t base, uint64_t end)
{
	struct efiboot_map m;
	uint64_t covered = 0;
	unsigned shown = 0;
	EFI_STATUS st = efiboot_map_alloc(&m);

	if (!EFI_ERROR(st))
		st = efiboot_map_read(&m);
	if (EFI_ERROR(st)) {
		efiboot_print("anvil-efi:   (memory map unavailable: %s)\n",
			      efiboot_status_name(st));
		return;
	}
	efi_map_sort(m.buf, m.size, m.desc_size);
	for (UINTN i = 0; i < m.size / m.desc_size; i++) {
		struct efi_mem_desc d = efi_map_desc(m.buf, m.desc_size, i);
		uint64_t d_end = d.phys_start + d.pages * EFIBOOT_PAGE_SIZE;

		if (!map_overlaps(&d, base, end))
			continue;
		covered += (d_end < end ? d_end : end) -
			   (d.phys_start > base ? d.phys_start : base);
		if (d.type == EFI_MEM_CONVENTIONAL || shown++ >= MAP_CONFLICTS_SHOWN)
			continue;
		efiboot_print("anvil-efi:   conflicts with %s [0x%llx, 0x%llx)\n",
			      efi_mem_type_name(d.type),
			      (unsigned long long)d.phys_start,
			      (unsigned long long)d_end);
	}
	if (covered < end - base)
		efiboot_print("anvil-efi:   0x%llx bytes of the range are not in the "
			      "memory map at all\n",
			      (unsigned long long)(end - base - covered));
	uefi_call_wrapper(BS->FreePool, 1, m.buf);
}
