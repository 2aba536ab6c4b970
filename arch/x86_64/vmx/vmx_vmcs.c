/* SPDX-License-Identifier: MIT */
/*
 * The VMX instructions besides VMREAD/VMWRITE (vmx_ops.h): making a VMCS
 * current, clearing it, INVEPT and INVVPID, and the record of failed
 * VMREADs/VMWRITEs, each named by its field and its VM-instruction error
 * (SDM Vol 3C §31.4, "VM Instruction Error Numbers").
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/panic.h>

#include "vmx.h"
#include "vmx_ops.h"

/* INVEPT / INVVPID types (SDM Vol 3C §30.3, "INVEPT", "INVVPID"). */
#define INVEPT_SINGLE 1ull
#define INVEPT_ALL 2ull
#define INVVPID_SINGLE 1ull
#define INVVPID_ALL 2ull

uint64_t vmx_current_vmcs = ~0ull;
uint64_t vmx_vmcs_failure_count;
static char first_failure[160];

void vmx_vmcs_failed(const char *op, uint32_t field, enum vmx_insn_result r)
{
	char what[160];
	if (r == VMX_FAIL_INVALID) {
		snprintf(what, sizeof(what), "%s %s (0x%x): VMfailInvalid (no current VMCS)", op, vmcs_field_name(field),
			 field);
	} else {
		/* VMREAD of the error field itself cannot fail while a VMCS is current. */
		uint64_t err = 0;
		__asm__ volatile("vmread %1, %0" : "=r"(err) : "r"((uint64_t)VMCS_INSN_ERROR) : "cc");
		snprintf(what, sizeof(what), "%s %s (0x%x): VM-instruction error %u (%s)", op, vmcs_field_name(field),
			 field, (unsigned)err, vmx_instruction_error_name((uint32_t)err));
	}
	if (!vmx_vmcs_failure_count++)
		snprintf(first_failure, sizeof(first_failure), "%s", what);
	klog(LOG_ERROR, "vmx: %s", what);
}

void vmx_vmcs_failed_now(const char *op, uint32_t field)
{
	uint64_t err = 0;
	uint8_t cf, zf;
	__asm__ volatile("vmread %[f], %[v]; setc %[cf]; setz %[zf]"
			 : [v] "=r"(err), [cf] "=qm"(cf), [zf] "=qm"(zf) : [f] "r"((uint64_t)VMCS_INSN_ERROR) : "cc");
	vmx_vmcs_failed(op, field, (cf | zf) ? VMX_FAIL_INVALID : VMX_FAIL_VALID);
}

uint64_t vmx_vmcs_failures(char *first, size_t n)
{
	if (n)
		snprintf(first, n, "%s", vmx_vmcs_failure_count ? first_failure : "none");
	return vmx_vmcs_failure_count;
}

enum vmcs_pa_insn { VMPTRLD, VMCLEAR };

static enum vmx_insn_result vmx_insn_pa(enum vmcs_pa_insn insn, uint64_t pa)
{
	uint8_t cf, zf;
	if (insn == VMPTRLD)
		__asm__ volatile("vmptrld %[pa]; setc %[cf]; setz %[zf]"
				 : [cf] "=qm"(cf), [zf] "=qm"(zf) : [pa] "m"(pa) : "cc", "memory");
	else
		__asm__ volatile("vmclear %[pa]; setc %[cf]; setz %[zf]"
				 : [cf] "=qm"(cf), [zf] "=qm"(zf) : [pa] "m"(pa) : "cc", "memory");
	return vmx_result(cf, zf);
}

int vmx_vmcs_load(uint64_t pa)
{
	if (pa == vmx_current_vmcs)
		return 0;
	enum vmx_insn_result r = vmx_insn_pa(VMPTRLD, pa);
	if (r != VMX_OK) {
		klog(LOG_ERROR, "vmx: VMPTRLD 0x%lx failed (%s)", (unsigned long)pa,
		     r == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
		return -1;
	}
	vmx_current_vmcs = pa;
	return 0;
}

int vmx_vmcs_clear(uint64_t pa)
{
	if (vmx_insn_pa(VMCLEAR, pa) != VMX_OK) {
		klog(LOG_ERROR, "vmx: VMCLEAR 0x%lx failed", (unsigned long)pa);
		return -1;
	}
	if (pa == vmx_current_vmcs)
		vmx_current_vmcs = ~0ull;
	return 0;
}

void vmx_vmcs_forget(uint64_t pa)
{
	if (pa == vmx_current_vmcs)
		vmx_current_vmcs = ~0ull;
}

struct inv_desc {
	uint64_t a, b;
};
_Static_assert(sizeof(struct inv_desc) == 16, "INVEPT/INVVPID descriptors are 128 bits");

static void invalidate(bool ept, uint64_t type, struct inv_desc d)
{
	uint8_t cf, zf;
	if (ept)
		__asm__ volatile("invept %[d], %[t]; setc %[cf]; setz %[zf]"
				 : [cf] "=qm"(cf), [zf] "=qm"(zf) : [d] "m"(d), [t] "r"(type) : "cc", "memory");
	else
		__asm__ volatile("invvpid %[d], %[t]; setc %[cf]; setz %[zf]"
				 : [cf] "=qm"(cf), [zf] "=qm"(zf) : [d] "m"(d), [t] "r"(type) : "cc", "memory");
	/* A refused flush would leave stale translations: nothing after it could be trusted. */
	if (cf | zf)
		panic("vmx: %s type %lu failed (%s)", ept ? "INVEPT" : "INVVPID", (unsigned long)type,
		      cf ? "VMfailInvalid" : "VMfailValid");
}

void vmx_invept(const struct vmx_vm *s)
{
	/* Descriptor: the EPTP in bits 63:0 (single-context), bits 127:64 reserved. */
	if (vmx_caps.invept_single)
		invalidate(true, INVEPT_SINGLE, (struct inv_desc){ npt_ept_pointer(&s->ept, vmx_caps.ept_ad), 0 });
	else
		invalidate(true, INVEPT_ALL, (struct inv_desc){ 0, 0 });
}

void vmx_invvpid(uint32_t vpid)
{
	/* Descriptor: the VPID in bits 15:0, the linear address in bits 127:64 (type 0 only). */
	if (vmx_caps.invvpid_single)
		invalidate(false, INVVPID_SINGLE, (struct inv_desc){ vpid, 0 });
	else
		invalidate(false, INVVPID_ALL, (struct inv_desc){ 0, 0 });
}
