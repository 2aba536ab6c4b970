// SPDX-License-Identifier: MIT
/*
 * Multiboot2 boot information parser (Multiboot2 Specification 1.0, 3.6).
 *
 * The structure is "u32 total_size, u32 reserved" followed by tags, each
 * "u32 type, u32 size, payload", starting on 8-byte boundaries and ending
 * with a type-0 tag of size 8. Every size is checked against total_size
 * before anything behind it is read; fields are read with memcpy so an
 * unaligned or hostile buffer cannot fault.
 */
#include <anvil/mb2.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <anvil/boot_map.h>

#define MB2_ALIGN 8u
#define MB2_INFO_HEADER 8u  /* total_size, reserved */
#define MB2_TAG_HEADER 8u   /* type, size */
#define MB2_MODULE_HEADER 16u /* + mod_start, mod_end, then the name */
#define MB2_MMAP_HEADER 16u /* + entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN 24u /* base_addr u64, length u64, type u32, u32 */
#define MB2_MMAP_VERSION 0u
/*
 * Framebuffer tag: addr u64 @8, pitch @16, width @20, height @24, bpp u8 @28,
 * type u8 @29, reserved @30; colour info @32. The 1.0 text shows one reserved
 * byte, but GRUB (the reference loader) writes a u16, so colour info is at 32.
 */
#define MB2_FB_COMMON 32u
#define MB2_FB_RGB_SIZE 38u /* + red pos/size, green pos/size, blue pos/size */
#define MB2_RSDP_V1_LEN 20u  /* ACPI 6.x 5.2.5.3: RSDP up to the revision 0 end */
#define MB2_RSDP_V2_LEN 36u
#define MB2_RSDP_SIGNATURE "RSD PTR "
#define MB2_RSDP_SIGNATURE_LEN 8u
#define MB2_LOADER "multiboot2"

_Static_assert(MB2_RSDP_V2_LEN <= BOOT_RSDP_MAX, "RSDP copy fits boot_info");

/*
 * The tags are walked three times, so that a full map can only ever lose
 * USABLE memory, never a reservation: first everything except USABLE memory
 * map entries and module reservations (all messages come from this pass);
 * then, unless a reservation was dropped, the USABLE entries; then the
 * modules are reserved (boot_map_reserve carves first, so that holds even
 * when it has no room to record them). Later passes report nothing twice.
 */
enum mb2_pass { MB2_PASS_MAIN, MB2_PASS_USABLE, MB2_PASS_MODULES };

struct mb2_ctx {
	const uint8_t *mbi;
	uint32_t total;        /* checked total_size */
	struct boot_info *bi;
	int errors;
	bool have_mmap;
	bool have_new_rsdp;    /* an ACPI 2.0+ RSDP beats an old one */
	enum mb2_pass pass;
	bool dropped;          /* a non-USABLE entry found no room in the map */
};

static void mb2_error(struct mb2_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mb2_error(struct mb2_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->pass != MB2_PASS_MAIN)
		return; /* said in the first pass */
	c->errors++;
	va_start(ap, fmt);
	boot_info_verror(c->bi, fmt, ap);
	va_end(ap);
}

/*
 * Count what a boot_map call recorded in bi->errors: the growth of the list,
 * or one if it failed after the list saturated.
 */
static void mb2_count_map_errors(struct mb2_ctx *c, uint32_t before, bool failed)
{
	uint32_t added = c->bi->error_count - before;

	if (added)
		c->errors += (int)added;
	else if (failed)
		c->errors++;
}

static void mb2_reserve(struct mb2_ctx *c, uint64_t base, uint64_t len)
{
	uint32_t before = c->bi->error_count;
	int rc = boot_map_reserve(c->bi, base, len, BOOT_MEM_BOOTLOADER);

	mb2_count_map_errors(c, before, rc != 0);
}

static uint32_t mb2_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t mb2_rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * The NUL-terminated string at [start, end) of the MBI: its length up to the
 * NUL, or to end (with an error) if there is none.
 */
