/* SPDX-License-Identifier: MIT */
/*
 * The MSRs and I/O ports a payload's test service may stop the hypervisor
 * from intercepting: a fixed allow-list of ones a guest can touch without
 * reaching host state, the other CPUs or the test harness (COM1 carries the
 * TAP results, some ports end or reset the machine). Shared by the x86
 * backends: the SVM permission maps now, the VMX MSR and I/O bitmaps later.
 * Pure.
 */
#ifndef X86_PASSTHROUGH_H
#define X86_PASSTHROUGH_H

#include <stdint.h>

/*
 * NULL if msr may be passed through, else a short reason. msr is 64 bits
 * wide so that a caller's unchecked argument cannot be truncated onto an
 * allowed number first.
 */
const char *x86_msr_passthrough_denied(uint64_t msr);

/*
 * What both backends pass through from the start, before any test
 * operation (a subset of the allow-list): the POST-code port and
 * IA32_TSC_AUX, which host_state.c switches per payload.
 */
#define X86_PORT_PASSED_AT_START 0x80u
#define X86_MSR_PASSED_AT_START 0xc0000103u

/* NULL if port may be passed through, else a short reason; 64 bits wide for the same reason. */
const char *x86_port_passthrough_denied(uint64_t port);

#endif
