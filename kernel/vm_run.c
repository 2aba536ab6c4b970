/* SPDX-License-Identifier: MIT */
/*
 * The run loop: enter the guest, get one arch-neutral exit record back,
 * count it, dispatch it through the handler table, and go round again until
 * a handler ends the payload. Every state change of the vCPU is checked.
 */
#include <anvil/clock.h>
#include <anvil/console.h>
#include <anvil/hypercall.h>
#include <anvil/panic.h>
#include <anvil/vm.h>
#include <arch/cpu.h>
#include <arch/vmm.h>

/* 0: resume the guest; -1: the payload ends (vm_end() said why). */
typedef int (*vm_exit_handler)(struct vcpu *v, struct vm_exit *e);

static void set_state(struct vcpu *v, enum vcpu_state to)
{
	enum vcpu_state from = v->state;
	if (!vcpu_state_transition(&v->state, to))
		panic("vcpu of %s: illegal state change %s -> %s", v->vm->name, vcpu_state_name(from),
		      vcpu_state_name(to));
}

static int exit_halt(struct vcpu *v, struct vm_exit *e)
{
	/* No virtual timer yet: a HLT is counted and the guest goes on. */
	return v->vm->be->skip_instruction(v, e) ? (vm_end(v->vm, VM_OUTCOME_HV_ERROR,
				"could not skip HLT at 0x%lx", (unsigned long)e->ip), -1) : 0;
}

static int exit_mem_fault(struct vcpu *v, struct vm_exit *e)
{
	if (e->u.mem.spp)
		return vm_guest_spp_fault(v, e->u.mem.gpa, e->ip);
	return vm_guest_fault(v, e->u.mem.gpa, e->u.mem.access, e->ip, e->u.mem.in_walk);
}

static int exit_resume(struct vcpu *v, struct vm_exit *e)
{
	(void)v;
	(void)e;
	/* A host interrupt or NMI is taken as soon as the loop enables interrupts; the rest need nothing. */
	return 0;
}

static int exit_shutdown(struct vcpu *v, struct vm_exit *e)
{
	vm_end(v->vm, VM_OUTCOME_TRIPLE_FAULT, "guest triple fault (%s) near ip 0x%lx", e->raw_name,
	       (unsigned long)e->ip);
	return -1;
}

/*
 * Exceptions are intercepted only when a test asks (clean_bits' INTERCEPTS
 * touch): counted by the loop, then delivered to the guest as if nothing had
 * been in between.
 */
static int exit_exception(struct vcpu *v, struct vm_exit *e)
{
	uint32_t flags = e->u.exc.has_error ? ANVIL_INJECT_ERROR_CODE : 0;
	if (v->vm->be->inject(v, e->u.exc.vector, e->u.exc.error_code, flags)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not re-deliver the intercepted exception %u at ip 0x%lx",
		       e->u.exc.vector, (unsigned long)e->ip);
		return -1;
	}
	return 0;
}

static int exit_virt_insn(struct vcpu *v, struct vm_exit *e)
{
	/* No nested virtualization yet: the instruction does not exist for the guest. */
	klog(LOG_DEBUG, "%s: guest ran %s at 0x%lx: undefined", v->vm->name, e->u.virt.insn, (unsigned long)e->ip);
	if (v->vm->be->inject_undefined(v)) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not make %s an undefined instruction", e->u.virt.insn);
		return -1;
	}
	return 0;
}

static int exit_failed_entry(struct vcpu *v, struct vm_exit *e)
{
	vm_end(v->vm, VM_OUTCOME_HV_ERROR, "the CPU refused the guest state (%s, code 0x%lx)", e->raw_name,
	       (unsigned long)e->raw_code);
	return -1;
}

static int exit_unknown(struct vcpu *v, struct vm_exit *e)
{
	vm_end(v->vm, VM_OUTCOME_GUEST_ERROR, "unexpected exit %s (code 0x%lx) at ip 0x%lx", e->raw_name,
	       (unsigned long)e->raw_code, (unsigned long)e->ip);
	return -1;
}

/*
 * The kinds every arch has; the rest (CPUID, MSR and port I/O on x86, system
 * registers and SMC on arm64) go to the arch's own dispatcher, arch_exit().
 */
static const vm_exit_handler exit_handlers[ANVIL_EXIT_KIND_COUNT] = {
	[ANVIL_EXIT_HYPERCALL] = hypercall_exit,
	[ANVIL_EXIT_HLT] = exit_halt,
	[ANVIL_EXIT_MEM_FAULT] = exit_mem_fault,
	[ANVIL_EXIT_INTR] = exit_resume,
	[ANVIL_EXIT_NMI] = exit_resume,
	[ANVIL_EXIT_SHUTDOWN] = exit_shutdown,
	[ANVIL_EXIT_EXCEPTION] = exit_exception,
	[ANVIL_EXIT_VIRT_INSN] = exit_virt_insn,
	[ANVIL_EXIT_FAILED_ENTRY] = exit_failed_entry,
	[ANVIL_EXIT_UNKNOWN] = exit_unknown,
	[ANVIL_EXIT_INTR_WINDOW] = exit_resume,
	[ANVIL_EXIT_TIMESLICE] = exit_resume,
	[ANVIL_EXIT_ARCH] = exit_resume, /* the backend did all there was to do */
	[ANVIL_EXIT_MMIO] = vm_exit_mmio,
};

/*
 * Exit handlers run with interrupts off: the watchdog never unwinds the
 * hypervisor in the middle of an update (page allocator, heap, nested
 * tables, memslots). Host interrupts that arrived while the guest ran are
 * taken in one window right after the exit, where nothing is half done; the
 * tick there only marks the deadline as passed, and the loop ends the
 * payload before the next guest entry.
 */
void vm_run(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool irq = arch_irq_enabled();
	arch_irq_disable();
	while (vm->outcome == VM_OUTCOME_RUNNING) {
		if (clock_deadline_passed()) {
			vm_end(vm, VM_OUTCOME_TIMEOUT, "TIMEOUT after %lu ms", (unsigned long)vm->timeout_ms);
			break;
		}
		struct vm_exit e; /* the backend fills what the kind needs */
		e.kind = ANVIL_EXIT_UNKNOWN;
		e.raw_name = "none";
		set_state(v, VCPU_RUNNING);
		int r = vm->be->vcpu_run(v, &e);
		set_state(v, VCPU_EXITED);
		arch_irq_window();
		if (r) {
			vm_end(vm, VM_OUTCOME_HV_ERROR, "%s could not enter the guest", vm->be->name);
			break;
		}
		if ((unsigned)e.kind >= ANVIL_EXIT_KIND_COUNT) {
			vm_end(vm, VM_OUTCOME_HV_ERROR, "backend returned exit kind %u", (unsigned)e.kind);
			break;
		}
		vm->exit_counts[e.kind]++;
		vm_exit_handler h = exit_handlers[e.kind];
		if (h ? h(v, &e) : arch_exit(v, &e))
			break;
		if (vm->outcome != VM_OUTCOME_RUNNING)
			break;
		set_state(v, VCPU_READY);
	}
	set_state(v, VCPU_STOPPED);
	if (irq)
		arch_irq_enable();
}
