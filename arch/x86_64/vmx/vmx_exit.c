/* SPDX-License-Identifier: MIT */
/*
 * VM exit to arch-neutral exit record (SDM Vol 3C Appendix C, exit reasons;
 * §28.2.1, exit qualifications), moving the guest past the exiting
 * instruction (the VM-exit instruction length, cross-checked against the
 * decoder with audit=1), and the control-register accesses the host owns,
 * which this backend resolves itself (docs/vmx.md, "CR0, CR4 and CR8").
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/vm.h>

#include "vmx.h"
#include "vmx_ops.h"
#include "x86.h"
#include "x86_insn.h"

#define INSN_MAX 15u
#define EXC_PF 14u
#define EXC_DF 8u
#define INTR_STI (1u << 0)         /* guest interruptibility (SDM Vol 3C §25.4.2, Table 25-3) */
#define INTR_MOV_SS (1u << 1)
#define INTR_NMI (1u << 3)
#define ENTRY_FAIL_QUAL_PDPTE 2u   /* SDM Vol 3C §27.8, "VM-Entry Failures ..." */
#define ENTRY_FAIL_QUAL_NMI 3u
#define ENTRY_FAIL_QUAL_LINK 4u
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR4_PAE (1ull << 5)
#define CR3_PCID_NOFLUSH (1ull << 63)
#define CR8_TPR_MASK 0xfull
#define LMSW_BITS 0xfull           /* PE, MP, EM, TS */
#define PREFIX_ADDR_SIZE 0x67
#define SEG_DS 3u
#define SEG_ES 0u

/* ---- what the exit says ---- */

static void read_exit_fields(struct vmx_vcpu *c, uint32_t reason)
{
	c->head = (c->head + 1) & (VMX_EXIT_RING - 1);
	struct vmx_exit_fields *x = vmx_exit_now(c);
	*x = (struct vmx_exit_fields){ .reason = reason };
	x->qual = vmcs_readn(VMCS_EXIT_QUALIFICATION);
	x->insn_len = vmcs_read32(VMCS_EXIT_INSN_LEN);
	x->idt_info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	if (x->idt_info & VMX_INTR_INFO_VALID)
		x->idt_error = vmcs_read32(VMCS_IDT_VECTORING_ERROR);
	switch (reason & VMX_REASON_BASIC_MASK) {
	case VMX_EXIT_EXCEPTION_NMI:
		x->intr_info = vmcs_read32(VMCS_EXIT_INTR_INFO);
		x->intr_error = vmcs_read32(VMCS_EXIT_INTR_ERROR);
		break;
	case VMX_EXIT_EPT_VIOLATION:
	case VMX_EXIT_SPP_EVENT:
		x->gla = vmcs_readn(VMCS_GUEST_LINEAR_ADDR);
		/* fall through */
	case VMX_EXIT_EPT_MISCONFIG:
		x->gpa = vmcs_read64(VMCS_GUEST_PHYS_ADDR);
		break;
	case VMX_EXIT_IO_INSTRUCTION:
		if (x->qual & VMX_IO_QUAL_STRING) {
			x->insn_info = vmcs_read32(VMCS_EXIT_INSN_INFO);
			x->gla = vmcs_readn(VMCS_GUEST_LINEAR_ADDR);
		}
		break;
	default:
		break;
	}
}

/*
 * The address size and segment of a string I/O instruction, from its
 * prefixes: for CPUs whose IA32_VMX_BASIC[54] says the instruction
 * information is not filled.
 */
static void io_prefixes(struct vcpu *v, uint64_t ip, bool in, uint8_t *addr_size, uint8_t *seg)
{
	uint8_t b[INSN_MAX];
	*addr_size = 8;
	*seg = in ? SEG_ES : SEG_DS;
	if (!vm_read_gva(v, ip, b, sizeof(b)))
		return;
	for (unsigned i = 0; i < sizeof(b); i++) {
		switch (b[i]) {
		case PREFIX_ADDR_SIZE: *addr_size = 4; continue;
		case 0x26: if (!in) *seg = 0; continue; /* ES: INS always writes through ES */
		case 0x2e: if (!in) *seg = 1; continue;
		case 0x36: if (!in) *seg = 2; continue;
		case 0x3e: if (!in) *seg = 3; continue;
		case 0x64: if (!in) *seg = 4; continue;
		case 0x65: if (!in) *seg = 5; continue;
		case 0x66: case 0xf2: case 0xf3: case 0xf0: continue;
		default: return;
		}
	}
}

