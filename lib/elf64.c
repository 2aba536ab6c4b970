/* SPDX-License-Identifier: MIT */
/*
 * ELF64 executable validation (see anvil/elf64.h). Field offsets follow the
 * System V ABI generic ELF specification ("gABI"), chapter 4 "ELF Header" and
 * chapter 5 "Program Header", with the ELF-64 sizes. Fields are decoded byte
 * by byte as little-endian, so the code works on any host and on unaligned
 * buffers.
 */
#include <anvil/elf64.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* e_ident[] indices and values (gABI "ELF Identification"). */
#define ELF_EI_MAG0        0u
#define ELF_EI_CLASS       4u
#define ELF_EI_DATA        5u
#define ELF_EI_VERSION     6u
#define ELF_MAGIC_LEN      4u
#define ELF_CLASS64        2u
#define ELF_DATA2LSB       1u
#define ELF_EV_CURRENT     1u
#define ELF_ET_EXEC        2u

/* ELF-64 header field offsets (gABI figure "ELF Header", 64-bit sizes). */
#define ELF64_EHDR_SIZE    64u
#define ELF64_OFF_TYPE     0x10u /* e_type, 2 bytes */
#define ELF64_OFF_MACHINE  0x12u /* e_machine, 2 */
#define ELF64_OFF_VERSION  0x14u /* e_version, 4 */
#define ELF64_OFF_ENTRY    0x18u /* e_entry, 8 */
#define ELF64_OFF_PHOFF    0x20u /* e_phoff, 8 */
#define ELF64_OFF_EHSIZE   0x34u /* e_ehsize, 2 */
#define ELF64_OFF_PHENTSIZE 0x36u /* e_phentsize, 2 */
#define ELF64_OFF_PHNUM    0x38u /* e_phnum, 2 */

/* ELF-64 program header field offsets (gABI "Program Header"). */
#define ELF64_PHDR_SIZE    56u
#define ELF64_PH_TYPE      0x00u /* p_type, 4 */
#define ELF64_PH_FLAGS     0x04u /* p_flags, 4 */
#define ELF64_PH_OFFSET    0x08u /* p_offset, 8 */
#define ELF64_PH_VADDR     0x10u /* p_vaddr, 8 */
#define ELF64_PH_PADDR     0x18u /* p_paddr, 8 */
#define ELF64_PH_FILESZ    0x20u /* p_filesz, 8 */
#define ELF64_PH_MEMSZ     0x28u /* p_memsz, 8 */
#define ELF_PT_LOAD        1u
#define ELF_PF_MASK        (ELF64_SEG_R | ELF64_SEG_W | ELF64_SEG_X)

#define ELF64_PAGE_SIZE    4096u

static const uint8_t elf64_magic[ELF_MAGIC_LEN] = { 0x7f, 'E', 'L', 'F' };

/* What elf64_parse() works on: the buffer and where to report. */
struct elf64_ctx {
	const uint8_t *buf;
	size_t len;
	char *err;
	size_t err_len;
};

static uint64_t elf64_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static uint16_t elf64_u16(const struct elf64_ctx *c, size_t off)
{
	return (uint16_t)elf64_le(c->buf + off, 2);
}

static uint32_t elf64_u32(const struct elf64_ctx *c, size_t off)
{
	return (uint32_t)elf64_le(c->buf + off, 4);
}

static uint64_t elf64_u64(const struct elf64_ctx *c, size_t off)
{
	return elf64_le(c->buf + off, 8);
}

__attribute__((format(printf, 2, 3)))
static int elf64_fail(const struct elf64_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->err_len) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->err_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

static int elf64_check_ident(const struct elf64_ctx *c)
{
	const uint8_t *id = c->buf;

	if (c->len < ELF64_EHDR_SIZE)
		return elf64_fail(c, "ELF header at offset 0x0: file is 0x%zx bytes, "
				  "shorter than the 0x%x-byte ELF64 header",
				  c->len, ELF64_EHDR_SIZE);
	if (memcmp(id + ELF_EI_MAG0, elf64_magic, ELF_MAGIC_LEN) != 0)
		return elf64_fail(c, "e_ident at offset 0x0: bad magic "
				  "%02x %02x %02x %02x (want 7f 45 4c 46)",
				  id[0], id[1], id[2], id[3]);
	if (id[ELF_EI_CLASS] != ELF_CLASS64)
		return elf64_fail(c, "e_ident[EI_CLASS] at offset 0x%x: class %u, "
				  "want %u (ELFCLASS64)", ELF_EI_CLASS,
				  id[ELF_EI_CLASS], ELF_CLASS64);
	if (id[ELF_EI_DATA] != ELF_DATA2LSB)
		return elf64_fail(c, "e_ident[EI_DATA] at offset 0x%x: encoding %u, "
				  "want %u (ELFDATA2LSB)", ELF_EI_DATA,
				  id[ELF_EI_DATA], ELF_DATA2LSB);
	if (id[ELF_EI_VERSION] != ELF_EV_CURRENT)
		return elf64_fail(c, "e_ident[EI_VERSION] at offset 0x%x: version %u, "
				  "want %u (EV_CURRENT)", ELF_EI_VERSION,
				  id[ELF_EI_VERSION], ELF_EV_CURRENT);
	return 0;
}

