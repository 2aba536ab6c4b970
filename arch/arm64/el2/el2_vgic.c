/* SPDX-License-Identifier: MIT */
/*
 * One VM's vGIC at EL2: the model's storage, the guest's GIC frames, and
 * the two steps around every guest entry (docs/vgic.md, "The EL2 wiring"):
 *
 *   pre-entry   vgic_flush() fills the LRs from the ap_list and picks the
 *               maintenance interrupts; the LRs and ICH_HCR_EL2 / GICH_HCR
 *               are written; on GICv2 the GICV_DIR page is mapped or
 *               unmapped as the flush says DIR must trap.
 *   post-exit   the LRs the entry wrote, EOIcount, the VMCR and the running
 *               priority (from the APRs) are read back and the interface's
 *               maintenance requests turned off; vgic_fold() replays them.
 *
 * So while an exit is handled the bank is always folded: distributor
 * accesses, trapped DIRs and the interrupt-line test operations change the
 * records only, and the next entry lists what they made pending. The
 * maintenance interrupt only has to bring the guest out: the fold and the
 * next flush consume its cause, and the host's IRQ handler ends it
 * (timer.c, arm64_gic_is_maintenance).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anvil/console.h>
#include <anvil/guest_abi.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"
#include "vgic_lr_v2.h"

#define PAGE_4K 0x1000ull

static const struct el2_vgic_ops *ops;
static struct el2_vgic_caps caps;
static bool probed;
static char why_not[96];

struct el2_vgic *el2_vgic_of(struct vm *vm)
{
	return el2_vm_of(vm)->vgic;
}

int el2_vgic_probe(char *why, size_t n)
{
	if (probed)
		return ops ? 0 : -1;
	probed = true;
	const struct el2_vgic_ops *o = arm64_platform.gic_version == 3 ? &el2_vgic_v3_ops :
				       arm64_platform.gic_version == 2 ? &el2_vgic_v2_ops : NULL;
	if (!o) {
		snprintf(why_not, sizeof(why_not), "no GICv2 or GICv3 in the device tree");
	} else if (o->probe(&caps, why_not, sizeof(why_not)) == 0) {
		ops = o;
		if (arm64_gic_enable_maintenance())
			klog(LOG_WARN, "vGIC: no maintenance interrupt (device tree): LR refills wait for other exits");
		el2_vtimer_probe();
		klog(LOG_INFO, "vGIC: GICv%u, %u list registers, %u priority bits, %u preemption bits%s",
		     o->version, caps.nr_lrs, caps.pri_bits, caps.pre_bits,
		     o->version == VGIC_V3 && !caps.tds ? ", no TDIR (ICH_VTR_EL2.TDS 0)" : "");
		return 0;
	}
	snprintf(why, n, "%s", why_not);
	klog(LOG_WARN, "vGIC: not available: %s", why_not);
	return -1;
}

static unsigned prio_bits(void)
{
	if (ops->version == VGIC_V2)
		return 5; /* a GICv2 LR holds 5 */
	return caps.pri_bits < 5 ? 5 : caps.pri_bits > 8 ? 8 : caps.pri_bits;
}

static int model_init(struct el2_vgic *g)
{
	struct vgic_cfg cfg = {
		.version = ops->version,
		.nr_vcpus = EL2_VGIC_VCPUS,
		.nr_spis = EL2_VGIC_SPIS,
		.prio_bits = prio_bits(),
		.nr_lrs = caps.nr_lrs,
		/*
		 * An EOI of an edge interrupt outside the LRs (EOImode 0) is
		 * folded at the next exit, whatever brings it: nothing the guest
		 * can see depends on it sooner (reading GICD_ISACTIVER exits and
		 * folds first). Saves the LRENP exit per overflowed active
		 * interrupt (bench_irq).
		 */
		.lazy_lrenp = true,
	};
	if (vgic_vm_init(&g->vm, &cfg, g->vcpu, g->spi, g->ap_slots) != VGIC_OK)
		return -1;
	struct vgic_vmcr vmcr = { 0 };
	vgic_cpuif_load(&g->vm, 0, &vmcr, VGIC_PRIO_IDLE);
	g->loaded = 0;
	g->hw_errors = 0;
	g->dir_traps = 0;
	return 0;
}

/* GICv2: the guest's GICC is the physical GICV frame; its DIR page is mapped only while DIR need not trap. */
static int map_dir_page(struct vm *vm, struct el2_vgic *g, bool on)
{
	uint64_t gpa = ANVIL_ARM64_GICC_GPA + GICV_DIR_PAGE, hpa = arm64_platform.gicv_base + GICV_DIR_PAGE;
	if (on == g->dir_mapped)
		return 0;
	int r = on ? el2_map(vm, gpa, hpa, PAGE_4K, ANVIL_ACCESS_R | ANVIL_ACCESS_W | VM_MAP_DEVICE)
		   : el2_unmap(vm, gpa, PAGE_4K);
	if (r == 0)
		g->dir_mapped = on;
	return r;
}

