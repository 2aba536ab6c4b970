// SPDX-License-Identifier: MIT
/* VMX capability MSR checks and control-bit names for error messages. */
#include "vmx_caps.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CTL_BITS 32u
#define CTL_ALLOWED1_SHIFT 32u  /* allowed 1-settings in bits 63:32 */
#define CAP_BITS 64u
#define DECIMAL_BASE 10u
#define DECIMAL_DIGITS_MAX 20u  /* enough for any uint64_t */

/* ---- Control names ---- */

struct bit_name {
	uint64_t mask;
	const char *name;
};

static const struct bit_name pin_names[] = {
	{ VMX_PIN_EXT_INTR_EXIT, "external-interrupt exiting" },
	{ VMX_PIN_NMI_EXIT, "NMI exiting" },
	{ VMX_PIN_VIRTUAL_NMI, "virtual NMIs" },
	{ VMX_PIN_PREEMPTION_TIMER, "VMX-preemption timer" },
	{ VMX_PIN_POSTED_INTR, "posted interrupts" },
};

static const struct bit_name proc_names[] = {
	{ VMX_PROC_INTR_WINDOW_EXIT, "interrupt-window exiting" },
	{ VMX_PROC_TSC_OFFSET, "TSC offsetting" },
	{ VMX_PROC_HLT_EXIT, "HLT exiting" },
	{ VMX_PROC_INVLPG_EXIT, "INVLPG exiting" },
	{ VMX_PROC_MWAIT_EXIT, "MWAIT exiting" },
	{ VMX_PROC_RDPMC_EXIT, "RDPMC exiting" },
	{ VMX_PROC_RDTSC_EXIT, "RDTSC exiting" },
	{ VMX_PROC_CR3_LOAD_EXIT, "CR3-load exiting" },
	{ VMX_PROC_CR3_STORE_EXIT, "CR3-store exiting" },
	{ VMX_PROC_TERTIARY, "tertiary controls" },
	{ VMX_PROC_CR8_LOAD_EXIT, "CR8-load exiting" },
	{ VMX_PROC_CR8_STORE_EXIT, "CR8-store exiting" },
	{ VMX_PROC_TPR_SHADOW, "TPR shadow" },
	{ VMX_PROC_NMI_WINDOW_EXIT, "NMI-window exiting" },
	{ VMX_PROC_MOV_DR_EXIT, "MOV-DR exiting" },
	{ VMX_PROC_UNCOND_IO_EXIT, "unconditional I/O exiting" },
	{ VMX_PROC_IO_BITMAPS, "I/O bitmaps" },
	{ VMX_PROC_MONITOR_TRAP_FLAG, "monitor trap flag" },
	{ VMX_PROC_MSR_BITMAPS, "MSR bitmaps" },
	{ VMX_PROC_MONITOR_EXIT, "MONITOR exiting" },
	{ VMX_PROC_PAUSE_EXIT, "PAUSE exiting" },
	{ VMX_PROC_SECONDARY, "secondary controls" },
};

static const struct bit_name proc2_names[] = {
	{ VMX_PROC2_VIRT_APIC_ACCESS, "virtualize APIC accesses" },
	{ VMX_PROC2_EPT, "enable EPT" },
	{ VMX_PROC2_DESC_TABLE_EXIT, "descriptor-table exiting" },
	{ VMX_PROC2_RDTSCP, "enable RDTSCP" },
	{ VMX_PROC2_VIRT_X2APIC, "virtualize x2APIC mode" },
	{ VMX_PROC2_VPID, "enable VPID" },
	{ VMX_PROC2_WBINVD_EXIT, "WBINVD exiting" },
	{ VMX_PROC2_UNRESTRICTED_GUEST, "unrestricted guest" },
	{ VMX_PROC2_APIC_REG_VIRT, "APIC-register virtualization" },
	{ VMX_PROC2_VIRT_INTR_DELIVERY, "virtual-interrupt delivery" },
	{ VMX_PROC2_PAUSE_LOOP_EXIT, "PAUSE-loop exiting" },
	{ VMX_PROC2_RDRAND_EXIT, "RDRAND exiting" },
	{ VMX_PROC2_INVPCID, "enable INVPCID" },
	{ VMX_PROC2_VMFUNC, "enable VM functions" },
	{ VMX_PROC2_VMCS_SHADOWING, "VMCS shadowing" },
	{ VMX_PROC2_ENCLS_EXIT, "ENCLS exiting" },
	{ VMX_PROC2_RDSEED_EXIT, "RDSEED exiting" },
	{ VMX_PROC2_PML, "enable PML" },
	{ VMX_PROC2_EPT_VE, "EPT-violation #VE" },
	{ VMX_PROC2_PT_CONCEAL, "conceal VMX from PT" },
	{ VMX_PROC2_XSAVES, "enable XSAVES/XRSTORS" },
	{ VMX_PROC2_PASID_TRANSLATION, "PASID translation" },
	{ VMX_PROC2_MODE_BASED_EXEC, "mode-based execute control" },
	{ VMX_PROC2_SPP, "SPP" },
	{ VMX_PROC2_PT_GUEST_PA, "PT uses guest physical addresses" },
	{ VMX_PROC2_TSC_SCALING, "TSC scaling" },
	{ VMX_PROC2_USER_WAIT_PAUSE, "user wait and pause" },
	{ VMX_PROC2_PCONFIG, "enable PCONFIG" },
	{ VMX_PROC2_ENCLV_EXIT, "ENCLV exiting" },
	{ VMX_PROC2_BUS_LOCK_DETECT, "VMM bus-lock detection" },
	{ VMX_PROC2_INSN_TIMEOUT, "instruction timeout" },
};

