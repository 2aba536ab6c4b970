/* SPDX-License-Identifier: MIT */
/*
 * The dt harness's input (shared with the seed writer): one flags byte that
 * picks the error buffer dt_parse gets, then the blob, all of it readable
 * (max_size is its length).
 */
#ifndef FUZZ_DT_INPUT_H
#define FUZZ_DT_INPUT_H

/* flags bits 1:0 */
enum dt_in_err {
	DT_IN_ERR_EXACT,  /* DT_ERR_MAX bytes, exactly */
	DT_IN_ERR_LARGE,  /* 1024 bytes: the line must still be shorter than DT_ERR_MAX */
	DT_IN_ERR_SMALL,  /* 1 + (flags >> 2) % 16 bytes, exactly: the line cut, terminated */
	DT_IN_ERR_NONE,   /* NULL, 0 */
};

#define DT_IN_LARGE 1024u

#endif
