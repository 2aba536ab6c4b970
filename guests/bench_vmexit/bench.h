/* SPDX-License-Identifier: MIT */
/* bench_vmexit's cases: the neutral ones in main.c, the arch's exits in <arch>/cases.c. */
#ifndef BENCH_VMEXIT_H
#define BENCH_VMEXIT_H

struct bench_case {
	const char *name;    /* after the backend: "<backend>.<name>.min" */
	void (*body)(void);  /* one exit and re-entry */
};

extern const struct bench_case bench_arch_cases[];
extern const unsigned bench_arch_count;

#endif
