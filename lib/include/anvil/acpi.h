/* SPDX-License-Identifier: MIT */
/*
 * Finding ACPI tables and the power-off / reset mechanism (ACPI 6.x: RSDP
 * 5.2.5, RSDT 5.2.7, XSDT 5.2.8, FADT 5.2.9, \_S5 7.4.2, AML 20).
 *
 * Pure: physical memory is reached only through the caller's map function
 * (the identity in the kernel, a fake memory in host tests). Every table is
 * checked (signature, length, checksum) before its contents are used, and
 * nothing is read outside what was mapped.
 */
#ifndef ANVIL_ACPI_H
#define ANVIL_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return a pointer to len readable bytes at physical address pa, or NULL. */
typedef const void *(*acpi_map_fn)(void *ctx, uint64_t pa, size_t len);

struct acpi_view {
	acpi_map_fn map;
	void *ctx;
};

#define ACPI_ERR        (-1) /* malformed or unreadable table (err says which) */
#define ACPI_NOT_FOUND  (-2) /* tables are fine, the signature is absent */

/*
 * Find the first table with signature sig listed in the XSDT (if the RSDP
 * is revision >= 2 and has one) or else the RSDT. rsdp is a copy of the RSDP
 * structure (boot_info.rsdp). Validates the RSDP checksum (and the extended
 * checksum for revision >= 2), the root table and the found table. Returns
 * 0 and *table_pa, or ACPI_ERR / ACPI_NOT_FOUND with a message in err such
 * as "acpi: XSDT at 0x7fe14e8: checksum mismatch (sum 0x3c)".
 */
int acpi_find_table(const struct acpi_view *v, const uint8_t *rsdp,
		    size_t rsdp_len, const char sig[4], uint64_t *table_pa,
		    char *err, size_t err_len);

/* Generic Address Structure (5.2.3.2), decoded. */
enum acpi_gas_space {
	ACPI_SPACE_MEMORY = 0,
	ACPI_SPACE_IO = 1,
	ACPI_SPACE_PCI_CONFIG = 2,
};

struct acpi_gas {
	uint8_t space;       /* enum acpi_gas_space */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
};

struct acpi_power {
	uint32_t pm1a_cnt, pm1b_cnt; /* I/O ports, 0 if absent */
	bool s5_valid;               /* \_S5 found in the DSDT */
	uint8_t slp_typa, slp_typb;
	bool reset_valid;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint64_t dsdt_pa;            /* 0 if the FADT names none */
	uint32_t smi_cmd;            /* I/O port, 0: ACPI mode is always on */
	uint8_t acpi_enable;         /* value to write to smi_cmd */
	/* Hardware-reduced ACPI (no PM1 blocks; sleep via SLEEP_CONTROL_REG). */
	bool hw_reduced;
	bool sleep_ctl_valid;
	struct acpi_gas sleep_ctl;
};

/*
 * Decode the FADT at fadt_pa and \_S5 from its DSDT. Returns 0 or ACPI_ERR.
 * On error *out keeps what was decoded before the failing step (e.g. the
 * reset register survives a corrupt DSDT). A DSDT without \_S5 is not an
 * error: s5_valid stays false.
 */
int acpi_parse_fadt(const struct acpi_view *v, uint64_t fadt_pa,
		    struct acpi_power *out, char *err, size_t err_len);

/*
 * Find Name(_S5_, Package(){a, b, ...}) in an AML byte stream and decode the
 * first two elements (ZeroOp, OneOp, Byte/Word/DWord/QWordPrefix integers).
 * A one-element package holds both values in one integer (typa in bits 7:0,
 * typb in bits 15:8; seen in old firmware). Returns 0, or -1 if there is no
 * such package or it is malformed. Never reads aml[len] or beyond.
 */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		     uint8_t *slp_typb);

/* PM1x_CNT value entering sleep type typ: SLP_TYPx 12:10, SLP_EN 13 (4.8.3.2.1). */
uint16_t acpi_pm1_sleep_value(uint8_t slp_typ);

/* SLEEP_CONTROL_REG value: SLP_TYPx 4:2, SLP_EN 5 (4.8.3.7). */
uint8_t acpi_sleep_ctl_value(uint8_t slp_typ);

#endif
