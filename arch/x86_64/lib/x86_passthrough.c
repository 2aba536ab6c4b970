// SPDX-License-Identifier: MIT
/* The MSR and I/O port pass-through allow-list (see x86_passthrough.h). */
#include "x86_passthrough.h"

#include <stdbool.h>
#include <stddef.h>

#include <anvil/guest_abi.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define X86_MSR_NUMBER_MAX 0xffffffffull /* ECX of RDMSR/WRMSR */
#define X86_PORT_NUMBER_MAX 0xffffull    /* DX of IN/OUT */

#define X86_MSR_TSC_AUX 0xc0000103u
#define X86_PORT_POST 0x80u

/* Each entry says why its guest access cannot reach anything of the host's. */
static const uint32_t msr_allowed[] = {
	ANVIL_TEST_MSR,  /* Anvil's own number, emulated when intercepted; no CPU has it,
			    so a passed-through access is a #GP inside the guest */
	X86_MSR_TSC_AUX, /* read only by RDTSCP and RDPID, which the hypervisor never uses */
};

static const uint32_t port_allowed[] = {
	X86_PORT_POST,   /* POST codes: output for a diagnostic display, nothing reads them */
};
_Static_assert(X86_PORT_PASSED_AT_START == X86_PORT_POST && X86_MSR_PASSED_AT_START == X86_MSR_TSC_AUX,
	       "what is passed through at the start is on the allow-list");

/* The reasons name the lists, so they must change together. */
#define MSR_NOT_LISTED "not on the pass-through allow-list (test MSR, TSC_AUX)"
#define PORT_NOT_LISTED "not on the pass-through allow-list (port 0x80)"
_Static_assert(ARRAY_LEN(msr_allowed) == 2, "MSR_NOT_LISTED names every allowed MSR");
_Static_assert(ARRAY_LEN(port_allowed) == 1, "PORT_NOT_LISTED names every allowed port");

static bool listed(const uint32_t *list, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

const char *x86_msr_passthrough_denied(uint64_t msr)
{
	if (msr > X86_MSR_NUMBER_MAX)
		return "MSR number does not fit in 32 bits";
	if (!listed(msr_allowed, ARRAY_LEN(msr_allowed), msr))
		return MSR_NOT_LISTED;
	return NULL;
}

const char *x86_port_passthrough_denied(uint64_t port)
{
	if (port > X86_PORT_NUMBER_MAX)
		return "port number does not fit in 16 bits";
	if (!listed(port_allowed, ARRAY_LEN(port_allowed), port))
		return PORT_NOT_LISTED;
	return NULL;
}
