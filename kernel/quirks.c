/* SPDX-License-Identifier: MIT */
/* The table of proven emulator deviations; evidence in docs/emulator-quirks.md. */
#include <stddef.h>
#include <string.h>

#include <anvil/quirks.h>
#include <arch/power.h>

static const struct quirk quirks[] = {
	{ "qemu-tcg-unknown-msr-no-gp", "qemu-tcg",
	  "QEMU TCG reads 0 from and ignores writes to unimplemented MSRs instead of raising #GP(0)" },
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
