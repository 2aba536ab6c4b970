/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for lib/elf64.c: synthetic ELF64 images built field by
 * field, one test per check listed in anvil/elf64.h, each asserting that the
 * error message names the field (what) and the file offset (where).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/elf64.h>

#define EHDR_SIZE   64u
#define PHDR_SIZE   56u
#define PT_LOAD     1u
#define PT_NOTE     4u
#define PT_GNU_STACK 0x6474e551u
#define MAX_PHDRS   24u
#define KERNEL_BASE 0x200000ull

/* A test image: header fields plus program headers, serialised by img_build. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct img {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff;
	uint16_t ehsize, phentsize, phnum;
	struct phdr ph[MAX_PHDRS];
	size_t len; /* total file length */
};

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * A valid kernel-like image: text RX at 0x200000 (0x1800 bytes), data RW at
 * 0x202000 (0x100 bytes in the file, 0x3000 in memory), a PT_GNU_STACK.
 */
static struct img img_valid(void)
{
	struct img m = { 0 };

	memcpy(m.ident, "\x7f" "ELF", 4);
	m.ident[4] = 2; /* ELFCLASS64 */
	m.ident[5] = 1; /* ELFDATA2LSB */
	m.ident[6] = 1; /* EV_CURRENT */
	m.type = 2;     /* ET_EXEC */
	m.machine = ELF64_MACHINE_X86_64;
	m.version = 1;
	m.entry = KERNEL_BASE + 0x10;
	m.phoff = EHDR_SIZE;
	m.ehsize = EHDR_SIZE;
	m.phentsize = PHDR_SIZE;
	m.phnum = 3;
	m.ph[0] = (struct phdr){ PT_LOAD, 5, 0x1000, KERNEL_BASE, KERNEL_BASE,
				 0x1800, 0x1800, 0x1000 };
	m.ph[1] = (struct phdr){ PT_LOAD, 6, 0x3000, KERNEL_BASE + 0x2000,
				 KERNEL_BASE + 0x2000, 0x100, 0x3000, 0x1000 };
	m.ph[2] = (struct phdr){ PT_GNU_STACK, 6, 0, 0, 0, 0, 0, 16 };
	m.len = 0x3100;
	return m;
}

/* Serialise into an exact-size heap buffer (ASan catches any over-read). */
static uint8_t *img_build(const struct img *m)
{
	uint8_t *b = calloc(1, m->len ? m->len : 1);
	size_t full = EHDR_SIZE;

	assert_non_null(b);
	/* Header fields are written only as far as the buffer reaches, so a
	 * short file can be built from the same description. */
	uint8_t hdr[EHDR_SIZE] = { 0 };
	memcpy(hdr, m->ident, 16);
	put_le(hdr + 0x10, m->type, 2);
	put_le(hdr + 0x12, m->machine, 2);
	put_le(hdr + 0x14, m->version, 4);
	put_le(hdr + 0x18, m->entry, 8);
	put_le(hdr + 0x20, m->phoff, 8);
	put_le(hdr + 0x34, m->ehsize, 2);
	put_le(hdr + 0x36, m->phentsize, 2);
	put_le(hdr + 0x38, m->phnum, 2);
	memcpy(b, hdr, m->len < full ? m->len : full);

	for (unsigned i = 0; i < m->phnum && i < MAX_PHDRS; i++) {
		uint64_t at = m->phoff + (uint64_t)i * PHDR_SIZE;
		const struct phdr *p = &m->ph[i];

		if (at > m->len || m->len - at < PHDR_SIZE)
			break;
		put_le(b + at + 0x00, p->type, 4);
		put_le(b + at + 0x04, p->flags, 4);
		put_le(b + at + 0x08, p->offset, 8);
		put_le(b + at + 0x10, p->vaddr, 8);
		put_le(b + at + 0x18, p->paddr, 8);
		put_le(b + at + 0x20, p->filesz, 8);
		put_le(b + at + 0x28, p->memsz, 8);
		put_le(b + at + 0x30, p->align, 8);
	}
	return b;
}

