/* SPDX-License-Identifier: MIT */
/*
 * Payload images: an ELF64 executable whose lowest loaded segment starts with
 * a struct anvil_manifest (guests/include/anvil/guest_abi.h). Pure.
 */
#ifndef ANVIL_MANIFEST_H
#define ANVIL_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <anvil/elf64.h>
#include <anvil/guest_abi.h>

struct payload_image {
	struct anvil_manifest manifest; /* validated copy */
	struct elf64_image elf;
};

/*
 * Validate a payload image for `machine` (ELF64_MACHINE_*) and `arch` name
 * ("x86_64"). Returns 0, or -1 with what was wrong and where in err, e.g.
 * "manifest at offset 0x1000: mem_kib 100 is not a multiple of 4".
 * Checks: the ELF (elf64_parse), magic, version, size, name is non-empty,
 * NUL-terminated and [a-z0-9_], arch matches, mem_kib in [256, 65536] and a
 * multiple of 4, expect is known, flags known, every segment lies in
 * [ANVIL_GUEST_LOAD, mem_kib * 1024 - 16 KiB) (16 KiB kept for the stack).
 */
int payload_image_parse(const void *buf, size_t len, uint16_t machine, const char *arch,
			struct payload_image *out, char *err, size_t err_len);

/* Names of ANVIL_FEAT_* bits set in features, comma-separated ("svm,npt"). */
void manifest_feature_names(uint64_t features, char *buf, size_t len);
/* "pass", "triple fault", "timeout", "bad memory", "bad hypercall" */
const char *manifest_expect_name(uint32_t expect);

#endif
