/* SPDX-License-Identifier: MIT */
/*
 * The kernel's side of the UEFI front end (boot/efi, a separate EFI
 * application): it calls the kernel's ELF entry with a struct boot_info it
 * filled after ExitBootServices. Compiled into the kernel, not the
 * application.
 */
#include <string.h>

#include <anvil/boot.h>
#include <anvil/console.h>
#include <arch/cpu.h>

static struct boot_info boot_info_copy;

/* Entry from the arch's ELF entry point (arch/<arch>/entry.S). */
__attribute__((noreturn)) void efi_kmain(struct boot_info *bi);
void efi_kmain(struct boot_info *bi)
{
	if (!bi || bi->magic != BOOT_INFO_MAGIC || bi->version != BOOT_INFO_VERSION) {
		/* No console is up yet: bring up serial just to say why we stop. */
		arch_early_init(NULL);
		kernel_serial_console(NULL);
		kprintf("Bail out! boot_info from the UEFI loader is invalid (magic 0x%x version %u, want 0x%x %u)\n",
			bi ? bi->magic : 0, bi ? bi->version : 0, BOOT_INFO_MAGIC, BOOT_INFO_VERSION);
		arch_halt_forever();
	}
	memcpy(&boot_info_copy, bi, sizeof(boot_info_copy));
	kernel_main(&boot_info_copy);
}
