/* SPDX-License-Identifier: MIT */
/*
 * The real guest payloads (every build/x86_64/guests/<name>.elf, and the
 * copies without debug sections the kernel embeds, .../embed/<name>.elf) pass the loader's
 * validation (payload_image_parse) and have the layout guests/lib promises:
 * the manifest at ANVIL_GUEST_LOAD, the entry in the RX segment, the
 * manifest's name equal to the file's. Skipped when the payloads are not
 * built (`make guests`).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <anvil/manifest.h>

#define GUEST_DIR "build/x86_64/guests"

/* What the build's payload list promises beyond "it parses". */
struct expected {
	const char *name;
	uint32_t expect;
	uint32_t flags;
	uint16_t call;      /* BAD_HYPERCALL: the call and argument the hypervisor must refuse */
	uint8_t arg;
};

#define NONE ANVIL_EXPECT_ARG_NONE

static const struct expected expected[] = {
	{ "chaos", ANVIL_EXPECT_PASS, 0, 0, 0 }, /* declares its ending at run time (ANVIL_HC_EXPECT_END) */
	{ "x86_basic", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "x86_intercepts", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nested_paging", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "inject", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "clean_bits", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nsvm_basic", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nsvm_intercepts", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nsvm_inject", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nsvm_npt", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nsvm_consistency", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "nsvm_clean", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "host_state_set", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "host_state_check", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "containment_triple", ANVIL_EXPECT_TRIPLE_FAULT, 0, 0, 0 },
	{ "containment_spin", ANVIL_EXPECT_TIMEOUT, 0, 0, 0 },
	{ "containment_oob", ANVIL_EXPECT_BAD_MEMORY, 0, 0, 0 },
	{ "containment_badptr", ANVIL_EXPECT_BAD_HYPERCALL, 0, ANVIL_HC_PRINT, 0 },
	{ "containment_badcall", ANVIL_EXPECT_BAD_HYPERCALL, 0, 0x7777, NONE },
	{ "containment_longstr", ANVIL_EXPECT_BAD_HYPERCALL, 0, ANVIL_HC_PRINT, 1 },
	{ "containment_rofault", ANVIL_EXPECT_BAD_HYPERCALL, 0, ANVIL_HC_LAST_FAULT, 0 },
	{ "containment_deadline", ANVIL_EXPECT_TIMEOUT, 0, 0, 0 },
	{ "spp", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "vmx_exits", ANVIL_EXPECT_PASS, 0, 0, 0 },
	{ "bench_vmexit", ANVIL_EXPECT_PASS, ANVIL_MANIFEST_BENCH, 0, 0 },
	{ "bench_nested", ANVIL_EXPECT_PASS, ANVIL_MANIFEST_BENCH, 0, 0 },
};

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	uint8_t *p = NULL;
	long n;

	assert_non_null(in);
	assert_int_equal(fseek(in, 0, SEEK_END), 0);
	n = ftell(in);
	assert_true(n > 0);
	rewind(in);
	p = malloc((size_t)n);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, in), (size_t)n);
	fclose(in);
	*len = (size_t)n;
	return p;
}

/* "dir/name.elf" -> "name" */
static void base_name(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *b = slash ? slash + 1 : path;
	size_t n = strcspn(b, ".");

	assert_true(n < len);
	memcpy(out, b, n);
	out[n] = 0;
}

static void check_image(const char *path)
{
	struct payload_image img;
	char err[200] = "", name[64];
	size_t len;
	uint8_t *buf = read_file(path, &len);
	int rc = payload_image_parse(buf, len, ELF64_MACHINE_X86_64, "x86_64", &img, err,
				     sizeof(err));

	if (rc != 0)
		fail_msg("%s: %s", path, err);
	base_name(path, name, sizeof(name));
	if (strcmp(img.manifest.name, name) != 0)
		fail_msg("%s: manifest name \"%s\"", path, img.manifest.name);
	assert_int_equal(img.elf.lowest_paddr, ANVIL_GUEST_LOAD);
	assert_int_equal(img.elf.segments[0].paddr, ANVIL_GUEST_LOAD);
	/* Every payload needs a virtualization backend: any (generic) or a named one. */
	assert_true(img.manifest.features & (ANVIL_FEAT_VIRT | ANVIL_FEAT_SVM | ANVIL_FEAT_VMX));

	/* The entry lies in a read-execute segment that is not writable. */
	const struct elf64_segment *text = NULL;

	for (uint32_t i = 0; i < img.elf.segment_count; i++) {
		const struct elf64_segment *s = &img.elf.segments[i];

		if (img.elf.entry >= s->vaddr && img.elf.entry < s->vaddr + s->memsz)
			text = s;
	}
	assert_non_null(text);
	assert_int_equal(text->flags, ELF64_SEG_R | ELF64_SEG_X);

	bool listed = false;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (strcmp(expected[i].name, name) != 0)
			continue;
		listed = true;
		if (img.manifest.expect != expected[i].expect || img.manifest.flags != expected[i].flags)
			fail_msg("%s: expect %u flags %#x, want %u %#x", path, img.manifest.expect,
				 img.manifest.flags, expected[i].expect, expected[i].flags);
		if (img.manifest.expect_call != expected[i].call || img.manifest.expect_arg != expected[i].arg)
			fail_msg("%s: expects call %u argument %u refused, want %u %u", path, img.manifest.expect_call,
				 img.manifest.expect_arg, expected[i].call, expected[i].arg);
	}
	if (!listed)
		fail_msg("%s: payload %s is not in this test's table", path, name);
	free(buf);
}

/* Check every image matching pattern; skip if there is none. */
static void check_all(const char *pattern)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0)
		skip();
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_image(g.gl_pathv[i]);
	globfree(&g);
}

static void test_built_payloads(void **state)
{
	(void)state;
	check_all(GUEST_DIR "/*.elf");
}

static void test_embedded_payloads(void **state)
{
	(void)state;
	check_all(GUEST_DIR "/embed/*.elf");
}

/* Every payload of the list was built (only once anything was built). */
static void test_every_payload_built(void **state)
{
	glob_t g;

	(void)state;
	if (glob(GUEST_DIR "/*.elf", 0, NULL, &g) != 0)
		skip();
	globfree(&g);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		char path[128];
		FILE *f;

		snprintf(path, sizeof(path), GUEST_DIR "/embed/%s.elf", expected[i].name);
		f = fopen(path, "rb");
		if (!f)
			fail_msg("%s missing", path);
		fclose(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_built_payloads),
		cmocka_unit_test(test_embedded_payloads),
		cmocka_unit_test(test_every_payload_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
