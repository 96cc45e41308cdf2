/* SPDX-License-Identifier: MIT */
/*
 * health.h - a device's polling health, and the log lines about it.
 * Main thread only. A failing device logs the change (up -> failing), then
 * one summary every few minutes, then its recovery with how long it lasted;
 * never a line per poll.
 */
#ifndef PUE_HEALTH_H
#define PUE_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/errtext.h"

enum pue_dev_state {
	PUE_DEV_UNKNOWN,  /* not polled yet */
	PUE_DEV_UP,	  /* last poll read every point */
	PUE_DEV_DEGRADED, /* last poll read some points, or the first failures */
	PUE_DEV_DOWN,	  /* PUE_DOWN_AFTER failed polls in a row, or never up */
};

/* Failed polls in a row after which an up device counts as down. */
#define PUE_DOWN_AFTER 3
/* Interval between "still failing" summaries. */
#define PUE_HEALTH_SUMMARY_MS (5 * 60 * 1000)

/* The poll latency histogram's upper bounds, in ms (Prometheus'
 * pued_device_poll_duration_seconds): a Modbus poll on a LAN takes a few
 * ms, a gateway with retries or an SNMP agent far away seconds. */
#define PUE_LATENCY_BUCKETS 13
extern const int64_t pue_health_latency_bucket_ms[PUE_LATENCY_BUCKETS];

struct pue_health {
	enum pue_dev_state state;
	unsigned consecutive_failures;
	pue_wall_t last_success;  /* 0: never */
	pue_wall_t failing_since; /* first failure of the current run */
	pue_mono_t last_summary;
	/* None when the last poll read every point; read it with
	 * pue_health_error(). A pointer: copy a health with pue_health_copy(). */
	struct pue_errtext last_error;
	int64_t latency_ms; /* of the last poll, all its requests */
	unsigned requests;  /* requests the last poll needed, retries included */
	bool ever_up;
	uint64_t polls, failures, skipped;
	uint64_t protocol_errors; /* answers rejected: another unit's, or malformed (Modbus) */
	pue_mono_t last_tick; /* the deadline the last pue_health_next_deadline() stepped from */
	/* Latency of the polls that read something (pue_health_success()):
	 * how many took at most pue_health_latency_bucket_ms[i] and more than the
	 * bound before (the last: more than all), and their sum. A bucket is 32
	 * bits: every device's health is here and in each round's snapshot
	 * (issue 18), and one bucket wraps only after 2^32 polls, 136 years at
	 * 1 s, 13.6 at the 100 ms minimum, which Prometheus then reads as a
	 * counter reset, as it reads pued's restart. */
	uint32_t latency_count[PUE_LATENCY_BUCKETS + 1];
	int64_t latency_sum_ms;
};

/* Records a poll that read every point (partial false) or some (true). */
void pue_health_success(struct pue_health *h, const char *device, pue_wall_t now,
			int64_t latency_ms, unsigned requests, bool partial, const char *error);

/* Records a failed poll with its error. now_mono paces the summaries. */
void pue_health_failure(struct pue_health *h, const char *device, pue_wall_t now,
			pue_mono_t now_mono, unsigned requests, const char *error);

/* Longest pause between polls of a device that stays down. */
#define PUE_HEALTH_MAX_BACKOFF_MS (60 * 1000)

/* The poll interval to use now: interval_ms while the device answers, then
 * doubling per failed poll once it is down, capped at
 * PUE_HEALTH_MAX_BACKOFF_MS (or interval_ms when that is longer). A dead
 * meter costs a whole timeout per try, which healthy ones need. */
int64_t pue_health_interval_ms(const struct pue_health *h, int64_t interval_ms);

/* Advances *deadline by one step (deadline + interval, so polls do not
 * drift); when now is already past it, skips the ticks missed rather than
 * bursting, and counts them in h->skipped. Remembers the tick it stepped
 * from in h->last_tick. The poller calls it when a tick fires, before the
 * poll it starts has a result. */
void pue_health_next_deadline(struct pue_health *h, pue_mono_t *deadline, int64_t step_ms,
			      pue_mono_t now);

/* Called once a poll's result is recorded (pue_health_success() or
 * _failure()). The step taken at the poll's tick was chosen before its
 * result was known: for a probe of a device that is down, a backoff step.
 * When the result calls for a shorter step (the device answers again), the
 * next deadline becomes last_tick + interval_ms, with ticks already past
 * skipped and counted as pue_health_next_deadline() does, so a recovered
 * device is polled on its normal schedule from that probe on. A longer
 * step (a device just gone down) waits for the next tick. Returns true
 * when *deadline moved: the caller re-arms its timer. */
bool pue_health_resume(struct pue_health *h, pue_mono_t *deadline, int64_t interval_ms,
		       pue_mono_t now);

/* The last poll's error, "" when it read every point. Valid until h
 * changes. */
const char *pue_health_error(const struct pue_health *h);

/* Makes dst a copy of src with its own error text (a snapshot's, which
 * outlives what the poller holds). dst holds nothing yet: zeroed, or
 * released. Never fails: out of memory, the copy's text says so. */
void pue_health_copy(struct pue_health *dst, const struct pue_health *src);

/* Frees what h holds; h is then a zeroed health. */
void pue_health_release(struct pue_health *h);

/* "unknown", "up", "degraded", "down". */
const char *pue_health_state_name(enum pue_dev_state s);

#endif
