/* SPDX-License-Identifier: MIT */
/*
 * The machine state an x86 payload starts in (docs/guest-abi.md, "Machine
 * state at entry"), once for every backend: SVM writes it into a VMCB, VMX
 * into a VMCS, each in its own segment-attribute format.
 */
#ifndef X86_GUEST_STATE_H
#define X86_GUEST_STATE_H

#include <stdint.h>

#include <anvil/guest_abi.h>

/* CR0: PE MP ET NE WP PG; CR4: PAE OSFXSR OSXMMEXCPT; EFER: LME LMA NXE. */
#define X86_GUEST_CR0 0x80010033ull
#define X86_GUEST_CR4 0x620ull
#define X86_GUEST_EFER ((1ull << 8) | (1ull << 10) | (1ull << 11))
#define X86_GUEST_RFLAGS 0x2ull                /* IF = 0 */
#define X86_GUEST_DR6 0xffff0ff0ull
#define X86_GUEST_DR7 0x400ull
#define X86_GUEST_PAT 0x0007040600070406ull    /* the reset value */
#define X86_GUEST_GDT_LIMIT 23u                /* null, code64, data (guest_setup.c) */
#define X86_GUEST_TSS_LIMIT 0x67u

/*
 * A segment as a backend loads it. `ar` holds the descriptor's attribute
 * bits compressed into 12 bits: ar[7:0] = descriptor bits 47:40 (type, S,
 * DPL, P), ar[11:8] = descriptor bits 55:52 (AVL, L, D/B, G). That is SVM's
 * VMCB attribute format (APM Vol 2 §15.5.1); VMX moves the high nibble to
 * bits 15:12 and adds "unusable" at bit 16 (SDM Vol 3C §25.4.1).
 */
struct x86_guest_seg {
	uint16_t selector;
	uint16_t ar;
	uint32_t limit;
	uint64_t base;
};

#define X86_AR_CODE64 0xa9bu /* P, S, type 0xb (execute/read, accessed); L, G (as the GDT entry) */
#define X86_AR_DATA 0xc93u   /* P, S, type 0x3 (read/write, accessed); D/B, G */
#define X86_AR_TSS64 0x08bu  /* P, type 0xb: busy 64-bit TSS */
#define X86_SEG_LIMIT_FLAT 0xffffffffu

static const struct x86_guest_seg x86_guest_code = { ANVIL_GUEST_CS, X86_AR_CODE64, X86_SEG_LIMIT_FLAT, 0 };
static const struct x86_guest_seg x86_guest_data = { ANVIL_GUEST_DS, X86_AR_DATA, X86_SEG_LIMIT_FLAT, 0 };
static const struct x86_guest_seg x86_guest_tr = { 0, X86_AR_TSS64, X86_GUEST_TSS_LIMIT, 0 };

#endif
