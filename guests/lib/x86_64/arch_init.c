/* SPDX-License-Identifier: MIT */
/*
 * The x86 part of a payload's start: the IDT, and which instruction is the
 * hypercall (guest-abi.md, "Calling convention"): VMCALL under VMX, VMMCALL
 * under SVM, chosen once from the info page so no payload names either.
 */
#include <string.h>

#include <guest/arch.h>

#include "x86_internal.h"

bool guest_use_vmcall;

void guest_arch_init(const struct anvil_guest_info *info)
{
	guest_use_vmcall = strncmp(info->backend, "vmx", sizeof(info->backend)) == 0;
	guest_idt_init();
}
