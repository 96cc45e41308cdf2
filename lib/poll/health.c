/* SPDX-License-Identifier: MIT */
/* health.c - device health and its log lines; see health.h. */
#include "poll/health.h"

#include <string.h>

#include "util/log.h"

/* clang-format off */
const int64_t pue_health_latency_bucket_ms[PUE_LATENCY_BUCKETS] = {
	1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};
/* clang-format on */

static void
observe_latency(struct pue_health *h, int64_t ms)
{
	size_t i = 0;

	while (i < PUE_LATENCY_BUCKETS && ms > pue_health_latency_bucket_ms[i])
		i++;
	h->latency_count[i]++;
	h->latency_sum_ms += ms;
}

void
pue_health_success(struct pue_health *h, const char *device, pue_wall_t now, int64_t latency_ms,
		   unsigned requests, bool partial, const char *error)
{
	if (h->consecutive_failures > 0 && h->ever_up)
		pue_log(LOG_NOTICE, "device %s: recovered after %u failed polls (%.1f s)", device,
			h->consecutive_failures, (double)(now.ms - h->failing_since.ms) / 1000.0);
	else if (!h->ever_up)
		pue_log(LOG_INFO, "device %s: up", device);
	h->state = partial ? PUE_DEV_DEGRADED : PUE_DEV_UP;
	h->consecutive_failures = 0;
	h->last_success = now;
	h->latency_ms = latency_ms;
	observe_latency(h, latency_ms);
	h->requests = requests;
	h->polls++;
	h->ever_up = true;
	pue_errtext_set(&h->last_error, partial ? error : NULL);
}

void
pue_health_failure(struct pue_health *h, const char *device, pue_wall_t now, pue_mono_t now_mono,
		   unsigned requests, const char *error)
{
	bool changed = strcmp(pue_health_error(h), error) != 0;

	h->polls++;
	h->failures++;
	h->requests = requests;
	if (h->consecutive_failures++ == 0) {
		h->failing_since = now;
		h->last_summary = now_mono;
		pue_log(LOG_WARNING, "device %s: failing: %s", device, error);
	} else if (now_mono.ns - h->last_summary.ns >= (int64_t)PUE_HEALTH_SUMMARY_MS * 1000000) {
		h->last_summary = now_mono;
		pue_log(LOG_WARNING, "device %s: still failing after %u polls (%.0f s): %s", device,
			h->consecutive_failures, (double)(now.ms - h->failing_since.ms) / 1000.0,
			error);
	} else if (changed)
		pue_log(LOG_INFO, "device %s: now failing with: %s", device, error);
	if (!h->ever_up || h->consecutive_failures >= PUE_DOWN_AFTER)
		h->state = PUE_DEV_DOWN;
	else
		h->state = PUE_DEV_DEGRADED;
	pue_errtext_set(&h->last_error, error);
}

const char *
pue_health_error(const struct pue_health *h)
{
	return pue_errtext_get(&h->last_error);
}

void
pue_health_copy(struct pue_health *dst, const struct pue_health *src)
{
	*dst = *src;
	pue_errtext_copy(&dst->last_error, &src->last_error);
}

void
pue_health_release(struct pue_health *h)
{
	pue_errtext_clear(&h->last_error);
	memset(h, 0, sizeof(*h));
}

const char *
pue_health_state_name(enum pue_dev_state s)
{
	switch (s) {
	case PUE_DEV_UP:
		return "up";
	case PUE_DEV_DEGRADED:
		return "degraded";
	case PUE_DEV_DOWN:
		return "down";
	case PUE_DEV_UNKNOWN:
		break;
	}
	return "unknown";
}

int64_t
pue_health_interval_ms(const struct pue_health *h, int64_t interval_ms)
{
	int64_t ms = interval_ms;
	unsigned k;

	if (h->consecutive_failures < PUE_DOWN_AFTER)
		return ms;
	for (k = h->consecutive_failures - PUE_DOWN_AFTER + 1;
	     k > 0 && ms < PUE_HEALTH_MAX_BACKOFF_MS; k--)
		ms *= 2;
	if (ms < PUE_HEALTH_MAX_BACKOFF_MS)
		return ms;
	return interval_ms > PUE_HEALTH_MAX_BACKOFF_MS ? interval_ms : PUE_HEALTH_MAX_BACKOFF_MS;
}

/* Steps *deadline by step_ms, and past now when it would not be; returns
 * the ticks stepped over (missed). */
static uint64_t
advance(pue_mono_t *deadline, int64_t step_ms, pue_mono_t now)
{
	int64_t step = step_ms * 1000000, missed = 0;

	deadline->ns += step;
	if (deadline->ns <= now.ns) {
		missed = (now.ns - deadline->ns) / step + 1;
		deadline->ns += missed * step;
	}
	return (uint64_t)missed;
}

void
pue_health_next_deadline(struct pue_health *h, pue_mono_t *deadline, int64_t step_ms,
			 pue_mono_t now)
{
	h->last_tick = *deadline;
	h->skipped += advance(deadline, step_ms, now);
}

bool
pue_health_resume(struct pue_health *h, pue_mono_t *deadline, int64_t interval_ms, pue_mono_t now)
{
	pue_mono_t next = h->last_tick;
	uint64_t missed = advance(&next, pue_health_interval_ms(h, interval_ms), now);

	if (next.ns >= deadline->ns)
		return false;
	*deadline = next;
	h->skipped += missed;
	return true;
}