/* Parse m; return the result, leaving the message in err. */
static int img_parse(const struct img *m, uint16_t machine,
		     struct elf64_image *out, char *err, size_t err_len)
{
	uint8_t *b = img_build(m);
	int rc = elf64_parse(b, m->len, machine, out, err, err_len);

	free(b);
	return rc;
}

/* The image must be rejected with a message containing every fragment. */
static void expect_error(const struct img *m, unsigned machine, ...)
{
	struct elf64_image out;
	char err[256];
	const char *frag;
	va_list ap;

	memset(err, 'x', sizeof(err));
	assert_int_equal(img_parse(m, (uint16_t)machine, &out, err, sizeof(err)), -1);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	print_message("    error: %s\n", err);
	va_start(ap, machine);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (!strstr(err, frag))
			fail_msg("message '%s' lacks '%s'", err, frag);
	}
	va_end(ap);
}

#define EXPECT_ERROR(m, ...) expect_error((m), ELF64_MACHINE_X86_64, __VA_ARGS__, NULL)

/* ---- success ---- */

static void test_valid_image(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;
	char err[128] = "untouched";

	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(out.entry, KERNEL_BASE + 0x10);
	assert_int_equal(out.segment_count, 2);
	assert_int_equal(out.segments[0].paddr, KERNEL_BASE);
	assert_int_equal(out.segments[0].vaddr, KERNEL_BASE);
	assert_int_equal(out.segments[0].offset, 0x1000);
	assert_int_equal(out.segments[0].filesz, 0x1800);
	assert_int_equal(out.segments[0].memsz, 0x1800);
	assert_int_equal(out.segments[0].flags, ELF64_SEG_R | ELF64_SEG_X);
	assert_int_equal(out.segments[1].paddr, KERNEL_BASE + 0x2000);
	assert_int_equal(out.segments[1].filesz, 0x100);
	assert_int_equal(out.segments[1].memsz, 0x3000);
	assert_int_equal(out.segments[1].flags, ELF64_SEG_R | ELF64_SEG_W);
	assert_int_equal(out.lowest_paddr, KERNEL_BASE);
	assert_int_equal(out.highest_paddr, KERNEL_BASE + 0x5000);
}

static void test_bounds_are_page_rounded(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.ph[0].paddr = m.ph[0].vaddr = KERNEL_BASE + 0x123;
	m.entry = KERNEL_BASE + 0x200;
	m.ph[1].memsz = 0x2f01; /* ends at 0x204f01 */
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
	assert_int_equal(out.lowest_paddr, KERNEL_BASE);
	assert_int_equal(out.highest_paddr, KERNEL_BASE + 0x5000);
}

static void test_other_machines(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.machine = ELF64_MACHINE_AARCH64;
	assert_int_equal(img_parse(&m, ELF64_MACHINE_AARCH64, &out, NULL, 0), 0);
	m.machine = ELF64_MACHINE_LOONGARCH;
	assert_int_equal(img_parse(&m, ELF64_MACHINE_LOONGARCH, &out, NULL, 0), 0);
}

static void test_non_load_headers_are_ignored(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	/* Garbage in non-PT_LOAD headers must not matter. */
	m.ph[2] = (struct phdr){ PT_NOTE, 0, UINT64_MAX, UINT64_MAX, UINT64_MAX,
				 UINT64_MAX, 1, 0 };
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
	assert_int_equal(out.segment_count, 2);
}

static void test_vaddr_differs_from_paddr(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	/* A higher-half link: entry is checked against vaddr, bounds use paddr. */
	m.ph[0].vaddr = 0xffffffff80000000ull;
	m.ph[1].vaddr = 0xffffffff80002000ull;
	m.entry = 0xffffffff80000010ull;
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
	assert_int_equal(out.lowest_paddr, KERNEL_BASE);
	assert_int_equal(out.segments[0].vaddr, 0xffffffff80000000ull);
}

static void test_adjacent_segments_do_not_overlap(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.ph[1].paddr = m.ph[1].vaddr = KERNEL_BASE + 0x1800; /* touches seg 0 */
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
}

static void test_flags_keep_rwx_only(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.ph[0].flags = 0xf0000005u; /* PF_MASKPROC bits + R X */
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
	assert_int_equal(out.segments[0].flags, ELF64_SEG_R | ELF64_SEG_X);
}

