/* SPDX-License-Identifier: MIT */
/*
 * clean_bits: for every VMCB clean-bit group, the hypervisor changes a field
 * of the group through its accessors between two VMRUNs (the hypervisor's
 * own `clean_bits/vmcb_clean_audit` case then says whether any VMRUN ran
 * with a stale clean bit), and proves its auditor catches a field changed
 * behind the accessors.
 */
#include <stdio.h>

#include <guest/guest.h>

ANVIL_MANIFEST(.name = "clean_bits", .features = ANVIL_FEAT_SVM | ANVIL_FEAT_NPT,
	       .mem_kib = 4096, .timeout_ms = 10000);

#define CLEAN_GROUPS 13
#define VMRUNS_AFTER_TOUCH 2 /* hypercalls after each touch, each a VMRUN to audit */
#define CASE_NAME_MAX 40

/* APM Vol 2 15.15.3, VMCB clean bits 0..12, in bit order. */
static const char *const group_names[CLEAN_GROUPS] = {
	"intercepts", "perm_map", "asid", "intr", "npt", "cr", "dr",
	"dt", "seg", "cr2", "lbr", "avic", "cet",
};

static void check_touch(unsigned g)
{
	char name[CASE_NAME_MAX];
	int64_t r = arch_test(ANVIL_SVM_TEST_TOUCH_GROUP, g, 0, 0);

	for (unsigned i = 0; i < VMRUNS_AFTER_TOUCH; i++)
		exit_count(ANVIL_EXIT_HYPERCALL);
	snprintf(name, sizeof(name), "touch_%s", group_names[g]);
	if (r == -1)
		reportf(true, name, "the backend uses no field of group %u", g);
	else
		reportf(r == 0, name, "TOUCH_GROUP %u returned %lld", g, (long long)r);
}

#define AUDITOR_OFF (-1) /* AUDIT_SELFTEST / AUDIT_COUNT with audit=0 */

static void check_auditor(unsigned g)
{
	char name[CASE_NAME_MAX];
	int64_t r = arch_test(ANVIL_SVM_TEST_AUDIT_SELFTEST, g, 0, 0);

	snprintf(name, sizeof(name), "auditor_catches_%s", group_names[g]);
	if (r == AUDITOR_OFF)
		reportf(true, name, "not checked: the auditor is off (audit=0)");
	else
		reportf(r == 1, name, "AUDIT_SELFTEST %u returned %lld", g, (long long)r);
}

/* Every hypercall exit so far was followed by a VMRUN the auditor checked. */
static void check_audited_vmruns(void)
{
	uint64_t exits = exit_count(ANVIL_EXIT_HYPERCALL); /* includes this call */
	int64_t audited = arch_test(ANVIL_SVM_TEST_AUDIT_COUNT, 0, 0, 0);

	if (audited == AUDITOR_OFF)
		reportf(true, "audited_vmruns", "not checked: the auditor is off (audit=0)");
	else
		reportf(audited >= 0 && (uint64_t)audited >= exits, "audited_vmruns",
			"%lld VMRUNs audited, %llu hypercalls made before asking",
			(long long)audited, (unsigned long long)exits);
}

int guest_main(const struct anvil_guest_info *info)
{
	(void)info;
	for (unsigned g = 0; g < CLEAN_GROUPS; g++)
		check_touch(g);
	for (unsigned g = 0; g < CLEAN_GROUPS; g++)
		check_auditor(g);
	check_audited_vmruns();
	return 0;
}