static const struct bit_name exit_names[] = {
	{ VMX_EXIT_CTL_SAVE_DEBUG, "save debug controls" },
	{ VMX_EXIT_CTL_HOST_64, "host address-space size" },
	{ VMX_EXIT_CTL_LOAD_PERF_GLOBAL, "load IA32_PERF_GLOBAL_CTRL" },
	{ VMX_EXIT_CTL_ACK_INTR, "acknowledge interrupt on exit" },
	{ VMX_EXIT_CTL_SAVE_PAT, "save IA32_PAT" },
	{ VMX_EXIT_CTL_LOAD_PAT, "load IA32_PAT" },
	{ VMX_EXIT_CTL_SAVE_EFER, "save IA32_EFER" },
	{ VMX_EXIT_CTL_LOAD_EFER, "load IA32_EFER" },
	{ VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER, "save VMX-preemption timer" },
	{ VMX_EXIT_CTL_CLEAR_BNDCFGS, "clear IA32_BNDCFGS" },
	{ VMX_EXIT_CTL_PT_CONCEAL, "conceal VMX from PT" },
	{ VMX_EXIT_CTL_CLEAR_RTIT_CTL, "clear IA32_RTIT_CTL" },
	{ VMX_EXIT_CTL_CLEAR_LBR_CTL, "clear IA32_LBR_CTL" },
	{ VMX_EXIT_CTL_CLEAR_UINV, "clear UINV" },
	{ VMX_EXIT_CTL_LOAD_CET, "load CET state" },
	{ VMX_EXIT_CTL_LOAD_PKRS, "load PKRS" },
	{ VMX_EXIT_CTL_SAVE_PERF_GLOBAL, "save IA32_PERF_GLOBAL_CTL" },
	{ VMX_EXIT_CTL_SECONDARY, "secondary exit controls" },
};

static const struct bit_name entry_names[] = {
	{ VMX_ENTRY_CTL_LOAD_DEBUG, "load debug controls" },
	{ VMX_ENTRY_CTL_IA32E_GUEST, "IA-32e mode guest" },
	{ VMX_ENTRY_CTL_SMM, "entry to SMM" },
	{ VMX_ENTRY_CTL_DEACT_DUAL_MONITOR, "deactivate dual-monitor treatment" },
	{ VMX_ENTRY_CTL_LOAD_PERF_GLOBAL, "load IA32_PERF_GLOBAL_CTRL" },
	{ VMX_ENTRY_CTL_LOAD_PAT, "load IA32_PAT" },
	{ VMX_ENTRY_CTL_LOAD_EFER, "load IA32_EFER" },
	{ VMX_ENTRY_CTL_LOAD_BNDCFGS, "load IA32_BNDCFGS" },
	{ VMX_ENTRY_CTL_PT_CONCEAL, "conceal VMX from PT" },
	{ VMX_ENTRY_CTL_LOAD_RTIT_CTL, "load IA32_RTIT_CTL" },
	{ VMX_ENTRY_CTL_LOAD_UINV, "load UINV" },
	{ VMX_ENTRY_CTL_LOAD_CET, "load CET state" },
	{ VMX_ENTRY_CTL_LOAD_LBR_CTL, "load IA32_LBR_CTL" },
	{ VMX_ENTRY_CTL_LOAD_PKRS, "load PKRS" },
};

