/* SPDX-License-Identifier: MIT */
/* AArch64 internals shared by the files in arch/arm64 (not an interface). */
#ifndef ARM64_INTERNAL_H
#define ARM64_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esr.h"

#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "rZ"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

/*
 * Saved by vectors.S on every exception taken to EL2 from EL2; the order
 * mirrors its stores (x0..x30, then the exception registers).
 */
struct arch_frame {
	uint64_t x[31];       /* x29 = frame pointer, x30 = link register */
	uint64_t sp;          /* the interrupted SP (SP_EL0 for the kernel, SP_EL2 when nested) */
	uint64_t elr, spsr, esr, far;
	uint64_t kind;        /* enum arm64_vector_kind */
	uint64_t pad;
};
_Static_assert(sizeof(struct arch_frame) == 38 * 8, "arch_frame must match vectors.S");
_Static_assert(__builtin_offsetof(struct arch_frame, sp) == 31 * 8, "sp slot");
_Static_assert(__builtin_offsetof(struct arch_frame, elr) == 32 * 8, "elr slot");
_Static_assert(sizeof(struct arch_frame) % 16 == 0, "SP stays 16-byte aligned");

/* Which vector of the table an exception came through (Arm ARM D1.10.2, Table D1-5). */
enum arm64_vector_kind {
	VEC_SYNC = 0,
	VEC_IRQ = 1,
	VEC_FIQ = 2,
	VEC_SERROR = 3,
};

/* SPSR_EL2 / PSTATE (Arm ARM C5.2.19). */
#define SPSR_M_EL2T 0x8ull  /* EL2 using SP_EL0 */
#define SPSR_M_EL2H 0x9ull
#define SPSR_M_EL1H 0x5ull
#define SPSR_F (1ull << 6)
#define SPSR_I (1ull << 7)
#define SPSR_A (1ull << 8)
#define SPSR_D (1ull << 9)

/* HCR_EL2 bits (D17.2.48). */
#define HCR_VM (1ull << 0)
#define HCR_SWIO (1ull << 1)
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_VF (1ull << 6)
#define HCR_VI (1ull << 7)
#define HCR_VSE (1ull << 8)
#define HCR_FB (1ull << 9)
#define HCR_BSU_IS (1ull << 10)
#define HCR_DC (1ull << 12)
#define HCR_TWI (1ull << 13)
#define HCR_TWE (1ull << 14)
#define HCR_TID1 (1ull << 16)
#define HCR_TID3 (1ull << 18)
#define HCR_TSC (1ull << 19)
#define HCR_TIDCP (1ull << 20)
#define HCR_TACR (1ull << 21)
#define HCR_TSW (1ull << 22)
#define HCR_TVM (1ull << 26)
#define HCR_TGE (1ull << 27)
#define HCR_RW (1ull << 31)
#define HCR_E2H (1ull << 34)
#define HCR_API (1ull << 41)
#define HCR_APK (1ull << 40)
#define HCR_TID5 (1ull << 58)

/* CPTR_EL2 without VHE (D17.2.30): TFP traps FP/SIMD at EL0-EL2. RES1 bits 13:12, 9:0. */
#define CPTR_EL2_TFP (1ull << 10)
#define CPTR_EL2_RES1 0x33ffull

/* The kernel's boot stack (entry.S) and the exception stack (vectors.S). */
extern uint8_t arm64_boot_stack_top[];
extern uint8_t arm64_exc_stack_top[];
extern const uint8_t arm64_vectors[];

/* The current exception level (CurrentEL[3:2]). */
static inline unsigned arm64_current_el(void)
{
	return (unsigned)((read_sysreg(CurrentEL) >> 2) & 3);
}

/* vectors.S hands every exception here. */
void arm64_trap(struct arch_frame *f);
void arm64_irq(struct arch_frame *f);

/* The physical GIC driver (gic.c): the host's own interrupts. */
int arm64_gic_init(char *err, size_t n);
/* The interrupt being signalled (acknowledged), ~0 if none; and its end. */
uint32_t arm64_gic_ack(void);
void arm64_gic_eoi(uint32_t intid);
int arm64_gic_enable_ppi(uint32_t intid);
/* The vGIC's maintenance PPI (arm64_platform.maint_irq): enabled, and recognised by the IRQ handler. */
int arm64_gic_enable_maintenance(void);
bool arm64_gic_is_maintenance(uint32_t intid);
int arm64_gic_disable_ppi(uint32_t intid);
/* The guest's own PPI source (virtual timer): claimed once, armed around entries, masked when the host takes it. */
int arm64_gic_claim_guest_ppi(uint32_t intid);
void arm64_gic_guest_ppi_arm(bool on);
bool arm64_gic_guest_ppi_taken(uint32_t intid); /* true (and masked) if intid is that PPI */
uint64_t arm64_gic_guest_ppi_count(void);        /* times the host took it so far */
void arm64_gic_deactivate(uint32_t intid);
const char *arm64_gic_describe(void);

/* Device tree facts the arch needs (arm64_platform.c, from lib/dt.c). */
struct arm64_platform {
	bool dt_ok;
	char model[64];
	uint64_t uart_base;
	unsigned gic_version;      /* 2 or 3, 0: none found */
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size; /* v3 */
	uint64_t gicc_base, gicc_size; /* v2 */
	uint64_t gich_base, gich_size; /* v2 virtualization */
	uint64_t gicv_base, gicv_size;
	uint32_t maint_irq;        /* PPI INTID of the GIC maintenance interrupt */
	uint32_t timer_hyp_irq;    /* PPI INTID of the EL2 physical timer */
	uint32_t timer_virt_irq;   /* PPI INTID of the virtual timer */
	bool psci_smc;             /* PSCI conduit: SMC (true) or HVC */
	bool psci_ok;
	bool fw_cfg;               /* QEMU's fw_cfg node: the machine is QEMU */
};
extern struct arm64_platform arm64_platform;
struct dt_platform;
/* Parse the device tree into *d and arm64_platform; -1 with err if it is unusable. */
int arm64_platform_init(const void *fdt, struct dt_platform *d, char *err, size_t n);

/* Entered at EL1 (el1_entry.c): say so on the UART, plan no test, power off. */
__attribute__((noreturn)) void arm64_el1_stop(void);

/* PSCI calls through the conduit the DT names (power.c). */
uint64_t arm64_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
