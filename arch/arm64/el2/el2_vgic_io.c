/* SPDX-License-Identifier: MIT */
/*
 * What the guest does to its GIC that traps, turned into model calls:
 *
 *   GICD (both) and GICR (v3) accesses: stage-2 faults on unmapped frames,
 *   ANVIL_EXIT_MMIO through vm_mmio_add() regions;
 *   GICV_DIR (v2): a write to the GICC frame's second page while el2_vgic.c
 *   keeps it unmapped (the flush asked for DIR to trap);
 *   ICC_SGI1R_EL1 / ICC_SGI0R_EL1 (v3): trapped whenever HCR_EL2.IMO/FMO
 *   are set (IHI 0069, the SGI register descriptions);
 *   ICV_DIR_EL1 (v3): trapped while ICH_HCR_EL2.TDIR is set.
 *
 * An access the model refuses as malformed (a size or alignment the
 * register does not take) ends the payload as the guest's error; one it
 * refuses because a transition was illegal is a hypervisor bug.
 */
#include <stdio.h>

#include <anvil/console.h>
#include <anvil/guest_abi.h>

#include "arm64.h"
#include "el2.h"
#include "el2_vgic.h"
#include "esr.h"
#include "vgic_dist.h"
#include "vgic_dist_regs.h"
#include "vgic_input.h"
#include "vgic_lr_v2.h"
#include "vgic_sgi.h"

/* Trapped GICv3 CPU-interface registers (ESR_EL2 ISS form; IHI 0069, the register summary). */
#define SYSREG_ICC_DIR_EL1 ESR_SYSREG(3, 0, 12, 11, 1)
#define SYSREG_ICC_SGI1R_EL1 ESR_SYSREG(3, 0, 12, 11, 5)
#define SYSREG_ICC_SGI0R_EL1 ESR_SYSREG(3, 0, 12, 11, 7)
#define V3_DIR_INTID_MASK 0xffffffull
#define GICC_DIR_OFFSET (GICV_DIR - GICV_DIR_PAGE)   /* GICC_DIR within its page */
_Static_assert(GICC_DIR_OFFSET == 0, "GICC_DIR opens the GICC frame's second page");
_Static_assert(ANVIL_ARM64_GICD_GPA + GICD_V3_SIZE <= ANVIL_ARM64_GICC_GPA &&
		       ANVIL_ARM64_GICC_GPA + GICV_FRAME_SIZE <= ANVIL_ARM64_GICR_GPA,
	       "the guest's GIC frames do not overlap");

static int mmio_status(struct vcpu *v, enum vgic_mmio_status st, const char *frame, uint64_t off)
{
	if (st == VGIC_MMIO_OK)
		return 0;
	if (st == VGIC_MMIO_REFUSED)
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "vGIC: the model refused a transition at %s + 0x%lx", frame,
		       (unsigned long)off);
	return -1;
}

static int gicd_read(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t *value)
{
	struct el2_vgic *g = ctx;
	return mmio_status(v, vgic_gicd_access(&g->vm, 0, (uint32_t)off, size, false, value), "GICD", off);
}

static int gicd_write(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t value)
{
	struct el2_vgic *g = ctx;
	return mmio_status(v, vgic_gicd_access(&g->vm, 0, (uint32_t)off, size, true, &value), "GICD", off);
}

static int gicr_read(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t *value)
{
	struct el2_vgic *g = ctx;
	return mmio_status(v, vgic_gicr_access(&g->vm, (unsigned)(off / GICR_SIZE), (uint32_t)(off % GICR_SIZE),
					       size, false, value), "GICR", off);
}

static int gicr_write(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t value)
{
	struct el2_vgic *g = ctx;
	return mmio_status(v, vgic_gicr_access(&g->vm, (unsigned)(off / GICR_SIZE), (uint32_t)(off % GICR_SIZE),
					       size, true, &value), "GICR", off);
}

