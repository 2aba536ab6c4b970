/* SPDX-License-Identifier: MIT */
/*
 * VMX test services (ANVIL_HC_ARCH_TEST, guest_abi.h): the x86 and
 * nested-paging groups both backends share, and the VMX group: SPP, the
 * previous exit's information fields as the CPU reported them (so a payload
 * checks qualifications against what it knows it did), a deliberate EPT
 * misconfiguration, EPT accessed/dirty flags. Every payload closes with
 * cases for VMREAD/VMWRITE failures and the decoder cross-check.
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/vm.h>
#include <arch/cpu.h>

#include "vmx.h"
#include "vmx_ops.h"
#include "x86_np_test.h"
#include "x86_test.h"

#define EPT_MISCONFIG_CLEAR (NPT_EPT_R | NPT_EPT_X) /* leaves W alone: write-only, SDM Vol 3C §29.3.3.1 */

/* The newest exit with this basic reason before the hypercall's own (the ring's head), or none. */
static int last_exit(struct vcpu *v, uint64_t gva, uint64_t reason, int *bad_arg)
{
	const struct vmx_vcpu *c = vmx_vcpu_of(v);
	static const struct vmx_exit_fields none = { .reason = VMX_NO_EXIT };
	const struct vmx_exit_fields *x = &none;
	if (reason >= VMX_REASONS) {
		*bad_arg = 2;
		return -1;
	}
	for (unsigned back = 1; back < VMX_EXIT_RING && x == &none; back++) {
		const struct vmx_exit_fields *r = &c->ring[(c->head - back) & (VMX_EXIT_RING - 1)];
		if (r->reason != VMX_NO_EXIT && (r->reason & VMX_REASON_BASIC_MASK) == reason)
			x = r;
	}
	struct anvil_vmx_exit out = {
		.reason = x->reason, .insn_len = x->insn_len, .insn_info = x->insn_info,
		.intr_info = x->intr_info, .intr_error = x->intr_error, .idt_info = x->idt_info,
		.idt_error = x->idt_error, .qualification = x->qual, .gpa = x->gpa, .gla = x->gla,
	};
	*bad_arg = 1;
	return vm_write_gva(v, gva, &out, sizeof(out)) ? 0 : -1;
}

/* One page at a time; its rights come back when the access that finds it exits (vmx_ept_misconfig). */
static int misconfigure(struct vcpu *v, uint64_t gpa, uint64_t *result, int *bad_arg)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	uint64_t old;
	*bad_arg = 1;
	if (s->misconfig_gpa != ~0ull || !vm_gpa_ptr(v->vm, gpa, 1) ||
	    npt_leaf_update(&s->ept, gpa, EPT_MISCONFIG_CLEAR, NPT_EPT_W, true, &old))
		return -1;
	s->misconfig_gpa = gpa & ~(uint64_t)(ARCH_PAGE_SIZE - 1);
	s->misconfig_access = (uint32_t)(old & NPT_EPT_RWX);
	s->ept_stale = true;
	*result = s->misconfigs;
	return 0;
}

int vmx_ept_misconfig(struct vcpu *v, uint64_t gpa)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	uint64_t page = gpa & ~(uint64_t)(ARCH_PAGE_SIZE - 1), entry = 0;
	if (page != s->misconfig_gpa) {
		npt_leaf_update(&s->ept, gpa, 0, 0, false, &entry);
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "EPT misconfiguration at guest-physical 0x%lx (leaf 0x%lx)",
		       (unsigned long)gpa, (unsigned long)entry);
		return -1;
	}
	npt_leaf_update(&s->ept, page, NPT_EPT_RWX, s->misconfig_access, true, NULL);
	s->misconfig_gpa = ~0ull;
	s->misconfigs++;
	s->ept_stale = true;
	return 0;
}

