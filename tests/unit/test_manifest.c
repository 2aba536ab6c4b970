/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for lib/manifest.c: minimal payload ELF64 images built in
 * memory (ELF header, two program headers, the manifest at the start of the
 * lowest segment), one test per manifest check, each asserting the message
 * says what was wrong and where.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/manifest.h>

#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define PT_LOAD 1u
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u
#define TEXT_OFF 0x1000u
#define DATA_OFF 0x2000u
#define FILE_LEN 0x2100u

struct phdr {
	uint32_t flags;
	uint64_t offset, paddr, filesz, memsz;
};

/* A payload image: two PT_LOAD segments and the manifest stored at moff. */
struct payload {
	uint16_t machine;
	uint64_t entry;
	struct phdr ph[2];
	struct anvil_manifest man;
	uint64_t moff; /* file offset the manifest bytes are written at */
	size_t len;
};

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * A valid x86_64 payload for 256 KiB of guest memory: text RX at 0x10000
 * (file 0x1000, manifest first), data RW at 0x20000 (file 0x2000, 0x100
 * bytes in the file, 0x1000 in memory).
 */
static struct payload payload_valid(void)
{
	struct payload p = { 0 };

	p.machine = ELF64_MACHINE_X86_64;
	p.entry = ANVIL_GUEST_LOAD + 0x80;
	p.ph[0] = (struct phdr){ PF_R | PF_X, TEXT_OFF, ANVIL_GUEST_LOAD, 0x200, 0x200 };
	p.ph[1] = (struct phdr){ PF_R | PF_W, DATA_OFF, 0x20000, 0x100, 0x1000 };
	p.man.magic = ANVIL_MANIFEST_MAGIC;
	p.man.version = ANVIL_MANIFEST_VERSION;
	p.man.size = sizeof(struct anvil_manifest);
	strcpy(p.man.name, "hello_world2");
	strcpy(p.man.arch, "x86_64");
	p.man.features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT;
	p.man.mem_kib = 256;
	p.man.timeout_ms = 5000;
	p.man.expect = ANVIL_EXPECT_PASS;
	p.man.flags = 0;
	p.moff = TEXT_OFF;
	p.len = FILE_LEN;
	return p;
}

/* Serialise into an exact-size heap buffer, so ASan catches any over-read. */
static uint8_t *payload_build(const struct payload *p)
{
	uint8_t *b = calloc(1, FILE_LEN);

	assert_non_null(b);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2; /* ELFCLASS64 */
	b[5] = 1; /* ELFDATA2LSB */
	b[6] = 1; /* EV_CURRENT */
	put_le(b + 0x10, 2, 2); /* ET_EXEC */
	put_le(b + 0x12, p->machine, 2);
	put_le(b + 0x14, 1, 4);
	put_le(b + 0x18, p->entry, 8);
	put_le(b + 0x20, EHDR_SIZE, 8);
	put_le(b + 0x34, EHDR_SIZE, 2);
	put_le(b + 0x36, PHDR_SIZE, 2);
	put_le(b + 0x38, 2, 2);
	for (unsigned i = 0; i < 2; i++) {
		uint8_t *h = b + EHDR_SIZE + i * PHDR_SIZE;

		put_le(h + 0x00, PT_LOAD, 4);
		put_le(h + 0x04, p->ph[i].flags, 4);
		put_le(h + 0x08, p->ph[i].offset, 8);
		put_le(h + 0x10, p->ph[i].paddr, 8); /* vaddr = paddr: identity mapped */
		put_le(h + 0x18, p->ph[i].paddr, 8);
		put_le(h + 0x20, p->ph[i].filesz, 8);
		put_le(h + 0x28, p->ph[i].memsz, 8);
		put_le(h + 0x30, 0x1000, 8);
	}
	assert_true(p->moff + sizeof(p->man) <= FILE_LEN);
	memcpy(b + p->moff, &p->man, sizeof(p->man));
	if (p->len < FILE_LEN) {
		uint8_t *cut = malloc(p->len ? p->len : 1);

		assert_non_null(cut);
		memcpy(cut, b, p->len);
		free(b);
		b = cut;
	}
	return b;
}

