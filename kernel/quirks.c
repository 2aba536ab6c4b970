/* SPDX-License-Identifier: MIT */
/* The table of proven emulator deviations; evidence in docs/emulator-quirks.md. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <anvil/quirks.h>
#include <anvil/tap.h>
#include <anvil/version.h>
#include <arch/cpu.h>
#include <arch/power.h>

static const struct quirk quirks[] = {
	{ .id = "qemu-tcg-unknown-msr-no-gp", .emulator = "qemu-tcg", .fixed_in = NULL,
	  .summary = "QEMU TCG reads 0 from and ignores writes to unimplemented MSRs instead of raising #GP(0)",
	  .cases = NULL, .fatal = false },
	{ .id = "qemu-tcg-ioio-no-address-size", .emulator = "qemu-tcg", .fixed_in = NULL,
	  .summary = "QEMU TCG's IOIO intercept leaves the address-size bits (EXITINFO1[9:7]) clear, so string "
		     "I/O cannot know whether rSI/rDI are 16, 32 or 64 bits wide",
	  .cases = "x86_intercepts/io_string_*addr64", .fatal = false },
	{ .id = "qemu-pl011-no-loopback", .emulator = "qemu-tcg", .arch = "arm64", .fixed_in = "9.0",
	  .summary = "QEMU before 9.0 ignores the PL011's loopback enable (UARTCR.LBE): bytes written in "
		     "loopback mode go out on the line and never reach the receive FIFO",
	  .cases = NULL, .fatal = false },
	{ .id = "bochs-svm-no-shutdown-exit", .emulator = "bochs", .backend = "svm", .fixed_in = "2.8",
	  .summary = "Bochs before 2.8 never delivers VMEXIT_SHUTDOWN: a triple-faulting SVM guest resets or "
		     "stops the whole emulator",
	  .cases = "containment_triple/contained", .fatal = true },
	{ .id = "bochs-svm-guest-if0-blocks-intr", .emulator = "bochs", .backend = "svm", .fixed_in = NULL,
	  .summary = "Bochs loads the guest's RFLAGS before it marks the CPU as in an SVM guest, so a guest "
		     "entered with IF=0 masks host interrupts and the INTR intercept never fires",
	  .cases = "containment_spin/contained", .fatal = true },
	{ .id = "bochs-svm-vmrun-no-cr2-load", .emulator = "bochs", .backend = "svm", .fixed_in = NULL,
	  .summary = "Bochs' VMRUN checks but never loads the guest's CR2 from the VMCB, so the guest reads "
		     "the host's CR2",
	  .cases = "clean_bits/touch_cr2 nsvm_clean/cr2", .fatal = false },
	{ .id = "bochs-svm-exitintinfo-stale-for-int-n", .emulator = "bochs", .backend = "svm", .fixed_in = NULL,
	  .summary = "Bochs' #VMEXIT during the delivery of a software interrupt (INT n) reports in EXITINTINFO "
		     "the last exception it recorded, not the INT n, so that stale event is delivered again",
	  .cases = "inject/soft_int_cut_short_is_redelivered", .fatal = false },
	{ .id = "bochs-svm-virq-masked-until-if-toggle", .emulator = "bochs", .backend = "svm", .fixed_in = NULL,
	  .summary = "Bochs masks a pending V_IRQ at every #VMEXIT and unmasks it only when the guest's IF "
		     "changes from 0 to 1, so a guest entered with IF already set never takes its virtual interrupt",
	  .cases = "nsvm_inject/virtual_interrupt_at_entry", .fatal = false },
	{ .id = "bochs-spp-write-permission-cached", .emulator = "bochs", .backend = "vmx", .fixed_in = "2.8",
	  .summary = "Bochs 2.7 caches a page as writable in its TLB after one write SPP allows, so later "
		     "writes to protected sub-pages of that page go through until the next VM exit or entry",
	  .cases = "spp/write_after_permitted_write spp/rep_movsb_stops_at_protected", .fatal = false },
	{ .id = "bochs-spp-crossing-write-unchecked", .emulator = "bochs", .backend = "vmx", .fixed_in = NULL,
	  .summary = "Bochs checks sub-page write permission only for the sub-page of a write's first byte, so "
		     "a write from a writable sub-page into a protected one goes through",
	  .cases = "spp/crossing_write_refused", .fatal = false },
};

#define QUIRK_COUNT (sizeof(quirks) / sizeof(quirks[0]))
#define QUIRK_GLOB_MAX 64

/* "": unknown, so every quirk of this emulator applies. */
static char emulator_version[CMDLINE_VERSION_MAX];

