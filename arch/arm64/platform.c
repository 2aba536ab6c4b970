/* SPDX-License-Identifier: MIT */
/*
 * What the arch takes from the device tree (lib/dt.c reads it with libfdt):
 * the console UART, the GIC and its frames, the timer PPIs, PSCI's conduit,
 * the machine's model, and whether it is QEMU (its fw_cfg device).
 */
#include <stdio.h>
#include <string.h>

#include <anvil/dt.h>
#include <libfdt.h>

#include "arm64.h"

struct arm64_platform arm64_platform;

static void from_dt(const struct dt_platform *d, const void *fdt)
{
	struct arm64_platform *p = &arm64_platform;
	if (d->console.present && d->console.pl011)
		p->uart_base = d->console.reg.base;
	p->gic_version = (unsigned)d->gic.version;
	p->gicd_base = d->gic.gicd.base, p->gicd_size = d->gic.gicd.size;
	if (d->gic.gicr_count)
		p->gicr_base = d->gic.gicr[0].base, p->gicr_size = d->gic.gicr[0].size;
	p->gicc_base = d->gic.gicc.base, p->gicc_size = d->gic.gicc.size;
	p->gich_base = d->gic.gich.base, p->gich_size = d->gic.gich.size;
	p->gicv_base = d->gic.gicv.base, p->gicv_size = d->gic.gicv.size;
	if (d->gic.maintenance.present)
		p->maint_irq = d->gic.maintenance.intid;
	if (d->timer.present) {
		p->timer_hyp_irq = d->timer.hyp_phys.present ? d->timer.hyp_phys.intid : 0;
		p->timer_virt_irq = d->timer.virt.present ? d->timer.virt.intid : 0;
	}
	p->psci_ok = d->psci.method != DT_PSCI_NONE;
	p->psci_smc = d->psci.method == DT_PSCI_SMC;
	int len = 0;
	const char *model = fdt_getprop(fdt, 0, "model", &len);
	if (model && len > 0)
		snprintf(p->model, sizeof(p->model), "%.*s", len, model);
	p->fw_cfg = fdt_node_offset_by_compatible(fdt, -1, "qemu,fw-cfg-mmio") >= 0;
}

int arm64_platform_init(const void *fdt, struct dt_platform *d, char *err, size_t n)
{
	memset(&arm64_platform, 0, sizeof(arm64_platform));
	if (!fdt) {
		snprintf(err, n, "no device tree (x0 was 0)");
		return -1;
	}
	/* The header says how big the blob is; fdt_check_header() has validated it before dt_parse trusts it. */
	if (fdt_check_header(fdt)) {
		snprintf(err, n, "dt: no valid device tree at %p (%s)", fdt, fdt_strerror(fdt_check_header(fdt)));
		return -1;
	}
	if (dt_parse(fdt, fdt_totalsize(fdt), d, err, n))
		return -1;
	from_dt(d, fdt);
	arm64_platform.dt_ok = true;
	return 0;
}