static int payload_parse(const struct payload *p, const char *arch, struct payload_image *out,
			 char *err, size_t err_len)
{
	uint8_t *b = payload_build(p);
	int rc = payload_image_parse(b, p->len, ELF64_MACHINE_X86_64, arch, out, err, err_len);

	free(b);
	return rc;
}

/* p must be refused with a one-line message containing every fragment. */
static void expect_error(const struct payload *p, ...)
{
	struct payload_image out;
	char err[256];
	const char *frag;
	va_list ap;

	memset(err, 'x', sizeof(err));
	assert_int_equal(payload_parse(p, "x86_64", &out, err, sizeof(err)), -1);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_null(strchr(err, '\n'));
	print_message("    error: %s\n", err);
	va_start(ap, p);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (!strstr(err, frag))
			fail_msg("message '%s' lacks '%s'", err, frag);
	}
	va_end(ap);
}

#define EXPECT_ERROR(p, ...) expect_error((p), __VA_ARGS__, NULL)

static void expect_ok(const struct payload *p)
{
	struct payload_image out;
	char err[256] = "untouched";

	if (payload_parse(p, "x86_64", &out, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_string_equal(err, "");
}

/* ---- good images ---- */

static void test_valid(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	char err[128] = "untouched";

	assert_int_equal(payload_parse(&p, "x86_64", &out, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_memory_equal(&out.manifest, &p.man, sizeof(p.man));
	assert_string_equal(out.manifest.name, "hello_world2");
	assert_int_equal(out.manifest.mem_kib, 256);
	assert_int_equal(out.elf.segment_count, 2);
	assert_int_equal(out.elf.entry, ANVIL_GUEST_LOAD + 0x80);
	assert_int_equal(out.elf.lowest_paddr, ANVIL_GUEST_LOAD);
}

static void test_manifest_in_lowest_paddr_segment(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	uint8_t *b;

	/* The data segment comes second in the file but lies lowest in memory. */
	p.ph[0].paddr = 0x20000;
	p.ph[1].paddr = ANVIL_GUEST_LOAD;
	p.entry = 0x20010;
	p.moff = DATA_OFF;
	p.man.timeout_ms = 77;
	b = payload_build(&p);
	/* A decoy manifest at the first segment's bytes must be ignored. */
	memcpy(b + TEXT_OFF, "\x41\x56\x4e\x4d", 4);
	assert_int_equal(payload_image_parse(b, p.len, ELF64_MACHINE_X86_64, "x86_64", &out,
					     NULL, 0), 0);
	assert_int_equal(out.manifest.timeout_ms, 77);
	free(b);
}

static void test_boundaries_accepted(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	strcpy(p.man.name, "abcdefghijklmnopqrstuvwxyz_0123"); /* 31 characters */
	p.man.expect = ANVIL_EXPECT_BAD_HYPERCALL;
	p.man.flags = ANVIL_MANIFEST_BENCH;
	p.man.features = UINT64_MAX; /* requirements are not this parser's business */
	/* The data segment ends exactly where the 16 KiB stack begins. */
	p.ph[1].paddr = 0x3c000 - 0x1000;
	expect_ok(&p);
	p.man.mem_kib = 65536;
	expect_ok(&p);
	/* The manifest may fill the whole segment's file bytes. */
	p.ph[0].filesz = sizeof(struct anvil_manifest);
	p.entry = ANVIL_GUEST_LOAD + 0x10;
	expect_ok(&p);
}

static void test_other_arch(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	uint8_t *b;

	p.machine = ELF64_MACHINE_AARCH64;
	strcpy(p.man.arch, "aarch64");
	b = payload_build(&p);
	assert_int_equal(payload_image_parse(b, p.len, ELF64_MACHINE_AARCH64, "aarch64", &out,
					     NULL, 0), 0);
	free(b);
}

/* ---- the ELF and the manifest's place ---- */

static void test_elf_errors_pass_through(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.machine = ELF64_MACHINE_AARCH64;
	EXPECT_ERROR(&p, "e_machine", "183, want 62");
	p = payload_valid();
	p.entry = 0x20000; /* inside the data segment */
	EXPECT_ERROR(&p, "e_entry");
}

static void test_segment_too_small(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.ph[0].filesz = sizeof(struct anvil_manifest) - 1;
	p.entry = ANVIL_GUEST_LOAD + 0x10;
	EXPECT_ERROR(&p, "PT_LOAD segment 0 at offset 0x1000", "paddr 0x10000", "p_filesz 0x5f",
		     "96-byte manifest");
	/* Memory alone does not count: the manifest must be file bytes. */
	p.ph[0].filesz = 0;
	p.ph[0].memsz = 0x1000;
	EXPECT_ERROR(&p, "p_filesz 0x0", "96-byte manifest");
}

/* ---- manifest fields ---- */

static void test_bad_magic(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.man.magic = 0x4d4e5642;
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "magic 0x4d4e5642", "want 0x4d4e5641");
}

static void test_bad_version_and_size(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.man.version = 1;
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "version 1, want 2");
	p = payload_valid();
	p.man.size = 80;
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "size 80, want 96");
}

static void test_bad_name(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	memset(p.man.name, 0, sizeof(p.man.name));
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "name is empty");
	memset(p.man.name, 'a', sizeof(p.man.name));
	EXPECT_ERROR(&p, "name is not NUL-terminated within 32 bytes");
	strcpy(p.man.name, "abcDef");
	EXPECT_ERROR(&p, "name has byte 0x44 at index 3", "a-z, 0-9 and _");
	strcpy(p.man.name, "svm-basic");
	EXPECT_ERROR(&p, "byte 0x2d at index 3");
	strcpy(p.man.name, "tab\there");
	EXPECT_ERROR(&p, "byte 0x09 at index 3");
	strcpy(p.man.name, "x ");
	EXPECT_ERROR(&p, "byte 0x20 at index 1");
}

