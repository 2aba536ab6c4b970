/* SPDX-License-Identifier: MIT */
/*
 * VMREAD and VMWRITE through typed accessors (docs/vmx.md, "VMCS field
 * access"). vmcs_read32(VMCS_EXIT_REASON) compiles only if the field's
 * encoding says it is 32 bits wide (SDM Vol 3C §25.11.2, "VMREAD, VMWRITE,
 * and Encodings of VMCS Fields": width in bits 14:13), so a 16-bit field
 * cannot be written as 64 bits by mistake. A failure (VMfailInvalid: no
 * current VMCS; VMfailValid: the VM-instruction error field says why, e.g.
 * 12 "VMREAD/VMWRITE from/to unsupported VMCS component") is recorded with
 * the field's name by vmx_vmcs_failed() and reported at the next entry.
 */
#ifndef VMX_OPS_H
#define VMX_OPS_H

#include <stdint.h>

#include "vmcs.h"

/* RFLAGS after a VMX instruction (SDM Vol 3C §31.2): CF = VMfailInvalid, ZF = VMfailValid. */
enum vmx_insn_result { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

void vmx_vmcs_failed(const char *op, uint32_t field, enum vmx_insn_result r);
/*
 * The same, right after the failing instruction: which of the two failures
 * it was is read from the VMCS (VMfailValid leaves a current VMCS whose
 * error field can be read; VMfailInvalid leaves none, so that VMREAD fails too).
 */
void vmx_vmcs_failed_now(const char *op, uint32_t field);

static inline enum vmx_insn_result vmx_result(uint8_t cf, uint8_t zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* The fast path is three instructions: the encoding, VMREAD, and JBE (CF or ZF set: it failed). */
static inline uint64_t vmcs_read_raw(uint32_t field)
{
	uint64_t v;
	__asm__ goto("vmread %[f], %[v]\n\tjbe %l[failed]"
		     : [v] "=r"(v)
		     : [f] "r"((uint64_t)field)
		     : "cc"
		     : failed);
	return v;
failed:
	vmx_vmcs_failed_now("VMREAD", field);
	return 0;
}

static inline void vmcs_write_raw(uint32_t field, uint64_t v)
{
	__asm__ goto("vmwrite %[v], %[f]\n\tjbe %l[failed]"
		     :
		     : [v] "r"(v), [f] "r"((uint64_t)field)
		     : "cc", "memory"
		     : failed);
	return;
failed:
	vmx_vmcs_failed_now("VMWRITE", field);
}

#define VMCS_CHECK_WIDTH(f, w) _Static_assert(VMCS_ENC_WIDTH(f) == (w), #f " has another width")

#define vmcs_read16(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); (uint16_t)vmcs_read_raw(f); })
#define vmcs_read32(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); (uint32_t)vmcs_read_raw(f); })
#define vmcs_read64(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); vmcs_read_raw(f); })
#define vmcs_readn(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); vmcs_read_raw(f); })

#define vmcs_write16(f, v) do { VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); vmcs_write_raw(f, (uint16_t)(v)); } while (0)
#define vmcs_write32(f, v) do { VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); vmcs_write_raw(f, (uint32_t)(v)); } while (0)
#define vmcs_write64(f, v) do { VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); vmcs_write_raw(f, (uint64_t)(v)); } while (0)
#define vmcs_writen(f, v) do { VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); vmcs_write_raw(f, (uint64_t)(v)); } while (0)

#endif
