/* SPDX-License-Identifier: MIT */
/*
 * Test operations of the EL2 backend (ANVIL_HC_ARCH_TEST): the stage-2
 * page size of an address (ANVIL_NP_TEST_PAGE_SIZE, as every nested-paging
 * backend has it) and the arm64 group (guest_abi.h ANVIL_ARM64_TEST_*).
 */
#include <stdio.h>

#include <anvil/guest_abi.h>

#include "el2.h"
#include "el2_vgic.h"

int el2_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n)
{
	struct el2_vm *s = el2_vm_of(v->vm);
	struct el2_vcpu *c = el2_vcpu_of(v);
	int rc;
	if (el2_vgic_test(v, a, result, bad_arg, why, n, &rc))
		return rc;
	switch (a[0]) {
	case ANVIL_NP_TEST_PAGE_SIZE: {
		unsigned size = 0;
		*result = s2pt_lookup(&s->s2, a[1], NULL, NULL, &size, NULL) ? size : 0;
		return 0;
	}
	case ANVIL_ARM64_TEST_ID_RAW: {
		uint64_t value;
		if (a[1] >> 32 || !el2_id_reg_value((uint32_t)a[1], &value, result)) {
			*bad_arg = 1;
			snprintf(why, n, "0x%lx is not an ID register encoding (ESR_EL2 ISS form, op0 3 op1 0 CRn 0 CRm 1-7, REVIDR_EL1, AIDR_EL1)",
				 (unsigned long)a[1]);
			return -1;
		}
		return 0;
	}
	case ANVIL_ARM64_TEST_MINIMAL_COUNT:
		*result = c->minimal_exits;
		return 0;
	default:
		*bad_arg = 0;
		snprintf(why, n, "test operation 0x%lx does not exist on the EL2 backend", (unsigned long)a[0]);
		return -1;
	}
}
