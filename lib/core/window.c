/* SPDX-License-Identifier: MIT */
/* window.c - ring buckets summed without subtracting; see window.h. */
#include "core/window.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"

#define HOUR_MS (60 * PUE_MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)
#define HOURLY_BEYOND_MS (2 * DAY_MS)

/* Buckets are numbered from the epoch (start_ms / bucket_ms) and bucket k
 * lives in slot k % n. The ring holds buckets [oldest, newest], at most n
 * of them, so a slot's number is implied and a bucket is only its sums:
 * 20 bytes, where one with its own start time was 32 (a 365-day window is
 * 8761 of them, one for each PUE and zone). A slot outside the ring is all
 * zero.
 *
 * The energies are never subtracted. A running sum that adds each minute
 * and takes its bucket out again when it leaves drifts from the sum of
 * what the window holds (0.7 + 0.1 - 0.7 - 0.1 is -2.8e-17 in binary):
 * after an hour without IT load the windows showed -6.39e-08 J. Integers
 * do not drift, but int64 cannot hold both a 400-day window of a 1e9 kW
 * site (9.6e12 kWh) and the precision a figure is judged at (figure.h: 1e-9
 * of the ratio): units coarse enough for the first (1e-5 kWh) put a
 * 1000 kW site's 15-minute PUE up to 5e-7 off. So the ring is two stacks
 * (the "two-stacks" sliding-window sum): the front, [oldest, front_end],
 * holds in each slot the sum of its bucket and every newer front bucket;
 * the back, (front_end, newest], holds each bucket's own sums and back_kwh
 * their total. The window's energy is front[oldest] + back_kwh. A bucket
 * leaves from the front by being zeroed; when the front is empty the back
 * becomes the front, its sums made once from newest to oldest (n additions
 * every n buckets: O(1) a minute on average). Every sum is then made of
 * additions of what the window holds: its rounding is that of summing at
 * most n buckets afresh, however long pued runs, a window of zeros is
 * exactly 0 and one of energies that are not negative never below 0. The
 * covered time is an integer and subtracts exactly. */
struct pue_window {
	int64_t span_ms, bucket_ms;
	size_t n;
	double (*kwh)[2];   /* per slot: facility, IT (in the front: to front_end) */
	uint32_t *covered;  /* per slot, ms: at most an hour */
	double back_kwh[2]; /* facility, IT: the back's buckets together */
	int64_t covered_ms;
	int64_t newest_end_ms;		   /* end of the newest minute added; 0 before any */
	int64_t oldest, newest, front_end; /* bucket numbers; valid after a minute */
};

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

int
pue_window_check_span(int64_t span_ms, struct pue_err *err)
{
	char span[32], below[32], above[32];

	if (span_ms >= PUE_MINUTE_MS && span_ms % PUE_MINUTE_MS == 0)
		return 0;
	pue_duration_format_span(span_ms, span, sizeof(span));
	if (span_ms < PUE_MINUTE_MS)
		return pue_err_set(err, -EINVAL,
				   "window %s is shorter than a minute (windows sum whole "
				   "minutes: 1m at least)",
				   span);
	pue_duration_format_span(span_ms - span_ms % PUE_MINUTE_MS, below, sizeof(below));
	pue_duration_format_span(span_ms - span_ms % PUE_MINUTE_MS + PUE_MINUTE_MS, above,
				 sizeof(above));
	return pue_err_set(err, -EINVAL,
			   "window %s is not a whole number of minutes (windows sum whole "
			   "minutes: %s or %s)",
			   span, below, above);
}

int
pue_window_check_spans(const int64_t *spans_ms, size_t n, struct pue_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = pue_window_check_span(spans_ms[i], err)) < 0)
			return rc;
	return 0;
}

struct pue_window *
pue_window_new(int64_t span_ms)
{
	struct pue_window *w;

	if (pue_window_check_span(span_ms, NULL) < 0)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->span_ms = span_ms;
	w->front_end = -1; /* an empty front */
	w->bucket_ms =
		span_ms > HOURLY_BEYOND_MS && span_ms % HOUR_MS == 0 ? HOUR_MS : PUE_MINUTE_MS;
	/* Hourly rings hold one more bucket: the hour in progress. */
	w->n = (size_t)(span_ms / w->bucket_ms) + (w->bucket_ms == HOUR_MS ? 1 : 0);
	w->kwh = calloc(w->n, sizeof(*w->kwh));
	w->covered = calloc(w->n, sizeof(*w->covered));
	if (w->kwh == NULL || w->covered == NULL) {
		pue_window_free(w);
		return NULL;
	}
	return w;
}

void
pue_window_clear(struct pue_window *w)
{
	memset(w->kwh, 0, w->n * sizeof(*w->kwh));
	memset(w->covered, 0, w->n * sizeof(*w->covered));
	w->back_kwh[0] = w->back_kwh[1] = 0;
	w->covered_ms = 0;
	w->newest_end_ms = 0;
	w->oldest = w->newest = 0;
	w->front_end = -1; /* an empty front */
}

