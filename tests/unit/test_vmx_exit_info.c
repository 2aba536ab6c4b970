// SPDX-License-Identifier: MIT
/*
 * Host tests for arch/x86_64/lib/vmx_exit_info.c. Every raw value is worked
 * out by hand from the SDM tables named in vmx_exit_info.h, written as the
 * bits it is made of.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vmx_exit_info.h>

#define B(n) (1ull << (n))

/* ---- Exit reason ---- */

static void test_exit_reason(void **state)
{
	struct vmx_exit_reason_info r;

	(void)state;
	vmx_exit_reason_decode(48, &r); /* EPT violation */
	assert_int_equal(r.basic, 48);
	assert_false(r.entry_failure || r.enclave || r.pending_mtf || r.from_root);
	vmx_exit_reason_decode(B(31) | 33, &r); /* entry failed: invalid guest state */
	assert_int_equal(r.basic, 33);
	assert_true(r.entry_failure);
	assert_false(r.enclave);
	vmx_exit_reason_decode(B(27) | 18, &r);
	assert_int_equal(r.basic, 18);
	assert_true(r.enclave);
	assert_false(r.entry_failure);
	vmx_exit_reason_decode(B(28) | B(29) | 6, &r); /* SMM exit from root with MTF pending */
	assert_int_equal(r.basic, 6);
	assert_true(r.pending_mtf && r.from_root);
	vmx_exit_reason_decode(0xffff | B(16), &r); /* bit 16 is no part of the basic reason */
	assert_int_equal(r.basic, 0xffff);
	assert_false(r.entry_failure || r.enclave || r.pending_mtf || r.from_root);
}

/* ---- EPT violation ---- */

static void test_ept_violation_hole(void **state)
{
	struct vmx_ept_violation v;

	(void)state;
	/* What Bochs reports for a read of an unmapped GPA: read, GLA valid, final translation. */
	vmx_ept_violation_decode(0x181, &v);
	assert_int_equal(0x181, B(0) | B(7) | B(8));
	assert_true(v.read);
	assert_false(v.write || v.fetch);
	assert_false(v.readable || v.writable || v.executable || v.present);
	assert_true(v.gla_valid && v.final_translation);
	assert_false(v.in_walk || v.nmi_unblocking);
}

static void test_ept_violation_permissions(void **state)
{
	struct vmx_ept_violation v;

	(void)state;
	/* A write to a read-only (R|X) page. */
	vmx_ept_violation_decode(B(1) | B(3) | B(5) | B(7) | B(8), &v);
	assert_true(v.write && v.readable && v.executable && v.present);
	assert_false(v.read || v.fetch || v.writable);
	assert_true(v.final_translation);
	/* A fetch from a read/write page. */
	vmx_ept_violation_decode(B(2) | B(3) | B(4) | B(7) | B(8), &v);
	assert_true(v.fetch && v.readable && v.writable && v.present);
	assert_false(v.executable);
	/* Read-modify-write: both access bits. */
	vmx_ept_violation_decode(B(0) | B(1) | B(3) | B(7) | B(8), &v);
	assert_true(v.read && v.write);
	/* Only executable: still a translation. */
	vmx_ept_violation_decode(B(0) | B(5), &v);
	assert_true(v.present);
	assert_false(v.readable || v.writable);
}

static void test_ept_violation_walk_and_nmi(void **state)
{
	struct vmx_ept_violation v;

	(void)state;
	/* The guest's page walk read a paging-structure entry at an unmapped GPA. */
	vmx_ept_violation_decode(B(0) | B(7), &v);
	assert_true(v.gla_valid && v.in_walk);
	assert_false(v.final_translation);
	/* ... or set an accessed bit in a read-only one. */
	vmx_ept_violation_decode(B(1) | B(3) | B(7), &v);
	assert_true(v.write && v.in_walk && v.present);
	/* Bit 8 without bit 7 is undefined: neither final nor in the walk. */
	vmx_ept_violation_decode(B(0) | B(8), &v);
	assert_false(v.gla_valid || v.final_translation || v.in_walk);
	/* PDPTE load by MOV CR (no linear address) after an IRET that unblocked NMIs. */
	vmx_ept_violation_decode(B(0) | B(12), &v);
	assert_true(v.nmi_unblocking);
	assert_false(v.gla_valid);
	/* Bits the decoder does not know change nothing it reports. */
	vmx_ept_violation_decode(B(0) | B(6) | B(9) | B(10) | B(11) | B(13) | B(63), &v);
	assert_true(v.read);
	assert_false(v.write || v.fetch || v.present || v.gla_valid || v.nmi_unblocking);
}

