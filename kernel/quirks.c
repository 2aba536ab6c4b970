/* SPDX-License-Identifier: MIT */
/* The table of proven emulator deviations; evidence in docs/emulator-quirks.md. */
#include <stddef.h>
#include <string.h>

#include <anvil/cmdline.h>
#include <anvil/console.h>
#include <anvil/quirks.h>
#include <anvil/tap.h>
#include <arch/power.h>

static const struct quirk quirks[] = {
	{ "qemu-tcg-unknown-msr-no-gp", "qemu-tcg",
	  "QEMU TCG reads 0 from and ignores writes to unimplemented MSRs instead of raising #GP(0)", NULL, false },
	{ "qemu-tcg-ioio-no-address-size", "qemu-tcg",
	  "QEMU TCG's IOIO intercept leaves the address-size bits (EXITINFO1[9:7]) clear, so string I/O "
	  "cannot know whether rSI/rDI are 16, 32 or 64 bits wide",
	  "svm_intercepts/io_string", false },
	{ "bochs-svm-no-shutdown-exit", "bochs",
	  "Bochs 2.7 never delivers VMEXIT_SHUTDOWN: a triple-faulting SVM guest resets or stops the whole "
	  "emulator",
	  "containment_triple/contained", true },
	{ "bochs-svm-guest-if0-blocks-intr", "bochs",
	  "Bochs 2.7 loads the guest's RFLAGS before it marks the CPU as in an SVM guest, so a guest entered "
	  "with IF=0 masks host interrupts and the INTR intercept never fires",
	  "containment_spin/contained", true },
};

const struct quirk *quirk_find(const char *id)
{
	for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++)
		if (strcmp(quirks[i].id, id) == 0)
			return &quirks[i];
	return NULL;
}

bool quirk_active(const char *id)
{
	const struct quirk *q = quirk_find(id);
	return q && strcmp(q->emulator, arch_emulator_id()) == 0;
}

const struct quirk *quirk_for_case(const char *name)
{
	for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++)
		if (quirks[i].cases && glob_match(quirks[i].cases, name) &&
		    strcmp(quirks[i].emulator, arch_emulator_id()) == 0)
			return &quirks[i];
	return NULL;
}

void quirk_tap_verdict(struct tap_writer *tap, const char *name, bool ok, const char *reason,
		       const char *quirk_id)
{
	if (!ok && quirk_id) {
		klog(LOG_ERROR, "%s failed as quirk %s predicts: %s", name, quirk_id, reason);
		tap_todo(tap, name, quirk_id);
		return;
	}
	if (ok && quirk_id)
		klog(LOG_ERROR, "%s passed although quirk %s applies here", name, quirk_id);
	if (ok)
		tap_ok(tap, name);
	else
		tap_not_ok(tap, name, reason);
}
