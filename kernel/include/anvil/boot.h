/* SPDX-License-Identifier: MIT */
/* What the boot front ends call in the kernel core (boot/<front end>/). */
#ifndef ANVIL_BOOT_H
#define ANVIL_BOOT_H

#include <anvil/boot_info.h>

/* The core, from a complete struct boot_info (a copy the front end keeps). */
__attribute__((noreturn)) void kernel_main(struct boot_info *bi);
/* Bring the serial console up early, to say why a front end cannot go on (bi may be NULL). */
void kernel_serial_console(const struct boot_info *bi);

#endif