static size_t mb2_string(struct mb2_ctx *c, uint32_t start, uint32_t end,
			 const char *what, uint32_t tag_off)
{
	const uint8_t *s = c->mbi + start;
	const uint8_t *nul = memchr(s, '\0', end - start);

	if (!nul) {
		mb2_error(c, "%s tag at offset 0x%x: string not NUL-terminated",
			  what, tag_off);
		return end - start;
	}
	return (size_t)(nul - s);
}

/* Copy n bytes of a loader string, control characters replaced by '?'. */
static void mb2_copy_printable(char *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] < ' ' || src[i] > '~') ? '?' : (char)src[i];
	dst[n] = '\0';
}

/* ---- tag handlers (off: tag offset, size: checked tag size) ------------ */

static void mb2_tag_cmdline(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
	const uint8_t *s = c->mbi + off + MB2_TAG_HEADER;
	size_t len = mb2_string(c, off + MB2_TAG_HEADER, off + size,
				"command line", off);

	if (len >= BOOT_CMDLINE_MAX) {
		mb2_error(c, "command line is %u bytes, truncated to %u",
			  (unsigned)len, BOOT_CMDLINE_MAX - 1);
		len = BOOT_CMDLINE_MAX - 1;
	}
	memcpy(c->bi->cmdline, s, len);
	c->bi->cmdline[len] = '\0';
}

/* loader = "multiboot2 (NAME)", NAME cut so the whole fits in loader[]. */
static void mb2_tag_loader_name(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
	static const char prefix[] = MB2_LOADER " (";
	char *dst = c->bi->loader;
	size_t room = sizeof(c->bi->loader) - (sizeof(prefix) - 1) - 2; /* ")" NUL */
	size_t len = mb2_string(c, off + MB2_TAG_HEADER, off + size,
				"boot loader name", off);

	if (len == 0)
		return;
	if (len > room)
		len = room;
	memcpy(dst, prefix, sizeof(prefix) - 1);
	dst += sizeof(prefix) - 1;
	mb2_copy_printable(dst, c->mbi + off + MB2_TAG_HEADER, len);
	dst[len] = ')';
	dst[len + 1] = '\0';
}

static void mb2_tag_module(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
	struct boot_info *bi = c->bi;
	uint32_t start, end;
	size_t len;

	if (size < MB2_MODULE_HEADER) {
		mb2_error(c, "module tag at offset 0x%x: size %u < %u (skipped)",
			  off, size, MB2_MODULE_HEADER);
		return;
	}
	start = mb2_rd32(c->mbi + off + 8);
	end = mb2_rd32(c->mbi + off + 12);
	if (end < start) {
		mb2_error(c, "module tag at offset 0x%x: mod_end 0x%x < mod_start 0x%x (skipped)",
			  off, end, start);
		return;
	}
	/* Reserve even modules we cannot list: their memory is in use. */
	if (c->pass == MB2_PASS_MODULES) {
		mb2_reserve(c, start, (uint64_t)end - start);
		return;
	}
	if (bi->module_count >= BOOT_MAX_MODULES) {
		mb2_error(c, "module at offset 0x%x not listed: more than %u modules",
			  off, BOOT_MAX_MODULES);
		return;
	}
	len = mb2_string(c, off + MB2_MODULE_HEADER, off + size, "module", off);
	if (len > BOOT_MODNAME_MAX - 1)
		len = BOOT_MODNAME_MAX - 1;
	bi->modules[bi->module_count].base = start;
	bi->modules[bi->module_count].length = (uint64_t)end - start;
	mb2_copy_printable(bi->modules[bi->module_count].name,
			   c->mbi + off + MB2_MODULE_HEADER, len);
	bi->module_count++;
}