static void decode_io(struct vcpu *v, const struct vmx_exit_fields *x, struct vm_exit *e)
{
	struct vmx_io_exit io;
	vmx_io_exit_decode(x->qual, &io);
	e->kind = ANVIL_EXIT_IO;
	e->u.io.port = io.port;
	e->u.io.size = io.size;
	e->u.io.in = io.in;
	e->u.io.string = io.string;
	e->u.io.rep = io.rep;
	e->u.io.addr_size = 8;
	e->u.io.seg = io.in ? SEG_ES : SEG_DS;
	if (!io.string)
		return;
	struct vmx_ins_outs o;
	if (vmx_caps.ins_outs_info && vmx_ins_outs_decode(x->insn_info, &o)) {
		e->u.io.addr_size = o.addr_size;
		e->u.io.seg = io.in ? SEG_ES : o.seg;
	} else {
		io_prefixes(v, e->ip, io.in, &e->u.io.addr_size, &e->u.io.seg);
	}
}

/*
 * An IRET that unblocked NMIs faulted before it completed: it runs again,
 * so NMIs stay blocked until then (SDM Vol 3C §28.2.3, "Information about
 * NMI unblocking due to IRET").
 */
static void keep_nmi_blocked(const struct vmx_exit_fields *x, bool unblocking)
{
	if (unblocking && !(x->idt_info & VMX_INTR_INFO_VALID))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) | INTR_NMI);
}

static void decode_ept_violation(struct vmx_vm *s, const struct vmx_exit_fields *x, struct vm_exit *e)
{
	struct vmx_ept_violation ev;
	vmx_ept_violation_decode(x->qual, &ev);
	e->kind = ANVIL_EXIT_MEM_FAULT;
	e->u.mem.gpa = x->gpa;
	e->u.mem.access = ev.fetch ? ANVIL_ACCESS_X : ev.write ? ANVIL_ACCESS_W : ANVIL_ACCESS_R;
	e->u.mem.present = ev.present;
	e->u.mem.in_walk = ev.in_walk;
	/* The page is read-only in the EPT only because SPP guards it: the refusal is SPP's. */
	e->u.mem.spp = ev.write && !ev.in_walk && vmx_spp_owns_fault(s, x->gpa);
	keep_nmi_blocked(x, ev.nmi_unblocking);
}

static void decode_exception_nmi(const struct vmx_exit_fields *x, struct vm_exit *e)
{
	struct vmx_intr_info i;
	vmx_intr_info_decode(x->intr_info, VMX_INTR_FIELD_EXIT, &i);
	if (i.type == VMX_INTR_NMI) {
		e->kind = ANVIL_EXIT_NMI;
		return;
	}
	e->kind = ANVIL_EXIT_EXCEPTION;
	e->u.exc.vector = i.vector;
	e->u.exc.has_error = i.error_code;
	e->u.exc.error_code = x->intr_error;
	e->u.exc.addr = i.vector == EXC_PF ? x->qual : 0;
	if (i.vector != EXC_DF)
		keep_nmi_blocked(x, i.nmi_unblocking);
}

/* Bit 31 of the exit reason: the entry failed after the checks of controls and host state (§27.8). */
static void decode_entry_failure(uint32_t basic, uint64_t qual, struct vm_exit *e)
{
	static char what[120];
	const char *detail = qual == ENTRY_FAIL_QUAL_PDPTE ? "PDPTE loading"
			     : qual == ENTRY_FAIL_QUAL_NMI ? "NMI injection blocked"
			     : qual == ENTRY_FAIL_QUAL_LINK ? "VMCS link pointer"
							   : "no detail";
	if (basic == VMX_EXIT_ENTRY_FAIL_GUEST_STATE)
		snprintf(what, sizeof(what), "VM entry failure: invalid guest state (%s)", detail);
	else if (basic == VMX_EXIT_ENTRY_FAIL_MSR_LOAD)
		snprintf(what, sizeof(what), "VM entry failure: MSR loading, entry %lu", (unsigned long)qual);
	else
		snprintf(what, sizeof(what), "VM entry failure: %s", vmx_exit_reason_name(basic));
	e->kind = ANVIL_EXIT_FAILED_ENTRY;
	e->raw_name = what;
}

static void insn(struct vm_exit *e, enum anvil_exit_kind kind, const char *name)
{
	e->kind = kind;
	e->u.virt.insn = name;
}

/* ---- CR0, CR4, CR8: the host's bits (docs/vmx.md) ---- */

/* MOV CR's register number (Intel encoding) to the x86 handlers' register. */
static enum x86_reg cr_gpr(uint8_t n)
{
	static const enum x86_reg map[16] = {
		X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
		X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	};
	return map[n & 0xf];
}

