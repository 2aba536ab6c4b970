/* SPDX-License-Identifier: MIT */
/* One VM's vGIC state and the record operations (see vgic_vm.h). */
#include "vgic_vm.h"

#include <stddef.h>
#include <string.h>

#include "vgic_dist_regs.h"

static bool cfg_ok(const struct vgic_cfg *c)
{
	return (c->version == VGIC_V2 || c->version == VGIC_V3) && c->nr_vcpus >= 1 &&
	       c->nr_vcpus <= VGIC_MAX_VCPUS && c->nr_spis % 32 == 0 &&
	       c->nr_spis <= VGIC_MAX_SPIS && c->prio_bits >= 5 && c->prio_bits <= 8 &&
	       (c->version == VGIC_V3 || c->prio_bits == 5) && c->nr_lrs >= 1 &&
	       c->nr_lrs <= VGIC_LR_MAX;
}

static uint64_t reset_route(const struct vgic_vm *vm)
{
	if (vm->cfg.version == VGIC_V3)
		return 0; /* affinity 0.0.0.0: vCPU 0 */
	return vm->cfg.nr_vcpus == 1 ? 1 : 0;
}

static void init_vcpu(struct vgic_vm *vm, unsigned n, struct vgic_irq **slots)
{
	struct vgic_vcpu *v = &vm->vcpu[n];

	memset(v, 0, sizeof(*v));
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
		struct vgic_irq *irq = &v->priv[i];

		vgic_irq_init(irq, i, vm->cfg.version == VGIC_V2 && i < VGIC_NR_SGIS);
		irq->target = (uint8_t)n;
	}
	vgic_ap_init(&v->ap, slots, VGIC_NR_PRIVATE + vm->cfg.nr_spis);
	vgic_bank_init(&v->bank, vm->cfg.nr_lrs);
	v->cpuif.rpr = VGIC_PRIO_IDLE;
	v->affinity = n; /* Aff0 = n */
	v->rd_sleep = true;
}

int vgic_vm_init(struct vgic_vm *vm, const struct vgic_cfg *cfg, struct vgic_vcpu *vcpus,
		 struct vgic_irq *spis, struct vgic_irq **ap_slots)
{
	unsigned per_vcpu;

	if (!vm || !cfg || !vcpus || !ap_slots || (cfg->nr_spis && !spis) || !cfg_ok(cfg))
		return VGIC_E_CONFIG;
	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	if (!vm->cfg.iidr)
		vm->cfg.iidr = VGIC_IIDR_DEFAULT;
	vm->vcpu = vcpus;
	vm->spi = spis;
	vm->prio_mask = (uint8_t)(0xffu << (8 - cfg->prio_bits));
	per_vcpu = VGIC_NR_PRIVATE + cfg->nr_spis;
	for (unsigned n = 0; n < cfg->nr_vcpus; n++)
		init_vcpu(vm, n, ap_slots + n * per_vcpu);
	for (unsigned i = 0; i < cfg->nr_spis; i++) {
		vgic_irq_init(&spis[i], VGIC_NR_PRIVATE + i, false);
		spis[i].route = reset_route(vm);
		spis[i].target = (uint8_t)vgic_route_target(vm, spis[i].route);
	}
	return VGIC_OK;
}

