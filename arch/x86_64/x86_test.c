/* SPDX-License-Identifier: MIT */
/*
 * x86 test operations: a payload may turn MSR and port intercepts on and
 * off, but stop intercepting only what x86_passthrough.c allows: nothing a
 * payload could reach host state through (docs/guest-abi.md, "Test
 * operations"). A refusal is returned to the guest (ANVIL_TEST_DENIED), the
 * intercept stays, and the log says why.
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/vm.h>

#include "x86_passthrough.h"
#include "x86_test.h"
#include "x86_vcpu.h"

static const struct x86_vcpu_ops *ops(struct vcpu *v)
{
	return ((struct x86_vcpu *)v->be)->ops;
}

static int intercept_msr(struct vcpu *v, uint64_t msr, uint64_t mode, uint64_t *result, int *bad_arg)
{
	if (mode & ~(uint64_t)(ANVIL_X86_INTERCEPT_READ | ANVIL_X86_INTERCEPT_WRITE)) {
		*bad_arg = 2;
		return -1;
	}
	bool read = mode & ANVIL_X86_INTERCEPT_READ, write = mode & ANVIL_X86_INTERCEPT_WRITE;
	const char *denied = msr > UINT32_MAX ? "MSR number does not fit in 32 bits" :
			     (read && write) ? NULL : x86_msr_passthrough_denied(msr);
	if (denied) {
		klog(LOG_DEBUG, "%s: pass-through of MSR 0x%llx refused: %s", v->vm->name, (unsigned long long)msr, denied);
		*result = ANVIL_TEST_DENIED;
		return 0;
	}
	/* An MSR the backend's map does not cover is always intercepted (SVM: outside the MSRPM ranges). */
	if (ops(v)->set_msr_intercept(v, (uint32_t)msr, read, write))
		*result = ANVIL_TEST_UNSUPPORTED;
	return 0;
}

static int intercept_io(struct vcpu *v, uint64_t port, uint64_t on, uint64_t *result, int *bad_arg)
{
	if (on > 1) {
		*bad_arg = 2;
		return -1;
	}
	const char *denied = on ? (port > UINT16_MAX ? "port number does not fit in 16 bits" : NULL)
				: x86_port_passthrough_denied(port);
	if (denied) {
		klog(LOG_DEBUG, "%s: pass-through of port 0x%llx refused: %s", v->vm->name, (unsigned long long)port,
		     denied);
		*result = ANVIL_TEST_DENIED;
		return 0;
	}
	ops(v)->set_io_intercept(v, (uint16_t)port, on);
	return 0;
}

int x86_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n)
{
	int r;
	switch (a[0]) {
	case ANVIL_X86_TEST_INTERCEPT_MSR: r = intercept_msr(v, a[1], a[2], result, bad_arg); break;
	case ANVIL_X86_TEST_INTERCEPT_IO: r = intercept_io(v, a[1], a[2], result, bad_arg); break;
	default:
		snprintf(why, n, "unknown x86 test operation 0x%lx", (unsigned long)a[0]);
		return -1;
	}
	if (r)
		snprintf(why, n, "x86 test operation 0x%lx: bad argument", (unsigned long)a[0]);
	return r;
}
