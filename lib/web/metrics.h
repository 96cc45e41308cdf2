/* SPDX-License-Identifier: MIT */
/*
 * metrics.h - a snapshot (snapshot.h) as Prometheus metrics.
 *
 * The text exposition format 0.0.4 by default, OpenMetrics 1.0.0 for a
 * scraper whose Accept header asks for it (Prometheus does). Names follow
 * Prometheus' conventions: the pued_ prefix, base units (joules, watts,
 * seconds, ratios 0..1), _total for counters, one HELP and TYPE per family;
 * README "Prometheus and Grafana" lists them.
 *
 * A PUE is printed as pued judges it (figure.h: rounded half-up to three
 * decimals), and only where status prints a number: a window whose
 * coverage does not support a figure, or that has no IT load, has no
 * pued_pue sample at all (Prometheus' way for a value that does not
 * exist; a NaN would still be a number to sum() and to a graph), while its
 * energies, coverage and state are always there. A PUE below 1 is printed,
 * as status prints it, with pued_window_state{state="below_one"} saying
 * it is a metering error. Energies are the covered part's, in full
 * precision, so a recording rule can sum sites exactly.
 * Pure functions of their arguments; any thread.
 */
#ifndef PUE_METRICS_H
#define PUE_METRICS_H

#include <stddef.h>

#include "web/metrics_format.h"
#include "snapshot/snapshot.h"

/* Renders s in format f. Returns a malloc'd buffer of *len bytes (not
 * NUL-terminated; the caller frees it), or NULL when out of memory. */
char *pue_metrics_render(const struct pue_snapshot *s, enum pue_metrics_format f, size_t *len);

#endif