static void test_sixteen_segments_fit(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.phnum = ELF64_MAX_SEGMENTS;
	for (unsigned i = 0; i < ELF64_MAX_SEGMENTS; i++)
		m.ph[i] = (struct phdr){ PT_LOAD, 5, 0x1000, KERNEL_BASE + i * 0x1000,
					 KERNEL_BASE + i * 0x1000, 0x100, 0x1000, 0x1000 };
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
	assert_int_equal(out.segment_count, ELF64_MAX_SEGMENTS);
	assert_int_equal(out.highest_paddr, KERNEL_BASE + 0x10000);
}

static void test_unaligned_buffer(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;
	uint8_t *b = img_build(&m);
	uint8_t *shifted = malloc(m.len + 1);

	assert_non_null(shifted);
	memcpy(shifted + 1, b, m.len);
	assert_int_equal(elf64_parse(shifted + 1, m.len, ELF64_MACHINE_X86_64, &out,
				     NULL, 0), 0);
	assert_int_equal(out.entry, KERNEL_BASE + 0x10);
	free(shifted);
	free(b);
}

/* ---- identification and header ---- */

static void test_null_buffer(void **state)
{
	(void)state;
	struct elf64_image out;
	char err[128];

	assert_int_equal(elf64_parse(NULL, 100, ELF64_MACHINE_X86_64, &out, err,
				     sizeof(err)), -1);
	assert_non_null(strstr(err, "no buffer"));
}

static void test_too_short(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.len = EHDR_SIZE - 1;
	EXPECT_ERROR(&m, "ELF header", "offset 0x0", "0x3f bytes");
	m.len = 0;
	EXPECT_ERROR(&m, "ELF header", "0x0 bytes");
}

static void test_bad_magic(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ident[3] = 'G';
	EXPECT_ERROR(&m, "e_ident", "offset 0x0", "magic", "7f 45 4c 47");
}

static void test_bad_class(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ident[4] = 1; /* ELFCLASS32 */
	EXPECT_ERROR(&m, "EI_CLASS", "offset 0x4", "class 1", "ELFCLASS64");
}

static void test_bad_encoding(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ident[5] = 2; /* ELFDATA2MSB */
	EXPECT_ERROR(&m, "EI_DATA", "offset 0x5", "encoding 2", "ELFDATA2LSB");
}

static void test_bad_ident_version(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ident[6] = 0;
	EXPECT_ERROR(&m, "EI_VERSION", "offset 0x6", "version 0");
}

static void test_bad_e_version(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.version = 2;
	EXPECT_ERROR(&m, "e_version", "offset 0x14", "2, want 1");
}

static void test_not_executable(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.type = 3; /* ET_DYN */
	EXPECT_ERROR(&m, "e_type", "offset 0x10", "3, want 2", "ET_EXEC");
	m.type = 1; /* ET_REL */
	EXPECT_ERROR(&m, "e_type", "1, want 2");
}

static void test_wrong_machine(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.machine = ELF64_MACHINE_AARCH64;
	EXPECT_ERROR(&m, "e_machine", "offset 0x12", "183, want 62");
	m.machine = ELF64_MACHINE_X86_64;
	expect_error(&m, ELF64_MACHINE_LOONGARCH, "e_machine", "62, want 258", NULL);
}

static void test_bad_header_sizes(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ehsize = 52; /* the ELF32 size */
	EXPECT_ERROR(&m, "e_ehsize", "offset 0x34", "52, want 64");
	m = img_valid();
	m.phentsize = 32;
	EXPECT_ERROR(&m, "e_phentsize", "offset 0x36", "32, want 56");
}

/* ---- program header table ---- */

static void test_no_program_headers(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.phnum = 0;
	EXPECT_ERROR(&m, "e_phnum", "offset 0x38", "no program headers");
}

static void test_phdr_table_outside_file(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.phoff = m.len; /* starts at the end */
	EXPECT_ERROR(&m, "e_phoff", "offset 0x20", "[0x3100, +0xa8)", "0x3100-byte file");
	m.phoff = m.len - PHDR_SIZE; /* first header fits, the rest does not */
	EXPECT_ERROR(&m, "e_phoff", "outside");
	m.phoff = UINT64_MAX - 8; /* offset + size wraps */
	EXPECT_ERROR(&m, "e_phoff", "0xfffffffffffffff7");
	m = img_valid();
	m.len = EHDR_SIZE + PHDR_SIZE; /* file ends inside the table */
	EXPECT_ERROR(&m, "e_phoff", "0x78-byte file");
}

