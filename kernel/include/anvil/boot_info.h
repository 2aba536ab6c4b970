/* SPDX-License-Identifier: MIT */
/*
 * The boot protocol between Anvil's boot front ends (boot/efi, boot/multiboot2)
 * and the kernel core. Both front ends fill exactly this structure; the kernel
 * never looks at firmware- or loader-specific data.
 *
 * Everything is fixed-size so a front end needs no allocator and the kernel can
 * copy it before it owns any memory. Addresses are physical.
 */
#ifndef ANVIL_BOOT_INFO_H
#define ANVIL_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC    0x4c564e41u /* "ANVL" */
#define BOOT_INFO_VERSION  2u

#define BOOT_MAX_REGIONS   256u
#define BOOT_MAX_MODULES   16u
#define BOOT_CMDLINE_MAX   1024u /* including the terminating NUL */
#define BOOT_MODNAME_MAX   64u
#define BOOT_RSDP_MAX      36u   /* ACPI 2.0+ RSDP length */
#define BOOT_MAX_ERRORS    8u
#define BOOT_ERROR_MAX     120u

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,       /* free RAM the kernel may hand out */
	BOOT_MEM_RESERVED = 2,     /* firmware/hardware reserved, MMIO */
	BOOT_MEM_ACPI_RECLAIM = 3, /* ACPI tables; never handed out */
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
	BOOT_MEM_BOOTLOADER = 6,   /* loader code/data, modules, boot_info itself */
	BOOT_MEM_KERNEL = 7,       /* the kernel image */
};

struct boot_mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mem_type */
	uint32_t reserved;
};

enum boot_fb_format {
	BOOT_FB_NONE = 0,
	BOOT_FB_RGB = 1, /* direct colour, described by the shift/size fields */
};

struct boot_framebuffer {
	uint64_t base;   /* physical address of pixel (0,0) */
	uint32_t width;  /* pixels */
	uint32_t height; /* pixels */
	uint32_t pitch;  /* bytes per scan line */
	uint8_t bpp;     /* bits per pixel: 32 (or 24/16) */
	uint8_t format;  /* enum boot_fb_format */
	uint8_t red_shift, red_size;
	uint8_t green_shift, green_size;
	uint8_t blue_shift, blue_size;
	uint8_t pad[6];
};

struct boot_module {
	uint64_t base;
	uint64_t length;
	char name[BOOT_MODNAME_MAX];
};

/*
 * Problems a front end found in its input (truncated tags, an unknown tag,
 * an over-long command line, a memory map that did not fit). The kernel prints
 * every one on every console as soon as the consoles are up.
 */
struct boot_error {
	char text[BOOT_ERROR_MAX];
};

struct boot_info {
	uint32_t magic;   /* BOOT_INFO_MAGIC */
	uint32_t version; /* BOOT_INFO_VERSION */
	char loader[32];  /* "uefi", "multiboot2" */

	uint32_t region_count;
	uint32_t module_count;
	struct boot_mem_region regions[BOOT_MAX_REGIONS];
	struct boot_module modules[BOOT_MAX_MODULES];

	struct boot_framebuffer fb;

	uint32_t rsdp_length; /* 0: no RSDP found */
	uint8_t rsdp[BOOT_RSDP_MAX]; /* a copy of the RSDP structure */
	uint64_t rsdp_phys;   /* where the firmware's RSDP is, 0 if unknown */

	char cmdline[BOOT_CMDLINE_MAX];

	/* The cycle counter (arch_cycles(): TSC, CNTPCT) at firmware hand-off (entry of the front end). */
	uint64_t handoff_cycles;

	/* The flattened device tree the firmware or loader passed (physical), 0: none. */
	uint64_t dtb_phys;
	/* The exception level / privilege the kernel was entered at (arm64: 1 or 2; x86: 0). */
	uint32_t boot_el;
	uint32_t pad0;

	uint32_t error_count;
	uint32_t pad;
	struct boot_error errors[BOOT_MAX_ERRORS];
};

#endif