static void test_bad_arch(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	char err[160];

	strcpy(p.man.arch, "aarch64");
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "arch \"aarch64\", want \"x86_64\"");
	strcpy(p.man.arch, "x86_64x");
	EXPECT_ERROR(&p, "arch \"x86_64x\"");
	strcpy(p.man.arch, "x86");
	EXPECT_ERROR(&p, "arch \"x86\"");
	memset(p.man.arch, 'x', sizeof(p.man.arch));
	EXPECT_ERROR(&p, "arch is not NUL-terminated within 16 bytes");
	/* Unprintable bytes are not copied into the message. */
	strcpy(p.man.arch, "x86\x1b[2J");
	EXPECT_ERROR(&p, "arch \"x86?[2J\"");
	/* No arch to compare with is a mismatch, not a crash. */
	p = payload_valid();
	assert_int_equal(payload_parse(&p, NULL, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "want \"\""));
}

static void test_bad_mem_kib(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.man.mem_kib = 252;
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "mem_kib 252 is outside [256, 65536]");
	p.man.mem_kib = 0;
	EXPECT_ERROR(&p, "mem_kib 0 is outside");
	p.man.mem_kib = 65540;
	EXPECT_ERROR(&p, "mem_kib 65540 is outside");
	p.man.mem_kib = UINT32_MAX;
	EXPECT_ERROR(&p, "mem_kib 4294967295 is outside");
	p.man.mem_kib = 258;
	EXPECT_ERROR(&p, "mem_kib 258 is not a multiple of 4");
}

static void test_bad_expect(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.man.expect = ANVIL_EXPECT_BAD_HYPERCALL + 1;
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "expect 5 is not a known outcome");
	p.man.expect = UINT32_MAX;
	EXPECT_ERROR(&p, "expect 4294967295");
}

