/* SPDX-License-Identifier: MIT */
/*
 * The UEFI front end's pure logic (anvil/efi_boot.h): firmware memory map and
 * load options to struct boot_info (UEFI 2.10, 7.2 "Memory Allocation
 * Services"; 10.1 EFI_LOADED_IMAGE_PROTOCOL.LoadOptions).
 */
#include <stdbool.h>
#include <string.h>

#include <anvil/boot_map.h>
#include <anvil/efi_boot.h>

/* ---- memory map ---------------------------------------------------- */

uint32_t efi_mem_type_to_boot(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_MEM_CONVENTIONAL:
	case EFI_MEM_BOOT_SERVICES_CODE:
	case EFI_MEM_BOOT_SERVICES_DATA:
		return BOOT_MEM_USABLE;
	case EFI_MEM_LOADER_CODE:
	case EFI_MEM_LOADER_DATA:
		return BOOT_MEM_BOOTLOADER;
	case EFI_MEM_ACPI_RECLAIM:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFI_MEM_ACPI_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFI_MEM_UNUSABLE:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

const char *efi_mem_type_name(uint32_t efi_type)
{
	static const char *const names[] = {
		[EFI_MEM_RESERVED] = "Reserved",
		[EFI_MEM_LOADER_CODE] = "LoaderCode",
		[EFI_MEM_LOADER_DATA] = "LoaderData",
		[EFI_MEM_BOOT_SERVICES_CODE] = "BootServicesCode",
		[EFI_MEM_BOOT_SERVICES_DATA] = "BootServicesData",
		[EFI_MEM_RUNTIME_SERVICES_CODE] = "RuntimeServicesCode",
		[EFI_MEM_RUNTIME_SERVICES_DATA] = "RuntimeServicesData",
		[EFI_MEM_CONVENTIONAL] = "Conventional",
		[EFI_MEM_UNUSABLE] = "Unusable",
		[EFI_MEM_ACPI_RECLAIM] = "ACPIReclaim",
		[EFI_MEM_ACPI_NVS] = "ACPIMemoryNVS",
		[EFI_MEM_MMIO] = "MemoryMappedIO",
		[EFI_MEM_MMIO_PORT_SPACE] = "MemoryMappedIOPortSpace",
		[EFI_MEM_PAL_CODE] = "PalCode",
		[EFI_MEM_PERSISTENT] = "Persistent",
		[EFI_MEM_UNACCEPTED] = "Unaccepted",
	};

	if (efi_type < sizeof(names) / sizeof(names[0]) && names[efi_type])
		return names[efi_type];
	return "OEM/OS-defined";
}

struct efi_mem_desc efi_map_desc(const void *descs, size_t stride, size_t i)
{
	struct efi_mem_desc d;

	memcpy(&d, (const uint8_t *)descs + i * stride, sizeof(d));
	return d;
}

/* Insertion sort by PhysicalStart: the spec does not promise any order. */
void efi_map_sort(void *map, size_t size, size_t stride)
{
	uint8_t tmp[EFI_DESC_STRIDE_MAX];
	uint8_t *descs = map;
	size_t n = stride ? size / stride : 0;

	if (stride > sizeof(tmp))
		return; /* boot_map_sanitize still sorts; merging is just worse */
	for (size_t i = 1; i < n; i++) {
		uint64_t start = efi_map_desc(descs, stride, i).phys_start;
		size_t j = i;

		memcpy(tmp, descs + i * stride, stride);
		while (j > 0 && efi_map_desc(descs, stride, j - 1).phys_start > start) {
			memcpy(descs + j * stride, descs + (j - 1) * stride, stride);
			j--;
		}
		memcpy(descs + j * stride, tmp, stride);
	}
}

/*
 * Append, merging with the previous region when adjacent and alike. A region
 * running past 2^64 is not merged: the sum would wrap; boot_map_add clips it.
 * When the map is full it is sanitized (merging what touches or overlaps)
 * and tried once more. Returns -1 if the region, or a piece the sanitizing
 * had to drop, is lost (each recorded as an error).
 */
static int map_append(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	struct boot_mem_region *last = bi->region_count ? &bi->regions[bi->region_count - 1] : NULL;
	int dropped = 0;

	if (last && last->type == type && last->base + last->length == base &&
	    len <= UINT64_MAX - base) {
		last->length += len;
		return 0;
	}
	if (bi->region_count >= BOOT_MAX_REGIONS)
		dropped = boot_map_sanitize_count(bi);
	return boot_map_add(bi, base, len, type) != 0 || dropped ? -1 : 0;
}

void efi_map_convert(struct boot_info *bi, void *descs, size_t size, size_t desc_size,
		     uint64_t kernel_base, uint64_t kernel_end)
{
	bi->region_count = 0;
	if (desc_size < sizeof(struct efi_mem_desc)) {
		boot_info_error(bi, "UEFI memory descriptors are %zu bytes, less than %zu",
				desc_size, sizeof(struct efi_mem_desc));
		return;
	}
	size_t n = size / desc_size;
	bool dropped = false;

	efi_map_sort(descs, size, desc_size);
	/*
	 * Everything but conventional memory first, resolved on its own; then
	 * the USABLE descriptors, but only if no reservation was lost for lack
	 * of room: a USABLE range could cover it. A full map loses USABLE
	 * memory, never a reservation.
	 */
	for (int usable = 0; usable < 2 && !dropped; usable++) {
		for (size_t i = 0; i < n; i++) {
			struct efi_mem_desc d = efi_map_desc(descs, desc_size, i);
			uint64_t len = d.pages * EFI_MAP_PAGE_SIZE;
			uint32_t type = efi_mem_type_to_boot(d.type);

			if ((type == BOOT_MEM_USABLE) != (usable == 1))
				continue;
			if (d.pages > UINT64_MAX / EFI_MAP_PAGE_SIZE)
				len = UINT64_MAX - d.phys_start; /* boot_map clips too */
			if (map_append(bi, d.phys_start, len, type) != 0 && !usable)
				dropped = true;
		}
		if (boot_map_sanitize_count(bi) != 0 && !usable)
			dropped = true;
	}
	if (dropped)
		boot_info_error(bi, "memory map full: conventional memory ignored (it could cover a "
				"dropped reservation)");
	/* The kernel's pages are LoaderData like the front end's; tell them apart. */
	boot_map_reserve(bi, kernel_base, kernel_end - kernel_base, BOOT_MEM_KERNEL);
}

/* ---- load options / command line ------------------------------------- */

#define ASCII_MAX 0x7fu

size_t efi_cmdline_ucs2_to_ascii(char *dst, size_t cap, const uint16_t *src,
			     size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n && src[i]; i++, len++) {
		if (len + 1 < cap)
			dst[len] = src[i] <= ASCII_MAX ? (char)src[i] : '?';
	}
	if (cap)
		dst[len < cap ? len : cap - 1] = '\0';
	return len;
}

