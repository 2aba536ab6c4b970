/* SPDX-License-Identifier: MIT */
/*
 * Invariants of a struct boot_info that the boot front ends' parsers
 * (lib/mb2.c, lib/efi_boot.c) and the map maintenance (lib/boot_map.c)
 * promise, checked independently of them:
 *
 *  - the structure itself: header, every string NUL-terminated inside its
 *    field, counts within their arrays, the error list saturating;
 *  - a sanitized map (anvil/boot_map.h): sorted, disjoint, no empty
 *    region, no two touching regions of one type, USABLE on page bounds;
 *  - a model of what the map must say: the regions that went in, with the
 *    documented rule that the more restrictive type wins an overlap. At every
 *    address the map may call USABLE only what the model calls USABLE; when
 *    nothing was dropped for lack of room it must say exactly the model's
 *    type (USABLE only losing partial pages).
 */
#ifndef FUZZ_BOOT_CHECK_H
#define FUZZ_BOOT_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include <anvil/boot_info.h>

/* One region of the model: [base, end), end saturating at 2^64 - 1. */
struct fz_region {
	uint64_t base, end;
	uint32_t type;
};

#define FZ_MODEL_MAX 2048u

struct fz_model {
	unsigned n;
	bool overflowed; /* more regions than the model holds: skip the model check */
	struct fz_region r[FZ_MODEL_MAX];
};

/* What boot_map_add(base, len, type) promises: nothing for len 0, clipped at 2^64 - 1. */
void fz_model_add(struct fz_model *m, uint64_t base, uint64_t len, uint32_t type);

/* The whole structure, the map sanitized (see above). */
void fz_check_boot_info(const struct boot_info *bi);
/* Only the map's shape: sorted, disjoint, merged, USABLE page-aligned. */
void fz_check_sanitized(const struct boot_info *bi);
/* The error list: count saturated, every text NUL-terminated and non-empty. */
void fz_check_errors(const struct boot_info *bi);

/* Whether a region may have been dropped for lack of room (errors say so, or were lost). */
bool fz_map_may_have_dropped(const struct boot_info *bi);

/*
 * The sanitized map against the model. strict: nothing was dropped, so every
 * address has the model's type, except that USABLE may shrink to whole pages.
 * pages (with strict): every page the model calls USABLE throughout is still
 * USABLE (not so once USABLE pieces were added after a sanitize had already
 * dropped their page's other part).
 */
void fz_check_model(const struct boot_info *bi, const struct fz_model *m, bool strict, bool pages);

/* No byte of [base, base + len) (clipped at 2^64 - 1) is USABLE in the map. */
void fz_check_not_usable(const struct boot_info *bi, uint64_t base, uint64_t len);

/* The map's region holding address a, NULL in a hole. */
const struct boot_mem_region *fz_region_at(const struct boot_info *bi, uint64_t a);

/* How restrictive a type is (anvil/boot_map.h: USABLE < BOOTLOADER < ... < BAD). */
unsigned fz_rank(uint32_t type);

#endif