static void test_no_load_segment(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ph[0].type = PT_NOTE;
	m.ph[1].type = PT_NOTE;
	EXPECT_ERROR(&m, "program header table", "offset 0x40", "no PT_LOAD", "3 headers");
}

static void test_too_many_segments(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.phnum = ELF64_MAX_SEGMENTS + 1;
	m.len = 0x2000;
	for (unsigned i = 0; i < m.phnum; i++)
		m.ph[i] = (struct phdr){ PT_LOAD, 5, 0x1000, KERNEL_BASE + i * 0x1000,
					 KERNEL_BASE + i * 0x1000, 0x100, 0x1000, 0x1000 };
	/* header 16 at 0x40 + 16 * 56 = 0x3c0 */
	EXPECT_ERROR(&m, "program header 16", "offset 0x3c0", "more than 16 PT_LOAD");
}

/* ---- segments ---- */

static void test_segment_outside_file(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ph[1].offset = m.len - 0x80; /* 0x100 bytes from 0x3080 */
	EXPECT_ERROR(&m, "program header 1", "offset 0x78", "[0x3080, +0x100)",
		     "0x3100-byte file");
	m = img_valid();
	m.ph[0].offset = m.len + 1;
	m.ph[0].filesz = 0;
	EXPECT_ERROR(&m, "program header 0", "offset 0x40", "[0x3101, +0x0)");
	m = img_valid();
	m.ph[0].offset = 0x10;
	m.ph[0].filesz = UINT64_MAX - 8; /* offset + filesz wraps */
	m.ph[0].memsz = UINT64_MAX - 8;
	EXPECT_ERROR(&m, "program header 0", "outside");
}

static void test_filesz_above_memsz(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ph[1].filesz = 0x100;
	m.ph[1].memsz = 0x80;
	EXPECT_ERROR(&m, "program header 1", "offset 0x78",
		     "p_filesz 0x100 > p_memsz 0x80");
}

static void test_paddr_overflow(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ph[1].paddr = UINT64_MAX - 0x1000;
	EXPECT_ERROR(&m, "program header 1", "offset 0x78", "p_paddr",
		     "0xffffffffffffefff", "p_memsz 0x3000", "overflows");
}

static void test_vaddr_overflow(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ph[1].vaddr = UINT64_MAX - 0x10;
	EXPECT_ERROR(&m, "program header 1", "p_vaddr", "overflows");
}

static void test_end_cannot_round_to_page(void **state)
{
	(void)state;
	struct img m = img_valid();

	/* Ends at 2^64 - 0x10 without overflowing, but its page does not fit. */
	m.ph[1].paddr = m.ph[1].vaddr = UINT64_MAX - 0x300f;
	EXPECT_ERROR(&m, "program header 1", "offset 0x78", "end 0xfffffffffffffff0",
		     "page");
}

static void test_overlapping_segments(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.ph[1].paddr = KERNEL_BASE + 0x17ff; /* one byte into segment 0 */
	EXPECT_ERROR(&m, "program header 1 at offset 0x78", "[0x2017ff, +0x3000)",
		     "overlaps program header 0 at offset 0x40");

	/* Overlap counted in physical memory even when vaddrs differ, and the
	 * earlier header is named by its table index, not its PT_LOAD rank. */
	m = img_valid();
	m.phnum = 4;
	m.ph[0].type = PT_NOTE;
	m.ph[2] = m.ph[1];
	m.ph[3] = (struct phdr){ PT_LOAD, 4, 0x1000, 0x900000, KERNEL_BASE + 0x2800,
				 0x10, 0x10, 0x1000 };
	m.ph[0].flags = 0;
	m.ph[1] = (struct phdr){ PT_LOAD, 5, 0x1000, KERNEL_BASE, KERNEL_BASE,
				 0x1800, 0x1800, 0x1000 };
	EXPECT_ERROR(&m, "program header 3 at offset 0xe8",
		     "overlaps program header 2 at offset 0xb0");
}

