/* SPDX-License-Identifier: MIT */
/*
 * lib/elf64.c and lib/manifest.c: the kernel image the UEFI front end loads
 * and every guest payload image.
 *
 * Input: the file.
 *
 * Invariants: 0 or -1 only; a failure says why (a non-empty message), a
 * success leaves the message empty; the result does not depend on the size
 * of the message buffer (a 6-byte one is still NUL-terminated), nor on
 * having one. An accepted image, re-read from the file here: as many
 * segments as PT_LOAD headers (1..16), each as its header says, its file
 * bytes inside the file, filesz <= memsz, no address or page-rounding
 * overflow, flags within RWX, no two overlapping physically, the entry in an
 * executable one, the bounds page-aligned around all of them. An accepted
 * payload: its ELF as elf64_parse sees it, its manifest the first bytes of
 * the lowest segment and within every documented rule (magic, version,
 * size, name, arch, mem_kib, expect, flags, reserved, segments between
 * ANVIL_GUEST_LOAD and the stack).
 */
#include <anvil/elf64.h>
#include <anvil/manifest.h>

#include "fuzz.h"

#define ERR_LEN 192u
#define SMALL_ERR 6u
#define PAGE 4096ull
#define PHDR 56u
#define PT_LOAD 1u
#define STACK_BYTES (16u * 1024u)

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void check_image(const struct elf64_image *img, const uint8_t *buf, size_t len)
{
	uint64_t phoff = le(buf + 0x20, 8), lo = UINT64_MAX, hi = 0;
	unsigned phnum = (unsigned)le(buf + 0x38, 2), loads = 0;
	bool entry_ok = false;

	FUZZ_CHECK(img->entry == le(buf + 0x18, 8), "entry 0x%llx", (unsigned long long)img->entry);
	FUZZ_CHECK(img->segment_count >= 1 && img->segment_count <= ELF64_MAX_SEGMENTS,
		   "segment_count %u", img->segment_count);
	FUZZ_CHECK(phoff <= len && (uint64_t)phnum * PHDR <= len - phoff, "headers outside the file");
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (size_t)i * PHDR;
		const struct elf64_segment *s;

		if (le(ph, 4) != PT_LOAD)
			continue;
		FUZZ_CHECK(loads < img->segment_count, "more PT_LOAD headers than segments");
		s = &img->segments[loads++];
		FUZZ_CHECK(s->flags == (le(ph + 4, 4) & 7u) && s->offset == le(ph + 8, 8) &&
			   s->vaddr == le(ph + 0x10, 8) && s->paddr == le(ph + 0x18, 8) &&
			   s->filesz == le(ph + 0x20, 8) && s->memsz == le(ph + 0x28, 8),
			   "segment %u differs from program header %u", loads - 1, i);
	}
	FUZZ_CHECK(loads == img->segment_count, "%u PT_LOAD headers, %u segments", loads,
		   img->segment_count);
	for (uint32_t i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];

		FUZZ_CHECK(s->offset <= len && s->filesz <= len - s->offset, "segment %u outside the file", i);
		FUZZ_CHECK(s->filesz <= s->memsz, "segment %u filesz > memsz", i);
		FUZZ_CHECK(s->memsz <= UINT64_MAX - s->paddr && s->memsz <= UINT64_MAX - s->vaddr,
			   "segment %u overflows", i);
		FUZZ_CHECK(s->paddr + s->memsz <= UINT64_MAX - (PAGE - 1), "segment %u end unroundable", i);
		for (uint32_t j = 0; j < i; j++) {
			const struct elf64_segment *t = &img->segments[j];

			FUZZ_CHECK(!s->memsz || !t->memsz || s->paddr >= t->paddr + t->memsz ||
				   t->paddr >= s->paddr + s->memsz, "segments %u and %u overlap", j, i);
		}
		if ((s->flags & ELF64_SEG_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
			entry_ok = true;
		lo = s->paddr < lo ? s->paddr : lo;
		hi = s->paddr + s->memsz > hi ? s->paddr + s->memsz : hi;
	}
	FUZZ_CHECK(entry_ok, "entry 0x%llx in no executable segment", (unsigned long long)img->entry);
	FUZZ_CHECK(img->lowest_paddr == (lo & ~(PAGE - 1)) &&
		   img->highest_paddr == ((hi + PAGE - 1) & ~(PAGE - 1)), "bounds wrong");
}

