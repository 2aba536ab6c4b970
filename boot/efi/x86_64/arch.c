/* SPDX-License-Identifier: MIT */
/* The x86_64 parts of the UEFI front end (efiboot.h, "<arch>/arch.c"). */
#include "../efiboot.h"

const uint16_t efiboot_elf_machine = ELF64_MACHINE_X86_64;
const char efiboot_arch_name[] = "x86_64";

uint64_t efiboot_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void efiboot_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/*
 * The kernel is entered like a sysv function called with rdi = boot_info:
 * rsp + 8 16-byte aligned, a zero return address. It brings its own stack,
 * GDT, IDT and page tables; until then the firmware's identity map and our
 * stack carry it.
 */
void efiboot_jump(uint64_t entry, struct boot_info *bi)
{
	__asm__ volatile("cli\n\t"
			 "and $-16, %%rsp\n\t"
			 "pushq $0\n\t"
			 "jmp *%0"
			 :
			 : "r"(entry), "D"(bi)
			 : "memory");
	__builtin_unreachable();
}