/* The detailed expectation must fit the expected outcome. */
static void test_expectation_fields(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	char err[160];

	p.man.expect = ANVIL_EXPECT_BAD_HYPERCALL;
	p.man.expect_call = ANVIL_HC_PRINT;
	p.man.expect_arg = 0;
	p.man.expect_value = 0x7f0000000000ull;
	assert_int_equal(payload_parse(&p, "x86_64", &out, err, sizeof(err)), 0);
	assert_int_equal(out.manifest.expect_call, ANVIL_HC_PRINT);
	assert_true(out.manifest.expect_value == 0x7f0000000000ull);
	p.man.expect_arg = ANVIL_EXPECT_ARG_NONE;
	assert_int_equal(payload_parse(&p, "x86_64", &out, err, sizeof(err)), 0);
	p.man.expect_arg = 4;
	EXPECT_ERROR(&p, "expect_arg 4 is neither an argument");
	p.man.expect_arg = 1;
	p.man.expect_access = ANVIL_ACCESS_R;
	EXPECT_ERROR(&p, "expect_access is for BAD_MEMORY");

	p = payload_valid();
	p.man.expect = ANVIL_EXPECT_BAD_MEMORY;
	p.man.expect_value = 0xc0000000ull;
	p.man.expect_access = ANVIL_ACCESS_W;
	assert_int_equal(payload_parse(&p, "x86_64", &out, err, sizeof(err)), 0);
	p.man.expect_access = ANVIL_ACCESS_R | ANVIL_ACCESS_W;
	EXPECT_ERROR(&p, "expect_access 0x3 is not one of R (1), W (2), X (4)");
	p.man.expect_access = 0;
	p.man.expect_call = ANVIL_HC_PRINT;
	EXPECT_ERROR(&p, "expect_call/expect_arg are for BAD_HYPERCALL");

	p = payload_valid();
	p.man.expect_value = 1;
	EXPECT_ERROR(&p, "expect 0 has no detail to check");
	p = payload_valid();
	p.man.expect = ANVIL_EXPECT_TIMEOUT;
	p.man.expect_call = 3;
	EXPECT_ERROR(&p, "expect 2 has no detail to check");
	p = payload_valid();
	p.man.reserved = 1;
	EXPECT_ERROR(&p, "reserved field is 0x1, must be 0");
}

static void test_bad_flags(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	p.man.flags = ANVIL_MANIFEST_BENCH | 0x80000000u;
	EXPECT_ERROR(&p, "manifest at offset 0x1000", "flags 0x80000001",
		     "unknown bits 0x80000000");
}

static void test_segment_below_load_area(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	/* The manifest moves with the lowest segment, so it is still found. */
	p.ph[0].paddr = ANVIL_GUEST_LOAD - 0x1000;
	p.entry = p.ph[0].paddr + 0x80;
	EXPECT_ERROR(&p, "segment 0 at offset 0x1000", "[0xf000, 0xf200)",
		     "outside [0x10000, 0x3c000)", "mem_kib 256");
	p.ph[0].paddr = 0;
	p.entry = 0x80;
	EXPECT_ERROR(&p, "segment 0", "[0x0, 0x200)");
}

static void test_segment_into_stack(void **state)
{
	(void)state;
	struct payload p = payload_valid();

	/* One byte of .bss into the 16 KiB reserved below the top of memory. */
	p.ph[1].paddr = 0x3b000;
	p.ph[1].memsz = 0x1001;
	EXPECT_ERROR(&p, "segment 1 at offset 0x2000", "[0x3b000, 0x3c001)",
		     "outside [0x10000, 0x3c000)");
	/* Entirely above guest memory. */
	p.ph[1].paddr = 0x100000;
	p.ph[1].memsz = 0x1000;
	EXPECT_ERROR(&p, "segment 1", "[0x100000, 0x101000)");
	/* A larger mem_kib makes room for the same segment. */
	p.man.mem_kib = 2048;
	expect_ok(&p);
	p.ph[1].paddr = 0x200000 - 0x4000 - 0x1000;
	expect_ok(&p);
	p.ph[1].paddr += 0x1000;
	EXPECT_ERROR(&p, "segment 1", "outside [0x10000, 0x1fc000)", "mem_kib 2048");
}

