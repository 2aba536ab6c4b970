/* SPDX-License-Identifier: MIT */
/*
 * #VMEXIT to arch-neutral exit record, and moving the guest past an
 * intercepted instruction: NRIP when the CPU saves it, EXITINFO2 for port I/O
 * (always provided), otherwise the instruction bytes decoded at the guest's
 * RIP (QEMU TCG has no NRIPS).
 */
#include <stdio.h>

#include <anvil/vm.h>

#include "svm.h"
#include "x86_insn.h"

#define INSN_MAX 15u
#define EXITCODE_INVALID_32 0xffffffffull /* VMEXIT_INVALID as QEMU 7.2 writes it */
#define EXC_PF 14u
/* Exceptions that push an error code (APM Vol 2 §8.2). */
#define EXC_WITH_ERROR ((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 17) | (1u << 21) | (1u << 29) | (1u << 30))

static uint8_t io_size(uint64_t info)
{
	return (info & VMCB_IOIO_SZ32) ? 4 : (info & VMCB_IOIO_SZ16) ? 2 : 1;
}

static uint8_t io_addr_size(uint64_t info)
{
	return (info & VMCB_IOIO_A64) ? 8 : (info & VMCB_IOIO_A32) ? 4 : 2;
}

static void decode_io(struct vm_exit *e, uint64_t info)
{
	e->kind = ANVIL_EXIT_IO;
	e->u.io.port = (uint16_t)((info & VMCB_IOIO_PORT_MASK) >> VMCB_IOIO_PORT_SHIFT);
	e->u.io.size = io_size(info);
	e->u.io.in = info & VMCB_IOIO_TYPE_IN;
	e->u.io.string = info & VMCB_IOIO_STR;
	e->u.io.rep = info & VMCB_IOIO_REP;
	e->u.io.addr_size = io_addr_size(info);
	e->u.io.seg = (uint8_t)((info & VMCB_IOIO_SEG_MASK) >> VMCB_IOIO_SEG_SHIFT);
}

static void decode_npf(struct vm_exit *e, uint64_t info1, uint64_t info2)
{
	e->kind = ANVIL_EXIT_MEM_FAULT;
	e->u.mem.gpa = info2;
	e->u.mem.access = (info1 & VMCB_NPF_ID) ? ANVIL_ACCESS_X : (info1 & VMCB_NPF_RW) ? ANVIL_ACCESS_W : ANVIL_ACCESS_R;
	e->u.mem.present = info1 & VMCB_NPF_P;
	e->u.mem.in_walk = info1 & VMCB_NPF_GUEST_TABLE;
	e->u.mem.spp = false;
}

static void decode_exception(struct vm_exit *e, uint64_t code, uint64_t info1, uint64_t info2)
{
	uint8_t vec = (uint8_t)(code - VMEXIT_EXCP_BASE);
	e->kind = ANVIL_EXIT_EXCEPTION;
	e->u.exc.vector = vec;
	e->u.exc.has_error = (EXC_WITH_ERROR >> vec) & 1;
	e->u.exc.error_code = (uint32_t)info1;
	e->u.exc.addr = vec == EXC_PF ? info2 : 0;
}

static void insn(struct vm_exit *e, enum anvil_exit_kind kind, const char *name)
{
	e->kind = kind;
	e->u.virt.insn = name;
}

