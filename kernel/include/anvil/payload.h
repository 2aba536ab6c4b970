/* SPDX-License-Identifier: MIT */
/*
 * Guest payloads embedded in the image (guests/build.mk) and their runner:
 * each selected payload gets a fresh VM, runs under the watchdog, and its
 * reports become TAP lines "<payload>/<case>".
 */
#ifndef ANVIL_PAYLOAD_H
#define ANVIL_PAYLOAD_H

#include <stdint.h>

struct tap_writer;
struct anvil_options;

struct payload_blob {
	const uint8_t *data;
	uint64_t size;
};

/* Provided by the generated payloads.S (weak here: a kernel without payloads still links). */
extern const struct payload_blob anvil_payload_table[];
extern const uint64_t anvil_payload_count;

/* Run every selected payload; returns how many TAP failures they added. */
unsigned payload_run_all(struct tap_writer *tap, const struct anvil_options *opt);

#endif
