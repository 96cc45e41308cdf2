/* SPDX-License-Identifier: MIT */
/*
 * engine_totals.h - the energy an engine counted since it started, for
 * /metrics' monotonic counters (snapshot.h), and how often its windows
 * changed. Above
 * engine.c, whose state it reads. Main thread only.
 */
#ifndef PUE_ENGINE_TOTALS_H
#define PUE_ENGINE_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/* What this engine counted since it started, for monotonic counters
 * (Prometheus' _total, which take a restart or a reload as a counter
 * reset): the PUE's facility and IT energy and covered time over every
 * minute it closed, each minute's part stored before a restart left out.
 * The ratio of two counters' increases over a span is the PUE of the
 * minutes closed in it. */
struct pue_engine_totals pue_engine_totals(const struct pue_engine *e);

/* The energy (kWh) of a point's valid intervals since the engine started:
 * counter steps or the trapezoids of its power, never a negative step; 0
 * for a point that neither the PUE nor a zone uses (its energy is not
 * computed). */
double pue_engine_totals_point_energy(const struct pue_engine *e, size_t device, size_t point);

/* How many times the PUE's windows changed: a minute closed, or the
 * windows loaded again from the store. A round that finds it moved is the
 * first to see a new figure in any window (alerts.c judges the alerts on
 * the alert window on those rounds only). */
uint64_t pue_engine_totals_windows_changed(const struct pue_engine *e);

#endif
