/* SPDX-License-Identifier: MIT */
/*
 * Kernel command-line parsing. Options are rows of a table in cmdline.c, so a
 * new option is a new row plus a field here.
 *
 * Syntax: space-separated tokens `key`, `key=value`; a value may be quoted
 * ("a b" keeps the space, the quotes are dropped). A backslash keeps the next
 * character literal for the tokenizer (it is passed on, so globs see it too).
 * Every problem is reported through the callback as one line naming the
 * option, what was wrong and the 1-based column; that option keeps its
 * previous value (the default unless set earlier on the line).
 */
#ifndef ANVIL_CMDLINE_H
#define ANVIL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

enum anvil_on_finish {
	ON_FINISH_HALT,
	ON_FINISH_EXIT,
	ON_FINISH_REBOOT,
	ON_FINISH_POWEROFF,
};

/* Values of anvil_options.loglevel (higher = more output). */
enum cmdline_loglevel {
	CMDLINE_LOG_ERROR = 0,
	CMDLINE_LOG_WARN = 1,
	CMDLINE_LOG_INFO = 2,
	CMDLINE_LOG_DEBUG = 3,
};

#define CMDLINE_MAX_GLOBS 16
#define CMDLINE_GLOB_MAX 64 /* including the NUL */

#define CMDLINE_TIMEOUT_DEFAULT 10u
#define CMDLINE_TIMEOUT_MIN 1u
#define CMDLINE_TIMEOUT_MAX 86400u

/*
 * emulator_version=<text>: the version of the emulator the kernel runs on, as
 * the host runner found it ("7.2.19", "2.7"), so quirks can be gated on it.
 * Only [0-9A-Za-z.+~-]; this many bytes, NUL included.
 */
#define CMDLINE_VERSION_MAX 32

/* Longest report line passed to the callback, NUL included. */
#define CMDLINE_REPORT_MAX 160

/*
 * crash=panic|fault|hang: make the whole run die after the TAP header, so the
 * host runner's handling of a kernel that panics, takes an uncontained fault
 * or hangs with interrupts off can itself be tested on a real emulator.
 */
enum anvil_crash {
	CRASH_NONE,
	CRASH_PANIC,
	CRASH_FAULT,
	CRASH_HANG,
};

struct anvil_options {
	char globs[CMDLINE_MAX_GLOBS][CMDLINE_GLOB_MAX]; /* tests=... */
	unsigned glob_count;           /* 0: every test */
	uint32_t timeout_s;            /* per-test timeout, seconds */
	enum anvil_on_finish on_finish;
	int loglevel;                  /* enum cmdline_loglevel */
	bool bench;                    /* run benchmarks */
	bool audit;                    /* audit=: check VM state tracking (VMCB clean bits) at every entry */
	enum anvil_crash crash;        /* crash=: deliberate whole-run failures */
	char emulator_version[CMDLINE_VERSION_MAX]; /* emulator_version=: "" when unknown */
	bool lava;                     /* lava=: LAVA test-case signals around TAP lines */
	bool chaos_seed_set;           /* chaos=<seed>[:<n>] given (else the kernel picks a seed) */
	uint32_t chaos_seed;
	uint32_t chaos_iterations;     /* the chaos payload's sequence length */
};

#define CMDLINE_CHAOS_N_DEFAULT 2000u
#define CMDLINE_CHAOS_N_MAX 100000000u

typedef void (*cmdline_report_fn)(void *ctx, const char *msg);

/*
 * No globs (= all tests), timeout 10 s, halt on finish, loglevel info, no
 * bench, audit on, emulator version unknown, no LAVA signals, no chaos seed
 * (chosen at boot) and CMDLINE_CHAOS_N_DEFAULT chaos iterations.
 */
void cmdline_defaults(struct anvil_options *o);

/*
 * Parse line (may be NULL or empty) into *o, which must already hold defaults
 * or earlier values. Returns the number of problems reported; report may be
 * NULL. tests= may be given more than once; its globs accumulate.
 */
int cmdline_parse(const char *line, struct anvil_options *o,
		  cmdline_report_fn report, void *ctx);

/* true if there are no globs or any glob matches test_name. */
bool cmdline_test_selected(const struct anvil_options *o,
			   const char *test_name);

/*
 * Shell-style match of the whole string: '*' any run (also across '/'),
 * '?' one character, '[abc]' '[a-z]' '[!x]' (also '[^x]') classes, '\\'
 * makes the next character literal. An unterminated '[' matches itself.
 */
bool glob_match(const char *pattern, const char *s);

/* Text of an on_finish value ("halt", ...); "?" for an unknown value. */
const char *cmdline_on_finish_name(enum anvil_on_finish f);

#endif