static int ept_ad(struct vcpu *v, uint64_t gpa, uint64_t *result, int *bad_arg)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	uint64_t old;
	if (!vmx_caps.ept_ad) {
		*result = ANVIL_TEST_UNSUPPORTED;
		return 0;
	}
	*bad_arg = 1;
	if (npt_leaf_update(&s->ept, gpa, NPT_EPT_ACCESSED | NPT_EPT_DIRTY, 0, false, &old))
		return -1;
	*result = ((old & NPT_EPT_ACCESSED) ? ANVIL_EPT_ACCESSED : 0) | ((old & NPT_EPT_DIRTY) ? ANVIL_EPT_DIRTY : 0);
	s->ept_stale = true; /* the CPU sets them again only if it walks the tables again */
	return 0;
}

static int vmx_group(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg)
{
	switch (a[0]) {
	case ANVIL_VMX_TEST_SPP_PROTECT:
		if (a[2] > UINT32_MAX) {
			*bad_arg = 2;
			return -1;
		}
		return vmx_spp_protect(v->vm, a[1], (uint32_t)a[2], result, bad_arg);
	case ANVIL_VMX_TEST_SPP_CLEAR: return vmx_spp_clear(v->vm, a[1], result, bad_arg);
	case ANVIL_VMX_TEST_LAST_EXIT: return last_exit(v, a[1], a[2], bad_arg);
	case ANVIL_VMX_TEST_EPT_MISCONFIGURE: return misconfigure(v, a[1], result, bad_arg);
	case ANVIL_VMX_TEST_EPT_AD: return ept_ad(v, a[1], result, bad_arg);
	case ANVIL_VMX_TEST_TIMESLICE: {
		uint32_t ticks = vmx_vcpu_of(v)->preempt_ticks;
		*result = ticks ? (uint64_t)ticks << vmx_misc_preemption_shift(vmx_caps.misc) : ANVIL_TEST_UNSUPPORTED;
		return 0;
	}
	default: return -1;
	}
}

int vmx_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n)
{
	struct vmx_vm *s = vmx_vm_of(v->vm);
	*result = 0;
	*bad_arg = 0;
	int r;
	switch (a[0] & ~0xffull) {
	case 0x100: return x86_arch_test(v, a, result, bad_arg, why, n);
	case 0x200: r = x86_np_test(v->vm, &s->ept, NULL, a, result, bad_arg); break;
	case 0x400: r = vmx_group(v, a, result, bad_arg); break;
	default:
		snprintf(why, n, "unknown test operation 0x%lx (not a VMX one)", (unsigned long)a[0]);
		return -1;
	}
	if (r)
		snprintf(why, n, "test operation 0x%lx refused its argument", (unsigned long)a[0]);
	return r;
}

/* Every skipped instruction's length was also decoded with audit=1: did they agree? */
static void report_decode_crosscheck(struct vcpu *v, const struct vmx_vcpu *c)
{
	char detail[160];
	if (!v->vm->audit) {
		vm_report_skip(v->vm, "insn_length_decode_match", "cross-check off with the auditor (audit=0)");
		return;
	}
	if (!c->decode_checked) {
		vm_report_skip(v->vm, "insn_length_decode_match", "no instruction was skipped");
		return;
	}
	if (!c->decode_mismatches) {
		snprintf(detail, sizeof(detail), "%lu decoded lengths match the VM-exit instruction length",
			 (unsigned long)c->decode_checked);
		vm_report(v->vm, true, "insn_length_decode_match", detail);
		return;
	}
	snprintf(detail, sizeof(detail), "%lu of %lu decodes disagree with the CPU; first at ip 0x%lx (CPU length %lu)",
		 (unsigned long)c->decode_mismatches, (unsigned long)c->decode_checked,
		 (unsigned long)c->decode_first_ip, (unsigned long)c->decode_first_len);
	vm_report(v->vm, false, "insn_length_decode_match", detail);
}

void vmx_report_final(struct vcpu *v)
{
	struct vmx_vcpu *c = vmx_vcpu_of(v);
	if (!c)
		return;
	report_decode_crosscheck(v, c);
	char first[160], detail[220];
	uint64_t failed = vmx_vmcs_failures(first, sizeof(first));
	snprintf(detail, sizeof(detail), "%lu exits; VMREAD/VMWRITE failures since boot: %lu (first: %s)",
		 (unsigned long)c->exits, (unsigned long)failed, first);
	vm_report(v->vm, failed == 0, "vmcs_access", detail);
}
