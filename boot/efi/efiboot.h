/* SPDX-License-Identifier: MIT */
/*
 * Internal interfaces of the UEFI front end (BOOTX64.EFI): it validates and
 * places the kernel it carries, fills a struct boot_info from the firmware,
 * exits boot services and jumps to the kernel. Module prefix: efiboot_.
 *
 * The pure helpers (text, memory-type mapping, map conversion) take no
 * firmware pointers, so they also run after ExitBootServices.
 */
#ifndef ANVIL_EFIBOOT_H
#define ANVIL_EFIBOOT_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anvil/boot_info.h>
#include <anvil/elf64.h>

#define EFIBOOT_PAGE_SIZE 4096u

/* ---- console.c: ConOut output (boot services only) ---- */
void efiboot_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *efiboot_status_name(EFI_STATUS st);

/* ---- kernel.c: the kernel ELF carried in the image ---- */
struct efiboot_kernel {
	const uint8_t *elf;     /* the embedded file */
	size_t elf_len;
	struct elf64_image img; /* validated layout */
	uint64_t entry_phys;    /* e_entry translated to a physical address */
};

/* Validate the embedded kernel; prints why not and returns an error. */
EFI_STATUS efiboot_kernel_check(struct efiboot_kernel *k);
/* Allocate exactly its physical range and copy its segments there. */
EFI_STATUS efiboot_kernel_place(const struct efiboot_kernel *k);

/* ---- memmap.c: firmware memory map ---- */
struct efiboot_map {
	uint8_t *buf;            /* descriptors, desc_size apart */
	UINTN cap;               /* bytes allocated */
	UINTN size;              /* bytes filled by the last GetMemoryMap */
	UINTN key;
	UINTN desc_size;
	UINT32 desc_version;
	uint32_t errors_before;  /* boot_info errors recorded before the map */
};

/* Allocate a buffer for the map with room for it to grow. */
EFI_STATUS efiboot_map_alloc(struct efiboot_map *m);
/* GetMemoryMap into the buffer; allocates nothing. */
EFI_STATUS efiboot_map_read(struct efiboot_map *m);
/* Replace bi's regions by the converted map (pure, no firmware calls). */
void efiboot_map_convert(struct efiboot_map *m, struct boot_info *bi,
			 uint64_t kernel_base, uint64_t kernel_end);
/* Print the map entries that overlap [base, end) and are not free RAM. */
void efiboot_map_report_conflicts(uint64_t base, uint64_t end);

/* ---- cmdline.c: the kernel command line (text handling: lib/efi_boot.c) ---- */
void efiboot_cmdline(EFI_HANDLE image, struct boot_info *bi);

/* ---- acpi.c, gop.c: firmware tables ---- */
void efiboot_acpi(EFI_SYSTEM_TABLE *st, struct boot_info *bi);
void efiboot_gop(struct boot_info *bi);

/* ---- handoff.c ---- */
EFI_STATUS efiboot_exit_boot_services(EFI_HANDLE image, struct efiboot_map *m,
				      struct boot_info *bi,
				      const struct efiboot_kernel *k);

/* ---- <arch>/arch.c: what differs between arches ---- */
/* The kernel ELF's machine and its name ("x86_64"). */
extern const uint16_t efiboot_elf_machine;
extern const char efiboot_arch_name[];
/* The cycle counter the kernel's arch_cycles() reads (TSC, CNTPCT_EL0). */
uint64_t efiboot_cycles(void);
/* Stop for good (after a fatal error with no firmware left). */
__attribute__((noreturn)) void efiboot_halt(void);
/* No firmware from here on: enter the kernel with the boot_info pointer, interrupts masked. */
__attribute__((noreturn)) void efiboot_jump(uint64_t entry,
					    struct boot_info *bi);

/* ---- dtb.c: the device tree from the EFI configuration table (arm64) ---- */
void efiboot_dtb(EFI_SYSTEM_TABLE *st, struct boot_info *bi);

#endif
