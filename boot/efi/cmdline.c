/* SPDX-License-Identifier: MIT */
/*
 * Where the kernel command line comes from: the image's load options
 * (EFI_LOADED_IMAGE_PROTOCOL.LoadOptions, UCS-2), else the file
 * \anvil\cmdline.txt on the volume this image was loaded from. OVMF's
 * removable-media boot passes no options, so the test runner writes the file.
 */
#include "efiboot.h"

#include <anvil/efi_boot.h>

#include <efilib.h>
#include <stdio.h>
#include <string.h>

#include <anvil/boot_map.h>

#define CMDLINE_FILE        L"\\anvil\\cmdline.txt"
#define CMDLINE_FILE_NAME   "\\anvil\\cmdline.txt"
/* Room for more than BOOT_CMDLINE_MAX so truncation can be measured. */
#define CMDLINE_SCRATCH     4096u
#define CMDLINE_SELF_MAX    64u
#define CMDLINE_READ_CHUNK  512u
#define UCS2_CONTROL_MAX    0x1fu

static EFI_GUID cmdline_loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID cmdline_fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

/* File name of this image: the last file-path node of its device path. */
static void cmdline_self_name(const EFI_LOADED_IMAGE *li, char *out, size_t cap)
{
	const uint8_t *node = (const uint8_t *)li->FilePath;

	out[0] = '\0';
	while (node && DevicePathType((const EFI_DEVICE_PATH *)node) !=
		       END_DEVICE_PATH_TYPE) {
		const EFI_DEVICE_PATH *dp = (const EFI_DEVICE_PATH *)node;
		size_t len = DevicePathNodeLength(dp);

		if (len < sizeof(EFI_DEVICE_PATH))
			break; /* malformed: stop rather than loop forever */
		if (DevicePathType(dp) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(dp) == MEDIA_FILEPATH_DP) {
			const uint16_t *name = (const uint16_t *)(node + SIZE_OF_FILEPATH_DEVICE_PATH);
			size_t n = (len - SIZE_OF_FILEPATH_DEVICE_PATH) / sizeof(uint16_t);
			char path[CMDLINE_SELF_MAX * 2];
			const char *base = path;

			efi_cmdline_ucs2_to_ascii(path, sizeof(path), name, n);
			for (const char *p = path; *p; p++)
				if (*p == '\\' || *p == '/')
					base = p + 1;
			if (*base)
				snprintf(out, cap, "%s", base);
		}
		node += len;
	}
}

/* Options that contain control characters are binary boot-manager data. */
static bool cmdline_options_are_text(const uint16_t *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		if (s[i] <= UCS2_CONTROL_MAX && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return false;
	return true;
}

/* Returns the source's full length (0: no usable options). */
static size_t cmdline_from_options(const EFI_LOADED_IMAGE *li, char *buf,
				   struct boot_info *bi)
{
	const uint16_t *opt = li->LoadOptions;
	size_t n = li->LoadOptionsSize / sizeof(uint16_t);
	char self[CMDLINE_SELF_MAX];
	size_t total;

	if (!opt || n == 0)
		return 0;
	if (!cmdline_options_are_text(opt, n)) {
		boot_info_error(bi, "uefi: load options (%u bytes) are not text; "
				"ignored", li->LoadOptionsSize);
		return 0;
	}
	total = efi_cmdline_ucs2_to_ascii(buf, CMDLINE_SCRATCH, opt, n);
	cmdline_self_name(li, self, sizeof(self));
	efi_cmdline_strip_self(buf, self);
	efi_cmdline_tidy(buf);
	/* When all of it fit, what counts is the cleaned length. */
	return total < CMDLINE_SCRATCH ? strlen(buf) : total;
}

/* Read the file into buf (up to CMDLINE_SCRATCH - 1); returns its length. */
static size_t cmdline_read_file(EFI_FILE_HANDLE f, char *buf)
{
	size_t total = 0;

	for (;;) {
		char chunk[CMDLINE_READ_CHUNK];
		UINTN got = sizeof(chunk);

		if (EFI_ERROR(uefi_call_wrapper(f->Read, 3, f, &got, chunk)) || got == 0)
			break;
		for (UINTN i = 0; i < got; i++, total++)
			if (total + 1 < CMDLINE_SCRATCH)
				buf[total] = chunk[i] ? chunk[i] : ' ';
	}
	buf[total < CMDLINE_SCRATCH ? total : CMDLINE_SCRATCH - 1] = '\0';
	return total;
}

static size_t cmdline_from_file(const EFI_LOADED_IMAGE *li, char *buf,
				struct boot_info *bi)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs = NULL;
	EFI_FILE_HANDLE root = NULL, f = NULL;
	EFI_STATUS st;
	size_t total;

	buf[0] = '\0';
	st = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle,
			       &cmdline_fs_guid, (void **)&fs);
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(fs->OpenVolume, 2, fs, &root);
	if (EFI_ERROR(st)) {
		boot_info_error(bi, "uefi: boot volume not readable (%s); no "
				"command line", efiboot_status_name(st));
		return 0;
	}
	st = uefi_call_wrapper(root->Open, 5, root, &f, CMDLINE_FILE,
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		if (st != EFI_NOT_FOUND)
			boot_info_error(bi, "uefi: cannot open %s: %s",
					CMDLINE_FILE_NAME, efiboot_status_name(st));
		uefi_call_wrapper(root->Close, 1, root);
		return 0;
	}
	total = cmdline_read_file(f, buf);
	uefi_call_wrapper(f->Close, 1, f);
	uefi_call_wrapper(root->Close, 1, root);
	efi_cmdline_tidy(buf);
	return total < CMDLINE_SCRATCH ? strlen(buf) : total;
}

void efiboot_cmdline(EFI_HANDLE image, struct boot_info *bi)
{
	EFI_LOADED_IMAGE *li = NULL;
	char buf[CMDLINE_SCRATCH];
	size_t total;
	EFI_STATUS st;

	bi->cmdline[0] = '\0';
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &cmdline_loaded_image_guid, (void **)&li);
	if (EFI_ERROR(st)) {
		boot_info_error(bi, "uefi: no loaded-image protocol (%s); no "
				"command line", efiboot_status_name(st));
		return;
	}
	total = cmdline_from_options(li, buf, bi);
	if (total) {
		efi_cmdline_store(bi, buf, total, "load options");
		return;
	}
	total = cmdline_from_file(li, buf, bi);
	if (total)
		efi_cmdline_store(bi, buf, total, CMDLINE_FILE_NAME);
}
