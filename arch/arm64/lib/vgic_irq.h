/* SPDX-License-Identifier: MIT */
/*
 * One virtual interrupt: the canonical record every other vGIC file works
 * on (the distributor model, the ap_list, the LR fill and fold), and its
 * state machine.
 *
 * The architectural state (Arm IHI 0069, GICv3/v4, and IHI 0048, GICv2:
 * "Interrupt handling state machine") is one of four, encoded
 * like the State field of a list register (bit 0 pending, bit 1 active).
 * The legal edges (docs/vgic.md draws them):
 *
 *   event        from              to
 *   PEND         INACTIVE          PENDING
 *                ACTIVE            ACTIVE+PENDING
 *   UNPEND       PENDING           INACTIVE
 *                ACTIVE+PENDING    ACTIVE
 *   ACK          PENDING           ACTIVE, or ACTIVE+PENDING while the
 *                                  inputs stay high (a level line still
 *                                  asserted, another GICv2 SGI source)
 *   DEACTIVATE   ACTIVE            INACTIVE
 *                ACTIVE+PENDING    PENDING
 *   ACTIVATE     INACTIVE          ACTIVE            (a write to ISACTIVER)
 *                PENDING           ACTIVE+PENDING
 *
 * PEND of a state that is pending already, UNPEND of one that is not, and
 * ACTIVATE of an active one change nothing and are legal.
 *
 * The state changes only in vgic_irq_step(), against a table of legal
 * edges; anything else is refused and counted in `refused` (a hypervisor
 * bug; the host tests assert it stays 0).
 *
 * Pending is derived from inputs, kept apart from the state:
 *  - `latch`: set by an edge on an edge-triggered line, or by ISPENDR;
 *    consumed by the acknowledge (and by ICPENDR);
 *  - `line`: the input level; keeps a level-sensitive interrupt pending
 *    while high (the acknowledge of a level interrupt whose line is still
 *    asserted goes to active+pending, same state machine);
 *  - `sources`: GICv2 SGIs, one pending instance per source CPU (IHI 0048,
 *    "Software-generated interrupts"); the acknowledge consumes one source.
 * vgic_irq_resync() steps PEND/UNPEND so the state follows the inputs.
 *
 * Listed in LR k: while the guest runs with the interrupt in a list
 * register, the LR owns the instance it was given. vgic_irq_list() moves
 * the pending instance (the latch, or one SGI source) into the LR and
 * freezes the state; inputs that change meanwhile (a new edge, the line)
 * are only recorded. vgic_irq_unlist() replays what the guest did to the LR
 * (acknowledge, deactivate, as far as the LR state read back allows) as
 * ACK/DEACTIVATE steps, gives the instance back if the LR still holds it
 * pending, and resyncs with the inputs. Pure, no allocation.
 */
#ifndef ARM64_VGIC_IRQ_H
#define ARM64_VGIC_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define VGIC_NR_SGIS 16u
#define VGIC_NR_PRIVATE 32u        /* SGIs 0-15 and PPIs 16-31, banked per vCPU */
#define VGIC_MAX_INTID 1019u       /* the last SPI; 1020-1023 are special INTIDs */
#define VGIC_INTID_SPURIOUS 1023u
#define VGIC_MAX_VCPUS 8u          /* a GICv2 CPU interface number is 3 bits */
#define VGIC_NO_VCPU 0xffu
#define VGIC_IRQ_UNLISTED (-1)
#define VGIC_PRIO_IDLE 0xffu       /* running priority with nothing active */

/* Encoded like an LR's State field: bit 0 pending, bit 1 active. */
enum vgic_irq_state {
	VGIC_IRQ_INACTIVE = 0,
	VGIC_IRQ_PENDING = 1,
	VGIC_IRQ_ACTIVE = 2,
	VGIC_IRQ_ACTIVE_PENDING = 3,
	VGIC_IRQ_STATE_COUNT
};

#define VGIC_IRQ_PENDING_BIT 1u
#define VGIC_IRQ_ACTIVE_BIT 2u

_Static_assert((VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE) == VGIC_IRQ_ACTIVE_PENDING,
	       "active+pending is the union of the two bits");

enum vgic_irq_event {
	VGIC_EV_PEND,       /* the pending inputs rose */
	VGIC_EV_UNPEND,     /* the pending inputs fell (ICPENDR, line low) */
	VGIC_EV_ACK,        /* the guest acknowledged it (IAR read) */
	VGIC_EV_DEACTIVATE, /* EOI with EOImode 0, DIR, ICACTIVER */
	VGIC_EV_ACTIVATE,   /* ISACTIVER */
	VGIC_EV_COUNT
};

enum vgic_trigger {
	VGIC_EDGE = 0,
	VGIC_LEVEL = 1,
};

/* What an LR took from the record's pending inputs when it was listed. */
enum vgic_took {
	VGIC_TOOK_NOTHING = 0, /* the line keeps a level interrupt pending */
	VGIC_TOOK_LATCH = 1,
	VGIC_TOOK_SOURCE = 2,  /* GICv2 SGI: one source, in lr_source */
};