static bool text_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char text_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool text_equal_ci(const char *a, size_t alen, const char *b)
{
	size_t i = 0;

	for (; i < alen && b[i]; i++)
		if (text_lower(a[i]) != text_lower(b[i]))
			return false;
	return i == alen && b[i] == '\0';
}

/* Start of the last path component in [tok, tok + len). */
static const char *text_basename(const char *tok, size_t *len)
{
	size_t start = 0;

	for (size_t i = 0; i < *len; i++)
		if (tok[i] == '\\' || tok[i] == '/' || tok[i] == ':')
			start = i + 1;
	*len -= start;
	return tok + start;
}

/*
 * The UEFI shell and boot managers pass "<image path> args..."; drop the
 * first word if it names this image (same file name, any directory) or is
 * any *.efi path.
 */
void efi_cmdline_strip_self(char *s, const char *self_name)
{
	size_t lead = 0, len = 0, base_len;
	const char *base;

	while (text_is_space(s[lead]))
		lead++;
	while (s[lead + len] && !text_is_space(s[lead + len]))
		len++;
	base_len = len;
	base = text_basename(s + lead, &base_len);
	if (len == 0)
		return;
	if (!(self_name && *self_name && text_equal_ci(base, base_len, self_name)) &&
	    !(len >= 4 && text_equal_ci(s + lead + len - 4, 4, ".efi")))
		return;
	memmove(s, s + lead + len, strlen(s + lead + len) + 1);
}

/* Control characters (newlines in cmdline.txt) become spaces; trim ends. */
void efi_cmdline_tidy(char *s)
{
	size_t n = strlen(s), lead = 0;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == ASCII_MAX)
			s[i] = ' ';
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[lead] == ' ')
		lead++;
	memmove(s, s + lead, n - lead + 1);
}

/*
 * total is the full length of the source text; s may hold only part of it.
 * Anything beyond BOOT_CMDLINE_MAX - 1 characters is cut and reported.
 */
void efi_cmdline_store(struct boot_info *bi, const char *s, size_t total,
			   const char *source)
{
	size_t n = strlen(s);

	if (n > BOOT_CMDLINE_MAX - 1)
		n = BOOT_CMDLINE_MAX - 1;
	memcpy(bi->cmdline, s, n);
	bi->cmdline[n] = '\0';
	if (total > BOOT_CMDLINE_MAX - 1)
		boot_info_error(bi, "command line from %s is %zu characters, longer "
				"than %u: truncated", source, total,
				BOOT_CMDLINE_MAX - 1);
}