static void test_empty_segments_never_overlap(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.ph[2] = (struct phdr){ PT_LOAD, 4, 0, KERNEL_BASE + 0x100,
				 KERNEL_BASE + 0x100, 0, 0, 0x1000 };
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
	assert_int_equal(out.segment_count, 3);
}

/* ---- entry ---- */

static void test_entry_outside_segments(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.entry = 0x100000;
	EXPECT_ERROR(&m, "e_entry", "offset 0x18", "0x100000",
		     "not inside an executable");
	m.entry = KERNEL_BASE + 0x1800; /* one past the end of the text */
	EXPECT_ERROR(&m, "e_entry", "0x201800");
}

static void test_entry_in_data_segment(void **state)
{
	(void)state;
	struct img m = img_valid();

	m.entry = KERNEL_BASE + 0x2000; /* start of the RW segment */
	EXPECT_ERROR(&m, "e_entry", "0x202000", "executable");
}

static void test_entry_last_byte_of_text(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;

	m.entry = KERNEL_BASE + 0x17ff;
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), 0);
}

/* ---- error buffer handling ---- */

static void test_error_buffer_truncation(void **state)
{
	(void)state;
	struct img m = img_valid();
	struct elf64_image out;
	char err[12];

	m.machine = 3;
	memset(err, 'x', sizeof(err));
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_memory_equal(err, "e_machine a", sizeof(err) - 1);

	/* No buffer, or a zero-length one, is not written at all. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, err, 0), -1);
	assert_int_equal(err[0], 'x');
	assert_int_equal(img_parse(&m, ELF64_MACHINE_X86_64, &out, NULL, 0), -1);
}

/* Every truncation of a valid image is rejected cleanly (ASan watches). */
static void test_every_truncation(void **state)
{
	(void)state;
	struct img m = img_valid();
	uint8_t *full = img_build(&m);
	struct elf64_image out;
	char err[160];

	/* The last segment's file bytes end at 0x3100; any shorter file fails. */
	for (size_t len = 0; len < m.len; len++) {
		uint8_t *cut = malloc(len ? len : 1);

		assert_non_null(cut);
		memcpy(cut, full, len);
		assert_int_equal(elf64_parse(cut, len, ELF64_MACHINE_X86_64, &out, err,
					     sizeof(err)), -1);
		assert_true(strlen(err) > 0);
		free(cut);
	}
	free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_image),
		cmocka_unit_test(test_bounds_are_page_rounded),
		cmocka_unit_test(test_other_machines),
		cmocka_unit_test(test_non_load_headers_are_ignored),
		cmocka_unit_test(test_vaddr_differs_from_paddr),
		cmocka_unit_test(test_adjacent_segments_do_not_overlap),
		cmocka_unit_test(test_flags_keep_rwx_only),
		cmocka_unit_test(test_sixteen_segments_fit),
		cmocka_unit_test(test_unaligned_buffer),
		cmocka_unit_test(test_null_buffer),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_class),
		cmocka_unit_test(test_bad_encoding),
		cmocka_unit_test(test_bad_ident_version),
		cmocka_unit_test(test_bad_e_version),
		cmocka_unit_test(test_not_executable),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_bad_header_sizes),
		cmocka_unit_test(test_no_program_headers),
		cmocka_unit_test(test_phdr_table_outside_file),
		cmocka_unit_test(test_no_load_segment),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_segment_outside_file),
		cmocka_unit_test(test_filesz_above_memsz),
		cmocka_unit_test(test_paddr_overflow),
		cmocka_unit_test(test_vaddr_overflow),
		cmocka_unit_test(test_end_cannot_round_to_page),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_empty_segments_never_overlap),
		cmocka_unit_test(test_entry_outside_segments),
		cmocka_unit_test(test_entry_in_data_segment),
		cmocka_unit_test(test_entry_last_byte_of_text),
		cmocka_unit_test(test_error_buffer_truncation),
		cmocka_unit_test(test_every_truncation),
	};

	return cmocka_run_group_tests_name("elf64", tests, NULL, NULL);
}
