/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls (docs/guest-abi.md): the arch's instruction (x86: VMCALL or
 * VMMCALL, as the backend needs; guest/arch.h) with the call number and four
 * arguments, one result, every other register preserved. One thin wrapper
 * per call; printing and reporting are in guest/report.h.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/guest_abi.h>
#include <guest/arch.h>

static inline uint64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
				 uint64_t a3)
{
	return arch_hypercall(nr, a0, a1, a2, a3);
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

/* flags: ANVIL_INJECT_ERROR_CODE, ANVIL_INJECT_EXTERNAL. An exception is
 * delivered as the call returns: the handler's frame ip is the instruction
 * after it; an interrupt waits until the guest can take it. */
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
 * The cheapest exit there is: the hypercall instruction with call number 0
 * and nothing else. In minimal-exits mode the hypervisor only moves the ip
 * past it.
 */
static inline void hypercall_minimal(void)
{
	arch_hypercall_minimal();
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

/*
 * EPT sub-page write protection (VMX with SPP; guest_abi.h): only the
 * sub-pages set in mask stay writable. ANVIL_TEST_UNSUPPORTED without SPP.
 */
static inline uint64_t spp_protect(uint64_t gpa, uint32_t mask)
{
	return hypercall(ANVIL_HC_ARCH_TEST, ANVIL_VMX_TEST_SPP_PROTECT, gpa, mask, 0);
}

static inline uint64_t spp_clear(uint64_t gpa)
{
	return hypercall(ANVIL_HC_ARCH_TEST, ANVIL_VMX_TEST_SPP_CLEAR, gpa, 0, 0);
}

#endif
