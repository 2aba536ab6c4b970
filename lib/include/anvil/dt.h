/* SPDX-License-Identifier: MIT */
/*
 * The platform as a flattened device tree describes it (Devicetree
 * Specification v0.4: 3.4 /memory, 3.5 /reserved-memory, 3.6 /chosen,
 * 3.3 /aliases, 2.3.5 #address-cells/#size-cells, 2.3.8 ranges, 5.3 the
 * memory reservation block), read with libfdt into one neutral struct:
 * memory, reserved ranges, the console UART, the GIC, the architected
 * timer's interrupts, PSCI's conduit and the command line.
 *
 * The bindings read (Linux Documentation/devicetree/bindings):
 *   interrupt-controller/arm,gic.yaml and arm,gic-v3.yaml: reg = GICD, GICC
 *   [, GICH, GICV] for v2; GICD, #redistributor-regions x GICR [, GICC,
 *   GICH, GICV] for v3; interrupts = the maintenance interrupt; 3-cell (or
 *   v3 4-cell) specifiers <type number flags>, type 0 SPI (INTID 32 + n),
 *   1 PPI (16 + n), v3 also 2 extended SPI (4096 + n), 3 extended PPI
 *   (1056 + n); flags bits 3:0 trigger, and for v2 PPIs bits 15:8 the CPU
 *   mask.
 *   timer/arm,arch_timer.yaml: interrupts = secure physical, non-secure
 *   physical, virtual, hypervisor physical [, hypervisor virtual].
 *   arm/psci.yaml: compatible arm,psci-1.0 / arm,psci-0.2 / arm,psci,
 *   method = "smc" | "hvc".
 *   serial/arm,pl011.yaml; chosen.yaml: stdout-path = path-or-alias
 *   [":" options], e.g. "serial0:115200n8".
 *
 * Pure: the blob is read only through libfdt, after fdt_check_header(), a
 * size check against what the caller can read and a walk over every tag
 * (what fdt_check_full() checks; Linux's copy of libfdt leaves that file
 * out), so a malformed or truncated blob is refused before any node is
 * looked at. An
 * error is one line in the caller's buffer naming the node path (or the
 * offset) and what is wrong, and leaves *out zeroed: never half filled.
 * What the line quotes from the blob (names, paths, strings) is escaped to
 * printable ASCII and cut when long, so the line is always one line.
 */
#ifndef ANVIL_DT_H
#define ANVIL_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MAX_MEM 16          /* memory ranges, over all /memory nodes */
#define DT_MAX_RESERVED 16     /* reservation block entries + /reserved-memory regions */
#define DT_MAX_GICR 8          /* GICv3 redistributor regions */
#define DT_PATH_MAX 96
#define DT_UART_OPTIONS_MAX 16
#define DT_BOOTARGS_MAX 1024
#define DT_ERR_MAX 192         /* a message buffer this long always holds the whole line */

struct dt_range {
	uint64_t base, size;
};

enum dt_irq_type {
	DT_IRQ_SPI = 0,
	DT_IRQ_PPI = 1,
	DT_IRQ_ESPI = 2,       /* GICv3.1 extended SPI */
	DT_IRQ_EPPI = 3,       /* GICv3.1 extended PPI */
};

/* Trigger bits of the flags cell (include/dt-bindings/interrupt-controller/irq.h). */
#define DT_IRQ_EDGE_RISING 1u
#define DT_IRQ_EDGE_FALLING 2u
#define DT_IRQ_LEVEL_HIGH 4u
#define DT_IRQ_LEVEL_LOW 8u
#define DT_IRQ_TRIGGER_MASK 0xfu

struct dt_irq {
	bool present;
	enum dt_irq_type type;
	uint32_t number;       /* as written: SPI n, PPI n */
	uint32_t intid;        /* the GIC interrupt ID */
	uint32_t trigger;      /* DT_IRQ_EDGE_* / DT_IRQ_LEVEL_* */
	uint32_t cpu_mask;     /* GICv2 PPIs: bits 15:8 of the flags cell; 0 otherwise */
};

struct dt_uart {
	bool present;
	bool pl011;            /* compatible "arm,pl011" */
	bool from_stdout_path; /* false: no stdout-path, the first enabled PL011 */
	struct dt_range reg;   /* CPU physical (translated through parent ranges) */
	char path[DT_PATH_MAX];
	uint32_t baud;         /* from the stdout-path options, 0 if none */
	char options[DT_UART_OPTIONS_MAX]; /* the options after ':' as written ("115200n8") */
};

enum dt_gic_version {
	DT_GIC_NONE = 0,
	DT_GIC_V2 = 2,
	DT_GIC_V3 = 3,
};

struct dt_gic {
	enum dt_gic_version version;
	char path[DT_PATH_MAX];
	struct dt_range gicd;
	struct dt_range gicr[DT_MAX_GICR];   /* v3 */
	unsigned gicr_count;
	struct dt_range gicc, gich, gicv;    /* v2; v3 only if listed after the GICRs (size 0 if not) */
	bool virt;                           /* v2: GICH and GICV listed; v3: a maintenance interrupt */
	struct dt_irq maintenance;
	unsigned interrupt_cells;            /* its #interrupt-cells: 3, or 4 (v3 PPI partitions) */
};

struct dt_timer {
	bool present;
	struct dt_irq sec_phys, phys, virt, hyp_phys;
	struct dt_irq hyp_virt;              /* FEAT_VHE's EL2 virtual timer; not always listed */
	bool always_on;
};

enum dt_psci_method {
	DT_PSCI_NONE = 0,                    /* no PSCI node */
	DT_PSCI_SMC,
	DT_PSCI_HVC,
};

struct dt_psci {
	enum dt_psci_method method;
	unsigned major, minor;               /* from the newest compatible: 1.0, 0.2 or 0.1 */
};

struct dt_platform {
	struct dt_range mem[DT_MAX_MEM];
	unsigned mem_count;                  /* 0: no /memory node (UEFI gives the map instead) */
	struct dt_range reserved[DT_MAX_RESERVED];
	unsigned reserved_count;             /* reservation block first, then /reserved-memory */
	unsigned rsvmap_count;               /* how many of them came from the reservation block */
	struct dt_uart console;
	struct dt_gic gic;
	struct dt_timer timer;
	struct dt_psci psci;
	bool has_bootargs;
	char bootargs[DT_BOOTARGS_MAX];
	uint32_t totalsize;                  /* of the blob, for reserving it */
};

/*
 * Parse the blob at fdt, of which max_size bytes are readable, into *out.
 * 0, or -1 with one line in err (e.g. "dt: /intc@8000000: GICv3 reg has 1
 * entry, needs 2 (GICD and 1 redistributor region)") and *out zeroed.
 * Missing parts that a platform may lack (PSCI, a console, memory nodes,
 * the timer, bootargs) are not errors: their present/count fields say so;
 * a part that is there but wrong is.
 */
int dt_parse(const void *fdt, size_t max_size, struct dt_platform *out, char *err,
	     size_t err_len);

/* "GICv2", "GICv3" or "none". */
const char *dt_gic_name(enum dt_gic_version v);

/* "smc", "hvc" or "none". */
const char *dt_psci_method_name(enum dt_psci_method m);

#endif