/* A trapped deactivation. The bank is folded while exits are handled, so it lands on the record. */
static int do_dir(struct vcpu *v, struct el2_vgic *g, uint32_t value)
{
	struct vgic_dir_result d;
	g->dir_traps++;
	if (vgic_dir(&g->vm, 0, value, &d) != VGIC_OK || d.outcome == VGIC_DIR_IN_LR) {
		vm_end(v->vm, VM_OUTCOME_HV_ERROR, "vGIC: trapped DIR of 0x%x refused by the model", (unsigned)value);
		return -1;
	}
	if (d.phys)
		arm64_gic_deactivate(d.pintid);
	return 0;
}

/* GICv2's GICC_DIR page while unmapped: GICC_DIR is write-only, the rest of the page reserved. */
static int dir_page_read(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t *value)
{
	(void)ctx, (void)v, (void)off, (void)size;
	*value = 0;
	return 0;
}

static int dir_page_write(void *ctx, struct vcpu *v, uint64_t off, uint8_t size, uint64_t value)
{
	if (off != GICC_DIR_OFFSET || size != 4)
		return 0;
	return do_dir(v, ctx, (uint32_t)value);
}

int el2_vgic_add_regions(struct vm *vm, struct el2_vgic *g)
{
	bool v3 = g->ops->version == VGIC_V3;
	struct vm_mmio_region gicd = { .name = "GICD", .base = ANVIL_ARM64_GICD_GPA,
				       .size = v3 ? GICD_V3_SIZE : GICD_V2_SIZE, .read = gicd_read,
				       .write = gicd_write, .ctx = g };
	if (vm_mmio_add(vm, &gicd))
		return -1;
	if (v3) {
		struct vm_mmio_region gicr = { .name = "GICR", .base = ANVIL_ARM64_GICR_GPA,
					       .size = (uint64_t)GICR_SIZE * EL2_VGIC_VCPUS, .read = gicr_read,
					       .write = gicr_write, .ctx = g };
		return vm_mmio_add(vm, &gicr);
	}
	struct vm_mmio_region dir = { .name = "GICC_DIR", .base = ANVIL_ARM64_GICC_GPA + GICV_DIR_PAGE,
				      .size = GICV_DIR_PAGE, .read = dir_page_read, .write = dir_page_write, .ctx = g };
	return vm_mmio_add(vm, &dir);
}

bool el2_vgic_sysreg(struct vcpu *v, struct vm_exit *e, int *rc)
{
	struct el2_vgic *g = el2_vgic_of(v->vm);
	if (!g || g->ops->version != VGIC_V3 || e->u.sysreg.read)
		return false; /* the SGI registers and DIR are write-only: a read is undefined */
	uint64_t value = e->u.sysreg.value;
	switch (e->u.sysreg.encoding) {
	case SYSREG_ICC_SGI1R_EL1:
	case SYSREG_ICC_SGI0R_EL1:
		if (vgic_v3_sgi(&g->vm, 0, value, e->u.sysreg.encoding == SYSREG_ICC_SGI1R_EL1 ? 1 : 0) < 0) {
			vm_end(v->vm, VM_OUTCOME_HV_ERROR, "vGIC: SGI 0x%lx refused by the model", (unsigned long)value);
			*rc = -1;
			return true;
		}
		break;
	case SYSREG_ICC_DIR_EL1:
		if (do_dir(v, g, (uint32_t)(value & V3_DIR_INTID_MASK))) {
			*rc = -1;
			return true;
		}
		break;
	default:
		return false;
	}
	*rc = el2_skip_instruction(v, e);
	return true;
}

static int line_op(struct el2_vgic *g, uint64_t op, uint32_t intid)
{
	switch (op) {
	case ANVIL_ARM64_TEST_IRQ_ASSERT: return vgic_irq_assert(&g->vm, 0, intid);
	case ANVIL_ARM64_TEST_IRQ_DEASSERT: return vgic_irq_deassert(&g->vm, 0, intid);
	default: return vgic_irq_pulse(&g->vm, 0, intid);
	}
}

