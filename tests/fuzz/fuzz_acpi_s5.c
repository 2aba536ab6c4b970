/* SPDX-License-Identifier: MIT */
/*
 * lib/acpi.c's acpi_aml_find_s5: the \_S5 package in a DSDT's AML, which
 * comes from the firmware.
 *
 * Input: the AML, given to the parser as a heap copy of exactly its length
 * (it promises never to read aml[len]).
 *
 * Invariants: 0 or -1; the outputs untouched on -1; the result and values
 * are those of a reference decoder written here from ACPI 6.x 20.2
 * (NameOp, optional root prefix, "_S5_", PackageOp, PkgLength, NumElements,
 * then ZeroOp / OneOp / Byte- to QWordPrefix integers, the first well-formed
 * package winning; one element holds both types).
 */
#include <anvil/acpi.h>

#include "fuzz.h"

/* An integer data object at p[*at..end); false if it is something else. */
static bool ref_int(const uint8_t *p, size_t *at, size_t end, uint64_t *v)
{
	static const uint8_t size_of[16] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8 };
	uint8_t op;
	size_t n;

	if (*at >= end)
		return false;
	op = p[*at];
	if (op == 0x00 || op == 0x01) {
		*v = op;
		*at += 1;
		return true;
	}
	n = op < 16 ? size_of[op] : 0;
	if (!n || end - *at < 1 + n)
		return false;
	*v = 0;
	for (size_t i = n; i-- > 0;)
		*v = *v << 8 | p[*at + 1 + i];
	*at += 1 + n;
	return true;
}

/* The package after PackageOp at p[0..len). */
static bool ref_package(const uint8_t *p, size_t len, uint8_t *a, uint8_t *b)
{
	size_t follow, nb, at;
	uint64_t pl, x, y;
	uint8_t count;

	if (len == 0)
		return false;
	follow = p[0] >> 6;
	nb = 1 + follow;
	if (follow == 0) {
		pl = p[0] & 0x3f;
	} else {
		if ((p[0] & 0x30) || nb > len)
			return false;
		pl = p[0] & 0x0f;
		for (size_t i = 1; i < nb; i++)
			pl |= (uint64_t)p[i] << (4 + 8 * (i - 1));
	}
	if (pl < nb + 1 || pl > len)
		return false;
	count = p[nb];
	at = nb + 1;
	if (count == 0 || !ref_int(p, &at, pl, &x))
		return false;
	if (count == 1) {
		*a = (uint8_t)x;
		*b = (uint8_t)(x >> 8);
		return true;
	}
	if (!ref_int(p, &at, pl, &y))
		return false;
	*a = (uint8_t)x;
	*b = (uint8_t)y;
	return true;
}

static bool ref_find(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	for (size_t i = 0; i < len; i++) {
		size_t j = i + 1;

		if (aml[i] != 0x08)
			continue;
		if (j < len && aml[j] == '\\')
			j++;
		if (len - j < 5 || memcmp(aml + j, "_S5_", 4) != 0 || aml[j + 4] != 0x12)
			continue;
		if (ref_package(aml + j + 5, len - j - 5, a, b))
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *aml = fz_copy(data, size);
	uint8_t a = 0xa5, b = 0x5a, ra = 0, rb = 0;
	int rc = acpi_aml_find_s5(aml, size, &a, &b);
	bool want = ref_find(aml, size, &ra, &rb);

	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	FUZZ_CHECK((rc == 0) == want, "returned %d, the reference %s a package", rc,
		   want ? "finds" : "finds no");
	if (rc == 0)
		FUZZ_CHECK(a == ra && b == rb, "values %u/%u, the reference %u/%u", a, b, ra, rb);
	else
		FUZZ_CHECK(a == 0xa5 && b == 0x5a, "outputs written on failure");
	FUZZ_CHECK(acpi_aml_find_s5(NULL, size, &a, &b) == -1, "NULL AML accepted");
	free(aml);
	return 0;
}
