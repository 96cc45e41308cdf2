/* SPDX-License-Identifier: MIT */
/* window.c - ring buckets with running sums; see window.h. */
#include "core/window.h"

#include <stdlib.h>

#define HOUR_MS (60 * PUE_MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)
#define HOURLY_BEYOND_MS (2 * DAY_MS)

struct bucket {
	int64_t start_ms; /* -1: empty */
	double facility_kwh, it_kwh;
	int64_t covered_ms;
};

struct pue_window {
	int64_t span_ms, bucket_ms;
	struct bucket *ring;
	size_t n;
	double facility_kwh, it_kwh; /* running sums over the ring */
	int64_t covered_ms;
	int64_t newest_end_ms; /* end of the newest minute added; 0 before any */
};

struct pue_window *
pue_window_new(int64_t span_ms)
{
	struct pue_window *w;

	if (span_ms < PUE_MINUTE_MS || span_ms % PUE_MINUTE_MS != 0)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->span_ms = span_ms;
	w->bucket_ms =
		span_ms > HOURLY_BEYOND_MS && span_ms % HOUR_MS == 0 ? HOUR_MS : PUE_MINUTE_MS;
	/* Hourly rings hold one more bucket: the hour in progress. */
	w->n = (size_t)(span_ms / w->bucket_ms) + (w->bucket_ms == HOUR_MS ? 1 : 0);
	w->ring = calloc(w->n, sizeof(*w->ring));
	if (w->ring == NULL) {
		free(w);
		return NULL;
	}
	pue_window_clear(w);
	return w;
}

void
pue_window_clear(struct pue_window *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		w->ring[i] = (struct bucket){.start_ms = -1};
	w->facility_kwh = w->it_kwh = 0;
	w->covered_ms = 0;
	w->newest_end_ms = 0;
}

void
pue_window_free(struct pue_window *w)
{
	if (w == NULL)
		return;
	free(w->ring);
	free(w);
}

static void
evict(struct pue_window *w, struct bucket *b)
{
	if (b->start_ms < 0)
		return;
	w->facility_kwh -= b->facility_kwh;
	w->it_kwh -= b->it_kwh;
	w->covered_ms -= b->covered_ms;
	*b = (struct bucket){.start_ms = -1};
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
	int64_t bstart = m->start_ms - m->start_ms % w->bucket_ms;
	struct bucket *b = &w->ring[(size_t)(bstart / w->bucket_ms) % w->n];
	int64_t start, prev_end = w->newest_end_ms;
	size_t i;

	/* The newest minute may come again (pued restarted within it: the two
	 * parts cover different seconds and add up); older ones may not. */
	if (m->start_ms + PUE_MINUTE_MS < w->newest_end_ms)
		return;
	if (b->start_ms != bstart) {
		evict(w, b);
		b->start_ms = bstart;
	}
	b->facility_kwh += m->facility_kwh;
	b->it_kwh += m->it_kwh;
	b->covered_ms += m->covered_ms;
	w->facility_kwh += m->facility_kwh;
	w->it_kwh += m->it_kwh;
	w->covered_ms += m->covered_ms;
	if (m->start_ms + PUE_MINUTE_MS > w->newest_end_ms)
		w->newest_end_ms = m->start_ms + PUE_MINUTE_MS;

	/* Contiguous minutes reuse exactly the bucket that leaves the window,
	 * so the sums stay right in O(1). After skipped minutes (pued stopped,
	 * a clock jump) older buckets may sit in slots not reused yet: sweep. */
	if (m->start_ms <= prev_end)
		return;
	start = window_start(w);
	for (i = 0; i < w->n; i++)
		if (w->ring[i].start_ms >= 0 && w->ring[i].start_ms < start)
			evict(w, &w->ring[i]);
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