struct vgic_irq {
	uint32_t intid;
	uint32_t pintid;        /* physical INTID when hw */
	uint32_t refused;       /* transitions refused: a hypervisor bug if non-zero */
	uint8_t state;          /* enum vgic_irq_state, written only by vgic_irq_step() */
	uint8_t priority;       /* as written, masked to the implemented bits */
	uint8_t active_prio;    /* the priority it was acknowledged or activated at */
	uint8_t group;          /* 0 or 1 */
	uint8_t trigger;        /* enum vgic_trigger */
	uint8_t sources;        /* GICv2 SGI: bit n, CPU n has an instance pending */
	uint8_t active_source;  /* GICv2 SGI: the source of the active instance */
	uint8_t lr_took;        /* enum vgic_took, while listed */
	uint8_t lr_source;      /* GICv2 SGI: the source the LR took */
	int8_t lr;              /* LR index while listed, VGIC_IRQ_UNLISTED otherwise */
	uint8_t target;         /* vCPU it is routed to, VGIC_NO_VCPU if none */
	uint8_t owner;          /* vCPU whose ap_list holds it, VGIC_NO_VCPU if none */
	uint64_t route;         /* GICv2 ITARGETSR byte, or GICv3 GICD_IROUTER */
	bool enabled;
	bool line;              /* input level */
	bool latch;             /* pending latch */
	bool hw;                /* LR HW bit: deactivation reaches pintid */
	bool sgi_v2;            /* GICv2 SGI: pending per source */
};

/* legal[event][from]: bit `to` set for each legal edge (vgic_irq.c). */
extern const uint8_t vgic_irq_edges[VGIC_EV_COUNT][VGIC_IRQ_STATE_COUNT];

static inline bool vgic_irq_edge_legal(enum vgic_irq_event ev, unsigned from, unsigned to)
{
	if ((unsigned)ev >= VGIC_EV_COUNT || from >= VGIC_IRQ_STATE_COUNT ||
	    to >= VGIC_IRQ_STATE_COUNT)
		return false;
	return (vgic_irq_edges[ev][from] & (1u << to)) != 0;
}

static inline bool vgic_irq_is_pending(const struct vgic_irq *irq)
{
	return (irq->state & VGIC_IRQ_PENDING_BIT) != 0;
}

static inline bool vgic_irq_is_active(const struct vgic_irq *irq)
{
	return (irq->state & VGIC_IRQ_ACTIVE_BIT) != 0;
}

static inline bool vgic_irq_is_listed(const struct vgic_irq *irq)
{
	return irq->lr != VGIC_IRQ_UNLISTED;
}

/* Whether the inputs (latch, level line, SGI sources) make it pending. */
static inline bool vgic_irq_inputs_pending(const struct vgic_irq *irq)
{
	return irq->latch || irq->sources != 0 || (irq->trigger == VGIC_LEVEL && irq->line);
}

/* A record in its reset state: inactive, disabled, group 0, priority 0, edge. */
void vgic_irq_init(struct vgic_irq *irq, uint32_t intid, bool sgi_v2);

/* The one writer of irq->state: refuses (and counts) an illegal edge. */
bool vgic_irq_step(struct vgic_irq *irq, enum vgic_irq_event ev, enum vgic_irq_state to);

/* PEND or UNPEND so the pending part follows the inputs; a no-op while listed. */
bool vgic_irq_resync(struct vgic_irq *irq);

/* Inputs. Each resyncs (unless listed). */
bool vgic_irq_set_line(struct vgic_irq *irq, bool level); /* an edge latches on 0 -> 1 */
bool vgic_irq_set_latch(struct vgic_irq *irq);            /* ISPENDR */
bool vgic_irq_clear_latch(struct vgic_irq *irq);          /* ICPENDR: the line stays */
bool vgic_irq_add_source(struct vgic_irq *irq, unsigned cpu);   /* GICv2 SGI */
bool vgic_irq_clear_sources(struct vgic_irq *irq, uint8_t mask);

/* ISACTIVER / ICACTIVER, DIR and the EOIcount path: refused while listed. */
bool vgic_irq_activate(struct vgic_irq *irq);
bool vgic_irq_deactivate(struct vgic_irq *irq);

/*
 * Listing into LR `lr` with `written` as the LR state. The active part must
 * match the record, the pending part may only be a subset (a disabled
 * interrupt is listed active-only); with the pending part the LR takes the
 * instance (latch or the lowest SGI source, returned in *source).
 */
bool vgic_irq_list(struct vgic_irq *irq, int lr, unsigned written, uint8_t *source);

/*
 * Back from LR `lr`: `written` is what the fill put there, `read` what the
 * hardware holds at the exit, `prio` the LR's priority (the acknowledge's
 * active priority). Refuses an LR state the hardware cannot have reached
 * from `written` (a pending bit that reappeared, an active bit that came
 * from nowhere).
 */
bool vgic_irq_unlist(struct vgic_irq *irq, int lr, unsigned written, unsigned read, uint8_t prio);

const char *vgic_irq_state_name(unsigned state);

#endif