/* ---- SPP-related event ---- */

static void test_spp_event(void **state)
{
	struct vmx_spp_event e;

	(void)state;
	vmx_spp_event_decode(B(11), &e);
	assert_true(e.miss);
	assert_false(e.nmi_unblocking);
	vmx_spp_event_decode(0, &e);
	assert_false(e.miss); /* misconfiguration */
	vmx_spp_event_decode(B(11) | B(12), &e);
	assert_true(e.miss && e.nmi_unblocking);
	vmx_spp_event_decode(B(12), &e);
	assert_false(e.miss);
	assert_true(e.nmi_unblocking);
	vmx_spp_event_decode(~(B(11) | B(12)), &e);
	assert_false(e.miss || e.nmi_unblocking);
}

/* ---- I/O instruction ---- */

static void test_io(void **state)
{
	struct vmx_io_exit io;

	(void)state;
	/* out 0x80, al: size 1 (0), OUT, immediate. */
	assert_true(vmx_io_exit_decode((0x80ull << 16) | B(6), &io));
	assert_int_equal(io.port, 0x80);
	assert_int_equal(io.size, 1);
	assert_true(io.imm);
	assert_false(io.in || io.string || io.rep);
	/* in eax, dx with dx = 0x510: size 4 (3), IN. */
	assert_true(vmx_io_exit_decode((0x510ull << 16) | B(3) | 3, &io));
	assert_int_equal(io.port, 0x510);
	assert_int_equal(io.size, 4);
	assert_true(io.in);
	assert_false(io.imm || io.string || io.rep);
	/* rep outsw with dx = 0x3f8: size 2 (1), string, REP. */
	assert_true(vmx_io_exit_decode((0x3f8ull << 16) | B(5) | B(4) | 1, &io));
	assert_int_equal(io.port, 0x3f8);
	assert_int_equal(io.size, 2);
	assert_true(io.string && io.rep);
	assert_false(io.in || io.imm);
	/* Port 0xffff; bits 63:32 are reserved and ignored. */
	assert_true(vmx_io_exit_decode(0xffffffff00000000ull | (0xffffull << 16), &io));
	assert_int_equal(io.port, 0xffff);
	assert_int_equal(io.size, 1);
	/* Unused size encodings. */
	for (uint64_t enc = 4; enc <= 7; enc++) {
		assert_false(vmx_io_exit_decode(enc, &io));
		assert_int_equal(io.size, 0);
	}
	assert_false(vmx_io_exit_decode(2, &io));
}

/* ---- Control-register access ---- */

static void test_cr_access(void **state)
{
	struct vmx_cr_access c;

	(void)state;
	/* mov cr3, rax: CR 3, MOV to CR (0), register 0. */
	vmx_cr_access_decode(3, &c);
	assert_int_equal(c.cr, 3);
	assert_int_equal(c.type, VMX_CR_MOV_TO);
	assert_int_equal(c.gpr, 0);
	/* mov rbx, cr4: CR 4, MOV from CR (1 << 4), register 3 (3 << 8). */
	vmx_cr_access_decode(0x314, &c);
	assert_int_equal(c.cr, 4);
	assert_int_equal(c.type, VMX_CR_MOV_FROM);
	assert_int_equal(c.gpr, 3);
	/* mov cr8, r15 */
	vmx_cr_access_decode(0xf08, &c);
	assert_int_equal(c.cr, 8);
	assert_int_equal(c.type, VMX_CR_MOV_TO);
	assert_int_equal(c.gpr, 15);
	/* clts: type 2. */
	vmx_cr_access_decode(0x20, &c);
	assert_int_equal(c.type, VMX_CR_CLTS);
	assert_int_equal(c.cr, 0);
	/* lmsw ax with ax = 0x000f: type 3, register operand, source in 31:16. */
	vmx_cr_access_decode((0x000full << 16) | 0x30, &c);
	assert_int_equal(c.type, VMX_CR_LMSW);
	assert_false(c.lmsw_memory);
	assert_int_equal(c.lmsw_source, 0x000f);
	/* lmsw [mem] with the value 0xfff1. */
	vmx_cr_access_decode((0xfff1ull << 16) | B(6) | 0x30, &c);
	assert_int_equal(c.type, VMX_CR_LMSW);
	assert_true(c.lmsw_memory);
	assert_int_equal(c.lmsw_source, 0xfff1);
	/* Bits 63:32 are reserved. */
	vmx_cr_access_decode(0xffffffff00000000ull | 0x314, &c);
	assert_int_equal(c.cr, 4);
	assert_int_equal(c.gpr, 3);
	assert_int_equal(c.lmsw_source, 0);
}

