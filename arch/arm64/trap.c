/* SPDX-License-Identifier: MIT */
/*
 * Trap dispatch at EL2: synchronous exceptions and SErrors to the fault
 * catcher or a crash report (ESR decoded: class, ISS fields, FAR), IRQs to
 * the GIC and the clock.
 */
#include <stdint.h>
#include <string.h>

#include <anvil/catch.h>
#include <anvil/clock.h>
#include <anvil/console.h>
#include <anvil/panic.h>
#include <arch/trap.h>

#include "arm64.h"

#define SPSR_EL2T_IRQ_OFF (SPSR_M_EL2T | SPSR_I | SPSR_F | SPSR_A | SPSR_D)

const char *arch_fault_name(uint32_t vector)
{
	const char *n = esr_ec_name(vector);
	return n ? n : "unallocated exception class";
}

static uint32_t fault_kind(uint64_t esr, struct fault_info *out)
{
	switch (esr_ec(esr)) {
	case ESR_EC_UNKNOWN: return FAULT_INVALID_OPCODE;
	case ESR_EC_DABT_SAME:
	case ESR_EC_IABT_SAME: {
		struct esr_fsc fsc = esr_fsc_decode(esr & ESR_FSC_MASK, esr_ec(esr) == ESR_EC_DABT_SAME);
		if (fsc.fault == ESR_FAULT_ALIGNMENT)
			return FAULT_GENERAL_PROTECTION;
		out->present = fsc.fault == ESR_FAULT_PERMISSION || fsc.fault == ESR_FAULT_ACCESS_FLAG;
		out->access = esr_ec(esr) == ESR_EC_IABT_SAME ? FAULT_ACCESS_EXEC
			      : (esr & ESR_DABT_WNR) && !(esr & ESR_DABT_CM) ? FAULT_ACCESS_WRITE
										: FAULT_ACCESS_READ;
		return FAULT_PAGE;
	}
	case ESR_EC_PC_ALIGN:
	case ESR_EC_SP_ALIGN:
	case ESR_EC_ILLEGAL_STATE: return FAULT_GENERAL_PROTECTION;
	default: return FAULT_OTHER;
	}
}

void arch_frame_fault_info(const struct arch_frame *f, struct fault_info *out)
{
	memset(out, 0, sizeof(*out));
	out->vector = esr_ec(f->esr);
	out->error_code = f->esr;
	out->has_error_code = true;
	out->addr = f->far;
	out->ip = f->elr;
	out->sp = f->sp;
	out->kind = f->kind == VEC_SYNC ? fault_kind(f->esr, out) : FAULT_OTHER;
}

/* Resume at ip on stack sp at EL2 with SP_EL0, everything masked (vectors.S writes SP_EL0). */
void arch_frame_redirect(struct arch_frame *f, uintptr_t ip, uintptr_t sp)
{
	f->elr = ip;
	f->sp = sp;
	f->spsr = SPSR_EL2T_IRQ_OFF;
}

uintptr_t arch_frame_fp(const struct arch_frame *f)
{
	return (uintptr_t)f->x[29];
}

void arch_frame_dump(const struct arch_frame *f)
{
	char line[ESR_FORMAT_MAX]; /* 200 cut the raw "(ESR 0x...)" off the longest lines */
	static const char *const kinds[4] = { "synchronous", "IRQ", "FIQ", "SError" };
	esr_format(line, sizeof(line), f->esr, f->far);
	kprintf("# %s exception: %s\n", kinds[f->kind & 3], line);
	kprintf("# elr %016lx spsr %016lx sp %016lx far %016lx\n", (unsigned long)f->elr, (unsigned long)f->spsr,
		(unsigned long)f->sp, (unsigned long)f->far);
	for (unsigned i = 0; i < 31; i += 4) {
		kprintf("#");
		for (unsigned j = i; j < i + 4 && j < 31; j++)
			kprintf(" x%-2u %016lx", j, (unsigned long)f->x[j]);
		kprintf("\n");
	}
}

void arm64_trap(struct arch_frame *f)
{
	struct fault_info fi;
	arch_frame_fault_info(f, &fi);
	if (catch_fault(f, &fi))
		return;
	kprintf("# unexpected %s in the hypervisor\n", arch_fault_name(fi.vector));
	arch_frame_dump(f);
	backtrace_from(f->elr, f->x[29]);
	panic("unexpected %s at pc 0x%lx", arch_fault_name(fi.vector), (unsigned long)f->elr);
}