static uint32_t mb2_mem_type(uint32_t mb2_type)
{
	switch (mb2_type) {
	case MB2_MMAP_AVAILABLE: return BOOT_MEM_USABLE;
	case MB2_MMAP_ACPI_RECLAIMABLE: return BOOT_MEM_ACPI_RECLAIM;
	case MB2_MMAP_NVS: return BOOT_MEM_ACPI_NVS;
	case MB2_MMAP_BADRAM: return BOOT_MEM_BAD;
	default: return BOOT_MEM_RESERVED; /* spec: any other value is reserved */
	}
}

/*
 * boot_map_add; when the map is full, sanitize it (merging what touches or
 * overlaps) and try once more.
 */
static int mb2_map_add(struct mb2_ctx *c, uint64_t base, uint64_t len, uint32_t type)
{
	struct boot_info *bi = c->bi;
	int dropped;

	if (bi->region_count < BOOT_MAX_REGIONS)
		return boot_map_add(bi, base, len, type);
	dropped = boot_map_sanitize_count(bi); /* each drop recorded */
	c->errors += dropped;
	c->dropped = c->dropped || dropped != 0;
	return boot_map_add(bi, base, len, type);
}

static void mb2_tag_mmap(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
	uint32_t esize, version, count, rest;

	if (size < MB2_MMAP_HEADER) {
		mb2_error(c, "memory map tag at offset 0x%x: size %u < %u (skipped)",
			  off, size, MB2_MMAP_HEADER);
		return;
	}
	esize = mb2_rd32(c->mbi + off + 8);
	version = mb2_rd32(c->mbi + off + 12);
	if (esize < MB2_MMAP_ENTRY_MIN) {
		mb2_error(c, "memory map tag at offset 0x%x: entry_size %u < %u (skipped)",
			  off, esize, MB2_MMAP_ENTRY_MIN);
		return;
	}
	c->have_mmap = true;
	/* Newer entry formats only append fields, so keep going (3.6.8). */
	if (esize % MB2_ALIGN)
		mb2_error(c, "memory map tag at offset 0x%x: entry_size %u is not a multiple of 8",
			  off, esize);
	if (version != MB2_MMAP_VERSION)
		mb2_error(c, "memory map tag at offset 0x%x: entry_version %u (read as version 0)",
			  off, version);
	count = (size - MB2_MMAP_HEADER) / esize;
	rest = (size - MB2_MMAP_HEADER) % esize;
	if (rest)
		mb2_error(c, "memory map tag at offset 0x%x: %u trailing bytes after %u entries (ignored)",
			  off, rest, count);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = c->mbi + off + MB2_MMAP_HEADER + i * esize;
		uint32_t type = mb2_mem_type(mb2_rd32(e + 16));
		uint32_t before;
		int rc;

		if ((type == BOOT_MEM_USABLE) != (c->pass == MB2_PASS_USABLE))
			continue;
		before = c->bi->error_count;
		rc = mb2_map_add(c, mb2_rd64(e), mb2_rd64(e + 8), type);
		/* A clipped region records an error but succeeds. */
		mb2_count_map_errors(c, before, rc != 0);
		if (rc != 0) {
			c->dropped = c->dropped || type != BOOT_MEM_USABLE;
			return; /* map full: the rest cannot fit either */
		}
	}
}

