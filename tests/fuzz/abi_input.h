/* SPDX-License-Identifier: MIT */
/*
 * The abi harness's input (shared with the seed writer): a sequence of guest
 * ABI argument checks and guest-memory slot operations, each a u8 opcode
 * (taken modulo the count) and its little-endian arguments.
 */
#ifndef FUZZ_ABI_INPUT_H
#define FUZZ_ABI_INPUT_H

enum abi_op {
	ABI_CALL_NAME,  /* u64 nr: abi_call_name */
	ABI_CASE_NAME,  /* u8 len, bytes: abi_case_name_valid */
	ABI_ACCESS,     /* u64 access: abi_access_valid */
	ABI_INJECT,     /* u64 vector, u64 error code, u64 flags: abi_inject_problem */
	ABI_MSR,        /* u64 msr: x86_msr_passthrough_denied */
	ABI_PORT,       /* u64 port: x86_port_passthrough_denied */
	ABI_SLOT_ADD,   /* u64 gpa, u64 size, u64 hpa, u32 id: memslot_add */
	ABI_SLOT_REMOVE, /* u64 gpa: memslot_remove */
	ABI_SLOT_FIND,  /* u64 gpa: memslot_find */
	ABI_SLOT_TRANSLATE, /* u64 gpa, u64 len: memslot_translate */
	ABI_SLOT_BACKS, /* u64 hpa, u64 len: memslot_backs_host_range */
	ABI_SLOT_INIT,  /* memslot_init: an empty set again */
	ABI_OPS
};

#define ABI_MAX_OPS 1024u

#endif
