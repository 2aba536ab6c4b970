/* SPDX-License-Identifier: MIT */
/* Processor bring-up for the boot CPU. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arch/cpu.h>
#include <arch/mmu.h>

#include "x86.h"

#define IST_STACK_PAGES 4

void arch_early_init(struct boot_info *bi)
{
	(void)bi;
	/* Faults on read-only pages from ring 0 need CR0.WP; NX needs EFER.NXE. */
	x86_write_cr0(x86_read_cr0() | CR0_WP);
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_NXE);
	/* newlib's formatting code may use SSE registers. */
	x86_write_cr4(x86_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	x86_gdt_init();
	x86_idt_init();
	x86_pic_disable();
}

int arch_late_init(void)
{
	static const unsigned slots[] = { IST_DF, IST_NMI, IST_MC };
	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		void *top = arch_stack_alloc(IST_STACK_PAGES);
		if (!top)
			return -1;
		x86_tss_set_ist(slots[i], (uint64_t)(uintptr_t)top);
	}
	return 0;
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_cpu_describe(char *buf, unsigned len)
{
	uint32_t r[4];
	char vendor[13];
	char brand[49];

	x86_cpuid(0, 0, r);
	memcpy(vendor + 0, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	x86_cpuid(1, 0, r);
	uint32_t family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family >= 6)
		model |= ((r[0] >> 16) & 0xf) << 4;
	brand[0] = 0;
	x86_cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++) {
			x86_cpuid(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
		brand[48] = 0;
	}
	const char *b = brand;
	while (*b == ' ')
		b++;
	snprintf(buf, len, "%s family 0x%x model 0x%x \"%s\"", vendor, (unsigned)family, (unsigned)model, b);
}