static void mb2_tag_framebuffer(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
	const uint8_t *t = c->mbi + off;
	struct boot_framebuffer *fb = &c->bi->fb;
	uint8_t type;

	if (size < MB2_FB_COMMON) {
		mb2_error(c, "framebuffer tag at offset 0x%x: size %u < %u (skipped)",
			  off, size, MB2_FB_COMMON);
		return;
	}
	type = t[29];
	if (type != MB2_FB_RGB) {
		mb2_error(c, "framebuffer tag at offset 0x%x: type %u (%s) not supported, no framebuffer",
			  off, type,
			  type == MB2_FB_INDEXED ? "indexed colour" :
			  type == MB2_FB_EGA_TEXT ? "EGA text" : "unknown");
		return;
	}
	if (size < MB2_FB_RGB_SIZE) {
		mb2_error(c, "framebuffer tag at offset 0x%x: size %u too small for RGB colour info (skipped)",
			  off, size);
		return;
	}
	memset(fb, 0, sizeof(*fb));
	fb->base = mb2_rd64(t + 8);
	fb->pitch = mb2_rd32(t + 16);
	fb->width = mb2_rd32(t + 20);
	fb->height = mb2_rd32(t + 24);
	fb->bpp = t[28];
	fb->red_shift = t[32];
	fb->red_size = t[33];
	fb->green_shift = t[34];
	fb->green_size = t[35];
	fb->blue_shift = t[36];
	fb->blue_size = t[37];
	if (fb->base == 0 || fb->width == 0 || fb->height == 0 || fb->bpp == 0 ||
	    (uint64_t)fb->pitch * 8u < (uint64_t)fb->width * fb->bpp) {
		mb2_error(c, "framebuffer tag at offset 0x%x: bad geometry %ux%u bpp %u pitch %u, no framebuffer",
			  off, fb->width, fb->height, fb->bpp, fb->pitch);
		memset(fb, 0, sizeof(*fb));
		return;
	}
	fb->format = BOOT_FB_RGB;
}

/* Tags 14/15 carry a copy of the RSDP itself (3.6.14, 3.6.15). */
static void mb2_tag_acpi(struct mb2_ctx *c, uint32_t off, uint32_t size,
			 bool is_new)
{
	uint32_t need = is_new ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN;
	const uint8_t *rsdp = c->mbi + off + MB2_TAG_HEADER;

	if (size - MB2_TAG_HEADER < need) {
		mb2_error(c, "ACPI %s RSDP tag at offset 0x%x: %u bytes, need %u (skipped)",
			  is_new ? "new" : "old", off, size - MB2_TAG_HEADER, need);
		return;
	}
	if (memcmp(rsdp, MB2_RSDP_SIGNATURE, MB2_RSDP_SIGNATURE_LEN) != 0) {
		mb2_error(c, "ACPI %s RSDP tag at offset 0x%x: no \"RSD PTR \" signature (skipped)",
			  is_new ? "new" : "old", off);
		return;
	}
	if (!is_new && c->have_new_rsdp)
		return;
	memset(c->bi->rsdp, 0, sizeof(c->bi->rsdp));
	memcpy(c->bi->rsdp, rsdp, need);
	c->bi->rsdp_length = need;
	c->bi->rsdp_phys = 0; /* only a copy is known */
	c->have_new_rsdp = c->have_new_rsdp || is_new;
}

static bool mb2_tag_known_unused(uint32_t type)
{
	switch (type) {
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_BOOTDEV:
	case MB2_TAG_VBE:
	case MB2_TAG_ELF_SECTIONS:
	case MB2_TAG_APM:
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI64:
	case MB2_TAG_SMBIOS:
	case MB2_TAG_NETWORK:
	case MB2_TAG_EFI_MMAP:
	case MB2_TAG_EFI_BS:
	case MB2_TAG_EFI32_IH:
	case MB2_TAG_EFI64_IH:
	case MB2_TAG_LOAD_BASE_ADDR:
		return true;
	default:
		return false;
	}
}

static void mb2_tag(struct mb2_ctx *c, uint32_t type, uint32_t off,
		    uint32_t size)
{
	if (c->pass == MB2_PASS_USABLE) {
		if (type == MB2_TAG_MMAP)
			mb2_tag_mmap(c, off, size);
		return;
	}
	if (c->pass == MB2_PASS_MODULES) {
		if (type == MB2_TAG_MODULE)
			mb2_tag_module(c, off, size);
		return;
	}
	switch (type) {
	case MB2_TAG_CMDLINE: mb2_tag_cmdline(c, off, size); break;
	case MB2_TAG_LOADER_NAME: mb2_tag_loader_name(c, off, size); break;
	case MB2_TAG_MODULE: mb2_tag_module(c, off, size); break;
	case MB2_TAG_MMAP: mb2_tag_mmap(c, off, size); break;
	case MB2_TAG_FRAMEBUFFER: mb2_tag_framebuffer(c, off, size); break;
	case MB2_TAG_ACPI_OLD: mb2_tag_acpi(c, off, size, false); break;
	case MB2_TAG_ACPI_NEW: mb2_tag_acpi(c, off, size, true); break;
	default:
		if (!mb2_tag_known_unused(type))
			mb2_error(c, "unknown tag type %u at offset 0x%x (skipped)",
				  type, off);
		break;
	}
}