void
pue_window_free(struct pue_window *w)
{
	if (w == NULL)
		return;
	free(w->kwh);
	free(w->covered);
	free(w);
}

static size_t
slot(const struct pue_window *w, int64_t k)
{
	int64_t n = (int64_t)w->n;

	return (size_t)((k % n + n) % n);
}

/* Makes buckets [oldest, upto] the front, each slot the sum of its bucket
 * and the newer ones up to upto, and the rest, (upto, newest], the back. */
static void
split(struct pue_window *w, int64_t upto)
{
	double sum[2] = {0, 0};
	int64_t k;
	size_t i;

	for (k = upto; k >= w->oldest; k--) {
		i = slot(w, k);
		sum[0] += w->kwh[i][0];
		sum[1] += w->kwh[i][1];
		w->kwh[i][0] = sum[0];
		w->kwh[i][1] = sum[1];
	}
	w->back_kwh[0] = w->back_kwh[1] = 0;
	for (k = upto + 1; k <= w->newest; k++) {
		w->back_kwh[0] += w->kwh[slot(w, k)][0];
		w->back_kwh[1] += w->kwh[slot(w, k)][1];
	}
	w->front_end = upto;
}

/* The oldest bucket leaves the window; k is the bucket a minute is about to
 * be added to (never the one leaving), which stays in the back. */
static void
drop_oldest(struct pue_window *w, int64_t k)
{
	size_t i;

	if (w->oldest > w->front_end)
		split(w, k > w->newest ? w->newest : w->newest - 1);
	i = slot(w, w->oldest);
	w->covered_ms -= w->covered[i];
	w->kwh[i][0] = w->kwh[i][1] = 0;
	w->covered[i] = 0;
	w->oldest++;
}

/* The oldest bucket start the window still includes, given its newest end. */
static int64_t
window_start(const struct pue_window *w)
{
	int64_t start = w->newest_end_ms - w->span_ms;

	return start - (start % w->bucket_ms + w->bucket_ms) % w->bucket_ms;
}

void
pue_window_add(struct pue_window *w, const struct pue_minute *m)
{
	int64_t k = floor_div(m->start_ms, w->bucket_ms), first;
	size_t i;

	/* The newest minute may come again (pued restarted within it: the two
	 * parts cover different seconds and add up); older ones may not. */
	if (w->newest_end_ms > 0 && m->start_ms + PUE_MINUTE_MS < w->newest_end_ms)
		return;
	if (w->newest_end_ms == 0 || k - w->newest >= (int64_t)w->n) {
		/* The first minute, or a gap longer than the ring (pued
		 * stopped, a clock jump): nothing held is in the window. */
		pue_window_clear(w);
		w->oldest = w->newest = k;
		w->front_end = k - 1;
	}
	if (m->start_ms + PUE_MINUTE_MS > w->newest_end_ms)
		w->newest_end_ms = m->start_ms + PUE_MINUTE_MS;

	/* Buckets that start before the window leave it: one a minute (or an
	 * hour) while minutes come in order, at most the ring after a gap.
	 * They include every bucket n or more older than k, whose slots the
	 * buckets up to k take; those never held are zero already. */
	first = floor_div(window_start(w), w->bucket_ms);
	if (first < k - (int64_t)w->n + 1)
		first = k - (int64_t)w->n + 1;
	while (w->oldest < first && w->oldest <= w->newest)
		drop_oldest(w, k);
	if (w->oldest < first)
		w->oldest = first;
	if (k > w->newest)
		w->newest = k;

	/* k is in the back: past front_end, which split() leaves below it. */
	i = slot(w, k);
	w->kwh[i][0] += m->facility_kwh;
	w->kwh[i][1] += m->it_kwh;
	w->covered[i] += (uint32_t)m->covered_ms;
	w->back_kwh[0] += m->facility_kwh;
	w->back_kwh[1] += m->it_kwh;
	w->covered_ms += m->covered_ms;
}

void
pue_window_sums(const struct pue_window *w, double *facility_kwh, double *it_kwh,
		int64_t *covered_ms, int64_t *period_ms)
{
	size_t i = slot(w, w->oldest);
	bool front = w->oldest <= w->front_end;

	*facility_kwh = front ? w->kwh[i][0] + w->back_kwh[0] : w->back_kwh[0];
	*it_kwh = front ? w->kwh[i][1] + w->back_kwh[1] : w->back_kwh[1];
	*covered_ms = w->covered_ms;
	*period_ms = w->newest_end_ms > 0 ? w->newest_end_ms - window_start(w) : 0;
}

int64_t
pue_window_span_ms(const struct pue_window *w)
{
	return w->span_ms;
}
