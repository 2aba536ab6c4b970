/* SPDX-License-Identifier: MIT */
/*
 * The framebuffer of the current Graphics Output Protocol mode (UEFI 2.10,
 * 12.9 "Graphics Output Protocol", EFI_GRAPHICS_PIXEL_FORMAT). Blt-only
 * modes have no framebuffer: the kernel gets BOOT_FB_NONE.
 */
#include "efiboot.h"

#include <efilib.h>
#include <string.h>

#include <anvil/boot_map.h>

#define GOP_BITS_PER_BYTE 8u
#define GOP_DIRECT_BPP    32u /* the two 8-bit-per-colour formats */

static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

/* A colour mask as shift and width; false if its bits are not contiguous. */
static bool gop_mask(uint32_t mask, uint8_t *shift, uint8_t *size)
{
	uint8_t s = 0, n = 0;

	if (mask == 0)
		return false;
	while (!(mask & 1u)) {
		mask >>= 1;
		s++;
	}
	while (mask & 1u) {
		mask >>= 1;
		n++;
	}
	*shift = s;
	*size = n;
	return mask == 0;
}

static bool gop_bitmask(const EFI_PIXEL_BITMASK *m, struct boot_framebuffer *fb)
{
	uint32_t all = m->RedMask | m->GreenMask | m->BlueMask | m->ReservedMask;
	uint32_t bits = 0;

	if (!gop_mask(m->RedMask, &fb->red_shift, &fb->red_size) ||
	    !gop_mask(m->GreenMask, &fb->green_shift, &fb->green_size) ||
	    !gop_mask(m->BlueMask, &fb->blue_shift, &fb->blue_size))
		return false;
	while (bits < 32 && (all >> bits))
		bits++;
	/* Whole bytes per pixel. */
	fb->bpp = (uint8_t)((bits + GOP_BITS_PER_BYTE - 1) / GOP_BITS_PER_BYTE *
			    GOP_BITS_PER_BYTE);
	return true;
}

static void gop_direct(struct boot_framebuffer *fb, uint8_t r, uint8_t g, uint8_t b)
{
	fb->bpp = GOP_DIRECT_BPP;
	fb->red_shift = r;
	fb->green_shift = g;
	fb->blue_shift = b;
	fb->red_size = fb->green_size = fb->blue_size = GOP_BITS_PER_BYTE;
}

void efiboot_gop(struct boot_info *bi)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	struct boot_framebuffer *fb = &bi->fb;
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	EFI_STATUS st;

	memset(fb, 0, sizeof(*fb));
	fb->format = BOOT_FB_NONE;
	st = uefi_call_wrapper(BS->LocateProtocol, 3, &gop_guid, NULL, (void **)&gop);
	if (EFI_ERROR(st) || !gop || !gop->Mode || !gop->Mode->Info)
		return; /* no display: serial only, not an error */
	info = gop->Mode->Info;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor: /* byte 0 is red */
		gop_direct(fb, 0, 8, 16);
		break;
	case PixelBlueGreenRedReserved8BitPerColor: /* byte 0 is blue */
		gop_direct(fb, 16, 8, 0);
		break;
	case PixelBitMask:
		if (!gop_bitmask(&info->PixelInformation, fb)) {
			boot_info_error(bi, "uefi: GOP pixel masks r=%08x g=%08x b=%08x "
					"are not contiguous; no framebuffer",
					info->PixelInformation.RedMask,
					info->PixelInformation.GreenMask,
					info->PixelInformation.BlueMask);
			memset(fb, 0, sizeof(*fb));
			return;
		}
		break;
	default: /* PixelBltOnly: no linear framebuffer */
		return;
	}
	fb->format = BOOT_FB_RGB;
	fb->base = gop->Mode->FrameBufferBase;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * (fb->bpp / GOP_BITS_PER_BYTE);
}