/* Every INTID checked first, so a bad range pulses nothing. */
static bool pulse_range(struct el2_vgic *g, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why,
			size_t n, int *rc)
{
	if (a[2] < 1 || a[2] > ANVIL_ARM64_PULSE_RANGE_MAX) {
		*bad_arg = 2;
		snprintf(why, n, "count %lu: pulse 1 to %u interrupts", (unsigned long)a[2], ANVIL_ARM64_PULSE_RANGE_MAX);
		*rc = -1;
		return true;
	}
	for (uint64_t i = 0; i < a[2]; i++) {
		uint64_t id = a[1] + i;
		if (id >> 32 || !vgic_get_irq(&g->vm, 0, (uint32_t)id) || id < VGIC_NR_SGIS) {
			*bad_arg = 1;
			snprintf(why, n, "INTID %lu (of %lu from %lu): the VM has no such PPI or SPI", (unsigned long)id,
				 (unsigned long)a[2], (unsigned long)a[1]);
			*rc = -1;
			return true;
		}
	}
	for (uint64_t i = 0; i < a[2]; i++)
		if (vgic_irq_pulse(&g->vm, 0, (uint32_t)(a[1] + i)) != VGIC_OK) {
			*bad_arg = 0;
			snprintf(why, n, "the vGIC model refused the pulse of INTID %lu (a hypervisor bug)",
				 (unsigned long)(a[1] + i));
			*rc = -1;
			return true;
		}
	*result = 0;
	return true;
}

bool el2_vgic_test(struct vcpu *v, const uint64_t a[4], uint64_t *result, int *bad_arg, char *why,
		   size_t n, int *rc)
{
	if (a[0] < ANVIL_ARM64_TEST_VGIC_INFO || a[0] > ANVIL_ARM64_TEST_IRQ_PULSE_RANGE)
		return false;
	struct el2_vgic *g = el2_vgic_of(v->vm);
	*rc = 0;
	if (!g) {
		*result = ANVIL_TEST_UNSUPPORTED;
		return true;
	}
	switch (a[0]) {
	case ANVIL_ARM64_TEST_VGIC_INFO:
		*result = (uint64_t)g->ops->version | (uint64_t)g->caps.nr_lrs << 8 | (uint64_t)g->vm.cfg.nr_spis << 16 |
			  (uint64_t)el2_vtimer_intid() << 32;
		return true;
	case ANVIL_ARM64_TEST_VGIC_ERRORS:
		*result = vgic_refused(&g->vm) + g->vm.vcpu[0].bank.refused + g->hw_errors;
		return true;
	case ANVIL_ARM64_TEST_VGIC_DIR_TRAPS:
		*result = g->dir_traps;
		return true;
	case ANVIL_ARM64_TEST_VGIC_ENTRIES:
		*result = el2_vm_of(v->vm)->vcpu.entries;
		return true;
	case ANVIL_ARM64_TEST_VTIMER_FIRES:
		*result = a[1] ? arm64_gic_guest_ppi_count() : g->vtimer_fires;
		return true;
	case ANVIL_ARM64_TEST_IRQ_PULSE_RANGE:
		return pulse_range(g, a, result, bad_arg, why, n, rc);
	default: {
		int r = a[1] >> 32 ? VGIC_E_INTID : line_op(g, a[0], (uint32_t)a[1]);
		if (r == VGIC_E_INTID) {
			*bad_arg = 1;
			snprintf(why, n, "INTID %lu: the VM has no such interrupt (or an SGI is only pulsed)",
				 (unsigned long)a[1]);
			*rc = -1;
		} else if (r < 0) {
			*bad_arg = 0;
			snprintf(why, n, "the vGIC model refused the change of INTID %lu (a hypervisor bug)",
				 (unsigned long)a[1]);
			*rc = -1;
		} else {
			*result = 0;
		}
		return true;
	}
	}
}
