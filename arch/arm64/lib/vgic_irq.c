/* SPDX-License-Identifier: MIT */
/*
 * The virtual interrupt's state machine (see vgic_irq.h). Every legal edge
 * is one bit of vgic_irq_edges; vgic_irq_step() is the only writer of the
 * state.
 */
#include "vgic_irq.h"

#include <stddef.h>

#define TO(s) (1u << (s))
#define I VGIC_IRQ_INACTIVE
#define P VGIC_IRQ_PENDING
#define A VGIC_IRQ_ACTIVE
#define AP VGIC_IRQ_ACTIVE_PENDING

const uint8_t vgic_irq_edges[VGIC_EV_COUNT][VGIC_IRQ_STATE_COUNT] = {
	[VGIC_EV_PEND] = { [I] = TO(P), [P] = TO(P), [A] = TO(AP), [AP] = TO(AP) },
	[VGIC_EV_UNPEND] = { [I] = TO(I), [P] = TO(I), [A] = TO(A), [AP] = TO(A) },
	[VGIC_EV_ACK] = { [P] = TO(A) | TO(AP) },
	[VGIC_EV_DEACTIVATE] = { [A] = TO(I), [AP] = TO(P) },
	[VGIC_EV_ACTIVATE] = { [I] = TO(A), [P] = TO(AP), [A] = TO(A), [AP] = TO(AP) },
};

_Static_assert(VGIC_IRQ_STATE_COUNT <= 8, "vgic_irq_edges holds one bit per state");

static const char *const state_names[VGIC_IRQ_STATE_COUNT] = {
	[I] = "inactive",
	[P] = "pending",
	[A] = "active",
	[AP] = "active+pending",
};

const char *vgic_irq_state_name(unsigned state)
{
	return state < VGIC_IRQ_STATE_COUNT ? state_names[state] : "invalid";
}

void vgic_irq_init(struct vgic_irq *irq, uint32_t intid, bool sgi_v2)
{
	*irq = (struct vgic_irq){
		.intid = intid,
		.state = I,
		.lr = VGIC_IRQ_UNLISTED,
		.target = VGIC_NO_VCPU,
		.owner = VGIC_NO_VCPU,
		.sgi_v2 = sgi_v2,
		.trigger = VGIC_EDGE,
	};
}

bool vgic_irq_step(struct vgic_irq *irq, enum vgic_irq_event ev, enum vgic_irq_state to)
{
	if (!vgic_irq_edge_legal(ev, irq->state, to)) {
		irq->refused++;
		return false;
	}
	irq->state = (uint8_t)to;
	return true;
}

bool vgic_irq_resync(struct vgic_irq *irq)
{
	bool want = vgic_irq_inputs_pending(irq);

	if (vgic_irq_is_listed(irq) || want == vgic_irq_is_pending(irq))
		return true;
	if (want)
		return vgic_irq_step(irq, VGIC_EV_PEND, irq->state | VGIC_IRQ_PENDING_BIT);
	return vgic_irq_step(irq, VGIC_EV_UNPEND, irq->state & ~VGIC_IRQ_PENDING_BIT);
}

bool vgic_irq_set_line(struct vgic_irq *irq, bool level)
{
	if (irq->trigger == VGIC_EDGE && level && !irq->line)
		irq->latch = true;
	irq->line = level;
	return vgic_irq_resync(irq);
}

bool vgic_irq_set_latch(struct vgic_irq *irq)
{
	irq->latch = true;
	return vgic_irq_resync(irq);
}

bool vgic_irq_clear_latch(struct vgic_irq *irq)
{
	irq->latch = false;
	return vgic_irq_resync(irq);
}

bool vgic_irq_add_source(struct vgic_irq *irq, unsigned cpu)
{
	if (!irq->sgi_v2 || cpu >= VGIC_MAX_VCPUS) {
		irq->refused++;
		return false;
	}
	irq->sources |= (uint8_t)(1u << cpu);
	return vgic_irq_resync(irq);
}

bool vgic_irq_clear_sources(struct vgic_irq *irq, uint8_t mask)
{
	irq->sources &= (uint8_t)~mask;
	return vgic_irq_resync(irq);
}

bool vgic_irq_activate(struct vgic_irq *irq)
{
	if (vgic_irq_is_listed(irq)) {
		irq->refused++;
		return false;
	}
	if (!vgic_irq_is_active(irq))
		irq->active_prio = irq->priority;
	return vgic_irq_step(irq, VGIC_EV_ACTIVATE, irq->state | VGIC_IRQ_ACTIVE_BIT);
}

bool vgic_irq_deactivate(struct vgic_irq *irq)
{
	if (vgic_irq_is_listed(irq)) {
		irq->refused++;
		return false;
	}
	return vgic_irq_step(irq, VGIC_EV_DEACTIVATE, irq->state & ~VGIC_IRQ_ACTIVE_BIT) &&
	       vgic_irq_resync(irq);
}

/* The lowest set bit of a non-zero source mask. */
static uint8_t lowest_source(uint8_t mask)
{
	uint8_t s = 0;

	while (!(mask & (1u << s)))
		s++;
	return s;
}

