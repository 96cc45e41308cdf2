/* SPDX-License-Identifier: MIT */
/* window.c - ring buckets with running sums; see window.h. */
#include "core/window.h"

#include <errno.h>
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
 * 8761 of them, one for each PUE and zone). An empty bucket is all zero. */
struct pue_window {
	int64_t span_ms, bucket_ms;
	size_t n;
	double (*kwh)[2];	     /* per slot: facility, IT */
	uint32_t *covered;	     /* per slot, ms: at most an hour */
	double facility_kwh, it_kwh; /* running sums over the ring */
	int64_t covered_ms;
	int64_t newest_end_ms;	/* end of the newest minute added; 0 before any */
	int64_t oldest, newest; /* bucket numbers held; valid after a minute */
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
	w->facility_kwh = w->it_kwh = 0;
	w->covered_ms = 0;
	w->newest_end_ms = 0;
	w->oldest = w->newest = 0;
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

/* Empties bucket k's slot, taking its sums out of the running ones. */
static void
evict(struct pue_window *w, int64_t k)
{
	size_t i = slot(w, k);

	w->facility_kwh -= w->kwh[i][0];
	w->it_kwh -= w->kwh[i][1];
	w->covered_ms -= w->covered[i];
	w->kwh[i][0] = w->kwh[i][1] = 0;
	w->covered[i] = 0;
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
	if (w->newest_end_ms == 0) {
		w->oldest = w->newest = k;
	} else if (k - w->newest >= (int64_t)w->n) {
		/* A gap longer than the ring (pued stopped, a clock jump):
		 * nothing held is in the window any more. */
		pue_window_clear(w);
		w->oldest = w->newest = k;
	} else {
		/* The slots of the buckets to come held buckets n older. */
		for (; w->newest < k; w->newest++)
			evict(w, w->newest + 1);
	}
	i = slot(w, k);
	w->kwh[i][0] += m->facility_kwh;
	w->kwh[i][1] += m->it_kwh;
	w->covered[i] += (uint32_t)m->covered_ms;
	w->facility_kwh += m->facility_kwh;
	w->it_kwh += m->it_kwh;
	w->covered_ms += m->covered_ms;
	if (m->start_ms + PUE_MINUTE_MS > w->newest_end_ms)
		w->newest_end_ms = m->start_ms + PUE_MINUTE_MS;

	/* Buckets that start before the window leave it: one a minute (or an
	 * hour) while minutes come in order, at most the ring after a gap. */
	if (w->oldest <= w->newest - (int64_t)w->n)
		w->oldest = w->newest - (int64_t)w->n + 1;
	first = floor_div(window_start(w), w->bucket_ms);
	for (; w->oldest < first; w->oldest++)
		evict(w, w->oldest);
	/* Running sums of doubles drift; a window that holds nothing is exactly 0. */
	if (w->covered_ms == 0)
		w->facility_kwh = w->it_kwh = 0;
}

void
pue_window_sums(const struct pue_window *w, double *facility_kwh, double *it_kwh,
		int64_t *covered_ms, int64_t *period_ms)
{
	*facility_kwh = w->facility_kwh;
	*it_kwh = w->it_kwh;
	*covered_ms = w->covered_ms;
	*period_ms = w->newest_end_ms > 0 ? w->newest_end_ms - window_start(w) : 0;
}

int64_t
pue_window_span_ms(const struct pue_window *w)
{
	return w->span_ms;
}
