/* SPDX-License-Identifier: MIT */
/* The virtual CPU's CR4/EFER bits and address width from its CPUID (nsvm_caps.h). */
#include "nsvm_caps.h"

#include <stddef.h>

#include "nsvm_regs.h"

#define BIT(n) (1ull << (n))

struct feature_bit {
	uint8_t bit;            /* in CR4 or EFER */
	uint8_t reg;            /* which CPUID register announces it */
	uint8_t flag;           /* bit there; ALWAYS: no flag needed */
};

enum { R_1ECX, R_1EDX, R_7EBX, R_7ECX, R_E1ECX, R_E1EDX, R_ALWAYS };
#define ALWAYS 0

/* APM Vol 2 Figure 3-7 (CR4) with the flags of Vol 3 Appendix E / SDM Vol 2A CPUID. */
static const struct feature_bit cr4_bits[] = {
	{ 0, R_1EDX, 1 },    /* VME */
	{ 1, R_1EDX, 1 },    /* PVI */
	{ 2, R_ALWAYS, ALWAYS }, /* TSD */
	{ 3, R_1EDX, 2 },    /* DE */
	{ 4, R_1EDX, 3 },    /* PSE */
	{ 5, R_1EDX, 6 },    /* PAE */
	{ 6, R_1EDX, 7 },    /* MCE */
	{ 7, R_1EDX, 13 },   /* PGE */
	{ 8, R_ALWAYS, ALWAYS }, /* PCE */
	{ 9, R_1EDX, 24 },   /* OSFXSR (FXSR) */
	{ 10, R_1EDX, 25 },  /* OSXMMEXCPT (SSE) */
	{ 11, R_7ECX, 2 },   /* UMIP */
	{ 12, R_7ECX, 16 },  /* LA57 */
	{ 16, R_7EBX, 0 },   /* FSGSBASE */
	{ 17, R_1ECX, 17 },  /* PCIDE */
	{ 18, R_1ECX, 26 },  /* OSXSAVE (XSAVE) */
	{ 20, R_7EBX, 7 },   /* SMEP */
	{ 21, R_7EBX, 20 },  /* SMAP */
	{ 22, R_7ECX, 3 },   /* PKE */
	{ 23, R_7ECX, 7 },   /* CET */
};

/* APM Vol 2 Figure 3-8 (EFER). */
static const struct feature_bit efer_bits[] = {
	{ 0, R_E1EDX, 11 },  /* SCE (SYSCALL) */
	{ 8, R_E1EDX, 29 },  /* LME (LM) */
	{ 10, R_E1EDX, 29 }, /* LMA (LM) */
	{ 11, R_E1EDX, 20 }, /* NXE (NX) */
	{ 12, R_ALWAYS, ALWAYS }, /* SVME: nested SVM is offered */
	{ 14, R_E1EDX, 25 }, /* FFXSR */
	{ 15, R_E1ECX, 17 }, /* TCE */
};

static uint32_t reg(const struct nsvm_cpuid_view *c, unsigned r)
{
	switch (r) {
	case R_1ECX: return c->l1_ecx;
	case R_1EDX: return c->l1_edx;
	case R_7EBX: return c->l7_ebx;
	case R_7ECX: return c->l7_ecx;
	case R_E1ECX: return c->e1_ecx;
	case R_E1EDX: return c->e1_edx;
	default: return ~0u;
	}
}

static uint64_t mask_of(const struct nsvm_cpuid_view *c, const struct feature_bit *t, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i].reg == R_ALWAYS || (reg(c, t[i].reg) >> t[i].flag) & 1)
			m |= BIT(t[i].bit);
	return m;
}

void nsvm_caps_from_cpuid(const struct nsvm_cpuid_view *c, struct nsvm_caps *caps)
{
	uint8_t width = (uint8_t)(c->e8_eax & 0xff);

	*caps = (struct nsvm_caps){
		.cr4_supported = mask_of(c, cr4_bits, sizeof(cr4_bits) / sizeof(cr4_bits[0])),
		.efer_supported = mask_of(c, efer_bits, sizeof(efer_bits) / sizeof(efer_bits[0])),
		.exc_vectors = NSVM_EXC_VECTORS_AMD64,
		.phys_width = width ? width : 36, /* no Fn8000_0008: the architectural minimum */
		.long_mode = (c->e1_edx >> 29) & 1,
		.npt = c->svm_edx & 1,
		.eventinj_reserved_mbz = true,
	};
}