int el2_vgic_create(struct vm *vm)
{
	struct el2_vm *s = el2_vm_of(vm);
	s->vgic = NULL;
	if (!ops)
		return 0; /* VMs without a vGIC: ARM64_TEST_VGIC_INFO says so */
	struct el2_vgic *g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->ops = ops;
	g->caps = caps;
	if (model_init(g) || el2_vgic_add_regions(vm, g)) {
		free(g);
		return -1;
	}
	if (ops->version == VGIC_V2 &&
	    (el2_map(vm, ANVIL_ARM64_GICC_GPA, arm64_platform.gicv_base, PAGE_4K,
		     ANVIL_ACCESS_R | ANVIL_ACCESS_W | VM_MAP_DEVICE) ||
	     map_dir_page(vm, g, true))) {
		free(g);
		return -1;
	}
	s->vgic = g;
	return 0;
}

void el2_vgic_destroy(struct vm *vm)
{
	struct el2_vm *s = el2_vm_of(vm);
	if (s->vgic)
		el2_vtimer_stop();
	free(s->vgic);
	s->vgic = NULL;
}

int el2_vgic_reset(struct vm *vm)
{
	struct el2_vgic *g = el2_vgic_of(vm);
	if (!g)
		return 0;
	if (model_init(g) || el2_vtimer_reset(g))
		return -1;
	ops->reset(&g->caps);
	return 0;
}

/*
 * The fill never asks for a maintenance interrupt whose condition already
 * holds (the property test checks it), so one asserted right after the
 * HCR write is the hardware's deviation, and it would bring an exit at
 * every entry: the guest would never run again. QEMU (7.2 at least)
 * asserts VGrp0D when VGrp0DIE is set and *Group 1* is disabled (it tests
 * VENG1; IHI 0069 ICH_MISR_EL2.VGrp0D: VGrp0DIE and VENG0 == 0), which
 * vgic_groups reaches. Such an enable is dropped for this entry: that
 * condition is then seen at the next exit instead, late but not lost.
 * MISR bits 7:1 sit where their enables sit in HCR, on both versions.
 */
#define MISR_U (1u << 1)
#define MISR_LRENP (1u << 2)
#define MISR_NP (1u << 3)
#define MISR_VGRP0E (1u << 4)
#define MISR_VGRP0D (1u << 5)
#define MISR_VGRP1E (1u << 6)
#define MISR_VGRP1D (1u << 7)

static void mask_asserted_at_entry(struct el2_vgic *g, struct vgic_hcr *hcr)
{
	uint32_t misr = g->ops->misr() & (MISR_U | MISR_LRENP | MISR_NP | MISR_VGRP0E | MISR_VGRP0D | MISR_VGRP1E |
					  MISR_VGRP1D);
	if (!misr)
		return;
	hcr->uie &= !(misr & MISR_U);
	hcr->lrenpie &= !(misr & MISR_LRENP);
	hcr->npie &= !(misr & MISR_NP);
	hcr->vgrp0eie &= !(misr & MISR_VGRP0E);
	hcr->vgrp0die &= !(misr & MISR_VGRP0D);
	hcr->vgrp1eie &= !(misr & MISR_VGRP1E);
	hcr->vgrp1die &= !(misr & MISR_VGRP1D);
	g->ops->write_hcr(hcr);
	if (g->entry_masked++ == 0)
		klog(LOG_INFO, "vGIC: maintenance condition 0x%x already asserted at entry: its enable dropped "
		     "(hardware deviation; counted from now on)", (unsigned)misr);
}

bool el2_vgic_entry(struct vm *vm)
{
	struct el2_vgic *g = el2_vgic_of(vm);
	if (!g)
		return true;
	struct vgic_flush_result fl;
	if (!el2_vtimer_entry(g) || vgic_flush(&g->vm, 0, &fl) != VGIC_OK) {
		g->hw_errors++;
		return false;
	}
	if (g->ops->version == VGIC_V2 && map_dir_page(vm, g, !fl.trap_dir)) {
		g->hw_errors++;
		return false;
	}
	/* Every LR the last entry used is rewritten (emptied if unused now): an LR left
	   invalid with its EOI bit would keep the maintenance interrupt asserted. */
	struct vgic_lr_bank *bank = &g->vm.vcpu[0].bank;
	unsigned n = fl.used > g->loaded ? fl.used : g->loaded;
	bool ok = g->ops->load(bank, n, &fl.hcr, &g->caps);
	g->loaded = fl.used;
	mask_asserted_at_entry(g, &fl.hcr);
	if (!ok)
		g->hw_errors++;
	return ok;
}

bool el2_vgic_exit(struct vm *vm)
{
	struct el2_vgic *g = el2_vgic_of(vm);
	if (!g)
		return true;
	struct vgic_lr_bank *bank = &g->vm.vcpu[0].bank;
	struct vgic_fold_in in;
	memset(&in, 0, sizeof(in));
	bool ok = g->ops->save(bank, g->loaded, &in, &g->caps);
	struct vgic_fold_result fo;
	if (vgic_fold(&g->vm, 0, &in, &fo) != VGIC_OK)
		ok = false;
	for (unsigned i = 0; i < fo.nr_phys && i < VGIC_PHYS_MAX; i++)
		arm64_gic_deactivate(fo.phys[i]);
	if (!ok)
		g->hw_errors++;
	return ok;
}

bool el2_vgic_is_cpuif_page(uint64_t hpa, uint64_t size)
{
	uint64_t base = arm64_platform.gicv_base;
	return ops && ops->version == VGIC_V2 && base && hpa >= base && hpa + size <= base + GICV_FRAME_SIZE;
}