/* ---- INS/OUTS instruction information ---- */

static void test_ins_outs(void **state)
{
	const uint32_t undefined_bits = 0xfffc7c7fu; /* 6:0, 14:10, 31:18 */
	struct vmx_ins_outs o;

	(void)state;
	/* 64-bit address size (2 << 7), DS (3 << 15). */
	assert_true(vmx_ins_outs_decode(0x18100, &o));
	assert_int_equal(o.addr_size, 8);
	assert_int_equal(o.seg, VMX_SEG_DS);
	assert_true(vmx_ins_outs_decode(0x18100 | undefined_bits, &o));
	assert_int_equal(o.addr_size, 8);
	assert_int_equal(o.seg, VMX_SEG_DS);
	/* 16-bit, ES. */
	assert_true(vmx_ins_outs_decode(0, &o));
	assert_int_equal(o.addr_size, 2);
	assert_int_equal(o.seg, VMX_SEG_ES);
	/* 32-bit (1 << 7), FS (4 << 15). */
	assert_true(vmx_ins_outs_decode(0x20080, &o));
	assert_int_equal(o.addr_size, 4);
	assert_int_equal(o.seg, VMX_SEG_FS);
	/* GS (5 << 15) is the last segment. */
	assert_true(vmx_ins_outs_decode(5u << 15, &o));
	assert_int_equal(o.seg, VMX_SEG_GS);
	/* Unused: address size 3, segments 6 and 7. */
	assert_false(vmx_ins_outs_decode(3u << 7, &o));
	assert_int_equal(o.addr_size, 0);
	assert_false(vmx_ins_outs_decode(6u << 15, &o));
	assert_false(vmx_ins_outs_decode(7u << 15, &o));
}

/* ---- Interruption information ---- */

static void test_intr_info_exit(void **state)
{
	struct vmx_intr_info i;

	(void)state;
	/* #PF (14), hardware exception (3 << 8), error code (bit 11), valid (bit 31). */
	assert_true(vmx_intr_info_decode(0x80000b0e, VMX_INTR_FIELD_EXIT, &i));
	assert_true(i.valid && i.error_code);
	assert_int_equal(i.vector, 14);
	assert_int_equal(i.type, VMX_INTR_HW_EXCEPTION);
	assert_false(i.nmi_unblocking);
	/* #GP on an IRET that unblocked NMIs (bit 12). */
	assert_true(vmx_intr_info_decode(0x80001b0d, VMX_INTR_FIELD_EXIT, &i));
	assert_true(i.nmi_unblocking);
	assert_int_equal(i.vector, 13);
	/* NMI (2 << 8, vector 2). */
	assert_true(vmx_intr_info_decode(0x80000202, VMX_INTR_FIELD_EXIT, &i));
	assert_int_equal(i.type, VMX_INTR_NMI);
	assert_int_equal(i.vector, 2);
	assert_false(i.error_code);
	/* An external interrupt acknowledged on exit, vector 0x20. */
	assert_true(vmx_intr_info_decode(0x80000020, VMX_INTR_FIELD_EXIT, &i));
	assert_int_equal(i.type, VMX_INTR_EXTERNAL);
	assert_int_equal(i.vector, 0x20);
	/* Not valid. */
	assert_true(vmx_intr_info_decode(0, VMX_INTR_FIELD_EXIT, &i));
	assert_false(i.valid);
	/* A reserved bit (13..30). */
	assert_false(vmx_intr_info_decode(0x80000000u | B(13), VMX_INTR_FIELD_EXIT, &i));
	assert_false(vmx_intr_info_decode(0x80000000u | B(30), VMX_INTR_FIELD_EXIT, &i));
}