/* One switch, the frequent exits first; this runs on every exit. */
static void decode(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	const struct vmcb *vmcb = s->vmcb;
	uint64_t code = vmcb->control.exit_code;
	uint64_t info1 = vmcb->control.exit_info1;
	if (code == EXITCODE_INVALID_32)
		code = VMEXIT_INVALID; /* docs/emulator-quirks.md, qemu-svm-vmexit-invalid-32bit */
	e->raw_code = code;
	e->ip = vmcb->save.rip;
	switch (code) {
	case VMEXIT_VMMCALL:
		e->kind = ANVIL_EXIT_HYPERCALL;
		e->u.hypercall.nr = vmcb->save.rax;
		e->u.hypercall.a[0] = s->gprs.rdi;
		e->u.hypercall.a[1] = s->gprs.rsi;
		e->u.hypercall.a[2] = s->gprs.rdx;
		e->u.hypercall.a[3] = s->gprs.rcx;
		return;
	case VMEXIT_CPUID:
		e->kind = ANVIL_EXIT_CPUID;
		e->u.cpuid.leaf = (uint32_t)vmcb->save.rax;
		e->u.cpuid.subleaf = (uint32_t)s->gprs.rcx;
		return;
	case VMEXIT_MSR:
		e->kind = info1 ? ANVIL_EXIT_MSR_WRITE : ANVIL_EXIT_MSR_READ;
		e->u.msr.msr = (uint32_t)s->gprs.rcx;
		e->u.msr.value = (uint32_t)vmcb->save.rax | (s->gprs.rdx << 32);
		return;
	case VMEXIT_IOIO: decode_io(e, info1); return;
	case VMEXIT_INTR: e->kind = ANVIL_EXIT_INTR; return;
	case VMEXIT_NPF: decode_npf(e, info1, vmcb->control.exit_info2); return;
	case VMEXIT_HLT: e->kind = ANVIL_EXIT_HLT; return;
	case VMEXIT_VINTR: e->kind = ANVIL_EXIT_INTR_WINDOW; return;
	case VMEXIT_NMI: e->kind = ANVIL_EXIT_NMI; return;
	case VMEXIT_VMRUN: insn(e, ANVIL_EXIT_VIRT_INSN, "VMRUN"); return;
	case VMEXIT_VMLOAD: insn(e, ANVIL_EXIT_VIRT_INSN, "VMLOAD"); return;
	case VMEXIT_VMSAVE: insn(e, ANVIL_EXIT_VIRT_INSN, "VMSAVE"); return;
	case VMEXIT_STGI: insn(e, ANVIL_EXIT_VIRT_INSN, "STGI"); return;
	case VMEXIT_CLGI: insn(e, ANVIL_EXIT_VIRT_INSN, "CLGI"); return;
	case VMEXIT_SKINIT: insn(e, ANVIL_EXIT_VIRT_INSN, "SKINIT"); return;
	case VMEXIT_INVLPGA: insn(e, ANVIL_EXIT_VIRT_INSN, "INVLPGA"); return;
	/* Instructions that would reach host state: emulated or refused (arch_exit_priv_insn). */
	case VMEXIT_INVD: insn(e, ANVIL_EXIT_PRIV_INSN, "INVD"); return;
	case VMEXIT_WBINVD: insn(e, ANVIL_EXIT_PRIV_INSN, "WBINVD"); return;
	case VMEXIT_XSETBV: insn(e, ANVIL_EXIT_PRIV_INSN, "XSETBV"); return;
	case VMEXIT_MONITOR: insn(e, ANVIL_EXIT_PRIV_INSN, "MONITOR"); return;
	case VMEXIT_MWAIT: case VMEXIT_MWAIT_COND: insn(e, ANVIL_EXIT_PRIV_INSN, "MWAIT"); return;
	case VMEXIT_RDPRU: insn(e, ANVIL_EXIT_PRIV_INSN, "RDPRU"); return;
	case VMEXIT_SHUTDOWN: e->kind = ANVIL_EXIT_SHUTDOWN; break;
	case VMEXIT_INVALID: e->kind = ANVIL_EXIT_FAILED_ENTRY; break;
	default:
		if (code >= VMEXIT_EXCP_BASE && code <= VMEXIT_EXCP_LAST) {
			decode_exception(e, code, info1, vmcb->control.exit_info2);
			return;
		}
		e->kind = ANVIL_EXIT_UNKNOWN;
		break;
	}
	/* The rare kinds the core reports by name. */
	e->raw_name = vmcb_exit_name(code);
}

void svm_decode_exit(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	decode(v, e);
	if (!s->nested.enabled)
		return;
	if (nested_in_l2(&s->nested))
		nested_l2_exit(v, s, e);
	else
		nested_l1_exit(v, e);
}