static int elf64_check_header(const struct elf64_ctx *c, uint16_t machine)
{
	uint32_t version = elf64_u32(c, ELF64_OFF_VERSION);
	uint16_t type = elf64_u16(c, ELF64_OFF_TYPE);
	uint16_t mach = elf64_u16(c, ELF64_OFF_MACHINE);
	uint16_t ehsize = elf64_u16(c, ELF64_OFF_EHSIZE);
	uint16_t phentsize = elf64_u16(c, ELF64_OFF_PHENTSIZE);

	if (version != ELF_EV_CURRENT)
		return elf64_fail(c, "e_version at offset 0x%x: %u, want %u",
				  ELF64_OFF_VERSION, version, ELF_EV_CURRENT);
	if (type != ELF_ET_EXEC)
		return elf64_fail(c, "e_type at offset 0x%x: %u, want %u (ET_EXEC)",
				  ELF64_OFF_TYPE, type, ELF_ET_EXEC);
	if (mach != machine)
		return elf64_fail(c, "e_machine at offset 0x%x: %u, want %u",
				  ELF64_OFF_MACHINE, mach, machine);
	if (ehsize != ELF64_EHDR_SIZE)
		return elf64_fail(c, "e_ehsize at offset 0x%x: %u, want %u",
				  ELF64_OFF_EHSIZE, ehsize, ELF64_EHDR_SIZE);
	if (phentsize != ELF64_PHDR_SIZE)
		return elf64_fail(c, "e_phentsize at offset 0x%x: %u, want %u",
				  ELF64_OFF_PHENTSIZE, phentsize, ELF64_PHDR_SIZE);
	return 0;
}

static int elf64_check_phdr_table(const struct elf64_ctx *c)
{
	uint64_t phoff = elf64_u64(c, ELF64_OFF_PHOFF);
	uint16_t phnum = elf64_u16(c, ELF64_OFF_PHNUM);
	uint64_t table = (uint64_t)phnum * ELF64_PHDR_SIZE;

	if (phnum == 0)
		return elf64_fail(c, "e_phnum at offset 0x%x: no program headers",
				  ELF64_OFF_PHNUM);
	if (phoff > c->len || table > c->len - phoff)
		return elf64_fail(c, "e_phoff at offset 0x%x: program header table "
				  "[0x%llx, +0x%llx) lies outside the 0x%zx-byte file",
				  ELF64_OFF_PHOFF, ull(phoff), ull(table), c->len);
	return 0;
}

/* Decode and check one PT_LOAD program header at file offset `at`. */
static int elf64_read_load(const struct elf64_ctx *c, unsigned idx, size_t at,
			   struct elf64_segment *s)
{
	uint32_t flags = elf64_u32(c, at + ELF64_PH_FLAGS);

	s->offset = elf64_u64(c, at + ELF64_PH_OFFSET);
	s->vaddr = elf64_u64(c, at + ELF64_PH_VADDR);
	s->paddr = elf64_u64(c, at + ELF64_PH_PADDR);
	s->filesz = elf64_u64(c, at + ELF64_PH_FILESZ);
	s->memsz = elf64_u64(c, at + ELF64_PH_MEMSZ);
	s->flags = flags & ELF_PF_MASK;

