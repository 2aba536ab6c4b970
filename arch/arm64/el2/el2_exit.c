/* SPDX-License-Identifier: MIT */
/*
 * From an exception taken to EL2 out of the guest to the neutral exit record
 * (ESR_EL2 decoding: lib/esr.h), and the register-level actions the core
 * asks for afterwards: moving past an instruction, a hypercall's result, an
 * emulated MMIO read's value, and the guest's own undefined-instruction
 * exception.
 *
 * Every record's ip is the exiting instruction itself, so skipping is +4
 * for every class. HVC is the one class whose preferred return address is
 * the next instruction (Arm ARM D1.10.4): its pc is moved back by 4 here.
 */
#include <anvil/hypercall.h>
#include <arch/cpu.h>

#include "arm64.h"
#include "el2.h"
#include "smccc.h"

#define AARCH64_INSN_SIZE 4u
#define ANVIL_FID_BASE 0xc6000000u  /* SMCCC fast, SMC64/HVC64, vendor-specific hypervisor */
#define ANVIL_FID_NR_MASK 0xffffu
#define VBAR_CURRENT_SP0 0x000u      /* Arm ARM D1.10.2, offsets into the vector table */
#define VBAR_CURRENT_SPX 0x200u
#define VBAR_LOWER_A64 0x400u
#define SPSR_M_EL_MASK 0xcull
#define SPSR_M_SP 1ull

uint64_t el2_get_reg(const struct el2_vcpu *c, unsigned reg)
{
	return reg < 31 ? c->ctx.x[reg] : 0;
}

void el2_set_reg(struct el2_vcpu *c, unsigned reg, uint64_t value)
{
	if (reg < 31)
		c->ctx.x[reg] = value;
}

static bool decode_hvc(struct vcpu *v, struct el2_vcpu *c, struct vm_exit *e)
{
	uint64_t fid = c->ctx.x[0];
	c->ctx.pc -= AARCH64_INSN_SIZE;
	e->ip = c->ctx.pc;
	if ((fid & ~(uint64_t)ANVIL_FID_NR_MASK) == ANVIL_FID_BASE) {
		uint64_t nr = fid & ANVIL_FID_NR_MASK;
		if (v->minimal_exits && nr != ANVIL_HC_MINIMAL_EXITS) {
			c->ctx.pc += AARCH64_INSN_SIZE;
			return true;
		}
		e->kind = ANVIL_EXIT_HYPERCALL;
		e->raw_name = "HVC";
		e->u.hypercall.nr = nr;
		for (int i = 0; i < 4; i++)
			e->u.hypercall.a[i] = c->ctx.x[1 + i];
		return false;
	}
	/* PSCI and the SMCCC calls through the HVC conduit: the same emulation as SMC's. */
	e->kind = ANVIL_EXIT_SMC;
	e->raw_name = "HVC";
	e->u.smc.fn = fid;
	for (int i = 0; i < 3; i++)
		e->u.smc.a[i] = c->ctx.x[1 + i];
	return false;
}

static void decode_smc(struct el2_vcpu *c, struct vm_exit *e)
{
	e->kind = ANVIL_EXIT_SMC;
	e->raw_name = "SMC";
	e->u.smc.fn = c->ctx.x[0];
	for (int i = 0; i < 3; i++)
		e->u.smc.a[i] = c->ctx.x[1 + i];
}

static void decode_sysreg(struct el2_vcpu *c, struct vm_exit *e)
{
	struct esr_sysreg s;
	esr_sysreg_decode(c->ctx.esr, &s);
	e->kind = ANVIL_EXIT_SYSREG;
	e->raw_name = s.read ? "MRS" : "MSR";
	e->u.sysreg.encoding = s.key;
	e->u.sysreg.read = s.read;
	e->u.sysreg.reg = (uint8_t)s.rt;
	e->u.sysreg.value = s.read ? 0 : el2_get_reg(c, s.rt);
}

/* A stage-2 abort: an emulated device register (a decoded data access to a registered range) or a memory fault. */
static void decode_abort(struct vcpu *v, struct el2_vcpu *c, bool data, struct vm_exit *e)
{
	struct esr_dabt d = { 0 };
	struct esr_iabt i = { 0 };
	unsigned fsc;
	bool s1ptw;
	if (data) {
		esr_dabt_decode(c->ctx.esr, &d);
		fsc = d.dfsc;
		s1ptw = d.s1ptw;
	} else {
		esr_iabt_decode(c->ctx.esr, &i);
		fsc = i.ifsc;
		s1ptw = i.s1ptw;
	}
	struct esr_fsc f = esr_fsc_decode(fsc, data);
	bool stage2 = f.fault == ESR_FAULT_TRANSLATION || f.fault == ESR_FAULT_PERMISSION ||
		      f.fault == ESR_FAULT_ACCESS_FLAG || f.fault == ESR_FAULT_ADDR_SIZE;
	if (!stage2 || (data ? d.fnv : i.fnv)) {
		e->kind = ANVIL_EXIT_UNKNOWN;
		e->raw_name = data ? "data abort (not a stage-2 fault)" : "instruction abort (not a stage-2 fault)";
		e->raw_code = c->ctx.esr;
		return;
	}
	uint64_t ipa = esr_hpfar_ipa(c->ctx.hpfar, c->ctx.far);
	if (data && d.isv && !s1ptw && !d.cm && vm_mmio_claims(v->vm, ipa)) {
		e->kind = ANVIL_EXIT_MMIO;
		e->raw_name = "data abort (MMIO)";
		e->u.mmio.gpa = ipa;
		e->u.mmio.size = (uint8_t)d.size;
		e->u.mmio.write = d.write;
		e->u.mmio.reg = (uint8_t)d.srt;
		e->u.mmio.sign_extend = d.sse;
		e->u.mmio.value = d.write ? el2_get_reg(c, d.srt) : 0;
		if (d.write && d.size < 8)
			e->u.mmio.value &= (1ull << (8 * d.size)) - 1;
		return;
	}
	e->kind = ANVIL_EXIT_MEM_FAULT;
	e->raw_name = data ? "data abort" : "instruction abort";
	e->u.mem.gpa = ipa;
	e->u.mem.access = !data ? ANVIL_ACCESS_X : (d.write && !d.cm) ? ANVIL_ACCESS_W : ANVIL_ACCESS_R;
	e->u.mem.present = f.fault == ESR_FAULT_PERMISSION;
	e->u.mem.in_walk = s1ptw;
	e->u.mem.spp = false;
}

