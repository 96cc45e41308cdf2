/* SPDX-License-Identifier: MIT */
/*
 * window.h - a rolling PUE window over closed minutes.
 *
 * Fourth step of the data flow (minute -> window). A window keeps a ring of
 * buckets with running sums, so adding a minute is O(1): per-minute buckets
 * for windows up to two days, per-hour buckets beyond (a 365-day window is
 * then 8761 buckets, not 525600). A minute never added (pued was down, the
 * data was missing) simply leaves its time uncovered.
 * Main thread only.
 */
#ifndef PUE_WINDOW_H
#define PUE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "core/minute.h"

struct pue_window; /* opaque */

/* A window of span_ms (a whole number of minutes; whole hours beyond two
 * days). Returns NULL on allocation failure or a bad span. */
struct pue_window *pue_window_new(int64_t span_ms);
void pue_window_free(struct pue_window *w);

/* Empties w, as new (to load it again from the store). */
void pue_window_clear(struct pue_window *w);

/* Adds one closed minute. Minutes come in ascending order; the newest may
 * come again (its parts add up); an older one is ignored. */
void pue_window_add(struct pue_window *w, const struct pue_minute *m);

/* Sums over the window ending at the end of the newest minute added:
 * facility and IT energy over the covered time, the covered time, and the
 * period it is measured against (span_ms, or up to an hour more for hourly
 * buckets, whose oldest bucket is whole). All zero before the first minute. */
void pue_window_sums(const struct pue_window *w, double *facility_kwh, double *it_kwh,
		     int64_t *covered_ms, int64_t *period_ms);

int64_t pue_window_span_ms(const struct pue_window *w);

#endif