	if (s->offset > c->len || s->filesz > c->len - s->offset)
		return elf64_fail(c, "program header %u at offset 0x%zx: file range "
				  "[0x%llx, +0x%llx) lies outside the 0x%zx-byte file",
				  idx, at, ull(s->offset), ull(s->filesz), c->len);
	if (s->filesz > s->memsz)
		return elf64_fail(c, "program header %u at offset 0x%zx: p_filesz "
				  "0x%llx > p_memsz 0x%llx", idx, at,
				  ull(s->filesz), ull(s->memsz));
	if (s->memsz > UINT64_MAX - s->paddr)
		return elf64_fail(c, "program header %u at offset 0x%zx: p_paddr "
				  "0x%llx + p_memsz 0x%llx overflows", idx, at,
				  ull(s->paddr), ull(s->memsz));
	if (s->memsz > UINT64_MAX - s->vaddr)
		return elf64_fail(c, "program header %u at offset 0x%zx: p_vaddr "
				  "0x%llx + p_memsz 0x%llx overflows", idx, at,
				  ull(s->vaddr), ull(s->memsz));
	/* The page-rounded end must fit too: the loader allocates whole pages. */
	if (s->paddr + s->memsz > UINT64_MAX - (ELF64_PAGE_SIZE - 1))
		return elf64_fail(c, "program header %u at offset 0x%zx: end 0x%llx "
				  "cannot be rounded up to a page", idx, at,
				  ull(s->paddr + s->memsz));
	return 0;
}

static bool elf64_overlap(const struct elf64_segment *a,
			  const struct elf64_segment *b)
{
	return a->memsz && b->memsz && a->paddr < b->paddr + b->memsz &&
	       b->paddr < a->paddr + a->memsz;
}

static int elf64_read_segments(const struct elf64_ctx *c,
			       struct elf64_image *out)
{
	uint64_t phoff = elf64_u64(c, ELF64_OFF_PHOFF);
	uint16_t phnum = elf64_u16(c, ELF64_OFF_PHNUM);
	size_t load_at[ELF64_MAX_SEGMENTS];
	unsigned load_idx[ELF64_MAX_SEGMENTS];

	for (unsigned i = 0; i < phnum; i++) {
		size_t at = (size_t)phoff + (size_t)i * ELF64_PHDR_SIZE;
		uint32_t n = out->segment_count;

		if (elf64_u32(c, at + ELF64_PH_TYPE) != ELF_PT_LOAD)
			continue;
		if (n == ELF64_MAX_SEGMENTS)
			return elf64_fail(c, "program header %u at offset 0x%zx: more "
					  "than %u PT_LOAD segments", i, at,
					  ELF64_MAX_SEGMENTS);
		if (elf64_read_load(c, i, at, &out->segments[n]) != 0)
			return -1;
		for (uint32_t j = 0; j < n; j++) {
			if (elf64_overlap(&out->segments[j], &out->segments[n]))
				return elf64_fail(c, "program header %u at offset 0x%zx: "
						  "physical range [0x%llx, +0x%llx) overlaps "
						  "program header %u at offset 0x%zx", i, at,
						  ull(out->segments[n].paddr),
						  ull(out->segments[n].memsz),
						  load_idx[j], load_at[j]);
		}
		load_at[n] = at;
		load_idx[n] = i;
		out->segment_count = n + 1;
	}
	if (out->segment_count == 0)
		return elf64_fail(c, "program header table at offset 0x%llx: no "
				  "PT_LOAD segment among %u headers", ull(phoff), phnum);
	return 0;
}

static int elf64_check_entry(const struct elf64_ctx *c,
			     const struct elf64_image *img)
{
	for (uint32_t i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];

		if ((s->flags & ELF64_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return 0;
	}
	return elf64_fail(c, "e_entry at offset 0x%x: 0x%llx is not inside an "
			  "executable PT_LOAD segment", ELF64_OFF_ENTRY,
			  ull(img->entry));
}

static void elf64_bounds(struct elf64_image *img)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (uint32_t i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];

		if (s->paddr < lo)
			lo = s->paddr;
		if (s->paddr + s->memsz > hi)
			hi = s->paddr + s->memsz;
	}
	img->lowest_paddr = lo & ~(uint64_t)(ELF64_PAGE_SIZE - 1);
	img->highest_paddr = (hi + ELF64_PAGE_SIZE - 1) &
			     ~(uint64_t)(ELF64_PAGE_SIZE - 1);
}

int elf64_parse(const void *buf, size_t len, uint16_t machine,
		struct elf64_image *out, char *err, size_t err_len)
{
	const struct elf64_ctx c = { buf, len, err, err_len };

	if (err && err_len)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!buf)
		return elf64_fail(&c, "ELF image: no buffer");
	if (elf64_check_ident(&c) || elf64_check_header(&c, machine) ||
	    elf64_check_phdr_table(&c))
		return -1;
	out->entry = elf64_u64(&c, ELF64_OFF_ENTRY);
	if (elf64_read_segments(&c, out) || elf64_check_entry(&c, out))
		return -1;
	elf64_bounds(out);
	return 0;
}