static void test_intr_info_idt_vectoring_and_entry(void **state)
{
	struct vmx_intr_info i;

	(void)state;
	/* IDT vectoring: bit 12 is undefined there, so it is never NMI unblocking. */
	assert_true(vmx_intr_info_decode(0x80001b0d, VMX_INTR_FIELD_IDT_VECTORING, &i));
	assert_false(i.nmi_unblocking);
	assert_int_equal(i.vector, 13);
	assert_true(i.error_code);
	/* INT 0x80 being delivered: software interrupt (4 << 8). */
	assert_true(vmx_intr_info_decode(0x80000480, VMX_INTR_FIELD_IDT_VECTORING, &i));
	assert_int_equal(i.type, VMX_INTR_SW_INTERRUPT);
	assert_int_equal(i.vector, 0x80);
	/* Entry: bit 12 is reserved, VM entry would fail. */
	assert_false(vmx_intr_info_decode(0x80001b0d, VMX_INTR_FIELD_ENTRY, &i));
	assert_false(i.nmi_unblocking);
	/* INT3 injected as a software exception (6 << 8), and an MTF "other event" (7 << 8). */
	assert_true(vmx_intr_info_decode(0x80000603, VMX_INTR_FIELD_ENTRY, &i));
	assert_int_equal(i.type, VMX_INTR_SW_EXCEPTION);
	assert_int_equal(i.vector, 3);
	assert_true(vmx_intr_info_decode(0x80000700, VMX_INTR_FIELD_ENTRY, &i));
	assert_int_equal(i.type, VMX_INTR_OTHER);
}

static void test_intr_info_make(void **state)
{
	struct vmx_intr_info i;

	(void)state;
	assert_int_equal(vmx_intr_info_make(14, VMX_INTR_HW_EXCEPTION, true), 0x80000b0e);
	assert_int_equal(vmx_intr_info_make(2, VMX_INTR_NMI, false), 0x80000202);
	assert_int_equal(vmx_intr_info_make(0x80, VMX_INTR_SW_INTERRUPT, false), 0x80000480);
	assert_int_equal(vmx_intr_info_make(3, VMX_INTR_SW_EXCEPTION, false), 0x80000603);
	assert_int_equal(vmx_intr_info_make(1, VMX_INTR_PRIV_SW_EXCEPTION, false), 0x80000501);
	assert_int_equal(vmx_intr_info_make(0, VMX_INTR_OTHER, false), 0x80000700);
	assert_int_equal(vmx_intr_info_make(0xff, VMX_INTR_EXTERNAL, false), 0x800000ff);
	/* What make() builds decodes back, and passes the entry field's reserved-bit check. */
	assert_true(vmx_intr_info_decode(vmx_intr_info_make(8, VMX_INTR_HW_EXCEPTION, true),
					 VMX_INTR_FIELD_ENTRY, &i));
	assert_true(i.valid && i.error_code);
	assert_int_equal(i.vector, 8);
	assert_int_equal(i.type, VMX_INTR_HW_EXCEPTION);
}

static void test_intr_type_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_intr_type_name(0), "external interrupt");
	assert_string_equal(vmx_intr_type_name(1), "reserved");
	assert_string_equal(vmx_intr_type_name(2), "NMI");
	assert_string_equal(vmx_intr_type_name(3), "hardware exception");
	assert_string_equal(vmx_intr_type_name(4), "software interrupt");
	assert_string_equal(vmx_intr_type_name(5), "privileged software exception");
	assert_string_equal(vmx_intr_type_name(6), "software exception");
	assert_string_equal(vmx_intr_type_name(7), "other event");
	assert_string_equal(vmx_intr_type_name(8), "reserved");
	assert_string_equal(vmx_intr_type_name(~0u), "reserved");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_reason),
		cmocka_unit_test(test_ept_violation_hole),
		cmocka_unit_test(test_ept_violation_permissions),
		cmocka_unit_test(test_ept_violation_walk_and_nmi),
		cmocka_unit_test(test_spp_event),
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_cr_access),
		cmocka_unit_test(test_ins_outs),
		cmocka_unit_test(test_intr_info_exit),
		cmocka_unit_test(test_intr_info_idt_vectoring_and_entry),
		cmocka_unit_test(test_intr_info_make),
		cmocka_unit_test(test_intr_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
