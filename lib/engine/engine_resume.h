/* SPDX-License-Identifier: MIT */
/*
 * engine_resume.h - the engine (engine.h) after a start or a reload: what
 * the store holds goes back into the windows and the points' energy.
 * Main thread only.
 */
#ifndef PUE_ENGINE_RESUME_H
#define PUE_ENGINE_RESUME_H

#include <stdbool.h>

#include "engine/engine.h"
#include "util/err.h"

/* After a (re)start: rebuilds the windows from the store's minutes, then
 * the minutes after them from the raw samples stored since (a crash leaves
 * those behind), and continues each point's energy from its last stored
 * sample, so the intervals that bridge a short downtime count and a
 * restart loses no more than its downtime (PUE.md, "Restarts and clock
 * steps"). started: pued has just started, and a step of the wall clock
 * taken while it was down is looked for (engine_resume.c); not for a
 * reload, whose clock ran all along. Returns the number of minutes loaded
 * or a negative code. */
int pue_engine_resume(struct pue_engine *e, bool started, struct pue_err *err);

/* Loads the PUE's windows again from the store's minutes, which now hold
 * the ones this engine closed (for a store that could only open after the
 * start: disk full). Returns the number of minutes loaded or a negative
 * code (the windows then hold what could be loaded). */
int pue_engine_resume_windows(struct pue_engine *e, struct pue_err *err);

#endif