void quirks_set_emulator_version(const char *version)
{
	snprintf(emulator_version, sizeof(emulator_version), "%s", version ? version : "");
}

/* "": not chosen yet, so no backend-bound quirk applies. */
static char backend_name[16];

void quirks_set_backend(const char *name)
{
	snprintf(backend_name, sizeof(backend_name), "%s", name ? name : "");
}

/* Without a version we cannot tell a fixed emulator from an old one: it applies. */
static bool quirk_version_applies(const struct quirk *q)
{
	return !emulator_version[0] || !q->fixed_in || version_compare(emulator_version, q->fixed_in) < 0;
}

static bool quirk_applies(const struct quirk *q)
{
	return strcmp(q->emulator, arch_emulator_id()) == 0 && quirk_version_applies(q) &&
	       (!q->arch || strcmp(q->arch, ARCH_NAME) == 0) && (!q->backend || strcmp(q->backend, backend_name) == 0);
}

void quirks_describe(struct tap_writer *tap)
{
	tap_diag(tap, "emulator: %s version %s", arch_emulator_id(),
		 emulator_version[0] ? emulator_version : "unknown");
	for (size_t i = 0; i < QUIRK_COUNT; i++)
		if (strcmp(quirks[i].emulator, arch_emulator_id()) == 0 && !quirk_version_applies(&quirks[i]) &&
		    (!quirks[i].arch || strcmp(quirks[i].arch, ARCH_NAME) == 0))
			klog(LOG_DEBUG, "quirk %s does not apply: fixed in %s", quirks[i].id, quirks[i].fixed_in);
}

const struct quirk *quirk_find(const char *id)
{
	for (size_t i = 0; i < QUIRK_COUNT; i++)
		if (strcmp(quirks[i].id, id) == 0)
			return &quirks[i];
	return NULL;
}

bool quirk_active(const char *id)
{
	const struct quirk *q = quirk_find(id);
	return q && quirk_applies(q);
}

/* cases is one or more globs separated by single spaces. */
static bool cases_match(const char *cases, const char *name)
{
	char glob[QUIRK_GLOB_MAX];
	while (*cases) {
		size_t n = strcspn(cases, " ");
		if (n < sizeof(glob)) {
			memcpy(glob, cases, n);
			glob[n] = 0;
			if (glob_match(glob, name))
				return true;
		}
		cases += n;
		cases += *cases == ' ';
	}
	return false;
}

const struct quirk *quirk_for_case(const char *name)
{
	for (size_t i = 0; i < QUIRK_COUNT; i++)
		if (quirks[i].cases && cases_match(quirks[i].cases, name) && quirk_applies(&quirks[i]))
			return &quirks[i];
	return NULL;
}

void quirk_report_unseen(struct tap_writer *tap, const char *quirk_id, const char *name)
{
	tap_diag(tap, "quirk no longer seen: %s in %s", quirk_id, name);
}

void quirk_tap_verdict(struct tap_writer *tap, const char *name, bool ok, const char *reason,
		       const char *quirk_id)
{
	if (!ok && quirk_id) {
		klog(LOG_ERROR, "%s failed as quirk %s predicts: %s", name, quirk_id, reason);
		tap_todo(tap, name, quirk_id);
		return;
	}
	if (ok)
		tap_ok(tap, name);
	else
		tap_not_ok(tap, name, reason);
	if (ok && quirk_id)
		quirk_report_unseen(tap, quirk_id, name);
}
