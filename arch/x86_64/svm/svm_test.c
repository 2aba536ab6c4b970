/* SPDX-License-Identifier: MIT */
/*
 * SVM test services (ANVIL_HC_ARCH_TEST) and the clean-bit auditor's part of
 * the run: each VMRUN is checked against the VMCB as the CPU left it at the
 * previous #VMEXIT, and every payload closes with one case saying what the
 * auditor saw. The "touch" operations change one field of a clean-bit group
 * through the accessors between two VMRUNs, each to a value whose effect
 * the guest can observe (guest_abi.h, ANVIL_SVM_TEST_TOUCH_GROUP).
 */
#include <stdio.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/vm.h>
#include <arch/cpu.h>

#include "svm.h"
#include "x86_np_test.h"
#include "x86_test.h"

#define DR6_B0 (1ull << 0)
#define CR4_TSD (1ull << 2)
#define PAT_PA7_UC_MINUS (0x07ull << 56) /* entry 7: UC (0x00) <-> UC- (0x07); no guest page uses it */
#define EXC_UD 6u
#define ALT_GDT_LIMIT_EXTRA 8u
#define REMAP_SLOT_ID 1u /* kernel/hypercall.c's tag for remap_page aliases */

void svm_audit_before_vmrun(struct svm_vcpu *c)
{
	struct vmcb_audit_finding f[SVM_AUDIT_KEEP];
	unsigned n = vmcb_audit_check(c->snapshot, c->vmcb, f, SVM_AUDIT_KEEP);
	c->audited++;
	c->nested.audited += nested_in_l2(&c->nested);
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

/* ---- ASID touch: a fresh ASID, then the old one back (a reuse) ---- */

static int touch_asid(struct svm_vm *s, bool on)
{
	uint32_t next;
	bool flush;
	if (on ? asid_get(&svm_asids, &next, &flush) : asid_get_this(&svm_asids, s->asid_before_touch, &flush))
		return -1;
	if (on)
		s->asid_before_touch = s->asid;
	asid_put(&svm_asids, s->asid);
	s->asid = next = on ? next : s->asid_before_touch;
	vmcb_set_asid(s->vcpu.vmcb, next);
	/* Reused: what its previous run cached may still be in the TLB. */
	vmcb_set_tlb_control(s->vcpu.vmcb, asid_tlb_control(flush, svm_caps.flush_by_asid));
	return 0;
}

/* ---- NPT touch: a second set of nested tables, one page richer ---- */

struct leaf_copy {
	struct npt *dst;
	int failed;
};

static void copy_leaf(void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t prot)
{
	struct leaf_copy *c = ctx;
	c->failed |= npt_map(c->dst, gpa, hpa, size, prot);
}

/* The alternative tables: every leaf of the ordinary ones, kept in step by svm_vm.c, plus the extra page. */
static int alt_build(struct svm_vm *s, uint64_t extra_hpa)
{
	if (!s->alt.root) {
		if (npt_init(&s->alt, s->npt.ops, s->npt.fmt))
			return -1;
		struct leaf_copy c = { &s->alt, 0 };
		struct npt_visitor vis = { .leaf = copy_leaf, .ctx = &c };
		npt_walk(&s->npt, &vis);
		if (c.failed)
			return -1;
	}
	return npt_map(&s->alt, ANVIL_SVM_NPT_ALT_GPA, extra_hpa, ARCH_PAGE_SIZE, NPT_R | NPT_W);
}

static int touch_npt(struct vm *vm, struct svm_vm *s, bool on, uint64_t gpa)
{
	struct vmcb *v = s->vcpu.vmcb;
	if (on) {
		const struct memslot *m = memslot_find(&vm->mem, gpa);
		if (!m || m->id == REMAP_SLOT_ID || alt_build(s, m->hpa + (gpa - m->gpa)))
			return -1;
	}
	s->alt_active = on;
	vmcb_set_n_cr3(v, on ? s->alt.root_pa : s->npt.root_pa);
	/* The second 2025 KVM bug shape: gPAT changes together with the tables. */
	vmcb_set_g_pat(v, on ? v->save.g_pat | PAT_PA7_UC_MINUS : v->save.g_pat & ~PAT_PA7_UC_MINUS);
	svm_flush_guest_tlb(s);
	return 0;
}

void svm_test_vm_destroy(struct svm_vm *s)
{
	if (s->alt.root)
		npt_destroy(&s->alt);
}

/* ---- the other groups ---- */

static uint64_t flip(uint64_t v, uint64_t bit, bool on)
{
	return on ? v | bit : v & ~bit;
}

/* Give group g its guest-visible new value (on) or its old one; 1: the group has none; -1: bad argument. */
static int touch_group(struct vm *vm, struct svm_vm *s, int g, bool on, uint64_t arg)
{
	struct vmcb *v = s->vcpu.vmcb;
	switch (g) {
	case VMCB_CLEAN_INTERCEPTS:
		vmcb_set_intercept_exc(v, flip(v->control.intercept_exc, VMCB_EXC(EXC_UD), on));
		return 0;
	case VMCB_CLEAN_PERM_MAP: /* the first 2025 bug shape: a different MSRPM base */
		s->perm_cur = on;
		vmcb_set_msrpm_base_pa(v, s->msrpm_pa[s->perm_cur]);
		vmcb_set_iopm_base_pa(v, s->iopm_pa[s->perm_cur]);
		return 0;
	case VMCB_CLEAN_ASID:
		return touch_asid(s, on);
	case VMCB_CLEAN_INTR:
		if (on && (arg < 32 || arg > 255))
			return -1;
		vmcb_set_int_vector(v, on ? (uint8_t)arg : 0);
		vmcb_set_int_ctl(v, flip(v->control.int_ctl, VMCB_INT_CTL_V_IRQ | VMCB_INT_CTL_V_IGN_TPR, on));
		return 0;
	case VMCB_CLEAN_NPT:
		return touch_npt(vm, s, on, arg);
	case VMCB_CLEAN_CR:
		vmcb_set_cr4(v, flip(v->save.cr4, CR4_TSD, on));
		return 0;
	case VMCB_CLEAN_DR:
		vmcb_set_dr6(v, flip(v->save.dr6, DR6_B0, on));
		return 0;
	case VMCB_CLEAN_DT: {
		struct vmcb_seg gdtr = v->save.gdtr;
		bool was_on = s->touched & VMCB_CLEAN_BIT(g);
		if (on == was_on)
			return 0;
		gdtr.limit = on ? gdtr.limit + ALT_GDT_LIMIT_EXTRA : gdtr.limit - ALT_GDT_LIMIT_EXTRA;
		s->touched ^= VMCB_CLEAN_BIT(g);
		vmcb_set_gdtr(v, gdtr);
		return 0;
	}
	case VMCB_CLEAN_SEG: {
		struct vmcb_seg es = v->save.es;
		es.selector = on ? 0 : ANVIL_GUEST_DS;
		vmcb_set_es(v, es);
		return 0;
	}
	case VMCB_CLEAN_CR2:
		vmcb_set_cr2(v, on ? arg : 0);
		return 0;
	default: /* LBR, AVIC, CET: the features are off, nothing in them is visible */
		return 1;
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

static int nested_stats(const struct svm_vcpu *c, uint64_t which, uint64_t *result, int *bad_arg)
{
	const struct svm_nested *n = &c->nested;
	if (!n->enabled) {
		*result = ANVIL_TEST_UNSUPPORTED;
		return 0;
	}
	switch (which) {
	case ANVIL_NESTED_STAT_VMRUNS: *result = n->vmruns; return 0;
	case ANVIL_NESTED_STAT_REFLECTED: *result = n->reflected; return 0;
	case ANVIL_NESTED_STAT_INVALID: *result = n->invalid; return 0;
	case ANVIL_NESTED_STAT_AUDITED: *result = n->audited; return 0;
	case ANVIL_NESTED_STAT_FIELDS_READ: *result = n->fields_read; return 0;
	case ANVIL_NESTED_STAT_SHADOW_FAULTS: *result = n->shadow.faults_resolved; return 0;
	case ANVIL_NESTED_STAT_SHADOW_REBUILDS: *result = n->shadow.rebuilds; return 0;
	case ANVIL_NESTED_STAT_L0_HANDLED: *result = n->l0_handled; return 0;
	default:
		*bad_arg = 1;
		return -1;
	}
}

static int svm_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg)
{
	struct svm_vm *s = svm_vm_of(v->vm);
	struct svm_vcpu *c = &s->vcpu;
	uint64_t g = a[1];
	if (a[0] == ANVIL_SVM_TEST_NESTED_STATS)
		return nested_stats(c, g, result, bad_arg);
	if (a[0] != ANVIL_SVM_TEST_AUDIT_COUNT && g >= VMCB_CLEAN_GROUP_COUNT) {
		*bad_arg = 1;
		return -1;
	}
	switch (a[0]) {
	case ANVIL_SVM_TEST_TOUCH_GROUP: {
		if (a[2] > 1) {
			*bad_arg = 2;
			return -1;
		}
		int r = touch_group(v->vm, s, (int)g, a[2] == 1, a[3]);
		*bad_arg = 3;
		*result = r == 1 ? ANVIL_TEST_UNSUPPORTED : 0;
		return r < 0 ? -1 : 0;
	}
	case ANVIL_SVM_TEST_AUDIT_SELFTEST:
		if (!v->vm->audit) {
			*result = ANVIL_TEST_UNSUPPORTED;
			return 0;
		}
		return audit_selftest(c, (int)g, result);
	case ANVIL_SVM_TEST_AUDIT_COUNT:
		*result = v->vm->audit ? c->audited : ANVIL_TEST_UNSUPPORTED;
		return 0;
	default:
		return -1;
	}
}

int svm_arch_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why, size_t n)
{
	*result = 0;
	*bad_arg = 0;
	int r;
	switch (a[0] & ~0xffull) {
	case 0x100: r = x86_arch_test(v, a, result, bad_arg, why, n); return r;
	case 0x200: { /* the active tables answer; REPOINT_NO_FLUSH keeps both in step, no svm_flush_guest_tlb() */
		struct svm_vm *s = svm_vm_of(v->vm);
		r = x86_np_test(v->vm, s->alt_active ? &s->alt : &s->npt, s->alt_active ? &s->npt : &s->alt, a, result,
				bad_arg);
		break;
	}
	case 0x300: r = svm_test(v, a, result, bad_arg); break;
	default:
		snprintf(why, n, "unknown test operation 0x%lx", (unsigned long)a[0]);
		return -1;
	}
	if (r)
		snprintf(why, n, "test operation 0x%lx refused its argument", (unsigned long)a[0]);
	return r;
}

/* Where the CPU saves NRIP, every skipped instruction was also decoded: did they agree? */
static void report_decode_crosscheck(struct vcpu *v, const struct svm_vcpu *c)
{
	char detail[160];
	if (!svm_caps.nrips) {
		vm_report_skip(v->vm, "nrip_decode_match", "no NRIP on this CPU: the decoder alone gives instruction lengths");
		return;
	}
	if (!v->vm->audit) {
		vm_report_skip(v->vm, "nrip_decode_match", "cross-check off with the auditor (audit=0)");
		return;
	}
	if (!c->decode_checked) {
		vm_report_skip(v->vm, "nrip_decode_match", "no instruction was skipped");
		return;
	}
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
		snprintf(detail, sizeof(detail), "%lu VMRUNs audited (%lu of vmcb02 for L2), no stale clean bit",
			 (unsigned long)c->audited, (unsigned long)c->nested.audited);
		vm_report(v->vm, true, "vmcb_clean_audit", detail);
		return;
	}
	snprintf(detail, sizeof(detail), "%s in group %s changed 0x%lx -> 0x%lx while marked clean (VMRUN %lu); %lu findings in %lu VMRUNs",
		 c->kept[0].field, c->kept[0].group, (unsigned long)c->kept[0].before, (unsigned long)c->kept[0].after,
		 (unsigned long)c->kept_at[0], (unsigned long)c->findings, (unsigned long)c->audited);
	vm_report(v->vm, false, "vmcb_clean_audit", detail);
}
