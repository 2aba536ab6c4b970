/* SPDX-License-Identifier: MIT */
/*
 * Guest memory as a set of memslots: each maps a guest-physical range onto
 * host-physical memory. Kept sorted by guest-physical base, so lookup by
 * address is a binary search (O(log n)). Pure: no allocation, no hardware.
 */
#ifndef ANVIL_MEMSLOT_H
#define ANVIL_MEMSLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMSLOT_MAX 32u
#define MEMSLOT_PAGE 4096u

struct memslot {
	uint64_t gpa;   /* page aligned */
	uint64_t size;  /* bytes, page multiple, > 0 */
	uint64_t hpa;   /* host-physical base, page aligned */
	uint32_t id;    /* caller's tag */
};

struct memslot_set {
	unsigned count;
	struct memslot slots[MEMSLOT_MAX]; /* sorted by gpa, never overlapping */
};

void memslot_init(struct memslot_set *s);
/*
 * Add a slot. Returns 0, or -1 with a one-line reason in err: misaligned,
 * zero size, address overflow, overlap with slot N (naming its range), full.
 */
int memslot_add(struct memslot_set *s, const struct memslot *m, char *err, size_t err_len);
/* Remove the slot that starts at gpa; 0 or -1 if none does. */
int memslot_remove(struct memslot_set *s, uint64_t gpa);
/* The slot containing gpa, or NULL. */
const struct memslot *memslot_find(const struct memslot_set *s, uint64_t gpa);
/*
 * Translate [gpa, gpa+len) to host-physical. true only if the whole range
 * lies inside one slot (len 0 counts as inside if gpa is); *hpa gets the
 * translation of gpa.
 */
bool memslot_translate(const struct memslot_set *s, uint64_t gpa, uint64_t len, uint64_t *hpa);
/*
 * The set's invariants: count within MEMSLOT_MAX, every slot well-formed
 * (as memslot_add requires), sorted by gpa, no two overlapping, unused
 * entries zero. 0, or -1 with the first broken one in err. For self-checks
 * after a run that may have been cut short.
 */
int memslot_check(const struct memslot_set *s, char *err, size_t err_len);
/* true if [hpa, hpa+len) overlaps the host memory behind any slot. */
bool memslot_backs_host_range(const struct memslot_set *s, uint64_t hpa, uint64_t len);

#endif