static bool name_ok(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);

	if (!end || end == s)
		return false;
	for (; s < end; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void check_payload(const struct payload_image *pi, const uint8_t *buf)
{
	const struct anvil_manifest *m = &pi->manifest;
	const struct elf64_segment *low = &pi->elf.segments[0];
	uint64_t limit = (uint64_t)m->mem_kib * 1024u - STACK_BYTES;
	char names[8];

	for (uint32_t i = 1; i < pi->elf.segment_count; i++)
		if (pi->elf.segments[i].paddr < low->paddr)
			low = &pi->elf.segments[i];
	FUZZ_CHECK(low->filesz >= sizeof(*m) && memcmp(m, buf + low->offset, sizeof(*m)) == 0,
		   "manifest is not the lowest segment's first bytes");
	FUZZ_CHECK(m->magic == ANVIL_MANIFEST_MAGIC && m->version == ANVIL_MANIFEST_VERSION &&
		   m->size == sizeof(*m), "manifest header");
	FUZZ_CHECK(name_ok(m->name, sizeof(m->name)), "manifest name");
	FUZZ_CHECK(strcmp(m->arch, "x86_64") == 0, "manifest arch");
	FUZZ_CHECK(m->mem_kib >= 256 && m->mem_kib <= 65536 && m->mem_kib % 4 == 0,
		   "mem_kib %u", m->mem_kib);
	FUZZ_CHECK(m->expect <= ANVIL_EXPECT_BAD_HYPERCALL, "expect %u", m->expect);
	FUZZ_CHECK(strcmp(manifest_expect_name(m->expect), "invalid") != 0, "expect has no name");
	FUZZ_CHECK((m->flags & ~ANVIL_MANIFEST_BENCH) == 0 && m->reserved == 0, "flags or reserved");
	for (uint32_t i = 0; i < pi->elf.segment_count; i++) {
		const struct elf64_segment *s = &pi->elf.segments[i];

		FUZZ_CHECK(s->paddr >= ANVIL_GUEST_LOAD && s->paddr <= limit &&
			   s->memsz <= limit - s->paddr, "segment %u outside guest memory", i);
	}
	manifest_feature_names(m->features, names, sizeof(names));
	FUZZ_CHECK(fz_terminated(names, sizeof(names)), "feature names unterminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = fz_copy(data, size);
	char *err = (char *)fz_copy_in("", 0, ERR_LEN), *small = (char *)fz_copy_in("", 0, SMALL_ERR);
	static struct elf64_image img, again;
	static struct payload_image pi;
	int rc;

	memset(&img, 0x5a, sizeof(img));
	memset(err, 'x', ERR_LEN);
	rc = elf64_parse(buf, size, ELF64_MACHINE_X86_64, &img, err, ERR_LEN);
	FUZZ_CHECK(rc == 0 || rc == -1, "elf64_parse returned %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(err[0] == '\0', "accepted with message \"%.40s\"", err);
		check_image(&img, buf, size);
	} else {
		FUZZ_CHECK(fz_message(err, ERR_LEN), "refused without a message");
	}
	memset(small, 'x', SMALL_ERR);
	FUZZ_CHECK(elf64_parse(buf, size, ELF64_MACHINE_X86_64, &again, small, SMALL_ERR) == rc,
		   "result depends on the message buffer");
	FUZZ_CHECK(fz_terminated(small, SMALL_ERR), "short message buffer left unterminated");
	FUZZ_CHECK(elf64_parse(buf, size, ELF64_MACHINE_X86_64, &again, NULL, 0) == rc,
		   "result depends on having a message buffer");
	if (rc == 0)
		FUZZ_CHECK(memcmp(&img, &again, sizeof(img)) == 0, "two parses differ");

	memset(err, 'x', ERR_LEN);
	int prc = payload_image_parse(buf, size, ELF64_MACHINE_X86_64, "x86_64", &pi, err, ERR_LEN);

	FUZZ_CHECK(prc == 0 || prc == -1, "payload_image_parse returned %d", prc);
	if (prc == 0) {
		FUZZ_CHECK(rc == 0 && memcmp(&pi.elf, &img, sizeof(img)) == 0,
			   "payload's ELF differs from elf64_parse's");
		FUZZ_CHECK(err[0] == '\0', "payload accepted with message \"%.40s\"", err);
		check_payload(&pi, buf);
	} else {
		FUZZ_CHECK(fz_message(err, ERR_LEN), "payload refused without a message");
	}
	memset(small, 'x', SMALL_ERR);
	FUZZ_CHECK(payload_image_parse(buf, size, ELF64_MACHINE_X86_64, "x86_64", &pi, small,
				       SMALL_ERR) == prc, "payload result depends on the message buffer");
	FUZZ_CHECK(fz_terminated(small, SMALL_ERR), "short payload message left unterminated");
	free(small);
	free(err);
	free(buf);
	return 0;
}
