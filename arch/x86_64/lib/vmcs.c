// SPDX-License-Identifier: MIT
/* VMCS field, exit-reason and VM-instruction error names, generated from the lists in vmcs.h. */
#include "vmcs.h"

#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VMX_BASIC_REASON_MASK 0xffffu /* exit reason bits 15:0 */
#define VMX_NAME_UNKNOWN "unknown"

#define VMCS_FIELD_DESC(name, enc, w, t) \
	{ (enc), #name, VMCS_WIDTH_CODE_##w, VMCS_TYPE_CODE_##t },
const struct vmcs_field_desc vmcs_field_table[] = { VMCS_FIELDS(VMCS_FIELD_DESC) };
#undef VMCS_FIELD_DESC

const unsigned vmcs_field_count = ARRAY_LEN(vmcs_field_table);

const char *vmcs_field_name(uint32_t enc)
{
	for (size_t i = 0; i < ARRAY_LEN(vmcs_field_table); i++)
		if (vmcs_field_table[i].enc == enc)
			return vmcs_field_table[i].name;
	return VMX_NAME_UNKNOWN;
}

/* A number and its text; the lists have gaps, so they are searched, not indexed. */
struct vmx_name {
	uint32_t nr;
	const char *text;
};

static const char *name_of(const struct vmx_name *names, size_t count, uint32_t nr)
{
	for (size_t i = 0; i < count; i++)
		if (names[i].nr == nr)
			return names[i].text;
	return VMX_NAME_UNKNOWN;
}

#define VMX_NAME_ENTRY(name, nr, text) { (nr), text },
static const struct vmx_name exit_reason_names[] = { VMX_EXIT_REASONS(VMX_NAME_ENTRY) };
static const struct vmx_name insn_error_names[] = { VMX_INSN_ERRORS(VMX_NAME_ENTRY) };
#undef VMX_NAME_ENTRY

const char *vmx_exit_reason_name(uint32_t reason)
{
	return name_of(exit_reason_names, ARRAY_LEN(exit_reason_names),
		       reason & VMX_BASIC_REASON_MASK);
}

const char *vmx_instruction_error_name(uint32_t err)
{
	return name_of(insn_error_names, ARRAY_LEN(insn_error_names), err);
}
