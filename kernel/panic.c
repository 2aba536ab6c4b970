/* SPDX-License-Identifier: MIT */
/* The last resort: report over every console, then finish the run. */
#include <stdarg.h>
#include <stdio.h>

#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <anvil/panic.h>
#include <anvil/symtab.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/power.h>

#define BACKTRACE_MAX 24

/* Filled by pass 2 of the kernel link; weak so pass 1 links without it. */
extern const struct ksym_table ksym_table __attribute__((weak));

static int finish_how = ON_FINISH_HALT;
static volatile int panicking;

void panic_set_finish(int how)
{
	finish_how = how;
}

void symbolize(uintptr_t addr, char *buf, unsigned len)
{
	uint64_t off = 0;
	const char *name = &ksym_table ? symtab_lookup(&ksym_table, addr, &off) : NULL;
	if (name)
		snprintf(buf, len, "%s+0x%lx", name, (unsigned long)off);
	else
		snprintf(buf, len, "0x%lx", (unsigned long)addr);
}

static bool readable(uintptr_t p)
{
	uint32_t prot;
	return (p & 7) == 0 && arch_mmu_lookup(p, NULL, &prot) && arch_mmu_lookup(p + 15, NULL, &prot);
}

void backtrace_from(uintptr_t ip, uintptr_t fp)
{
	char sym[96];
	symbolize(ip, sym, sizeof(sym));
	kprintf("# backtrace:\n#   [0] %016lx %s\n", (unsigned long)ip, sym);
	for (unsigned i = 1; i < BACKTRACE_MAX && fp && readable(fp); i++) {
		uintptr_t ret = ((const uintptr_t *)fp)[1];
		uintptr_t next = ((const uintptr_t *)fp)[0];
		if (!ret)
			break;
		symbolize(ret, sym, sizeof(sym));
		kprintf("#   [%u] %016lx %s\n", i, (unsigned long)ret, sym);
		if (next <= fp)
			break; /* frames grow upwards; anything else is corrupt */
		fp = next;
	}
}

void backtrace_here(void)
{
	/* Our own frame record links to the caller's; start from there. */
	const uintptr_t *fp = __builtin_frame_address(0);
	backtrace_from(fp[1], fp[0]);
}

void panic(const char *fmt, ...)
{
	arch_irq_disable();
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (panicking++) {
		/* A panic while panicking: say the minimum and stop. */
		console_write("# nested panic\n", 15);
		arch_finish(false, finish_how);
	}
	kprintf("# PANIC: %s\n", buf);
	backtrace_here();
	kprintf("Bail out! hypervisor panic: %s\n", buf);
	console_flush();
	arch_finish(false, finish_how);
}
