/* SPDX-License-Identifier: MIT */
/*
 * lib/boot_map.c: the memory map every front end fills from firmware data
 * and the kernel carves its reservations out of, driven by a sequence of
 * operations (boot_map_input.h), regions also written unchecked the way a
 * front end may.
 *
 * Invariants: add succeeds unless the map is full (then it records an
 * error); a sanitize or a reserve leaves the map sanitized and in agreement
 * with the model of everything added (boot_check.h: nothing USABLE that was
 * not given as USABLE and outranked by nothing; when nothing was dropped
 * exactly the more restrictive type everywhere); a reserve with bad
 * arguments is refused with an error and changes no region, a good one
 * leaves no USABLE byte in its range and fails exactly when it recorded
 * errors; find_free answers the lowest aligned fit in a USABLE region, as a
 * scan done here finds it; usable_bytes is the sum of USABLE lengths.
 */
#include <anvil/boot_map.h>

#include "boot_check.h"
#include "boot_map_input.h"
#include "fuzz.h"

static struct boot_info bi;
static struct fz_model model;

static uint64_t align_of(uint8_t a)
{
	if (a < 64)
		return 1ull << a;
	return a == 64 ? 0 : (uint64_t)a * 3u; /* never a power of two */
}

/* The lowest A >= min, aligned, with [A, A + size) inside one USABLE region. */
static bool ref_find(uint64_t size, uint64_t align, uint64_t min, uint64_t *out)
{
	bool found = false;

	if (align == 0)
		align = 1;
	if (size == 0 || (align & (align - 1)))
		return false;
	for (uint32_t i = 0; i < bi.region_count; i++) {
		const struct boot_mem_region *r = &bi.regions[i];
		uint64_t end = r->base + r->length < r->base ? UINT64_MAX : r->base + r->length;
		uint64_t start = r->base > min ? r->base : min, a;

		if (r->type != BOOT_MEM_USABLE || start > UINT64_MAX - (align - 1))
			continue;
		a = (start + align - 1) & ~(align - 1);
		if (a >= end || end - a < size)
			continue;
		if (!found || a < *out)
			*out = a;
		found = true;
	}
	return found;
}

static bool strict(void)
{
	return !fz_map_may_have_dropped(&bi);
}

/*
 * The model check costs most of a run: it is done after every eighth
 * sanitizing operation and after the last one (a shorter input reaches any
 * state in between).
 */
#define MODEL_EVERY 8u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	bool sanitized_once = false, added_after = false, unchecked = false;
	unsigned sanitizing = 0;

	memset(&bi, 0, sizeof(bi));
	bi.magic = BOOT_INFO_MAGIC;
	bi.version = BOOT_INFO_VERSION;
	memcpy(bi.loader, "fuzz", 5);
	model.n = 0;
	model.overflowed = false;

	for (unsigned op_i = 0; op_i < BM_MAX_OPS && fz_left(&f); op_i++) {
		uint8_t op = fz_u8(&f) % BM_OPS;
		uint32_t count = bi.region_count, errors = bi.error_count;

		switch (op) {
		case BM_ADD: {
			unchecked = false; /* the map is no longer sanitized */
			uint64_t base = fz_u64(&f), len = fz_u64(&f);
			uint32_t type = fz_u8(&f);
			int rc = boot_map_add(&bi, base, len, type);

			FUZZ_CHECK(rc == 0 || (rc == -1 && count == BOOT_MAX_REGIONS),
				   "add returned %d with %u regions", rc, count);
			FUZZ_CHECK(rc == 0 || bi.error_count > errors || errors == BOOT_MAX_ERRORS,
				   "a full map was not reported");
			if (rc == 0)
				fz_model_add(&model, base, len, type);
			added_after = added_after || sanitized_once;
			break;
		}
		case BM_RAW: {
			unchecked = false;
			uint64_t base = fz_u64(&f), len = fz_u64(&f);
			uint32_t type = fz_u8(&f);

			if (bi.region_count < BOOT_MAX_REGIONS) {
				bi.regions[bi.region_count++] = (struct boot_mem_region){ base, len, type, 0 };
				fz_model_add(&model, base, len, type);
			}
			added_after = added_after || sanitized_once;
			break;
		}
		case BM_SANITIZE: {
			int errs = boot_map_sanitize_count(&bi);

			FUZZ_CHECK(errs >= 0, "sanitize returned %d", errs);
			FUZZ_CHECK(bi.error_count == errors + (uint32_t)errs ||
				   bi.error_count == BOOT_MAX_ERRORS, "sanitize counted %d, recorded %u",
				   errs, bi.error_count - errors);
			sanitized_once = true;
			fz_check_boot_info(&bi);
			unchecked = ++sanitizing % MODEL_EVERY != 0;
			if (!unchecked)
				fz_check_model(&bi, &model, strict(), !added_after);
			break;
		}
		case BM_RESERVE: {
			uint64_t base = fz_u64(&f), len = fz_u64(&f);
			uint32_t type = fz_u8(&f);
			int rc = boot_map_reserve(&bi, base, len, type);

			FUZZ_CHECK(rc == 0 || rc == -1, "reserve returned %d", rc);
			if (len == 0) {
				FUZZ_CHECK(rc == 0 && bi.region_count == count && bi.error_count == errors,
					   "an empty reserve did something");
				break;
			}
			if (type == BOOT_MEM_USABLE || base + len < base) {
				FUZZ_CHECK(rc == -1 && bi.region_count == count, "bad reserve accepted");
				FUZZ_CHECK(bi.error_count > errors || errors == BOOT_MAX_ERRORS,
					   "bad reserve not reported");
				break;
			}
			FUZZ_CHECK((rc == 0) == (bi.error_count == errors) || errors == BOOT_MAX_ERRORS,
				   "reserve returned %d after %u new errors", rc, bi.error_count - errors);
			fz_model_add(&model, base, len, type);
			sanitized_once = true;
			fz_check_boot_info(&bi);
			fz_check_not_usable(&bi, base, len);
			unchecked = ++sanitizing % MODEL_EVERY != 0;
			if (!unchecked)
				fz_check_model(&bi, &model, strict(), !added_after);
			break;
		}
		case BM_FIND: {
			uint64_t want_size = fz_u64(&f), align = align_of(fz_u8(&f)), min = fz_u64(&f);
			uint64_t got = 0x5a5a5a5a5a5a5a5aull, want = 0;
			int rc = boot_map_find_free(&bi, want_size, align, min, &got);
			bool found = ref_find(want_size, align, min, &want);

			FUZZ_CHECK(rc == (found ? 0 : -1), "find_free returned %d, a fit %s", rc,
				   found ? "exists" : "does not exist");
			if (found)
				FUZZ_CHECK(got == want, "find_free gave 0x%llx, the lowest fit is 0x%llx",
					   (unsigned long long)got, (unsigned long long)want);
			else
				FUZZ_CHECK(got == 0x5a5a5a5a5a5a5a5aull, "find_free wrote a failed answer");
			break;
		}
		case BM_USABLE: {
			uint64_t sum = 0;

			for (uint32_t i = 0; i < bi.region_count; i++)
				if (bi.regions[i].type == BOOT_MEM_USABLE)
					sum += bi.regions[i].length;
			FUZZ_CHECK(boot_map_usable_bytes(&bi) == sum, "usable_bytes differs from the sum");
			break;
		}
		}
	}
	if (unchecked)
		fz_check_model(&bi, &model, strict(), !added_after);
	return 0;
}
