/* SPDX-License-Identifier: MIT */
/*
 * Numbers vmentry.S uses, as plain numbers (it is assembly); vmx_vcpu.c
 * checks every one against the C structures and vmcs.h with _Static_assert.
 */
#ifndef VMX_LAYOUT_H
#define VMX_LAYOUT_H

/* struct vmx_gprs */
#define VG_RAX 0
#define VG_RBX 8
#define VG_RCX 16
#define VG_RDX 24
#define VG_RSI 32
#define VG_RDI 40
#define VG_RBP 48
#define VG_R8 56
#define VG_R9 64
#define VG_R10 72
#define VG_R11 80
#define VG_R12 88
#define VG_R13 96
#define VG_R14 104
#define VG_R15 112

/* VMCS field encodings (SDM Vol 3D Appendix B) */
#define VF_HOST_RSP 0x6c14
#define VF_HOST_RIP 0x6c16
#define VF_GUEST_RIP 0x681e
#define VF_EXIT_REASON 0x4402
#define VF_EXIT_INSN_LEN 0x440c

#define VMX_EXIT_REASON_VMCALL 18
#define VMX_HC_MINIMAL_EXITS 11      /* ANVIL_HC_MINIMAL_EXITS */

#endif
