/* SPDX-License-Identifier: MIT */
/*
 * Offsets vmrun.S uses, as plain numbers (it is assembly); svm_vcpu.c checks
 * every one against the C structures with _Static_assert.
 */
#ifndef SVM_LAYOUT_H
#define SVM_LAYOUT_H

/* struct svm_gprs */
#define G_RBX 0
#define G_RCX 8
#define G_RDX 16
#define G_RSI 24
#define G_RDI 32
#define G_RBP 40
#define G_R8 48
#define G_R9 56
#define G_R10 64
#define G_R11 72
#define G_R12 80
#define G_R13 88
#define G_R14 96
#define G_R15 104

/* struct vmcb (APM Vol 2 Tables B-1, B-2: control at 0, save area at 0x400) */
#define VMCB_OFF_TLB_CONTROL 0x05c
#define VMCB_OFF_EXIT_CODE 0x070
#define VMCB_OFF_CLEAN 0x0c0
#define VMCB_OFF_NEXT_RIP 0x0c8
#define VMCB_OFF_RIP (0x400 + 0x178)
#define VMCB_OFF_RAX (0x400 + 0x1f8)

#define SVM_EXIT_VMMCALL 0x81        /* VMEXIT_VMMCALL */
#define SVM_VMMCALL_LEN 3            /* 0f 01 d9 */
#define SVM_HC_MINIMAL_EXITS 11      /* ANVIL_HC_MINIMAL_EXITS */

#endif
