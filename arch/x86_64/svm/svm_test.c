/* SPDX-License-Identifier: MIT */
/*
 * SVM test services (ANVIL_HC_ARCH_TEST) and the clean-bit auditor's part of
 * the run: each VMRUN is checked against the VMCB as the CPU left it at the
 * previous #VMEXIT, and every payload closes with one case saying what the
 * auditor saw. The "touch" operations change one field of a clean-bit group
 * through the accessors between two VMRUNs, each harmless to the guest.
 */
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/vm.h>

#include "svm.h"

#define DR6_B0 (1ull << 0)
#define CR4_TSD (1ull << 2)
#define PAT_PA7_UC_MINUS (0x07ull << 56) /* entry 7: UC (0x00) <-> UC- (0x07); no guest page uses it */
#define EXC_BP 3u
#define ALT_ADDR 0x1000ull
#define ALT_INT_VECTOR 0x21u
#define ALT_GDT_LIMIT_EXTRA 8u
#define SEG_ES_BASE_ALT 0x1000ull /* ignored in 64-bit mode */

void svm_audit_before_vmrun(struct svm_vcpu *c)
{
	struct vmcb_audit_finding f[SVM_AUDIT_KEEP];
	unsigned n = vmcb_audit_check(c->snapshot, c->vmcb, f, SVM_AUDIT_KEEP);
	c->audited++;
	for (unsigned i = 0; i < n && i < SVM_AUDIT_KEEP; i++) {
		if (c->findings < SVM_AUDIT_KEEP) {
			c->kept[c->findings] = f[i];
			c->kept_at[c->findings] = c->audited;
		}
		c->findings++;
		klog(LOG_ERROR, "vmcb audit: VMRUN %lu: %s (%s) changed 0x%lx -> 0x%lx while marked clean",
		     (unsigned long)c->audited, f[i].field, f[i].group, (unsigned long)f[i].before,
		     (unsigned long)f[i].after);
	}
}

static bool toggled(struct svm_vcpu *c, int g)
{
	c->touched ^= 1u << g;
	return c->touched & (1u << g);
}

static void switch_asid(struct svm_vm *s)
{
	uint32_t fresh;
	bool flush;
	if (asid_get(&svm_asids, &fresh, &flush))
		return;
	asid_put(&svm_asids, s->asid);
	s->asid = fresh;
	vmcb_set_asid(s->vcpu.vmcb, fresh);
	/* A new ASID: nothing cached for it may be trusted (clean bits are per ASID too). */
	vmcb_mark_all_dirty(s->vcpu.vmcb);
	vmcb_set_tlb_control(s->vcpu.vmcb, asid_tlb_control(flush, svm_caps.flush_by_asid));
}