/* What the decoder must find at RIP for each exit that is skipped by decoding. */
static bool insn_matches(enum anvil_exit_kind k, enum x86_insn_kind i)
{
	switch (k) {
	case ANVIL_EXIT_HYPERCALL: return i == X86_INSN_VMMCALL;
	case ANVIL_EXIT_CPUID: return i == X86_INSN_CPUID;
	case ANVIL_EXIT_MSR_READ: return i == X86_INSN_RDMSR;
	case ANVIL_EXIT_MSR_WRITE: return i == X86_INSN_WRMSR;
	case ANVIL_EXIT_HLT: return i == X86_INSN_HLT;
	case ANVIL_EXIT_PRIV_INSN:
		return i == X86_INSN_INVD || i == X86_INSN_WBINVD || i == X86_INSN_XSETBV || i == X86_INSN_MONITOR ||
		       i == X86_INSN_MWAIT || i == X86_INSN_RDPRU;
	case ANVIL_EXIT_VIRT_INSN: /* nested SVM steps L1 over these */
		return i == X86_INSN_VMRUN || i == X86_INSN_VMLOAD || i == X86_INSN_VMSAVE || i == X86_INSN_STGI ||
		       i == X86_INSN_CLGI || i == X86_INSN_INVLPGA;
	default: return false;
	}
}

static int decoded_length(struct vcpu *v, const struct vm_exit *e, unsigned *len)
{
	uint8_t bytes[INSN_MAX];
	size_t n = INSN_MAX;
	/* The bytes may end at the edge of guest memory: take what is readable. */
	while (n && !vm_read_gva(v, e->ip, bytes, n))
		n--;
	struct x86_insn insn;
	if (!n || x86_insn_decode(bytes, n, &insn) || !insn_matches(e->kind, insn.kind))
		return -1;
	*len = insn.len;
	return 0;
}

/*
 * The skipped instruction completed: an STI or MOV SS shadow it ran in is
 * over (a hardware exit inside the shadow saves INTERRUPT_SHADOW = 1).
 */
static void end_shadow(struct vmcb *vmcb)
{
	if (vmcb->control.int_state & VMCB_INT_STATE_SHADOW)
		vmcb_set_int_state(vmcb, vmcb->control.int_state & ~VMCB_INT_STATE_SHADOW);
}

int svm_skip_instruction(struct vcpu *v, const struct vm_exit *e)
{
	struct svm_vcpu *s = svm_vcpu_of(v);
	struct vmcb *vmcb = s->vmcb;
	end_shadow(vmcb);
	if (e->kind == ANVIL_EXIT_IO) {
		vmcb_set_rip(vmcb, vmcb->control.exit_info2); /* APM Vol 2 §15.10.2: next RIP */
		return 0;
	}
	unsigned len;
	if (svm_caps.nrips) {
		/*
		 * Cross-check the decoder against the CPU's own answer (reported per
		 * payload). It doubles the work of a skip, so like the clean-bit
		 * auditor it runs only with audit=1 (test runs), not in benchmarks.
		 */
		uint64_t want = vmcb->control.next_rip - vmcb->save.rip;
		if (v->vm->audit) {
			s->decode_checked++;
			if ((decoded_length(v, e, &len) || len != want) && !s->decode_mismatches++) {
				s->decode_first_ip = e->ip;
				s->decode_first_nrip_len = want;
			}
		}
		vmcb_set_rip(vmcb, vmcb->control.next_rip);
		return 0;
	}
	if (decoded_length(v, e, &len))
		return -1;
	vmcb_set_rip(vmcb, vmcb->save.rip + len);
	return 0;
}

int svm_next_rip(struct vcpu *v, const struct vm_exit *e, uint64_t *nrip)
{
	const struct vmcb *vmcb = svm_vcpu_of(v)->vmcb;
	unsigned len;
	if (svm_caps.nrips) {
		*nrip = vmcb->control.next_rip;
		return 0;
	}
	if (e->kind == ANVIL_EXIT_IO) {
		*nrip = vmcb->control.exit_info2;
		return 0;
	}
	if (decoded_length(v, e, &len))
		return -1;
	*nrip = vmcb->save.rip + len;
	return 0;
}
