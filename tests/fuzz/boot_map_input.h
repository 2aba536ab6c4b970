/* SPDX-License-Identifier: MIT */
/*
 * The boot_map harness's input (shared with the seed writer): a sequence of
 * operations on one struct boot_info, each a u8 opcode (taken modulo the
 * count) and its little-endian arguments.
 */
#ifndef FUZZ_BOOT_MAP_INPUT_H
#define FUZZ_BOOT_MAP_INPUT_H

enum boot_map_op {
	BM_ADD,      /* u64 base, u64 len, u8 type: boot_map_add */
	BM_RAW,      /* u64 base, u64 len, u8 type: written into regions[] unchecked */
	BM_SANITIZE, /* boot_map_sanitize_count */
	BM_RESERVE,  /* u64 base, u64 len, u8 type: boot_map_reserve */
	BM_FIND,     /* u64 size, u8 log2(align) (64 and up: 0 or not a power of two), u64 min */
	BM_USABLE,   /* boot_map_usable_bytes */
	BM_OPS
};

#define BM_MAX_OPS 256u

#endif
