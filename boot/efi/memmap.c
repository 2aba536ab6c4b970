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

/* Types gnu-efi 3.0.15 does not name yet (UEFI 2.5 / 2.9). */
#define EFIBOOT_PERSISTENT_MEMORY  14u
#define EFIBOOT_UNACCEPTED_MEMORY  15u

/* The map grows while we allocate and while the firmware shuts down. */
#define MAP_SLACK_DESCRIPTORS 64u
/* Largest descriptor stride we sort in place (the spec's is 40, OVMF's 48). */
#define MAP_DESC_MAX 128u
#define MAP_CONFLICTS_SHOWN 8u

_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, PhysicalStart) == 8,
	       "EFI_MEMORY_DESCRIPTOR.PhysicalStart at 8 (UEFI 7.2)");
_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, NumberOfPages) == 24,
	       "EFI_MEMORY_DESCRIPTOR.NumberOfPages at 24 (UEFI 7.2)");
_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == 40,
	       "EFI_MEMORY_DESCRIPTOR is 40 bytes (UEFI 7.2)");

uint32_t efiboot_mem_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return BOOT_MEM_USABLE;
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOT_MEM_BOOTLOADER;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiUnusableMemory:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

const char *efiboot_efi_type_name(uint32_t efi_type)
{
	static const char *const names[] = {
		[EfiReservedMemoryType] = "Reserved",
		[EfiLoaderCode] = "LoaderCode",
		[EfiLoaderData] = "LoaderData",
		[EfiBootServicesCode] = "BootServicesCode",
		[EfiBootServicesData] = "BootServicesData",
		[EfiRuntimeServicesCode] = "RuntimeServicesCode",
		[EfiRuntimeServicesData] = "RuntimeServicesData",
		[EfiConventionalMemory] = "Conventional",
		[EfiUnusableMemory] = "Unusable",
		[EfiACPIReclaimMemory] = "ACPIReclaim",
		[EfiACPIMemoryNVS] = "ACPIMemoryNVS",
		[EfiMemoryMappedIO] = "MemoryMappedIO",
		[EfiMemoryMappedIOPortSpace] = "MemoryMappedIOPortSpace",
		[EfiPalCode] = "PalCode",
		[EFIBOOT_PERSISTENT_MEMORY] = "Persistent",
		[EFIBOOT_UNACCEPTED_MEMORY] = "Unaccepted",
	};

	if (efi_type < sizeof(names) / sizeof(names[0]) && names[efi_type])
		return names[efi_type];
	return "OEM/OS-defined";
}

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

static EFI_MEMORY_DESCRIPTOR map_desc(const struct efiboot_map *m, UINTN i)
{
	EFI_MEMORY_DESCRIPTOR d;

	memcpy(&d, m->buf + i * m->desc_size, sizeof(d));
	return d;
}

/* Insertion sort by PhysicalStart: the spec does not promise any order. */
static void map_sort(struct efiboot_map *m)
{
	UINTN n = m->size / m->desc_size;
	uint8_t tmp[MAP_DESC_MAX];

	if (m->desc_size > sizeof(tmp))
		return; /* boot_map_sanitize still sorts; merging is just worse */
	for (UINTN i = 1; i < n; i++) {
		uint64_t start = map_desc(m, i).PhysicalStart;
		UINTN j = i;

		memcpy(tmp, m->buf + i * m->desc_size, m->desc_size);
		while (j > 0 && map_desc(m, j - 1).PhysicalStart > start) {
			memcpy(m->buf + j * m->desc_size,
			       m->buf + (j - 1) * m->desc_size, m->desc_size);
			j--;
		}
		memcpy(m->buf + j * m->desc_size, tmp, m->desc_size);
	}
}

/* Append, merging with the previous region when adjacent and alike. */
static void map_append(struct boot_info *bi, uint64_t base, uint64_t len,
		       uint32_t type)
{
	struct boot_mem_region *last = bi->region_count
		? &bi->regions[bi->region_count - 1] : NULL;

	if (last && last->type == type && last->base + last->length == base)
		last->length += len;
	else
		boot_map_add(bi, base, len, type); /* records an error if full */
}

void efiboot_map_convert(struct efiboot_map *m, struct boot_info *bi,
			 uint64_t kernel_base, uint64_t kernel_end)
{
	UINTN n = m->size / m->desc_size;

	/* Converting again (a retried ExitBootServices) starts afresh. */
	if (bi->error_count > m->errors_before)
		bi->error_count = m->errors_before;
	bi->region_count = 0;
	map_sort(m);
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR d = map_desc(m, i);
		uint64_t len = d.NumberOfPages * EFIBOOT_PAGE_SIZE;

		if (d.NumberOfPages > UINT64_MAX / EFIBOOT_PAGE_SIZE)
			len = UINT64_MAX - d.PhysicalStart; /* boot_map clips too */
		map_append(bi, d.PhysicalStart, len, efiboot_mem_type(d.Type));
	}
	boot_map_sanitize(bi);
	/* The kernel's pages are LoaderData like ours; tell them apart. */
	boot_map_reserve(bi, kernel_base, kernel_end - kernel_base,
			 BOOT_MEM_KERNEL);
}

static bool map_overlaps(const EFI_MEMORY_DESCRIPTOR *d, uint64_t base,
			 uint64_t end)
{
	uint64_t d_end = d->PhysicalStart + d->NumberOfPages * EFIBOOT_PAGE_SIZE;

	return d->PhysicalStart < end && base < d_end;
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
	map_sort(&m);
	for (UINTN i = 0; i < m.size / m.desc_size; i++) {
		EFI_MEMORY_DESCRIPTOR d = map_desc(&m, i);
		uint64_t d_end = d.PhysicalStart + d.NumberOfPages * EFIBOOT_PAGE_SIZE;

		if (!map_overlaps(&d, base, end))
			continue;
		covered += (d_end < end ? d_end : end) -
			   (d.PhysicalStart > base ? d.PhysicalStart : base);
		if (d.Type == EfiConventionalMemory || shown++ >= MAP_CONFLICTS_SHOWN)
			continue;
		efiboot_print("anvil-efi:   conflicts with %s [0x%llx, 0x%llx)\n",
			      efiboot_efi_type_name(d.Type),
			      (unsigned long long)d.PhysicalStart,
			      (unsigned long long)d_end);
	}
	if (covered < end - base)
		efiboot_print("anvil-efi:   0x%llx bytes of the range are not in the "
			      "memory map at all\n",
			      (unsigned long long)(end - base - covered));
	uefi_call_wrapper(BS->FreePool, 1, m.buf);
}
