/* SPDX-License-Identifier: MIT */
/*
 * Events into the guest (SDM Vol 3C §27.6, "Event Injection"; §28.2.4,
 * "Information for VM Exits During Event Delivery"; docs/vmx.md,
 * "Events"). Injection through the VM-entry interruption information
 * delivers whatever the guest's RFLAGS.IF and interruptibility say (VM
 * entry even fails for an external interrupt with IF=0), so:
 *  - an exception the hypervisor injects goes in at the next entry;
 *  - an external interrupt waits until the guest can take it: if it cannot
 *    now, interrupt-window exiting is turned on, and that exit is the moment;
 *  - an NMI waits for no STI/MOV-SS shadow and no NMI blocking (NMI-window
 *    exiting where virtual NMIs exist; else the next exit looks again);
 *  - an event whose delivery an exit cut short (IDT-vectoring information
 *    valid, e.g. an EPT violation on the guest's IDT) goes in again first,
 *    software interrupts and exceptions with their instruction length, so
 *    the return address is right.
 */
#include <anvil/vm.h>

#include "vmx.h"
#include "vmx_ops.h"

#define INTR_STI (1u << 0)
#define INTR_MOV_SS (1u << 1)
#define INTR_NMI (1u << 3)
#define EXC_NMI 2u
/* Exceptions that push an error code (SDM Vol 3A §6.15); VM entry checks this where
   IA32_VMX_BASIC[56] is clear, so the hypervisor refuses anything else. */
#define EXC_WITH_ERROR ((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 17) | (1u << 21))

int vmx_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags)
{
	struct vmx_events *ev = &vmx_vcpu_of(v)->ev;
	bool with_error = flags & ANVIL_INJECT_ERROR_CODE;
	if (flags & ANVIL_INJECT_EXTERNAL || vector >= 32) {
		if (with_error || ev->intr_pending)
			return -1; /* interrupts push no error code; one may wait at a time */
		ev->intr_pending = true;
		ev->intr_vector = vector;
		return 0;
	}
	if (vector == EXC_NMI) {
		if (with_error || ev->nmi_pending)
			return -1;
		ev->nmi_pending = true;
		return 0;
	}
	if (ev->exception || (with_error && !((EXC_WITH_ERROR >> vector) & 1)))
		return -1;
	ev->exception = vmx_intr_info_make(vector, VMX_INTR_HW_EXCEPTION, with_error);
	ev->exception_error = error_code;
	return 0;
}

static void inject_now(uint32_t info, uint32_t error, uint32_t len)
{
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
	if (info & VMX_INTR_INFO_ERROR_CODE)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR, error);
	if (len)
		vmcs_write32(VMCS_ENTRY_INSN_LEN, len);
}

static void window(struct vmx_vcpu *c, uint32_t bit, bool open)
{
	vmx_set_proc(c, open ? c->proc | bit : c->proc & ~bit);
}

void vmx_events_before_entry(struct vmx_vcpu *c)
{
	struct vmx_events *ev = &c->ev;
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	bool shadow = intr & (INTR_STI | INTR_MOV_SS);
	if (ev->reinject) {
		inject_now(ev->reinject, ev->reinject_error, ev->reinject_len);
		ev->reinject = 0;
	} else if (ev->exception) {
		inject_now(ev->exception, ev->exception_error, 0);
		ev->exception = 0;
	} else if (ev->nmi_pending && !shadow && !(intr & INTR_NMI)) {
		inject_now(vmx_intr_info_make(EXC_NMI, VMX_INTR_NMI, false), 0, 0);
		ev->nmi_pending = false;
	} else if (ev->intr_pending && !shadow && (vmcs_readn(VMCS_GUEST_RFLAGS) & X86_RFLAGS_IF)) {
		inject_now(vmx_intr_info_make(ev->intr_vector, VMX_INTR_EXTERNAL, false), 0, 0);
		ev->intr_pending = false;
	}
	/* Still waiting (or another event went first): be told when the guest can take it. */
	window(c, VMX_PROC_INTR_WINDOW_EXIT, ev->intr_pending);
	if (vmx_caps.nmi_window)
		window(c, VMX_PROC_NMI_WINDOW_EXIT, ev->nmi_pending);
}

void vmx_events_after_exit(struct vmx_vcpu *c)
{
	const struct vmx_exit_fields *x = vmx_exit_now(c);
	struct vmx_events *ev = &c->ev;
	uint32_t basic = x->reason & VMX_REASON_BASIC_MASK;
	if (x->idt_info & VMX_INTR_INFO_VALID) {
		struct vmx_intr_info i;
		vmx_intr_info_decode(x->idt_info, VMX_INTR_FIELD_IDT_VECTORING, &i);
		/* The same event again; bit 12 is undefined in this field, the entry field reserves it. */
		ev->reinject = x->idt_info & ~VMX_INTR_INFO_NMI_UNBLOCKING;
		ev->reinject_error = x->idt_error;
		bool soft = i.type == VMX_INTR_SW_INTERRUPT || i.type == VMX_INTR_SW_EXCEPTION ||
			    i.type == VMX_INTR_PRIV_SW_EXCEPTION;
		ev->reinject_len = soft ? x->insn_len : 0;
		ev->reinjected++;
	}
	if (basic == VMX_EXIT_INTERRUPT_WINDOW)
		window(c, VMX_PROC_INTR_WINDOW_EXIT, false);
	if (basic == VMX_EXIT_NMI_WINDOW)
		window(c, VMX_PROC_NMI_WINDOW_EXIT, false);
}
