/* SPDX-License-Identifier: MIT */
/*
 * Events into the guest (APM Vol 2 §15.20 "Event Injection", §15.21
 * "Interrupts"). EVENTINJ delivers unconditionally, whatever the guest's
 * RFLAGS.IF and interrupt shadow say, so:
 *  - an exception the hypervisor injects goes in at the next VMRUN;
 *  - an external interrupt waits until the guest can take it: if it cannot
 *    now, the virtual interrupt window is opened (V_IRQ with the VINTR
 *    intercept), and the #VMEXIT(VINTR) it causes is the moment to inject;
 *  - an event whose delivery an exit cut short (EXITINTINFO valid, e.g. a
 *    nested page fault on the guest's IDT) is delivered again first.
 */
#include <anvil/vm.h>

#include "svm.h"

#define EXC_BP 3u
#define EXC_OF 4u
#define V_INTR_PRIO_TOP (0xfu << VMCB_INT_CTL_V_INTR_PRIO_SHIFT)

static uint64_t event(uint8_t vector, uint64_t type)
{
	return vector | type | VMCB_EVENTINJ_V;
}

int svm_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags)
{
	struct svm_events *ev = &svm_vcpu_of(v)->ev;
	if (flags & ANVIL_INJECT_EXTERNAL || vector >= 32) {
		if (flags & ANVIL_INJECT_ERROR_CODE || ev->intr_pending)
			return -1; /* interrupts push no error code; one may wait at a time */
		ev->intr_pending = true;
		ev->intr_vector = vector;
		return 0;
	}
	if (nested_exception_to_l1(v, svm_vcpu_of(v), vector, flags & ANVIL_INJECT_ERROR_CODE ? error_code : 0))
		return 0;
	if (ev->exception)
		return -1;
	uint64_t e = event(vector, vector == 2 ? VMCB_EVENTINJ_TYPE_NMI : VMCB_EVENTINJ_TYPE_EXCP);
	if (flags & ANVIL_INJECT_ERROR_CODE) {
		if (vector == 2)
			return -1; /* only exceptions push an error code */
		e |= VMCB_EVENTINJ_EV | ((uint64_t)error_code << VMCB_EVENTINJ_ERRCODE_SHIFT);
	}
	ev->exception = e;
	return 0;
}

/* IF set and no STI/MOV SS shadow: an interrupt injected now is taken at once, as in hardware. */
static bool can_take_interrupt(const struct vmcb *v)
{
	return (v->save.rflags & X86_RFLAGS_IF) && !(v->control.int_state & VMCB_INT_STATE_SHADOW);
}

static void window(struct svm_vcpu *c, bool open)
{
	struct vmcb *v = c->vmcb;
	if (c->ev.window_open == open)
		return;
	c->ev.window_open = open;
	uint32_t ctl = v->control.int_ctl & ~(VMCB_INT_CTL_V_IRQ | VMCB_INT_CTL_V_IGN_TPR | VMCB_INT_CTL_V_INTR_PRIO_MASK);
	/* Top priority, TPR ignored: the VINTR intercept fires as soon as IF and the shadow allow. */
	if (open)
		ctl |= VMCB_INT_CTL_V_IRQ | VMCB_INT_CTL_V_IGN_TPR | V_INTR_PRIO_TOP;
	vmcb_set_int_ctl(v, ctl);
	uint32_t misc1 = v->control.intercept_misc1;
	vmcb_set_intercept_misc1(v, open ? misc1 | VMCB_MISC1_VINTR : misc1 & ~VMCB_MISC1_VINTR);
}

void svm_events_before_vmrun(struct svm_vcpu *c, bool intr_allowed)
{
	struct svm_events *ev = &c->ev;
	struct vmcb *v = c->vmcb;
	uint64_t inj = 0;
	if (ev->reinject) {
		inj = ev->reinject;
		ev->reinject = 0;
	} else if (ev->exception) {
		inj = ev->exception;
		ev->exception = 0;
	} else if (ev->intr_pending && intr_allowed && can_take_interrupt(v)) {
		inj = event(ev->intr_vector, VMCB_EVENTINJ_TYPE_INTR);
		ev->intr_pending = false;
	}
	if (inj)
		vmcb_set_event_inj(v, inj);
	/* Still waiting (or another event went first): be told when the guest can take it. */
	window(c, ev->intr_pending && intr_allowed);
}

/*
 * A software interrupt or INT3/INTO cut short is not delivered again: RIP
 * still points at the instruction, which runs again and raises it anew
 * (re-injecting it would need the instruction's length for the return
 * address). Everything else goes in again exactly as it was.
 */
static bool redeliverable(uint64_t info)
{
	uint64_t type = info & VMCB_EVENTINJ_TYPE_MASK;
	uint8_t vector = (uint8_t)(info & VMCB_EVENTINJ_VECTOR_MASK);
	if (type == VMCB_EVENTINJ_TYPE_SOFT)
		return false;
	return !(type == VMCB_EVENTINJ_TYPE_EXCP && (vector == EXC_BP || vector == EXC_OF));
}

void svm_events_after_vmexit(struct svm_vcpu *c)
{
	struct vmcb *v = c->vmcb;
	uint64_t info = v->control.exit_int_info;
	if ((info & VMCB_EVENTINJ_V) && redeliverable(info)) {
		c->ev.reinject = info;
		c->ev.reinjected++;
	}
	/* The CPU consumed EVENTINJ at VMRUN; nothing stale goes in twice. */
	if (v->control.event_inj & VMCB_EVENTINJ_V)
		vmcb_set_event_inj(v, 0);
	if (v->control.exit_code == VMEXIT_VINTR)
		window(c, false);
}