static void decode_sync(struct vcpu *v, struct el2_vcpu *c, struct vm_exit *e, bool *minimal)
{
	unsigned ec = esr_ec(c->ctx.esr);
	e->raw_code = c->ctx.esr;
	switch (ec) {
	case ESR_EC_HVC64:
		*minimal = decode_hvc(v, c, e);
		return;
	case ESR_EC_SMC64:
		decode_smc(c, e);
		return;
	case ESR_EC_SYS64:
		decode_sysreg(c, e);
		return;
	case ESR_EC_WFX: {
		struct esr_wfx w;
		esr_wfx_decode(c->ctx.esr, &w);
		e->kind = ANVIL_EXIT_HLT;
		e->raw_name = w.ti == ESR_WFX_WFI ? "WFI" : "WFE";
		return;
	}
	case ESR_EC_DABT_LOWER:
		decode_abort(v, c, true, e);
		return;
	case ESR_EC_IABT_LOWER:
		decode_abort(v, c, false, e);
		return;
	default: {
		const char *name = esr_ec_name(ec);
		e->kind = ANVIL_EXIT_UNKNOWN;
		e->raw_name = name ? name : "unallocated exception class";
		return;
	}
	}
}

bool el2_decode_exit(struct vcpu *v, uint64_t kind, struct vm_exit *e)
{
	struct el2_vcpu *c = el2_vcpu_of(v);
	bool minimal = false;
	e->ip = c->ctx.pc;
	e->raw_code = kind;
	switch (kind) {
	case VEC_SYNC:
		decode_sync(v, c, e, &minimal);
		break;
	case VEC_IRQ:
	case VEC_FIQ:
		e->kind = ANVIL_EXIT_INTR;
		e->raw_name = kind == VEC_IRQ ? "IRQ" : "FIQ";
		break;
	default:
		e->kind = ANVIL_EXIT_UNKNOWN;
		e->raw_name = "SError";
		e->raw_code = c->ctx.esr;
		break;
	}
	return minimal;
}

int el2_skip_instruction(struct vcpu *v, const struct vm_exit *e)
{
	(void)e;
	el2_vcpu_of(v)->ctx.pc += AARCH64_INSN_SIZE;
	return 0;
}

void el2_set_ip(struct vcpu *v, uint64_t ip)
{
	el2_vcpu_of(v)->ctx.pc = ip;
}

void el2_set_result(struct vcpu *v, uint64_t value)
{
	el2_vcpu_of(v)->ctx.x[0] = value;
}

/* No asynchronous exceptions or vectors to inject yet (the vGIC brings virtual interrupts). */
int el2_inject(struct vcpu *v, uint8_t vector, uint32_t error_code, uint32_t flags)
{
	(void)v;
	(void)vector;
	(void)error_code;
	(void)flags;
	return -1;
}

/*
 * A synchronous exception taken to EL1 with syndrome `esr`, as the CPU
 * would take it (Arm ARM D1.10 "Exception entry"): ESR_EL1 = esr,
 * ELR_EL1 = the instruction, SPSR_EL1 = PSTATE, then EL1h with DAIF masked
 * at the vector for where the guest was (EL1t, EL1h or EL0).
 */
int el2_inject_sync(struct vcpu *v, uint64_t esr)
{
	struct el2_vcpu *c = el2_vcpu_of(v);
	uint64_t pstate = c->ctx.pstate, off;
	if ((pstate & SPSR_M_EL_MASK) == 0)
		off = VBAR_LOWER_A64;
	else
		off = (pstate & SPSR_M_SP) ? VBAR_CURRENT_SPX : VBAR_CURRENT_SP0;
	write_sysreg(esr_el1, esr);
	write_sysreg(elr_el1, c->ctx.pc);
	write_sysreg(spsr_el1, pstate);
	c->ctx.pstate = SPSR_M_EL1H | SPSR_D | SPSR_A | SPSR_I | SPSR_F;
	c->ctx.pc = read_sysreg(vbar_el1) + off;
	return 0;
}

/* An Undefined Instruction exception: EC 0 with IL. */
int el2_inject_undefined(struct vcpu *v)
{
	return el2_inject_sync(v, (uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL);
}

int el2_complete_mmio(struct vcpu *v, const struct vm_exit *e, uint64_t value)
{
	struct el2_vcpu *c = el2_vcpu_of(v);
	if (!e->u.mmio.write) {
		unsigned bits = 8u * e->u.mmio.size;
		if (bits < 64) {
			value &= (1ull << bits) - 1;
			if (e->u.mmio.sign_extend && (value >> (bits - 1)) & 1)
				value |= ~0ull << bits;
		}
		struct esr_dabt d;
		esr_dabt_decode(c->ctx.esr, &d);
		if (!d.sf)
			value &= 0xffffffffull; /* a W register: the upper half is zeroed */
		el2_set_reg(c, e->u.mmio.reg, value);
	}
	c->ctx.pc += AARCH64_INSN_SIZE;
	return 0;
}