static const struct bit_name ept_cap_names[] = {
	{ VMX_EPT_CAP_EXEC_ONLY, "execute-only" },
	{ VMX_EPT_CAP_WALK_4, "4-level walk" },
	{ VMX_EPT_CAP_WALK_5, "5-level walk" },
	{ VMX_EPT_CAP_UC, "UC" },
	{ VMX_EPT_CAP_WB, "WB" },
	{ VMX_EPT_CAP_2M, "2 MiB pages" },
	{ VMX_EPT_CAP_1G, "1 GiB pages" },
	{ VMX_EPT_CAP_INVEPT, "INVEPT" },
	{ VMX_EPT_CAP_AD, "accessed/dirty flags" },
	{ VMX_EPT_CAP_ADV_EXIT_INFO, "advanced exit information" },
	{ VMX_EPT_CAP_SSS, "supervisor shadow-stack control" },
	{ VMX_EPT_CAP_INVEPT_SINGLE, "single-context INVEPT" },
	{ VMX_EPT_CAP_INVEPT_ALL, "all-context INVEPT" },
	{ VMX_EPT_CAP_INVVPID, "INVVPID" },
	{ VMX_EPT_CAP_INVVPID_ADDR, "individual-address INVVPID" },
	{ VMX_EPT_CAP_INVVPID_SINGLE, "single-context INVVPID" },
	{ VMX_EPT_CAP_INVVPID_ALL, "all-context INVVPID" },
	{ VMX_EPT_CAP_INVVPID_SINGLE_GLOBALS, "single-context-retaining-globals INVVPID" },
};

struct ctl_kind {
	const char *name;
	const struct bit_name *bits;
	size_t count;
	uint32_t msr, true_msr; /* true_msr 0: none */
};

#define KIND(n, table, m, t) { n, table, ARRAY_LEN(table), m, t }
static const struct ctl_kind kinds[VMX_CTL_KIND_COUNT] = {
	[VMX_CTL_PIN] = KIND("pin-based", pin_names, MSR_IA32_VMX_PINBASED_CTLS,
			     MSR_IA32_VMX_TRUE_PINBASED_CTLS),
	[VMX_CTL_PROC] = KIND("primary", proc_names, MSR_IA32_VMX_PROCBASED_CTLS,
			      MSR_IA32_VMX_TRUE_PROCBASED_CTLS),
	[VMX_CTL_PROC2] = KIND("secondary", proc2_names, MSR_IA32_VMX_PROCBASED_CTLS2, 0),
	[VMX_CTL_EXIT] = KIND("exit", exit_names, MSR_IA32_VMX_EXIT_CTLS,
			      MSR_IA32_VMX_TRUE_EXIT_CTLS),
	[VMX_CTL_ENTRY] = KIND("entry", entry_names, MSR_IA32_VMX_ENTRY_CTLS,
			       MSR_IA32_VMX_TRUE_ENTRY_CTLS),
};
#undef KIND

static const struct ctl_kind *kind_of(enum vmx_ctl_kind kind)
{
	return (unsigned)kind < VMX_CTL_KIND_COUNT ? &kinds[kind] : NULL;
}

uint32_t vmx_ctl_msr(enum vmx_ctl_kind kind, bool true_ctls)
{
	const struct ctl_kind *k = kind_of(kind);

	if (!k)
		return 0;
	return true_ctls && k->true_msr ? k->true_msr : k->msr;
}

uint32_t vmx_ctl_adjust(uint64_t cap_msr, uint32_t want, uint32_t *missing)
{
	uint32_t must_be_1 = (uint32_t)cap_msr;
	uint32_t may_be_1 = (uint32_t)(cap_msr >> CTL_ALLOWED1_SHIFT);

	if (missing)
		*missing = want & ~may_be_1;
	return want | must_be_1;
}

static const char *name_in(const struct bit_name *names, size_t count, uint64_t mask)
{
	for (size_t i = 0; i < count; i++)
		if (names[i].mask == mask)
			return names[i].name;
	return NULL;
}

const char *vmx_ctl_bit_name(enum vmx_ctl_kind kind, unsigned bit)
{
	const struct ctl_kind *k = kind_of(kind);

	if (!k || bit >= CTL_BITS)
		return NULL;
	return name_in(k->bits, k->count, 1ull << bit);
}

/* ---- A bounded string builder: always NUL-terminated, cut short when full ---- */

struct sbuf {
	char *buf;
	size_t n, len;
};

