/* SPDX-License-Identifier: MIT */
/*
 * A payload's manifest, written once per payload:
 *
 *   ANVIL_MANIFEST(.name = "x86_basic", .features = ANVIL_FEAT_GENERIC,
 *                  .mem_kib = 4096, .timeout_ms = 10000);
 *
 * The macro fills magic, version, size and arch; the linker script
 * (linker/<arch>-guest.ld) puts the section first in the lowest segment,
 * where the hypervisor looks for it. Setting a field the macro fills is a
 * compile error (-Winitializer-overrides).
 */
#ifndef GUEST_MANIFEST_H
#define GUEST_MANIFEST_H

#include <anvil/guest_abi.h>
#include <guest/arch.h> /* GUEST_ARCH_NAME */

#define ANVIL_MANIFEST(...)                                                   \
	__attribute__((section(".anvil_manifest"), used, aligned(8)))         \
	const struct anvil_manifest guest_manifest = {                         \
		.magic = ANVIL_MANIFEST_MAGIC,                                  \
		.version = ANVIL_MANIFEST_VERSION,                              \
		.size = sizeof(struct anvil_manifest),                          \
		.arch = GUEST_ARCH_NAME,                                        \
		__VA_ARGS__                                                     \
	}

/* This payload's manifest (defined by ANVIL_MANIFEST in its main.c). */
extern const struct anvil_manifest guest_manifest;

#endif