/* Change one field of group g through its accessor; 0, or -1 if the group has none we can change. */
static int touch_group(struct svm_vm *s, int g)
{
	struct svm_vcpu *c = &s->vcpu;
	struct vmcb *v = c->vmcb;
	bool on = toggled(c, g);
	switch (g) {
	case VMCB_CLEAN_INTERCEPTS:
		vmcb_set_intercept_exc(v, on ? v->control.intercept_exc | VMCB_EXC(EXC_BP)
					     : v->control.intercept_exc & ~VMCB_EXC(EXC_BP));
		return 0;
	case VMCB_CLEAN_PERM_MAP: /* the first 2025 bug shape: a different MSRPM base */
		s->msrpm_cur ^= 1;
		vmcb_set_msrpm_base_pa(v, s->msrpm_pa[s->msrpm_cur]);
		return 0;
	case VMCB_CLEAN_ASID:
		switch_asid(s);
		return 0;
	case VMCB_CLEAN_INTR:
		vmcb_set_int_vector(v, on ? ALT_INT_VECTOR : 0);
		return 0;
	case VMCB_CLEAN_NPT: /* the second 2025 bug shape: gPAT changes */
		vmcb_set_g_pat(v, v->save.g_pat ^ PAT_PA7_UC_MINUS);
		return 0;
	case VMCB_CLEAN_CR:
		vmcb_set_cr4(v, v->save.cr4 ^ CR4_TSD);
		return 0;
	case VMCB_CLEAN_DR:
		vmcb_set_dr6(v, v->save.dr6 ^ DR6_B0);
		return 0;
	case VMCB_CLEAN_DT: {
		struct vmcb_seg gdtr = v->save.gdtr;
		gdtr.limit = on ? gdtr.limit + ALT_GDT_LIMIT_EXTRA : gdtr.limit - ALT_GDT_LIMIT_EXTRA;
		vmcb_set_gdtr(v, gdtr);
		return 0;
	}
	case VMCB_CLEAN_SEG: {
		struct vmcb_seg es = v->save.es;
		es.base = on ? SEG_ES_BASE_ALT : 0;
		vmcb_set_es(v, es);
		return 0;
	}
	case VMCB_CLEAN_CR2:
		vmcb_set_cr2(v, on ? ALT_ADDR : 0);
		return 0;
	case VMCB_CLEAN_LBR: /* LBR virtualization is off: the CPU ignores these */
		vmcb_set_last_excp_from(v, on ? ALT_ADDR : 0);
		return 0;
	case VMCB_CLEAN_AVIC: /* AVIC is off: ignored */
		vmcb_set_avic_backing_page(v, on ? ALT_ADDR : 0);
		return 0;
	case VMCB_CLEAN_CET: /* CR4.CET is off: ignored */
		vmcb_set_isst_addr(v, on ? ALT_ADDR : 0);
		return 0;
	default:
		return -1;
	}
}

/* The field each group's self-test corrupts behind the accessors' back. */
static const char *const selftest_field[VMCB_CLEAN_GROUP_COUNT] = {
	[VMCB_CLEAN_INTERCEPTS] = "intercept_exc", [VMCB_CLEAN_PERM_MAP] = "msrpm_base_pa",
	[VMCB_CLEAN_ASID] = "asid", [VMCB_CLEAN_INTR] = "int_vector", [VMCB_CLEAN_NPT] = "g_pat",
	[VMCB_CLEAN_CR] = "cr4", [VMCB_CLEAN_DR] = "dr6", [VMCB_CLEAN_DT] = "gdtr",
	[VMCB_CLEAN_SEG] = "es", [VMCB_CLEAN_CR2] = "cr2", [VMCB_CLEAN_LBR] = "last_excp_from",
	[VMCB_CLEAN_AVIC] = "avic_backing_page", [VMCB_CLEAN_CET] = "isst_addr",
};

/*
 * Prove the auditor live: flip one byte of a field of group g without its
 * accessor while the group is marked clean, run the auditor on the real
 * VMCB, then put everything back. 1 if it named that field.
 */
static int audit_selftest(struct svm_vcpu *c, int g, uint64_t *result)
{
	const struct vmcb_field *f = selftest_field[g] ? vmcb_field_find(selftest_field[g]) : NULL;
	if (!f || !c->snapshot_valid)
		return -1;
	uint8_t *p = (uint8_t *)c->vmcb + f->offset;
	uint32_t clean = c->vmcb->control.clean;
	uint8_t old = *p;
	struct vmcb_audit_finding out[SVM_AUDIT_KEEP];
	*p ^= 0x10; /* the stale write an accessor would have caught */
	c->vmcb->control.clean = clean | VMCB_CLEAN_BIT(g);
	unsigned n = vmcb_audit_check(c->snapshot, c->vmcb, out, SVM_AUDIT_KEEP);
	*p = old;
	c->vmcb->control.clean = clean;
	*result = 0;
	for (unsigned i = 0; i < n && i < SVM_AUDIT_KEEP; i++)
		if (!strcmp(out[i].field, f->name))
			*result = 1;
	return 0;
}

