/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls (docs/guest-abi.md): VMMCALL with rax = call number,
 * rdi/rsi/rdx/rcx = a0..a3, result in rax, every other register preserved.
 * One thin wrapper per call; printing and reporting are in guest/report.h.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/guest_abi.h>

static inline uint64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
				 uint64_t a3)
{
	uint64_t ret;

	/* "memory": calls read and write guest memory (strings, fault records,
	 * page permissions and mappings). */
	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "c"(a3)
			 : "memory", "cc");
	return ret;
}

/*
 * The next nested page fault resumes at recovery_ip instead of ending the
 * payload (registers as at the fault). Prefer guest_try_mem (guest/mem_fault.h),
 * which supplies a recovery point that copes with any stack depth.
 */
static inline void expect_fault(const void *recovery_ip)
{
	hypercall(ANVIL_HC_EXPECT_FAULT, (uint64_t)(uintptr_t)recovery_ip, 0, 0, 0);
}

static inline void last_fault(struct anvil_fault *out)
{
	hypercall(ANVIL_HC_LAST_FAULT, (uint64_t)(uintptr_t)out, 0, 0, 0);
}

/* flags: ANVIL_INJECT_ERROR_CODE, ANVIL_INJECT_EXTERNAL. Delivered as the
 * VMMCALL returns: the handler's frame rip is the instruction after it. */
static inline void inject(uint8_t vector, uint32_t error_code, uint32_t flags)
{
	hypercall(ANVIL_HC_INJECT, vector, error_code, flags, 0);
}

/* access: 0, R, R|W, R|X or R|W|X (ANVIL_ACCESS_*) for one 4 KiB guest page. */
static inline void set_page_access(uint64_t gpa, uint32_t access)
{
	hypercall(ANVIL_HC_SET_PAGE_ACCESS, gpa, access, 0, 0);
}

/* gpa (4 KiB aligned, may lie outside guest memory) shows src_gpa's page. */
static inline void remap_page(uint64_t gpa, uint64_t src_gpa)
{
	hypercall(ANVIL_HC_REMAP_PAGE, gpa, src_gpa, 0, 0);
}

/* Exits of one kind so far; this call's own exit counts as a HYPERCALL. */
static inline uint64_t exit_count(enum anvil_exit_kind kind)
{
	return hypercall(ANVIL_HC_EXIT_COUNT, (uint64_t)kind, 0, 0, 0);
}

/* Undo remap_page(gpa, ...): the alias is gone, its nested tables freed when empty. */
static inline void unmap_page(uint64_t gpa)
{
	hypercall(ANVIL_HC_UNMAP_PAGE, gpa, 0, 0, 0);
}

/*
 * The cheapest exit there is: the hypercall instruction with rax = 0 and
 * nothing else. In minimal-exits mode the hypervisor only moves rip past it.
 */
static inline void hypercall_minimal(void)
{
	__asm__ volatile("vmmcall" : : "a"(0ull) : "memory");
}

/* on: every later hypercall except ANVIL_HC_MINIMAL_EXITS only advances rip. */
static inline void minimal_exits(bool on)
{
	hypercall(ANVIL_HC_MINIMAL_EXITS, on ? 1 : 0, 0, 0, 0);
}

/*
 * A test operation (ANVIL_X86_TEST_*, ANVIL_NP_TEST_*, ANVIL_SVM_TEST_*);
 * results may be ANVIL_TEST_UNSUPPORTED or ANVIL_TEST_DENIED.
 */
static inline uint64_t arch_test(uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hypercall(ANVIL_HC_ARCH_TEST, op, a1, a2, a3);
}

#endif
