/* SPDX-License-Identifier: MIT */
/*
 * engine_handover.h - what a reload carries from the old engine to the
 * new one (engine.h). Main thread only.
 */
#ifndef PUE_ENGINE_HANDOVER_H
#define PUE_ENGINE_HANDOVER_H

#include <stddef.h>

#include "engine/engine.h"

/* What a reload carries from the old engine to the new one: the energy
 * state of every point (so the first interval after the reload is not
 * lost) and the minute in progress, stored as a partial minute. */
struct pue_engine_handover;

/* Stops the engine (pue_engine_stop) and copies every point's energy
 * state. The engine may only be freed afterwards. Returns
 * NULL when memory runs out (the reload then loses one poll interval). */
struct pue_engine_handover *pue_engine_handover_take(struct pue_engine *e);

/* Gives the new engine the energy state of each point that stayed: same
 * device and point name, and the same definition (config_canon.h: the same
 * meter, and every field of the point's configuration). O(P) for P points.
 * Returns how many. */
size_t pue_engine_handover_give(struct pue_engine *e, struct pue_engine_handover *h);

/* Frees h. NULL is accepted. */
void pue_engine_handover_free(struct pue_engine_handover *h);

#endif