/* Walk the tags; stops at the end tag or at the first tag it cannot trust. */
static void mb2_walk(struct mb2_ctx *c)
{
	uint32_t off = MB2_INFO_HEADER;

	for (;;) {
		uint32_t type, size;

		if (c->total - off < MB2_TAG_HEADER) {
			mb2_error(c, "no end tag before total_size 0x%x", c->total);
			return;
		}
		type = mb2_rd32(c->mbi + off);
		size = mb2_rd32(c->mbi + off + 4);
		if (size < MB2_TAG_HEADER) {
			mb2_error(c, "tag type %u at offset 0x%x: size %u < 8 (parsing stopped)",
				  type, off, size);
			return;
		}
		if (size > c->total - off) {
			mb2_error(c, "truncated tag type %u at offset 0x%x: size 0x%x runs past total_size 0x%x",
				  type, off, size, c->total);
			return;
		}
		if (type == MB2_TAG_END) {
			if (size != MB2_TAG_HEADER)
				mb2_error(c, "end tag at offset 0x%x has size %u (expected 8)",
					  off, size);
			return;
		}
		mb2_tag(c, type, off, size);
		/* Next tag starts at the next 8-byte boundary (3.6.1). */
		off += (size + MB2_ALIGN - 1) & ~(MB2_ALIGN - 1);
		if (off > c->total)
			off = c->total;
	}
}

int mb2_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys,
	      struct boot_info *out)
{
	struct mb2_ctx c = { mbi, 0, out, 0, false, false, MB2_PASS_MAIN, false };
	int dropped;

	memset(out, 0, sizeof(*out));
	out->magic = BOOT_INFO_MAGIC;
	out->version = BOOT_INFO_VERSION;
	memcpy(out->loader, MB2_LOADER, sizeof(MB2_LOADER));

	if (magic != MB2_BOOTLOADER_MAGIC) {
		/* Not multiboot2: the pointer means nothing, do not touch it. */
		mb2_error(&c, "bad multiboot2 magic 0x%08x (expected 0x%08x)",
			  magic, MB2_BOOTLOADER_MAGIC);
		return c.errors;
	}
	if (!mbi) {
		mb2_error(&c, "no multiboot2 information (NULL pointer)");
		return c.errors;
	}
	if (mbi_phys % MB2_ALIGN)
		mb2_error(&c, "multiboot2 information at 0x%llx is not 8-byte aligned",
			  (unsigned long long)mbi_phys);
	c.total = mb2_rd32(c.mbi);
	if (c.total < MB2_INFO_HEADER) {
		mb2_error(&c, "total_size %u is smaller than 8", c.total);
		return c.errors;
	}
	if (c.total > MB2_INFO_MAX_SIZE) {
		mb2_error(&c, "total_size 0x%x is absurdly large (> 16 MiB)", c.total);
		return c.errors;
	}

	mb2_walk(&c);
	if (!c.have_mmap)
		mb2_error(&c, "no memory map tag");
	/* The reservations alone, resolved while no USABLE entry is in the map. */
	dropped = boot_map_sanitize_count(out);
	c.errors += dropped;
	if (c.dropped || dropped) {
		mb2_error(&c, "memory map full: available memory ignored "
			  "(it could cover a dropped reservation)");
	} else {
		c.pass = MB2_PASS_USABLE;
		mb2_walk(&c);
	}
	c.pass = MB2_PASS_MODULES;
	mb2_walk(&c);
	c.pass = MB2_PASS_MAIN;
	mb2_reserve(&c, mbi_phys, c.total);

	c.errors += boot_map_sanitize_count(out);
	return c.errors;
}
