/* SPDX-License-Identifier: MIT */
/* The arm64 parts of the UEFI front end (efiboot.h, "<arch>/arch.c"). */
#include "../efiboot.h"

const uint16_t efiboot_elf_machine = ELF64_MACHINE_AARCH64;
const char efiboot_arch_name[] = "arm64";

uint64_t efiboot_cycles(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}

void efiboot_halt(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf; wfi");
}

/*
 * The kernel's ELF entry (kernel_entry_efi, arch/arm64/entry.S) is called
 * with x0 = boot_info, everything masked, still on the firmware's identity
 * map with the MMU on; it brings its own stacks, vectors and page tables.
 */
void efiboot_jump(uint64_t entry, struct boot_info *bi)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)(uintptr_t)bi;
	__asm__ volatile("msr daifset, #0xf\n\t"
			 "br %1"
			 :
			 : "r"(x0), "r"(entry)
			 : "memory");
	__builtin_unreachable();
}