int svm_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, char *why, size_t n)
{
	struct svm_vm *s = svm_vm_of(v->vm);
	struct svm_vcpu *c = &s->vcpu;
	uint64_t op = a[0], x = a[1], y = a[2];
	*result = 0;
	switch (op) {
	case ANVIL_SVM_TEST_TOUCH_GROUP:
		if (x >= VMCB_CLEAN_GROUP_COUNT)
			break;
		*result = (uint64_t)(int64_t)touch_group(s, (int)x);
		return 0;
	case ANVIL_SVM_TEST_AUDIT_SELFTEST:
		if (x >= VMCB_CLEAN_GROUP_COUNT)
			break;
		if (!v->vm->audit) {
			*result = (uint64_t)-1; /* the auditor is off */
			return 0;
		}
		if (audit_selftest(c, (int)x, result))
			break;
		return 0;
	case ANVIL_SVM_TEST_AUDIT_COUNT:
		*result = v->vm->audit ? c->audited : (uint64_t)-1;
		return 0;
	case ANVIL_SVM_TEST_INTERCEPT_MSR:
		if (y > 3)
			break;
		for (int i = 0; i < 2; i++)
			if (svm_msrpm_set((uint8_t *)(uintptr_t)s->msrpm_pa[i], (uint32_t)x, y & 1, y & 2))
				goto bad;
		return 0;
	case ANVIL_SVM_TEST_INTERCEPT_IO:
		if (x > 0xffff || y > 1)
			break;
		svm_iopm_set((uint8_t *)(uintptr_t)s->iopm_pa, (uint16_t)x, y);
		return 0;
	case ANVIL_SVM_TEST_NPT_PAGE_SIZE: {
		uint64_t hpa;
		uint32_t prot;
		unsigned size = 0;
		*result = npt_lookup(&s->npt, x, &hpa, &prot, &size) ? size : 0;
		return 0;
	}
	default:
		snprintf(why, n, "unknown SVM test operation %lu", (unsigned long)op);
		return -1;
	}
bad:
	snprintf(why, n, "SVM test operation %lu: bad argument 0x%lx / 0x%lx", (unsigned long)op,
		 (unsigned long)x, (unsigned long)y);
	return -1;
}

/* Where the CPU saves NRIP, every skipped instruction was also decoded: did they agree? */
static void report_decode_crosscheck(struct vcpu *v, const struct svm_vcpu *c)
{
	char detail[160];
	if (!c->decode_checked)
		return;
	if (!c->decode_mismatches) {
		snprintf(detail, sizeof(detail), "%lu instruction lengths decoded as NRIP says",
			 (unsigned long)c->decode_checked);
		vm_report(v->vm, true, "nrip_decode_match", detail);
		return;
	}
	snprintf(detail, sizeof(detail), "%lu of %lu decodes disagree with NRIP; first at ip 0x%lx (NRIP length %lu)",
		 (unsigned long)c->decode_mismatches, (unsigned long)c->decode_checked,
		 (unsigned long)c->decode_first_ip, (unsigned long)c->decode_first_nrip_len);
	vm_report(v->vm, false, "nrip_decode_match", detail);
}

void svm_report_final(struct vcpu *v)
{
	struct svm_vcpu *c = svm_vcpu_of(v);
	if (!c)
		return;
	report_decode_crosscheck(v, c);
	if (!v->vm->audit) {
		vm_report_skip(v->vm, "vmcb_clean_audit", "auditor off (audit=0)");
		return;
	}
	char detail[200];
	if (!c->findings) {
		snprintf(detail, sizeof(detail), "%lu VMRUNs audited, no stale clean bit", (unsigned long)c->audited);
		vm_report(v->vm, true, "vmcb_clean_audit", detail);
		return;
	}
	snprintf(detail, sizeof(detail), "%s in group %s changed 0x%lx -> 0x%lx while marked clean (VMRUN %lu); %lu findings in %lu VMRUNs",
		 c->kept[0].field, c->kept[0].group, (unsigned long)c->kept[0].before, (unsigned long)c->kept[0].after,
		 (unsigned long)c->kept_at[0], (unsigned long)c->findings, (unsigned long)c->audited);
	vm_report(v->vm, false, "vmcb_clean_audit", detail);
}
