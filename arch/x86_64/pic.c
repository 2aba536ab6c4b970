/* SPDX-License-Identifier: MIT */
/*
 * The legacy 8259 pair: remapped away from the exception vectors and fully
 * masked, so a stray legacy interrupt cannot look like a CPU exception.
 */
#include <arch/io.h>

#include "x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define PIC1_BASE 0x20
#define PIC2_BASE 0x28
#define PIC_CASCADE_IRQ 2

void x86_pic_disable(void)
{
	arch_outb(PIC1_CMD, ICW1_INIT_ICW4);
	arch_outb(PIC2_CMD, ICW1_INIT_ICW4);
	arch_outb(PIC1_DATA, PIC1_BASE);
	arch_outb(PIC2_DATA, PIC2_BASE);
	arch_outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);
	arch_outb(PIC2_DATA, PIC_CASCADE_IRQ);
	arch_outb(PIC1_DATA, ICW4_8086);
	arch_outb(PIC2_DATA, ICW4_8086);
	arch_outb(PIC1_DATA, 0xff);
	arch_outb(PIC2_DATA, 0xff);
}