struct vgic_irq *vgic_get_irq(struct vgic_vm *vm, unsigned vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < vm->cfg.nr_vcpus ? &vm->vcpu[vcpu].priv[intid] : NULL;
	if (intid < vgic_nr_irqs(vm))
		return &vm->spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

struct vgic_ap_view vgic_vcpu_view(const struct vgic_vm *vm, unsigned vcpu)
{
	const struct vgic_cpuif *c = &vm->vcpu[vcpu].cpuif;

	return (struct vgic_ap_view){
		.dist_grp = { vm->grp_en[0], vm->grp_en[1] },
		.cpu_grp = { c->grp_en[0], c->grp_en[1] },
		.pmr = c->pmr,
		.rpr = c->rpr,
	};
}

void vgic_cpuif_load(struct vgic_vm *vm, unsigned vcpu, const struct vgic_vmcr *vmcr,
		     uint8_t rpr)
{
	struct vgic_cpuif *c;

	if (vcpu >= vm->cfg.nr_vcpus)
		return;
	c = &vm->vcpu[vcpu].cpuif;
	c->pmr = vmcr->pmr;
	c->grp_en[0] = vmcr->eng0;
	c->grp_en[1] = vmcr->eng1;
	c->eoimode = vmcr->eoim;
	c->rpr = rpr;
}

unsigned vgic_route_target(const struct vgic_vm *vm, uint64_t route)
{
	uint32_t aff;

	if (vm->cfg.version == VGIC_V2) {
		for (unsigned n = 0; n < vm->cfg.nr_vcpus; n++)
			if (route & (1u << n))
				return n; /* 1-of-N: the lowest-numbered target */
		return VGIC_NO_VCPU;
	}
	if (route & GICD_IROUTER_IRM)
		return 0; /* any participating PE: vCPU 0 */
	aff = (uint32_t)(route & GICD_IROUTER_AFF0_2) |
	      (uint32_t)((route & GICD_IROUTER_AFF3) >> GICD_IROUTER_AFF3_SHIFT) << 24;
	for (unsigned n = 0; n < vm->cfg.nr_vcpus; n++)
		if (vm->vcpu[n].affinity == aff)
			return n;
	return VGIC_NO_VCPU;
}

/*
 * Where the record belongs: nowhere when inactive and unlisted; with the
 * vCPU it is active or listed on while it is (an active interrupt stays
 * until deactivated, whatever its routing says meanwhile); else its target.
 */
static unsigned home(const struct vgic_irq *irq)
{
	bool sticky = vgic_irq_is_active(irq) || vgic_irq_is_listed(irq);

	if (irq->state == VGIC_IRQ_INACTIVE && !vgic_irq_is_listed(irq))
		return VGIC_NO_VCPU;
	if (sticky && irq->owner != VGIC_NO_VCPU)
		return irq->owner;
	return irq->target;
}

bool vgic_sync(struct vgic_vm *vm, struct vgic_irq *irq)
{
	unsigned want = home(irq);
	bool ok = true;

	if (want == irq->owner)
		return true;
	if (irq->owner != VGIC_NO_VCPU)
		ok = vgic_ap_remove(&vm->vcpu[irq->owner].ap, irq);
	irq->owner = VGIC_NO_VCPU;
	if (ok && want != VGIC_NO_VCPU) {
		ok = want < vm->cfg.nr_vcpus && vgic_ap_add(&vm->vcpu[want].ap, irq);
		if (ok)
			irq->owner = (uint8_t)want;
	}
	if (!ok)
		vm->refused++;
	return ok;
}

static bool synced(struct vgic_vm *vm, struct vgic_irq *irq, bool ok)
{
	return vgic_sync(vm, irq) && ok;
}

bool vgic_op_line(struct vgic_vm *vm, struct vgic_irq *irq, bool level)
{
	return synced(vm, irq, vgic_irq_set_line(irq, level));
}

bool vgic_op_set_pending(struct vgic_vm *vm, struct vgic_irq *irq)
{
	return synced(vm, irq, vgic_irq_set_latch(irq));
}

bool vgic_op_clear_pending(struct vgic_vm *vm, struct vgic_irq *irq)
{
	return synced(vm, irq, vgic_irq_clear_latch(irq));
}

bool vgic_op_set_active(struct vgic_vm *vm, struct vgic_irq *irq)
{
	return synced(vm, irq, vgic_irq_activate(irq));
}

bool vgic_op_clear_active(struct vgic_vm *vm, struct vgic_irq *irq)
{
	if (!vgic_irq_is_active(irq))
		return true; /* ICACTIVER of an inactive interrupt does nothing */
	return synced(vm, irq, vgic_irq_deactivate(irq));
}

bool vgic_op_enable(struct vgic_vm *vm, struct vgic_irq *irq, bool on)
{
	irq->enabled = on;
	return vgic_sync(vm, irq);
}

bool vgic_op_priority(struct vgic_vm *vm, struct vgic_irq *irq, uint8_t prio)
{
	irq->priority = prio & vm->prio_mask;
	return true;
}

bool vgic_op_group(struct vgic_vm *vm, struct vgic_irq *irq, unsigned group)
{
	(void)vm;
	irq->group = group ? 1 : 0;
	return true;
}

bool vgic_op_trigger(struct vgic_vm *vm, struct vgic_irq *irq, enum vgic_trigger t)
{
	irq->trigger = (uint8_t)t;
	return synced(vm, irq, vgic_irq_resync(irq));
}

bool vgic_op_route(struct vgic_vm *vm, struct vgic_irq *irq, uint64_t route)
{
	irq->route = route;
	irq->target = (uint8_t)vgic_route_target(vm, route);
	return vgic_sync(vm, irq);
}

bool vgic_op_sgi_source(struct vgic_vm *vm, struct vgic_irq *irq, unsigned src)
{
	return synced(vm, irq, vgic_irq_add_source(irq, src));
}

bool vgic_op_sgi_clear(struct vgic_vm *vm, struct vgic_irq *irq, uint8_t sources)
{
	return synced(vm, irq, vgic_irq_clear_sources(irq, sources));
}

void vgic_op_dist_enable(struct vgic_vm *vm, unsigned group, bool on)
{
	vm->grp_en[group & 1] = on;
}

uint32_t vgic_refused(const struct vgic_vm *vm)
{
	uint32_t n = vm->refused;

	for (unsigned v = 0; v < vm->cfg.nr_vcpus; v++) {
		n += vm->vcpu[v].bank.refused;
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			n += vm->vcpu[v].priv[i].refused;
	}
	for (unsigned i = 0; i < vm->cfg.nr_spis; i++)
		n += vm->spi[i].refused;
	return n;
}
