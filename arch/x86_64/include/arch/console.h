/* SPDX-License-Identifier: MIT */
/* The platform's serial console (the arch knows which UART and where). */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

struct boot_info;
struct serial_port;

/*
 * Bring up the serial console as early as possible; bi may be NULL (the
 * boot information itself is unusable), then the arch's default is tried.
 * NULL if there is none.
 */
struct serial_port *arch_serial_console(const struct boot_info *bi);

#endif
