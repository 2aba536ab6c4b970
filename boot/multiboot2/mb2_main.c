/* SPDX-License-Identifier: MIT */
/* The kernel's side of multiboot2: the trampoline's hand-off into kernel_main(). */
#include <stdint.h>

#include <anvil/boot.h>
#include <anvil/mb2.h>

static struct boot_info boot_info_copy;

/* Entry from the multiboot2 trampoline (entry32.S), in 64-bit mode. */
extern uint64_t mb2_handoff_tsc;
__attribute__((noreturn)) void mb2_kmain(uint32_t magic, uint32_t mbi);
void mb2_kmain(uint32_t magic, uint32_t mbi)
{
	mb2_parse(magic, (const void *)(uintptr_t)mbi, mbi, &boot_info_copy);
	boot_info_copy.handoff_cycles = mb2_handoff_tsc;
	kernel_main(&boot_info_copy);
}