static void test_error_buffer_handling(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	char tiny[12];

	p.man.magic = 0;
	assert_int_equal(payload_parse(&p, "x86_64", &out, NULL, 0), -1);
	assert_int_equal(payload_parse(&p, "x86_64", &out, tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "manifest at");
	/* Too small for even the prefix: cut, still terminated. */
	assert_int_equal(payload_parse(&p, "x86_64", &out, tiny, 3), -1);
	assert_string_equal(tiny, "ma");
}

static void test_every_truncation(void **state)
{
	(void)state;
	struct payload p = payload_valid();
	struct payload_image out;
	char err[200];

	/* The data segment's file bytes end at 0x2100: any shorter file fails. */
	for (size_t len = 0; len < FILE_LEN; len += 7) {
		p.len = len;
		assert_int_equal(payload_parse(&p, "x86_64", &out, err, sizeof(err)), -1);
		assert_true(strlen(err) > 0);
	}
}

/* ---- names ---- */

static void test_feature_names(void **state)
{
	(void)state;
	char buf[64];

	manifest_feature_names(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	manifest_feature_names(ANVIL_FEAT_SVM | ANVIL_FEAT_NPT, buf, sizeof(buf));
	assert_string_equal(buf, "svm,npt");
	manifest_feature_names(ANVIL_FEAT_EPT, buf, sizeof(buf));
	assert_string_equal(buf, "ept");
	manifest_feature_names(ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NRIPS |
			       ANVIL_FEAT_VMCB_CLEAN | ANVIL_FEAT_VMX | ANVIL_FEAT_EPT,
			       buf, sizeof(buf));
	assert_string_equal(buf, "svm,npt,nrips,vmcb_clean,vmx,ept");
	manifest_feature_names(ANVIL_FEAT_NPT | (1ull << 5) | (1ull << 63), buf, sizeof(buf));
	assert_string_equal(buf, "npt,bit5,bit63");
}

static void test_feature_names_truncate(void **state)
{
	(void)state;
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	manifest_feature_names(ANVIL_FEAT_SVM | ANVIL_FEAT_NPT | ANVIL_FEAT_NRIPS, buf,
			       sizeof(buf));
	assert_string_equal(buf, "svm,npt");
	manifest_feature_names(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "svm,npt");
	buf[0] = 'q';
	manifest_feature_names(ANVIL_FEAT_SVM, buf, 0);
	assert_int_equal(buf[0], 'q');
	manifest_feature_names(ANVIL_FEAT_SVM, buf, 1);
	assert_string_equal(buf, "");
}

static void test_expect_names(void **state)
{
	(void)state;
	assert_string_equal(manifest_expect_name(ANVIL_EXPECT_PASS), "pass");
	assert_string_equal(manifest_expect_name(ANVIL_EXPECT_TRIPLE_FAULT), "triple fault");
	assert_string_equal(manifest_expect_name(ANVIL_EXPECT_TIMEOUT), "timeout");
	assert_string_equal(manifest_expect_name(ANVIL_EXPECT_BAD_MEMORY), "bad memory");
	assert_string_equal(manifest_expect_name(ANVIL_EXPECT_BAD_HYPERCALL), "bad hypercall");
	assert_string_equal(manifest_expect_name(5), "invalid");
	assert_string_equal(manifest_expect_name(UINT32_MAX), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_manifest_in_lowest_paddr_segment),
		cmocka_unit_test(test_boundaries_accepted),
		cmocka_unit_test(test_other_arch),
		cmocka_unit_test(test_elf_errors_pass_through),
		cmocka_unit_test(test_segment_too_small),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_version_and_size),
		cmocka_unit_test(test_bad_name),
		cmocka_unit_test(test_bad_arch),
		cmocka_unit_test(test_bad_mem_kib),
		cmocka_unit_test(test_bad_expect),
		cmocka_unit_test(test_expectation_fields),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_segment_below_load_area),
		cmocka_unit_test(test_segment_into_stack),
		cmocka_unit_test(test_error_buffer_handling),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_feature_names),
		cmocka_unit_test(test_feature_names_truncate),
		cmocka_unit_test(test_expect_names),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
