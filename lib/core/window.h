/* SPDX-License-Identifier: MIT */
/*
 * window.h - a rolling PUE window over closed minutes.
 *
 * Fourth step of the data flow (minute -> window). A window keeps a ring of
 * buckets, so adding a minute is O(1) (on average: see window.c):
 * per-minute buckets for windows up to two days, per-hour buckets beyond (a
 * 365-day window is then 8761 buckets, not 525600). Its sums are made of
 * additions of what it holds, never of subtractions, so they do not drift
 * however long pued runs: a window whose minutes hold no IT energy sums to
 * exactly 0, and one of energies that are not negative is never below 0.
 * A minute never added (pued was down, the data was missing) simply leaves
 * its time uncovered.
 * Main thread only.
 */
#ifndef PUE_WINDOW_H
#define PUE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "core/minute.h"

struct pue_window; /* opaque */

/* 0 when span_ms can be a window: a whole number of minutes, one at least
 * (a window sums whole minutes; a span that cuts one would count it whole
 * or not at all). Else -EINVAL, and err (may be NULL) says why and names
 * the whole minutes either side: "window 90s is not a whole number of
 * minutes (windows sum whole minutes: 1m or 2m)". The one rule for the
 * loader, the engine and puectl history. */
int pue_window_check_span(int64_t span_ms, struct pue_err *err);

/* The same for n spans: 0, or -EINVAL with the first that cannot be a
 * window in err. pue_engine_new() checks its configuration's windows so:
 * the loader refuses such a window, and any other caller learns why rather
 * than "out of memory" (pue_window_new()'s NULL). */
int pue_window_check_spans(const int64_t *spans_ms, size_t n, struct pue_err *err);

/* A window of span_ms (pue_window_check_span(); hourly buckets beyond two
 * days when whole hours). Returns NULL on allocation failure or a bad span. */
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
