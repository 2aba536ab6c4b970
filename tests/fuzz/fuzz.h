/* SPDX-License-Identifier: MIT */
/*
 * Shared by every libFuzzer harness in tests/fuzz and by the seed writer
 * (tests/fuzz/seed): a reader that takes typed fields off the fuzzer's bytes
 * (zero once they run out, so every input is a valid one), a writer for the
 * same formats, and FUZZ_CHECK, which turns a broken parser invariant into
 * a crash libFuzzer records and can replay.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken invariant: say which, where, and abort (libFuzzer saves the input). */
#define FUZZ_CHECK(cond, ...)                                                       \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__,  \
				__LINE__, #cond);                                   \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* ---- reading an input ---------------------------------------------------- */

struct fz {
	const uint8_t *p;
	size_t n, at;
};

static inline struct fz fz_init(const uint8_t *p, size_t n)
{
	return (struct fz){ p, n, 0 };
}

static inline size_t fz_left(const struct fz *f)
{
	return f->n - f->at;
}

/* `bytes` little-endian bytes, missing ones read as zero. */
static inline uint64_t fz_le(struct fz *f, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint64_t b = f->at < f->n ? f->p[f->at++] : 0;

		v |= b << (8 * i);
	}
	return v;
}

static inline uint8_t fz_u8(struct fz *f) { return (uint8_t)fz_le(f, 1); }
static inline uint16_t fz_u16(struct fz *f) { return (uint16_t)fz_le(f, 2); }
static inline uint32_t fz_u32(struct fz *f) { return (uint32_t)fz_le(f, 4); }
static inline uint64_t fz_u64(struct fz *f) { return fz_le(f, 8); }

/* Up to `want` bytes in place (fewer at the end); *got says how many. */
static inline const uint8_t *fz_bytes(struct fz *f, size_t want, size_t *got)
{
	const uint8_t *p = f->p + f->at;

	*got = want < fz_left(f) ? want : fz_left(f);
	f->at += *got;
	return p;
}

/* The rest of the input. */
static inline const uint8_t *fz_rest(struct fz *f, size_t *got)
{
	return fz_bytes(f, fz_left(f), got);
}

/*
 * A private heap copy of n bytes in a buffer of exactly size bytes (the rest
 * zero; at least one byte allocated): ASan then catches any read past it.
 */
static inline uint8_t *fz_copy_in(const void *src, size_t n, size_t size)
{
	uint8_t *p = calloc(size ? size : 1, 1);

	FUZZ_CHECK(p != NULL, "out of memory copying %zu bytes", size);
	if (n)
		memcpy(p, src, n < size ? n : size);
	return p;
}

/* A private heap copy of exactly n bytes. */
static inline uint8_t *fz_copy(const void *src, size_t n)
{
	return fz_copy_in(src, n, n);
}

/* ---- writing an input (the seed writer) ---------------------------------- */

struct fz_out {
	uint8_t *p;
	size_t n, cap;
};

static inline void fz_put(struct fz_out *o, const void *src, size_t n)
{
	if (o->n + n > o->cap) {
		size_t cap = o->cap ? o->cap : 256;

		while (cap < o->n + n)
			cap *= 2;
		o->p = realloc(o->p, cap);
		FUZZ_CHECK(o->p != NULL, "out of memory writing a seed");
		o->cap = cap;
	}
	if (n)
		memcpy(o->p + o->n, src, n);
	o->n += n;
}

static inline void fz_put_le(struct fz_out *o, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	fz_put(o, b, bytes);
}

/* ---- small checks several harnesses share ------------------------------- */

/* s has a NUL within cap bytes. */
static inline bool fz_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* An error message: NUL-terminated within cap and not empty. */
static inline bool fz_message(const char *s, size_t cap)
{
	return fz_terminated(s, cap) && s[0] != '\0';
}

#endif
