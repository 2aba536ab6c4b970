// SPDX-License-Identifier: MIT
/* Decoders of the VMX exit reason, exit qualifications and interruption information. */
#include "vmx_exit_info.h"

#include <stddef.h>

#define IO_SIZE_1 0u   /* exit-qualification size encodings: bytes - 1 */
#define IO_SIZE_2 1u
#define IO_SIZE_4 3u
#define ADDR_SIZE_16 0u
#define ADDR_SIZE_32 1u
#define ADDR_SIZE_64 2u

static bool has(uint64_t v, uint64_t bit)
{
	return (v & bit) != 0;
}

void vmx_exit_reason_decode(uint32_t reason, struct vmx_exit_reason_info *r)
{
	r->basic = (uint16_t)(reason & VMX_REASON_BASIC_MASK);
	r->enclave = has(reason, VMX_REASON_ENCLAVE);
	r->pending_mtf = has(reason, VMX_REASON_PENDING_MTF);
	r->from_root = has(reason, VMX_REASON_FROM_ROOT);
	r->entry_failure = has(reason, VMX_REASON_ENTRY_FAILURE);
}

void vmx_ept_violation_decode(uint64_t qual, struct vmx_ept_violation *v)
{
	v->read = has(qual, VMX_EPT_QUAL_READ);
	v->write = has(qual, VMX_EPT_QUAL_WRITE);
	v->fetch = has(qual, VMX_EPT_QUAL_FETCH);
	v->readable = has(qual, VMX_EPT_QUAL_READABLE);
	v->writable = has(qual, VMX_EPT_QUAL_WRITABLE);
	v->executable = has(qual, VMX_EPT_QUAL_EXECUTABLE);
	v->present = v->readable || v->writable || v->executable;
	v->gla_valid = has(qual, VMX_EPT_QUAL_GLA_VALID);
	/* Bit 8 is undefined unless bit 7 is set. */
	v->final_translation = v->gla_valid && has(qual, VMX_EPT_QUAL_GLA_FINAL);
	v->in_walk = v->gla_valid && !v->final_translation;
	v->nmi_unblocking = has(qual, VMX_EPT_QUAL_NMI_UNBLOCKING);
}

void vmx_spp_event_decode(uint64_t qual, struct vmx_spp_event *e)
{
	e->miss = has(qual, VMX_SPP_QUAL_MISS);
	e->nmi_unblocking = has(qual, VMX_SPP_QUAL_NMI_UNBLOCKING);
}

/* Bytes for an I/O size encoding; 0 for the unused ones. */
static uint8_t io_size(uint64_t enc)
{
	switch (enc) {
	case IO_SIZE_1:
		return 1;
	case IO_SIZE_2:
		return 2;
	case IO_SIZE_4:
		return 4;
	default:
		return 0;
	}
}

bool vmx_io_exit_decode(uint64_t qual, struct vmx_io_exit *io)
{
	io->size = io_size(qual & VMX_IO_QUAL_SIZE_MASK);
	io->in = has(qual, VMX_IO_QUAL_IN);
	io->string = has(qual, VMX_IO_QUAL_STRING);
	io->rep = has(qual, VMX_IO_QUAL_REP);
	io->imm = has(qual, VMX_IO_QUAL_IMM);
	io->port = (uint16_t)((qual & VMX_IO_QUAL_PORT_MASK) >> VMX_IO_QUAL_PORT_SHIFT);
	return io->size != 0;
}

void vmx_cr_access_decode(uint64_t qual, struct vmx_cr_access *c)
{
	c->cr = (uint8_t)(qual & VMX_CR_QUAL_CR_MASK);
	c->type = (enum vmx_cr_access_type)((qual & VMX_CR_QUAL_TYPE_MASK) >> VMX_CR_QUAL_TYPE_SHIFT);
	c->lmsw_memory = has(qual, VMX_CR_QUAL_LMSW_MEMORY);
	c->gpr = (uint8_t)((qual & VMX_CR_QUAL_GPR_MASK) >> VMX_CR_QUAL_GPR_SHIFT);
	c->lmsw_source = (uint16_t)((qual & VMX_CR_QUAL_LMSW_SRC_MASK) >> VMX_CR_QUAL_LMSW_SRC_SHIFT);
}

/* Bytes for an address-size encoding; 0 for the unused ones. */
static uint8_t addr_size(uint32_t enc)
{
	switch (enc) {
	case ADDR_SIZE_16:
		return 2;
	case ADDR_SIZE_32:
		return 4;
	case ADDR_SIZE_64:
		return 8;
	default:
		return 0;
	}
}

bool vmx_ins_outs_decode(uint32_t info, struct vmx_ins_outs *o)
{
	o->addr_size = addr_size((info & VMX_INSN_INFO_ADDR_SIZE_MASK) >> VMX_INSN_INFO_ADDR_SIZE_SHIFT);
	o->seg = (uint8_t)((info & VMX_INSN_INFO_SEG_MASK) >> VMX_INSN_INFO_SEG_SHIFT);
	return o->addr_size != 0 && o->seg <= VMX_SEG_GS;
}

bool vmx_intr_info_decode(uint32_t info, enum vmx_intr_field field, struct vmx_intr_info *i)
{
	uint32_t rsvd = field == VMX_INTR_FIELD_ENTRY ? VMX_INTR_INFO_ENTRY_RSVD_MASK
						      : VMX_INTR_INFO_EXIT_RSVD_MASK;

	i->valid = has(info, VMX_INTR_INFO_VALID);
	i->vector = (uint8_t)(info & VMX_INTR_INFO_VECTOR_MASK);
	i->type = (enum vmx_intr_type)((info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT);
	i->error_code = has(info, VMX_INTR_INFO_ERROR_CODE);
	i->nmi_unblocking = field == VMX_INTR_FIELD_EXIT && has(info, VMX_INTR_INFO_NMI_UNBLOCKING);
	return (info & rsvd) == 0;
}

uint32_t vmx_intr_info_make(uint8_t vector, enum vmx_intr_type type, bool error_code)
{
	uint32_t t = ((uint32_t)type << VMX_INTR_INFO_TYPE_SHIFT) & VMX_INTR_INFO_TYPE_MASK;

	return VMX_INTR_INFO_VALID | t | (error_code ? VMX_INTR_INFO_ERROR_CODE : 0) | vector;
}

static const char *const intr_type_names[] = {
	[VMX_INTR_EXTERNAL] = "external interrupt",
	[VMX_INTR_RESERVED] = "reserved",
	[VMX_INTR_NMI] = "NMI",
	[VMX_INTR_HW_EXCEPTION] = "hardware exception",
	[VMX_INTR_SW_INTERRUPT] = "software interrupt",
	[VMX_INTR_PRIV_SW_EXCEPTION] = "privileged software exception",
	[VMX_INTR_SW_EXCEPTION] = "software exception",
	[VMX_INTR_OTHER] = "other event",
};

const char *vmx_intr_type_name(uint32_t type)
{
	if (type >= sizeof(intr_type_names) / sizeof(intr_type_names[0]))
		return intr_type_names[VMX_INTR_RESERVED];
	return intr_type_names[type];
}