bool vgic_irq_list(struct vgic_irq *irq, int lr, unsigned written, uint8_t *source)
{
	bool active = (written & VGIC_IRQ_ACTIVE_BIT) != 0;
	bool pending = (written & VGIC_IRQ_PENDING_BIT) != 0;

	if (vgic_irq_is_listed(irq) || lr < 0 || lr > INT8_MAX || written == I ||
	    written >= VGIC_IRQ_STATE_COUNT || active != vgic_irq_is_active(irq) ||
	    (pending && !vgic_irq_is_pending(irq))) {
		irq->refused++;
		return false;
	}
	irq->lr_took = VGIC_TOOK_NOTHING;
	if (pending && irq->sgi_v2 && irq->sources) {
		irq->lr_source = lowest_source(irq->sources);
		irq->sources &= (uint8_t)~(1u << irq->lr_source);
		irq->lr_took = VGIC_TOOK_SOURCE;
	} else if (pending && irq->latch) {
		irq->latch = false;
		irq->lr_took = VGIC_TOOK_LATCH;
	}
	if (source)
		*source = irq->lr_took == VGIC_TOOK_SOURCE ? irq->lr_source : irq->active_source;
	irq->lr = (int8_t)lr;
	return true;
}

/*
 * What the guest did to one LR, from the state written to the state read
 * back: the only changes a CPU interface makes are the acknowledge
 * (pending -> active) and the deactivation (active -> inactive, pending and
 * active -> pending). IHI 0069 "Interrupt handling state machine", as it
 * applies to a list register.
 */
enum lr_path {
	PATH_NONE,
	PATH_ACK,             /* P -> A */
	PATH_ACK_DEACT,       /* P -> A -> I */
	PATH_DEACT,           /* A -> I, AP -> P */
	PATH_DEACT_ACK,       /* AP -> P -> A */
	PATH_DEACT_ACK_DEACT, /* AP -> P -> A -> I */
	PATH_IMPOSSIBLE,
};

static const uint8_t lr_paths[VGIC_IRQ_STATE_COUNT][VGIC_IRQ_STATE_COUNT] = {
	[I] = { PATH_IMPOSSIBLE, PATH_IMPOSSIBLE, PATH_IMPOSSIBLE, PATH_IMPOSSIBLE },
	[P] = { [I] = PATH_ACK_DEACT, [P] = PATH_NONE, [A] = PATH_ACK, [AP] = PATH_IMPOSSIBLE },
	[A] = { [I] = PATH_DEACT, [P] = PATH_IMPOSSIBLE, [A] = PATH_NONE, [AP] = PATH_IMPOSSIBLE },
	[AP] = { [I] = PATH_DEACT_ACK_DEACT, [P] = PATH_DEACT, [A] = PATH_DEACT_ACK,
		 [AP] = PATH_NONE },
};

/* The guest acknowledged the instance the LR held: it is consumed. */
static bool replay_ack(struct vgic_irq *irq, uint8_t prio)
{
	bool still = vgic_irq_inputs_pending(irq);

	irq->active_prio = prio;
	if (irq->lr_took == VGIC_TOOK_SOURCE)
		irq->active_source = irq->lr_source;
	irq->lr_took = VGIC_TOOK_NOTHING;
	return vgic_irq_step(irq, VGIC_EV_ACK, still ? AP : A);
}

static bool replay_deact(struct vgic_irq *irq)
{
	return vgic_irq_step(irq, VGIC_EV_DEACTIVATE, irq->state & ~VGIC_IRQ_ACTIVE_BIT);
}

/* The LR still holds the instance pending: the record gets it back. */
static void give_back(struct vgic_irq *irq)
{
	if (irq->lr_took == VGIC_TOOK_LATCH)
		irq->latch = true;
	else if (irq->lr_took == VGIC_TOOK_SOURCE)
		irq->sources |= (uint8_t)(1u << irq->lr_source);
	irq->lr_took = VGIC_TOOK_NOTHING;
}

static bool replay(struct vgic_irq *irq, enum lr_path path, uint8_t prio)
{
	switch (path) {
	case PATH_NONE:
		return true;
	case PATH_ACK:
		return replay_ack(irq, prio);
	case PATH_ACK_DEACT:
		return replay_ack(irq, prio) && replay_deact(irq);
	case PATH_DEACT:
		return replay_deact(irq);
	case PATH_DEACT_ACK:
		return replay_deact(irq) && replay_ack(irq, prio);
	case PATH_DEACT_ACK_DEACT:
		return replay_deact(irq) && replay_ack(irq, prio) && replay_deact(irq);
	default:
		return false;
	}
}

bool vgic_irq_unlist(struct vgic_irq *irq, int lr, unsigned written, unsigned read, uint8_t prio)
{
	enum lr_path path;
	bool ok;

	if (irq->lr != lr || lr < 0 || written >= VGIC_IRQ_STATE_COUNT ||
	    read >= VGIC_IRQ_STATE_COUNT) {
		irq->refused++;
		return false;
	}
	path = (enum lr_path)lr_paths[written][read];
	ok = path != PATH_IMPOSSIBLE && replay(irq, path, prio);
	if (path == PATH_IMPOSSIBLE)
		irq->refused++;
	/* Not acknowledged (or a refused replay): the instance is still pending. */
	give_back(irq);
	irq->lr = VGIC_IRQ_UNLISTED;
	return vgic_irq_resync(irq) && ok;
}