static int inject_gp(struct vcpu *v)
{
	return vmx_inject(v, X86_VEC_GP, 0, ANVIL_INJECT_ERROR_CODE) ? -1 : 1;
}

/*
 * MOV to CR0 (or LMSW) that changes a host-owned bit: the guest keeps what
 * a CPU would let it have; VMX cannot run it with PE, NE or PG clear (no
 * unrestricted guest), which ends the payload with the reason.
 */
static int write_cr0(struct vcpu *v, struct vmx_vcpu *c, uint64_t val)
{
	if ((val >> 32) || ((val & CR0_NW) && !(val & CR0_CD)))
		return inject_gp(v); /* reserved bits, or NW without CD (SDM Vol 3A §2.5) */
	uint64_t lost = vmx_caps.cr0_fixed0 & ~val;
	if (lost) {
		vm_end(v->vm, VM_OUTCOME_GUEST_ERROR,
		       "guest cleared CR0 bits 0x%lx, which VMX without unrestricted guest keeps set (MOV CR0 at 0x%lx)",
		       (unsigned long)lost, (unsigned long)vmcs_readn(VMCS_GUEST_RIP));
		return -1;
	}
	c->cr0_shadow = val;
	vmcs_writen(VMCS_CR0_READ_SHADOW, val);
	vmcs_writen(VMCS_GUEST_CR0, vmx_cr_fixed_apply(val, vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
	return 0;
}

/* MOV to CR4: a bit the CPU lacks, VMXE (the guest has no VMX) or clearing PAE in long mode is #GP. */
static int write_cr4(struct vcpu *v, struct vmx_vcpu *c, uint64_t val)
{
	uint64_t cr4_vmxe = vmx_caps.cr4_fixed0 & ~c->cr4_shadow & c->cr4_mask; /* set by VMX, 0 for the guest */
	if ((val & ~vmx_caps.cr4_fixed1) || (val & cr4_vmxe) || !(val & CR4_PAE))
		return inject_gp(v);
	c->cr4_shadow = val;
	vmcs_writen(VMCS_CR4_READ_SHADOW, val);
	vmcs_writen(VMCS_GUEST_CR4, vmx_cr_fixed_apply(val, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1));
	return 0;
}

static int mov_to_cr(struct vcpu *v, struct vmx_vcpu *c, uint8_t cr, uint64_t val)
{
	switch (cr) {
	case 0: return write_cr0(v, c, val);
	case 4: return write_cr4(v, c, val);
	case 3: /* only with CR3-load exiting, which the CPU may force on (no true controls) */
		vmcs_writen(VMCS_GUEST_CR3, val & ~CR3_PCID_NOFLUSH);
		if (vmx_caps.vpid)
			vmx_invvpid(vmx_vm_of(v->vm)->vpid);
		return 0;
	case 8:
		if (val & ~CR8_TPR_MASK)
			return inject_gp(v);
		c->tpr = (uint8_t)val;
		return 0;
	default:
		return inject_gp(v);
	}
}

/* 0: done, skip the instruction; 1: an exception was injected instead; -1: the payload ended. */
static int cr_access(struct vcpu *v, struct vmx_vcpu *c, uint64_t qual)
{
	struct vmx_cr_access a;
	vmx_cr_access_decode(qual, &a);
	switch (a.type) {
	case VMX_CR_MOV_TO: return mov_to_cr(v, c, a.cr, x86_reg_get(v, cr_gpr(a.gpr)));
	case VMX_CR_MOV_FROM:
		x86_reg_set(v, cr_gpr(a.gpr), a.cr == 8 ? c->tpr : vmcs_readn(VMCS_GUEST_CR3));
		return 0;
	case VMX_CR_LMSW: { /* sets PE, MP, EM, TS; cannot clear PE */
		uint64_t cr0 = (vmcs_readn(VMCS_GUEST_CR0) & ~c->cr0_mask) | (c->cr0_shadow & c->cr0_mask);
		uint64_t src = a.lmsw_source & LMSW_BITS;
		return write_cr0(v, c, (cr0 & ~(LMSW_BITS & ~1ull)) | src | (cr0 & 1ull));
	}
	default: /* CLTS: TS is the guest's own bit, it never exits */
		return inject_gp(v);
	}
}

static void resolve_cr_access(struct vcpu *v, struct vmx_vcpu *c, struct vm_exit *e)
{
	e->kind = ANVIL_EXIT_ARCH; /* before the skip: the decoder does not know MOV CR, nothing to cross-check */
	e->raw_name = "CR access";
	if (cr_access(v, c, vmx_exit_now(c)->qual) == 0 && vmx_skip_instruction(v, e))
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "could not skip the CR access at 0x%lx", (unsigned long)e->ip);
}

/* ---- the decoder ---- */

static void decode_hypercall(const struct vmx_vcpu *c, struct vm_exit *e)
{
	e->kind = ANVIL_EXIT_HYPERCALL;
	e->u.hypercall.nr = c->gprs.rax;
	e->u.hypercall.a[0] = c->gprs.rdi;
	e->u.hypercall.a[1] = c->gprs.rsi;
	e->u.hypercall.a[2] = c->gprs.rdx;
	e->u.hypercall.a[3] = c->gprs.rcx;
}

/* One switch, the frequent exits first; this runs on every exit. */
void vmx_decode_exit(struct vcpu *v, struct vm_exit *e)
{
	struct vmx_vcpu *c = vmx_vcpu_of(v);
	struct vmx_vm *s = vmx_vm_of(v->vm);
	uint32_t reason = vmcs_read32(VMCS_EXIT_REASON);
	uint32_t basic = reason & VMX_REASON_BASIC_MASK;
	read_exit_fields(c, reason);
	const struct vmx_exit_fields *x = vmx_exit_now(c);
	e->raw_code = basic;
	e->ip = vmcs_readn(VMCS_GUEST_RIP);
	if (reason & VMX_REASON_ENTRY_FAILURE) {
		decode_entry_failure(basic, x->qual, e);
		return;
	}
	if ((x->idt_info & VMX_INTR_INFO_VALID) || basic == VMX_EXIT_INTERRUPT_WINDOW || basic == VMX_EXIT_NMI_WINDOW)
		vmx_events_after_exit(c);
	switch (basic) {
	case VMX_EXIT_VMCALL: decode_hypercall(c, e); return;
	case VMX_EXIT_CPUID:
		e->kind = ANVIL_EXIT_CPUID;
		e->u.cpuid.leaf = (uint32_t)c->gprs.rax;
		e->u.cpuid.subleaf = (uint32_t)c->gprs.rcx;
		return;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:
		e->kind = basic == VMX_EXIT_WRMSR ? ANVIL_EXIT_MSR_WRITE : ANVIL_EXIT_MSR_READ;
		e->u.msr.msr = (uint32_t)c->gprs.rcx;
		e->u.msr.value = (uint32_t)c->gprs.rax | (c->gprs.rdx << 32);
		return;
	case VMX_EXIT_IO_INSTRUCTION: decode_io(v, x, e); return;
	case VMX_EXIT_EXTERNAL_INTERRUPT: e->kind = ANVIL_EXIT_INTR; return;
	case VMX_EXIT_EPT_VIOLATION: decode_ept_violation(s, x, e); return;
	case VMX_EXIT_HLT: e->kind = ANVIL_EXIT_HLT; return;
	case VMX_EXIT_INTERRUPT_WINDOW:
	case VMX_EXIT_NMI_WINDOW: e->kind = ANVIL_EXIT_INTR_WINDOW; return;
	case VMX_EXIT_PREEMPTION_TIMER: e->kind = ANVIL_EXIT_TIMESLICE; return;
	case VMX_EXIT_EXCEPTION_NMI: decode_exception_nmi(x, e); return;
	case VMX_EXIT_CR_ACCESS: resolve_cr_access(v, c, e); return;
	case VMX_EXIT_SPP_EVENT:
		e->kind = ANVIL_EXIT_ARCH;
		vmx_spp_event(v, x->qual, x->gpa);
		return;
	case VMX_EXIT_EPT_MISCONFIG:
		e->kind = ANVIL_EXIT_ARCH;
		vmx_ept_misconfig(v, x->gpa);
		return;
	/* VMX instructions exit unconditionally in VMX non-root operation (SDM Vol 3C §26.1.2). */
	case VMX_EXIT_VMCLEAR: insn(e, ANVIL_EXIT_VIRT_INSN, "VMCLEAR"); return;
	case VMX_EXIT_VMLAUNCH: insn(e, ANVIL_EXIT_VIRT_INSN, "VMLAUNCH"); return;
	case VMX_EXIT_VMPTRLD: insn(e, ANVIL_EXIT_VIRT_INSN, "VMPTRLD"); return;
	case VMX_EXIT_VMPTRST: insn(e, ANVIL_EXIT_VIRT_INSN, "VMPTRST"); return;
	case VMX_EXIT_VMREAD: insn(e, ANVIL_EXIT_VIRT_INSN, "VMREAD"); return;
	case VMX_EXIT_VMRESUME: insn(e, ANVIL_EXIT_VIRT_INSN, "VMRESUME"); return;
	case VMX_EXIT_VMWRITE: insn(e, ANVIL_EXIT_VIRT_INSN, "VMWRITE"); return;
	case VMX_EXIT_VMXOFF: insn(e, ANVIL_EXIT_VIRT_INSN, "VMXOFF"); return;
	case VMX_EXIT_VMXON: insn(e, ANVIL_EXIT_VIRT_INSN, "VMXON"); return;
	case VMX_EXIT_INVEPT: insn(e, ANVIL_EXIT_VIRT_INSN, "INVEPT"); return;
	case VMX_EXIT_INVVPID: insn(e, ANVIL_EXIT_VIRT_INSN, "INVVPID"); return;
	case VMX_EXIT_VMFUNC: insn(e, ANVIL_EXIT_VIRT_INSN, "VMFUNC"); return;
	/* Instructions that would reach host state: emulated or refused (arch_exit_priv_insn). */
	case VMX_EXIT_INVD: insn(e, ANVIL_EXIT_PRIV_INSN, "INVD"); return;
	case VMX_EXIT_WBINVD: insn(e, ANVIL_EXIT_PRIV_INSN, "WBINVD"); return;
	case VMX_EXIT_XSETBV: insn(e, ANVIL_EXIT_PRIV_INSN, "XSETBV"); return;
	case VMX_EXIT_MONITOR: insn(e, ANVIL_EXIT_PRIV_INSN, "MONITOR"); return;
	case VMX_EXIT_MWAIT: insn(e, ANVIL_EXIT_PRIV_INSN, "MWAIT"); return;
	case VMX_EXIT_GETSEC: insn(e, ANVIL_EXIT_PRIV_INSN, "GETSEC"); return;
	case VMX_EXIT_TRIPLE_FAULT: e->kind = ANVIL_EXIT_SHUTDOWN; break;
	default: e->kind = ANVIL_EXIT_UNKNOWN; break;
	}
	/* The rare kinds the core reports by name. */
	e->raw_name = vmx_exit_reason_name(basic);
}

/* ---- skipping the exiting instruction ---- */

/* What the decoder must find at RIP for each exit that is skipped (as in svm_exit.c). */
static bool insn_matches(const struct vm_exit *e, enum x86_insn_kind i)
{
	switch (e->kind) {
	case ANVIL_EXIT_HYPERCALL: return i == X86_INSN_VMCALL;
	case ANVIL_EXIT_CPUID: return i == X86_INSN_CPUID;
	case ANVIL_EXIT_MSR_READ: return i == X86_INSN_RDMSR;
	case ANVIL_EXIT_MSR_WRITE: return i == X86_INSN_WRMSR;
	case ANVIL_EXIT_HLT: return i == X86_INSN_HLT;
	case ANVIL_EXIT_IO: return i == X86_INSN_IN || i == X86_INSN_OUT || i == X86_INSN_INS || i == X86_INSN_OUTS;
	case ANVIL_EXIT_PRIV_INSN:
		return i == X86_INSN_INVD || i == X86_INSN_WBINVD || i == X86_INSN_XSETBV || i == X86_INSN_MONITOR ||
		       i == X86_INSN_MWAIT;
	default: return false;
	}
}

/* With audit=1: does the decoder agree with the CPU's instruction length? (reported per payload) */
static void crosscheck_decoder(struct vcpu *v, struct vmx_vcpu *c, const struct vm_exit *e, uint32_t len)
{
	uint8_t bytes[INSN_MAX];
	size_t n = INSN_MAX;
	while (n && !vm_read_gva(v, e->ip, bytes, n))
		n--;
	struct x86_insn d;
	bool ok = n && !x86_insn_decode(bytes, n, &d) && insn_matches(e, d.kind) && d.len == len;
	c->decode_checked++;
	if (!ok && !c->decode_mismatches++) {
		c->decode_first_ip = e->ip;
		c->decode_first_len = len;
	}
}

/*
 * The skipped instruction completed: an STI or MOV SS shadow it ran in is
 * over (SDM Vol 3C §25.4.2: an exit inside the shadow saves the blocking).
 */
int vmx_skip_instruction(struct vcpu *v, const struct vm_exit *e)
{
	struct vmx_vcpu *c = vmx_vcpu_of(v);
	uint32_t len = vmx_exit_now(c)->insn_len;
	if (!len || len > INSN_MAX)
		return -1;
	if (v->vm->audit && e->kind != ANVIL_EXIT_ARCH)
		crosscheck_decoder(v, c, e, len);
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	if (intr & (INTR_STI | INTR_MOV_SS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~(INTR_STI | INTR_MOV_SS));
	vmcs_writen(VMCS_GUEST_RIP, e->ip + len);
	return 0;
}