static void sb_put(struct sbuf *b, const char *s)
{
	while (*s && b->len + 1u < b->n)
		b->buf[b->len++] = *s++;
	if (b->n)
		b->buf[b->len] = '\0';
}

static void sb_put_uint(struct sbuf *b, uint64_t v)
{
	char digits[DECIMAL_DIGITS_MAX + 1u];
	unsigned pos = DECIMAL_DIGITS_MAX;

	digits[pos] = '\0';
	do {
		digits[--pos] = (char)('0' + v % DECIMAL_BASE);
		v /= DECIMAL_BASE;
	} while (v);
	sb_put(b, &digits[pos]);
}

/* "<title>: name, name" for every set bit of bits (width bits wide), "none" if there is none. */
static void names_of(const char *title, const struct bit_name *names, size_t count,
		     uint64_t bits, unsigned width, char *buf, size_t n)
{
	struct sbuf b = { buf, n, 0 };
	bool first = true;

	sb_put(&b, title);
	sb_put(&b, ": ");
	for (unsigned i = 0; i < width; i++) {
		const char *name;

		if (!(bits & (1ull << i)))
			continue;
		name = name_in(names, count, 1ull << i);
		sb_put(&b, first ? "" : ", ");
		first = false;
		if (name) {
			sb_put(&b, name);
		} else {
			sb_put(&b, "bit ");
			sb_put_uint(&b, i);
		}
	}
	if (first)
		sb_put(&b, "none");
}

void vmx_ctl_names(enum vmx_ctl_kind kind, uint32_t bits, char *buf, size_t n)
{
	const struct ctl_kind *k = kind_of(kind);

	if (!k) {
		names_of("unknown controls", NULL, 0, bits, CTL_BITS, buf, n);
		return;
	}
	names_of(k->name, k->bits, k->count, bits, CTL_BITS, buf, n);
}

void vmx_ept_cap_names(uint64_t bits, char *buf, size_t n)
{
	names_of("EPT/VPID", ept_cap_names, ARRAY_LEN(ept_cap_names), bits, CAP_BITS, buf, n);
}

/* ---- IA32_VMX_BASIC ---- */

uint32_t vmx_basic_revision(uint64_t basic)
{
	return (uint32_t)(basic & VMX_BASIC_REVISION_MASK);
}

uint32_t vmx_basic_region_size(uint64_t basic)
{
	return (uint32_t)((basic & VMX_BASIC_REGION_SIZE_MASK) >> VMX_BASIC_REGION_SIZE_SHIFT);
}

unsigned vmx_basic_mem_type(uint64_t basic)
{
	return (unsigned)((basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT);
}

bool vmx_basic_true_ctls(uint64_t basic)
{
	return (basic & VMX_BASIC_TRUE_CTLS) != 0;
}

bool vmx_basic_ins_outs_info(uint64_t basic)
{
	return (basic & VMX_BASIC_INS_OUTS_INFO) != 0;
}

/* ---- CR0 / CR4 fixed bits ---- */

bool vmx_cr_fixed_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1, uint64_t *bad)
{
	uint64_t wrong = (fixed0 & ~value) | (value & ~fixed1);

	if (bad)
		*bad = wrong;
	return wrong == 0;
}

uint64_t vmx_cr_fixed_apply(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

/* ---- EPT / VPID ---- */

uint64_t vmx_ept_caps_missing(uint64_t cap, uint64_t need)
{
	return need & ~cap;
}

/* ---- IA32_VMX_MISC ---- */

unsigned vmx_misc_preemption_shift(uint64_t misc)
{
	return (unsigned)(misc & VMX_MISC_PREEMPTION_SHIFT_MASK);
}

uint32_t vmx_preemption_ticks(uint64_t misc, uint64_t tsc_cycles)
{
	unsigned shift = vmx_misc_preemption_shift(misc);
	uint64_t tick_mask = (1ull << shift) - 1u;
	uint64_t ticks = (tsc_cycles >> shift) + ((tsc_cycles & tick_mask) != 0);

	return ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks;
}

unsigned vmx_misc_cr3_targets(uint64_t misc)
{
	return (unsigned)((misc & VMX_MISC_CR3_TARGETS_MASK) >> VMX_MISC_CR3_TARGETS_SHIFT);
}

unsigned vmx_misc_max_msr_list(uint64_t misc)
{
	unsigned n = (unsigned)((misc & VMX_MISC_MSR_LIST_MASK) >> VMX_MISC_MSR_LIST_SHIFT);

	return VMX_MISC_MSR_LIST_UNIT * (n + 1u);
}
