/* SPDX-License-Identifier: MIT */
/*
 * The kernel core: every boot front end (boot/multiboot2, boot/efi,
 * boot/image) ends up in kernel_main() with a struct boot_info. Bring-up order matters: consoles first so every later
 * problem is visible, then memory, then our own page tables and guarded
 * stacks, then time, then the tests.
 */
#include <stdio.h>
#include <string.h>

#include <anvil/boot.h>
#include <anvil/boot_info.h>
#include <anvil/boot_map.h>
#include <anvil/catch.h>
#include <anvil/clock.h>
#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <anvil/ktest.h>
#include <anvil/memory.h>
#include <anvil/panic.h>
#include <anvil/payload.h>
#include <anvil/platform.h>
#include <anvil/quirks.h>
#include <anvil/summary_screen.h>
#include <anvil/tap.h>
#include <anvil/tap_record.h>
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/power.h>
#include <arch/timer.h>
#include <drivers/fb_console.h>
#include <drivers/serial.h>

#define HEAP_BYTES (4u << 20)
#define MAIN_STACK_PAGES 16
#define TICK_HZ 100
#define LANDING_STACK_PAGES 1

struct platform platform;

static struct console_sink serial_sink;

void kernel_serial_console(const struct boot_info *bi)
{
	struct serial_port *sp = arch_serial_console(bi);
	if (sp && sp->present && !platform.serial) {
		serial_sink = (struct console_sink){ .name = sp->name, .write = sp->write, .flush = sp->flush, .ctx = sp->ctx };
		console_register(&serial_sink);
	}
	platform.serial = sp;
}

static void report_cmdline_problem(void *ctx, const char *msg)
{
	(void)ctx;
	klog(LOG_WARN, "%s", msg);
}

static void report_boot_errors(const struct boot_info *bi)
{
	uint32_t n = bi->error_count < BOOT_MAX_ERRORS ? bi->error_count : BOOT_MAX_ERRORS;
	for (uint32_t i = 0; i < n; i++)
		klog(LOG_ERROR, "boot: %s", bi->errors[i].text);
}

static void describe_boot(const struct boot_info *bi)
{
	char cpu[128];
	arch_cpu_describe(cpu, sizeof(cpu));
	klog(LOG_INFO, "anvil %s on %s: %s", ARCH_NAME, arch_platform_name(), cpu);
	klog(LOG_INFO, "boot: loader \"%s\", cmdline \"%s\"", bi->loader, bi->cmdline);
	uint64_t usable = 0;
	for (uint32_t i = 0; i < bi->region_count; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->type == BOOT_MEM_USABLE)
			usable += r->length;
		klog(LOG_DEBUG, "mem %016lx-%016lx type %u", (unsigned long)r->base,
		     (unsigned long)(r->base + r->length), (unsigned)r->type);
	}
	klog(LOG_INFO, "memory: %u regions, %lu MiB usable", (unsigned)bi->region_count,
	     (unsigned long)(usable >> 20));
}

/* crash=...: die the way a broken hypervisor would, for testing the runner. */
static void crash_on_request(enum anvil_crash how)
{
	switch (how) {
	case CRASH_PANIC:
		panic("crash=panic requested on the command line");
	case CRASH_FAULT:
		klog(LOG_ERROR, "crash=fault: writing to page 0 outside any test");
		*(volatile uint32_t *)(uintptr_t)8 = 1;
		break;
	case CRASH_HANG:
		klog(LOG_ERROR, "crash=hang: stopping with interrupts off");
		arch_halt_forever();
	default:
		break;
	}
}

/* Every test point of the run, for the summary screen (too big for the stack). */
static struct tap_record run_record;

static void run_tests(void)
{
	struct tap_writer tap;
	tap_init(&tap, console_tap_out, NULL);
	tap_record_init(&run_record);
	tap_set_record(&tap, &run_record);
	tap_set_lava(&tap, platform.options.lava);
	uint64_t t_tap = arch_cycles();
	tap_header(&tap);
	if (platform.boot->handoff_cycles && arch_cycles_hz())
		klog(LOG_ERROR, "boot: handoff_to_tap_us=%lu",
		     (unsigned long)clock_cycles_to_us(t_tap - platform.boot->handoff_cycles));
	quirks_describe(&tap);
	crash_on_request(platform.options.crash);
	ktest_run_all(&tap, &platform.options);
	payload_run_all(&tap, &platform.options);
	tap_finish(&tap);
	summary_screen_show(&run_record);
	console_flush();
	arch_finish(tap.failed == 0, platform.options.on_finish);
}

static void kernel_continue(void)
{
	if (arch_late_init())
		klog(LOG_ERROR, "could not allocate guarded exception stacks; keeping the boot ones");
	void *landing = arch_stack_alloc(LANDING_STACK_PAGES);
	if (landing)
		catch_set_landing_stack(landing);
	if (heap_init(HEAP_BYTES))
		panic("no memory for the %u-byte heap", HEAP_BYTES);
	if (platform_acpi_init(&platform))
		klog(LOG_WARN, "acpi: %s", platform.acpi_error);
	if (arch_clock_calibrate())
		klog(LOG_ERROR, "clock: calibration failed; no timeouts");
	else
		klog(LOG_INFO, "clock: %lu kHz (%s)", (unsigned long)(arch_cycles_hz() / 1000), arch_clock_source());
	if (arch_cycles_hz() && arch_timer_start(TICK_HZ) == 0) {
		platform.timer_ok = true;
		klog(LOG_INFO, "timer: %s", arch_timer_describe());
	} else {
		klog(LOG_ERROR, "timer: could not start the periodic tick; tests run without a watchdog");
	}
	run_tests();
}

void kernel_main(struct boot_info *bi)
{
	arch_early_init(bi);
	kernel_serial_console(bi);
	platform.boot = bi;
	if (fb_console_init(&bi->fb, platform.fb_error, sizeof(platform.fb_error)) == 0)
		platform.fb_ok = true;
	report_boot_errors(bi);
	cmdline_defaults(&platform.options);
	cmdline_parse(bi->cmdline, &platform.options, report_cmdline_problem, NULL);
	log_set_level(platform.options.loglevel);
	quirks_set_emulator_version(platform.options.emulator_version);
	panic_set_finish(platform.options.on_finish);
	describe_boot(bi);
	if (!platform.fb_ok)
		klog(LOG_INFO, "framebuffer console: %s", platform.fb_error);
	if (memory_init(bi))
		panic("cannot manage physical memory");
	if (arch_mmu_init(bi, &kernel_pmm))
		panic("cannot build the hypervisor page tables");
	platform.mmu_ok = true;
	void *stack = arch_stack_alloc(MAIN_STACK_PAGES);
	if (!stack)
		panic("no memory for the main stack");
	arch_switch_stack(kernel_continue, stack);
}
